import { AuthentikForwardAuth, AUTHENTIK_RESPONSE_HEADERS, AuthPosture, ProtectedIngress, ProtectedIngressProps } from '../lib';
import { Construct } from 'constructs';
import { manifestsOf, onlyOf, resourcesOf, synthResources } from './helpers';

const base: ProtectedIngressProps = {
  namespace: 'terminal',
  host: 'terminal.example.com',
  service: { name: 'terminal', port: 80 },
  tlsSecretName: 'terminal-tls',
};

function ingressIn(scope: Construct, props: Partial<ProtectedIngressProps> = {}): ProtectedIngress {
  return new ProtectedIngress(scope, 'Ingress', { ...base, ...props });
}

const MIDDLEWARES = 'traefik.ingress.kubernetes.io/router.middlewares';

describe('ProtectedIngress', () => {
  test('makes a traefik Ingress on websecure with TLS and the Authentik middleware', () => {
    const res = synthResources((scope) => ingressIn(scope));
    const ingress = onlyOf(res, 'kubernetes_ingress_v1');
    expect(ingress.metadata.annotations).toStrictEqual({
      'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure',
      'traefik.ingress.kubernetes.io/router.tls': 'true',
      [MIDDLEWARES]: 'traefik-authentik-forward-auth@kubernetescrd',
      'webterminal.dev/auth-posture': 'required',
    });
    expect(ingress.spec.ingress_class_name).toBe('traefik');
    expect(ingress.spec.tls).toStrictEqual([{ hosts: ['terminal.example.com'], secret_name: 'terminal-tls' }]);
    expect(ingress.spec.rule).toStrictEqual([
      {
        host: 'terminal.example.com',
        http: { path: [{ path: '/', path_type: 'Prefix', backend: { service: { name: 'terminal', port: { number: 80 } } } }] },
      },
    ]);
  });

  test('attaches the Authentik middleware first, then the extra ones in the order given', () => {
    const res = synthResources((scope) =>
      ingressIn(scope, {
        authMiddleware: { namespace: 'auth', name: 'ak' },
        middlewares: [{ namespace: 'traefik', name: 'headers' }, { namespace: 'terminal', name: 'ratelimit' }],
      }),
    );
    expect(onlyOf(res, 'kubernetes_ingress_v1').metadata.annotations[MIDDLEWARES]).toBe('auth-ak@kubernetescrd,traefik-headers@kubernetescrd,terminal-ratelimit@kubernetescrd');
  });

  test.each<[AuthPosture, string | undefined]>([
    ['required', 'traefik-authentik-forward-auth@kubernetescrd'],
    ['public', 'traefik-authentik-forward-auth@kubernetescrd'],
    ['app', undefined],
    ['none', undefined],
  ])('auth %s: middleware annotation is %s', (auth, expected) => {
    const res = synthResources((scope) => ingressIn(scope, { auth, authReason: 'the app has its own login' }));
    const annotations = onlyOf(res, 'kubernetes_ingress_v1').metadata.annotations;
    expect(annotations[MIDDLEWARES]).toBe(expected);
    expect(annotations['webterminal.dev/auth-posture']).toBe(auth);
  });

  test.each<AuthPosture>(['app', 'none'])('fails when auth is %s without a reason', (auth) => {
    expect(() => synthResources((scope) => ingressIn(scope, { auth }))).toThrow(
      `protected-ingress: auth "${auth}" leaves the host without Authentik: give authReason to say why`,
    );
    expect(() => synthResources((scope) => ingressIn(scope, { auth, authReason: '   ' }))).toThrow('give authReason');
  });

  test('records the reason for app and none as an annotation', () => {
    const res = synthResources((scope) => ingressIn(scope, { auth: 'none', authReason: 'status page, public on purpose' }));
    expect(onlyOf(res, 'kubernetes_ingress_v1').metadata.annotations['webterminal.dev/auth-reason']).toBe('status page, public on purpose');
  });

  test('routes sibling paths through their own Ingress with auth, then strip-prefix', () => {
    let ingress: ProtectedIngress | undefined;
    const res = synthResources((scope) => {
      ingress = ingressIn(scope, { routes: [{ path: '/clipboard/', service: { name: 'terminal-clipboard', port: 80 } }] });
      ingress.addRoute({ path: '/api/sessions/', service: { name: 'terminal-api-sessions', port: 80 }, stripPrefix: false });
    });
    const ingresses = resourcesOf(res, 'kubernetes_ingress_v1');
    const byName = Object.fromEntries(ingresses.map((i) => [i.metadata.name, i]));
    expect(Object.keys(byName).sort()).toStrictEqual(['terminal', 'terminal-api-sessions', 'terminal-clipboard']);
    expect(byName['terminal-clipboard'].metadata.annotations[MIDDLEWARES]).toBe('traefik-authentik-forward-auth@kubernetescrd,terminal-terminal-strip-clipboard@kubernetescrd');
    expect(byName['terminal-clipboard'].spec.rule[0].http.path[0]).toStrictEqual({
      path: '/clipboard/',
      path_type: 'Prefix',
      backend: { service: { name: 'terminal-clipboard', port: { number: 80 } } },
    });
    expect(byName['terminal-clipboard'].spec.tls).toStrictEqual(byName.terminal.spec.tls);
    expect(byName['terminal-api-sessions'].metadata.annotations[MIDDLEWARES]).toBe('traefik-authentik-forward-auth@kubernetescrd');
    const strips = manifestsOf(res, 'Middleware');
    expect(strips).toStrictEqual([
      {
        apiVersion: 'traefik.io/v1alpha1',
        kind: 'Middleware',
        metadata: { name: 'terminal-strip-clipboard', namespace: 'terminal', labels: { 'app.kubernetes.io/part-of': 'webterminal' } },
        spec: { stripPrefix: { prefixes: ['/clipboard'] } },
      },
    ]);
    expect(ingress!.routes.map((r) => [r.path, r.stripPrefix])).toStrictEqual([
      ['/clipboard/', true],
      ['/api/sessions/', false],
    ]);
  });

  test('as an IngressRoute: one route per path, same auth, middlewares as objects', () => {
    const res = synthResources((scope) => {
      const ingress = ingressIn(scope, { kind: 'IngressRoute', middlewares: [{ namespace: 'traefik', name: 'headers' }] });
      ingress.addRoute({ path: '/clipboard/', service: { name: 'terminal-clipboard', port: 80 } });
    });
    expect(resourcesOf(res, 'kubernetes_ingress_v1')).toHaveLength(0);
    const [route] = manifestsOf(res, 'IngressRoute');
    expect(route.metadata).toStrictEqual({
      name: 'terminal',
      namespace: 'terminal',
      labels: { 'app.kubernetes.io/part-of': 'webterminal' },
      annotations: { 'webterminal.dev/auth-posture': 'required' },
    });
    expect(route.spec).toStrictEqual({
      entryPoints: ['websecure'],
      tls: { secretName: 'terminal-tls' },
      routes: [
        {
          kind: 'Rule',
          match: 'Host(`terminal.example.com`)',
          middlewares: [{ name: 'authentik-forward-auth', namespace: 'traefik' }, { name: 'headers', namespace: 'traefik' }],
          services: [{ name: 'terminal', port: 80 }],
        },
        {
          kind: 'Rule',
          match: 'Host(`terminal.example.com`) && PathPrefix(`/clipboard/`)',
          middlewares: [
            { name: 'authentik-forward-auth', namespace: 'traefik' },
            { name: 'terminal-strip-clipboard', namespace: 'terminal' },
            { name: 'headers', namespace: 'traefik' },
          ],
          services: [{ name: 'terminal-clipboard', port: 80 }],
        },
      ],
    });
  });

  test('fails when two routes have the same path', () => {
    expect(() =>
      synthResources((scope) =>
        ingressIn(scope, {
          routes: [
            { path: '/clipboard/', service: { name: 'a', port: 80 } },
            { path: '/clipboard/', service: { name: 'b', port: 80 } },
          ],
        }),
      ),
    ).toThrow('protected-ingress: route path "/clipboard/" is given twice');
  });

  test('fails on a host that is not a DNS name, a bad route path and port, all at once', () => {
    expect(() => synthResources((scope) => ingressIn(scope, { host: 'terminal..example.com', service: { name: 'terminal', port: 0 } }))).toThrow(
      [
        'protected-ingress: host "terminal..example.com" is not a valid DNS name (lowercase letters, digits and \'-\', in dot-separated labels of 1-63 characters)',
        'protected-ingress: service.port 0 is not a port (an integer from 1 to 65535)',
      ].join('\n'),
    );
    expect(() => synthResources((scope) => ingressIn(scope).addRoute({ path: 'clipboard', service: { name: 'c', port: 80 } }))).toThrow(
      'protected-ingress: route path "clipboard" is not a path prefix',
    );
  });

  test('fails on an unknown auth posture, naming the accepted ones', () => {
    expect(() => synthResources((scope) => ingressIn(scope, { auth: 'optional' as AuthPosture }))).toThrow(
      'protected-ingress: auth "optional" is not one of "required", "public", "app", "none"',
    );
  });
});

