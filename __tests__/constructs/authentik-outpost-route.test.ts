import { TerraformStack, Testing } from '../../lib/private/cdktf';
import { AuthentikOutpostRoute, AuthentikOutpostRouteProps } from '../../lib';
import { manifestsOf, onlyOf, resourcesOf, synthResources } from '../support/synth';

const base: AuthentikOutpostRouteProps = { host: 'terminal.example.com' };

describe('AuthentikOutpostRoute', () => {
  test("as an Ingress: in the outpost's namespace, naming its Service there, with no ExternalName Service and no middleware", () => {
    const res = synthResources((scope) => new AuthentikOutpostRoute(scope, 'Outpost', base));
    expect(resourcesOf(res, 'kubernetes_service_v1')).toHaveLength(0);
    const ingress = onlyOf(res, 'kubernetes_ingress_v1');
    expect(ingress.metadata.annotations).toStrictEqual({
      'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure',
      'traefik.ingress.kubernetes.io/router.tls': 'true',
      'webterminal.dev/auth-posture': 'none',
      'webterminal.dev/auth-reason': 'Authentik outpost path: the login flow itself, served by the outpost',
    });
    expect(ingress.metadata.namespace).toBe('authentik');
    expect(ingress.metadata.name).toBe('terminal-outpost');
    expect(ingress.spec.rule).toStrictEqual([
      {
        host: 'terminal.example.com',
        http: {
          path: [
            {
              path: '/outpost.goauthentik.io/',
              path_type: 'Prefix',
              backend: { service: { name: 'ak-outpost-authentik-embedded-outpost', port: { number: 9000 } } },
            },
          ],
        },
      },
    ]);
    // No Secret: Traefik picks the host's certificate (from the protected host's own route) by SNI.
    expect(ingress.spec.tls).toStrictEqual([{ hosts: ['terminal.example.com'] }]);
  });

  test("as an IngressRoute: in the outpost's namespace, one route to its Service without a cross-namespace reference or middleware", () => {
    const res = synthResources(
      (scope) =>
        new AuthentikOutpostRoute(scope, 'Outpost', { ...base, ingressKind: 'IngressRoute', outpost: { namespace: 'auth', name: 'ak', port: 9001 } }),
    );
    expect(resourcesOf(res, 'kubernetes_service_v1')).toHaveLength(0);
    const [route] = manifestsOf(res, 'IngressRoute');
    expect(route.metadata.namespace).toBe('auth');
    expect(route.spec).toStrictEqual({
      entryPoints: ['websecure'],
      routes: [
        {
          kind: 'Rule',
          match: 'Host(`terminal.example.com`) && PathPrefix(`/outpost.goauthentik.io/`)',
          services: [{ name: 'ak', port: 9001 }],
        },
      ],
      tls: {},
    });
  });

  test('fails on a bad outpost, naming each field', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    expect(() => new AuthentikOutpostRoute(stack, 'Outpost', { ...base, outpost: { namespace: 'Auth', port: 0 } })).toThrow(
      [
        'authentik-outpost-route: outpost.namespace "Auth" is not a DNS-1123 label (1-63 lowercase letters, digits or \'-\', starting and ' +
          'ending with a letter or digit)',
        'authentik-outpost-route: outpost.port 0 is not a port (an integer from 1 to 65535)',
      ].join('\n'),
    );
  });
});
