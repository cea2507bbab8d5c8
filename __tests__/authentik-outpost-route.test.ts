import { TerraformStack, Testing } from '../lib/private/cdktf';
import { AuthentikOutpostRoute, AuthentikOutpostRouteProps } from '../lib';
import { manifestsOf, onlyOf, resourcesOf, synthResources } from './support/synth';

const base: AuthentikOutpostRouteProps = { namespace: 'terminal', host: 'terminal.example.com', tlsSecretName: 'terminal-tls' };

describe('AuthentikOutpostRoute', () => {
  test('as an Ingress: an ExternalName Service for the outpost and an Ingress for its path, without any middleware', () => {
    const res = synthResources((scope) => new AuthentikOutpostRoute(scope, 'Outpost', base));
    const service = onlyOf(res, 'kubernetes_service_v1');
    expect(service.metadata.name).toBe('terminal-outpost');
    expect(service.spec).toStrictEqual({
      type: 'ExternalName',
      external_name: 'ak-outpost-authentik-embedded-outpost.authentik.svc.cluster.local',
      port: [{ name: 'http', port: 9000, target_port: '9000', protocol: 'TCP' }],
    });
    const ingress = onlyOf(res, 'kubernetes_ingress_v1');
    expect(ingress.metadata.annotations).toStrictEqual({
      'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure',
      'traefik.ingress.kubernetes.io/router.tls': 'true',
      'webterminal.dev/auth-posture': 'none',
      'webterminal.dev/auth-reason': 'Authentik outpost path: the login flow itself, served by the outpost',
    });
    expect(ingress.spec.rule).toStrictEqual([
      {
        host: 'terminal.example.com',
        http: {
          path: [
            { path: '/outpost.goauthentik.io/', path_type: 'Prefix', backend: { service: { name: 'terminal-outpost', port: { number: 9000 } } } },
          ],
        },
      },
    ]);
    expect(ingress.spec.tls).toStrictEqual([{ hosts: ['terminal.example.com'], secret_name: 'terminal-tls' }]);
  });

  test('as an IngressRoute: one route to the outpost Service in its own namespace, without any middleware', () => {
    const res = synthResources(
      (scope) =>
        new AuthentikOutpostRoute(scope, 'Outpost', { ...base, kind: 'IngressRoute', outpost: { namespace: 'auth', name: 'ak', port: 9001 } }),
    );
    expect(resourcesOf(res, 'kubernetes_service_v1')).toHaveLength(0);
    const [route] = manifestsOf(res, 'IngressRoute');
    expect(route.spec).toStrictEqual({
      entryPoints: ['websecure'],
      routes: [
        {
          kind: 'Rule',
          match: 'Host(`terminal.example.com`) && PathPrefix(`/outpost.goauthentik.io/`)',
          services: [{ name: 'ak', namespace: 'auth', port: 9001 }],
        },
      ],
      tls: { secretName: 'terminal-tls' },
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