describe('AuthentikForwardAuth', () => {
  test('creates the forwardAuth Middleware Authentik recommends', () => {
    let ref;
    const res = synthResources((scope) => {
      ref = new AuthentikForwardAuth(scope, 'Auth').ref;
    });
    expect(ref).toStrictEqual({ namespace: 'traefik', name: 'authentik-forward-auth' });
    expect(manifestsOf(res, 'Middleware')).toStrictEqual([
      {
        apiVersion: 'traefik.io/v1alpha1',
        kind: 'Middleware',
        metadata: { name: 'authentik-forward-auth', namespace: 'traefik', labels: {} },
        spec: {
          forwardAuth: {
            address: 'http://ak-outpost-authentik-embedded-outpost.authentik.svc.cluster.local:9000/outpost.goauthentik.io/auth/traefik',
            trustForwardHeader: true,
            authResponseHeaders: [...AUTHENTIK_RESPONSE_HEADERS],
          },
        },
      },
    ]);
    expect(AUTHENTIK_RESPONSE_HEADERS).toHaveLength(11);
  });

  test('fails on an outpost URL that is not http(s)', () => {
    expect(() => synthResources((scope) => new AuthentikForwardAuth(scope, 'Auth', { outpostUrl: 'ftp://outpost' }))).toThrow(
      'authentik-forward-auth: outpostUrl "ftp://outpost" is not an http or https URL',
    );
  });
});
