import { AUTHENTIK_RESPONSE_HEADERS, AuthPosture, ProtectedIngress, ProtectedIngressProps } from '../../lib';
import { Construct } from 'constructs';
import { manifestsOf, onlyOf, resourcesOf, synthResources } from '../support/synth';

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
      // The lowest priority: every other router of the host outranks the catch-all, exact paths of 7 characters or fewer too.
      'traefik.ingress.kubernetes.io/router.priority': '1',
      [MIDDLEWARES]: 'terminal-terminal-client-headers@kubernetescrd,traefik-authentik-forward-auth@kubernetescrd',
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

  test('removes client-sent auth headers first, then runs the Authentik middleware, then the extra ones in the order given', () => {
    const res = synthResources((scope) =>
      ingressIn(scope, {
        authMiddleware: { namespace: 'auth', name: 'ak' },
        middlewares: {
          afterAuth: [
            { namespace: 'traefik', name: 'headers' },
            { namespace: 'terminal', name: 'ratelimit' },
          ],
        },
      }),
    );
    expect(onlyOf(res, 'kubernetes_ingress_v1').metadata.annotations[MIDDLEWARES]).toBe(
      'terminal-terminal-client-headers@kubernetescrd,auth-ak@kubernetescrd,traefik-headers@kubernetescrd,terminal-ratelimit@kubernetescrd',
    );
  });

  test.each<[AuthPosture, string | undefined]>([
    ['required', 'terminal-terminal-client-headers@kubernetescrd,traefik-authentik-forward-auth@kubernetescrd'],
    ['public', 'terminal-terminal-client-headers@kubernetescrd,traefik-authentik-forward-auth@kubernetescrd'],
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
    expect(byName['terminal-clipboard'].metadata.annotations[MIDDLEWARES]).toBe(
      'terminal-terminal-client-headers@kubernetescrd,traefik-authentik-forward-auth@kubernetescrd,terminal-terminal-strip-clipboard@kubernetescrd',
    );
    expect(byName['terminal-clipboard'].spec.rule[0].http.path[0]).toStrictEqual({
      path: '/clipboard/',
      path_type: 'Prefix',
      backend: { service: { name: 'terminal-clipboard', port: { number: 80 } } },
    });
    expect(byName['terminal-clipboard'].spec.tls).toStrictEqual(byName.terminal.spec.tls);
    expect(byName['terminal-api-sessions'].metadata.annotations[MIDDLEWARES]).toBe(
      'terminal-terminal-client-headers@kubernetescrd,traefik-authentik-forward-auth@kubernetescrd',
    );
    const strips = manifestsOf(res, 'Middleware').filter((m) => m.spec.stripPrefix !== undefined);
    expect(strips).toStrictEqual([
      {
        apiVersion: 'traefik.io/v1alpha1',
        kind: 'Middleware',
        metadata: { name: 'terminal-strip-clipboard', namespace: 'terminal', labels: { 'app.kubernetes.io/part-of': 'webterminal' } },
        spec: { stripPrefix: { prefixes: ['/clipboard'] } },
      },
    ]);
    expect(ingress!.routes.map((r) => [r.name, r.prefixes, r.stripPrefix])).toStrictEqual([
      ['clipboard', ['/clipboard/'], true],
      ['api-sessions', ['/api/sessions/'], false],
    ]);
  });

  test('as an IngressRoute: one route per path, same auth, middlewares as objects', () => {
    const res = synthResources((scope) => {
      const ingress = ingressIn(scope, { ingressKind: 'IngressRoute', middlewares: { afterAuth: [{ namespace: 'traefik', name: 'headers' }] } });
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
          priority: 1,
          middlewares: [
            { name: 'terminal-client-headers', namespace: 'terminal' },
            { name: 'authentik-forward-auth', namespace: 'traefik' },
            { name: 'headers', namespace: 'traefik' },
          ],
          services: [{ name: 'terminal', port: 80 }],
        },
        {
          kind: 'Rule',
          match: 'Host(`terminal.example.com`) && PathPrefix(`/clipboard/`)',
          middlewares: [
            { name: 'terminal-client-headers', namespace: 'terminal' },
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
    ).toThrow('protected-ingress: routes[1].path "/clipboard/" is given twice');
  });

  test('fails on a host that is not a DNS name, a bad route path and port, all at once', () => {
    expect(() => synthResources((scope) => ingressIn(scope, { host: 'terminal..example.com', service: { name: 'terminal', port: 0 } }))).toThrow(
      [
        'protected-ingress: host "terminal..example.com" is not a valid DNS name (lowercase letters, digits and \'-\', in dot-separated ' +
          'labels of 1-63 characters)',
        'protected-ingress: service.port 0 is not a port (an integer from 1 to 65535)',
      ].join('\n'),
    );
    expect(() => synthResources((scope) => ingressIn(scope).addRoute({ path: 'clipboard', service: { name: 'c', port: 80 } }))).toThrow(
      'protected-ingress: routes[0].path "clipboard" is not a path prefix',
    );
  });

  test('the header middleware deletes every Authentik header a client could send, the one ttyd trusts included', () => {
    let ingress: ProtectedIngress | undefined;
    const res = synthResources((scope) => {
      ingress = ingressIn(scope);
    });
    const [headers] = manifestsOf(res, 'Middleware');
    expect(headers.metadata).toStrictEqual({
      name: 'terminal-client-headers',
      namespace: 'terminal',
      labels: { 'app.kubernetes.io/part-of': 'webterminal' },
    });
    // Traefik's headers middleware deletes a request header whose customRequestHeaders value is empty.
    expect(headers.spec).toStrictEqual({ headers: { customRequestHeaders: Object.fromEntries(AUTHENTIK_RESPONSE_HEADERS.map((h) => [h, ''])) } });
    expect(headers.spec.headers.customRequestHeaders['X-authentik-username']).toBe('');
    expect(ingress!.middlewares[0]).toStrictEqual({ namespace: 'terminal', name: 'terminal-client-headers' });
  });

  test('an empty removeClientHeaders (the auth middleware removes them itself) adds no header middleware', () => {
    const res = synthResources((scope) => ingressIn(scope, { removeClientHeaders: [] }));
    expect(manifestsOf(res, 'Middleware')).toHaveLength(0);
    expect(onlyOf(res, 'kubernetes_ingress_v1').metadata.annotations[MIDDLEWARES]).toBe('traefik-authentik-forward-auth@kubernetescrd');
  });

  test.each<AuthPosture>(['app', 'none'])('refuses auth %s for a shell host, even with a reason, and says why', (auth) => {
    expect(() => synthResources((scope) => ingressIn(scope, { auth, authReason: 'ttyd has its own login', servesShell: true }))).toThrow(
      `protected-ingress: auth "${auth}" is refused for a shell host: ttyd trusts a header that any client can send, so only Authentik in ` +
        `front keeps the shell closed; use "required" (or "public", where the Authentik middleware still runs)`,
    );
  });

  test('accepts public for a shell host: the Authentik middleware still runs', () => {
    const res = synthResources((scope) => ingressIn(scope, { auth: 'public', servesShell: true }));
    expect(onlyOf(res, 'kubernetes_ingress_v1').metadata.annotations[MIDDLEWARES]).toContain('traefik-authentik-forward-auth@kubernetescrd');
  });

  test('an IngressRoute speaks https through the ServersTransport a TLS service names', () => {
    const res = synthResources((scope) =>
      ingressIn(scope, { ingressKind: 'IngressRoute', service: { name: 'terminal', port: 80, scheme: 'https', serversTransport: 'terminal' } }),
    );
    expect(manifestsOf(res, 'IngressRoute')[0].spec.routes[0].services).toStrictEqual([
      { name: 'terminal', port: 80, scheme: 'https', serversTransport: 'terminal' },
    ]);
  });

  test('fails on an unknown auth posture, naming the accepted ones', () => {
    expect(() => synthResources((scope) => ingressIn(scope, { auth: 'optional' as AuthPosture }))).toThrow(
      'protected-ingress: auth "optional" is not one of "required", "public", "app", "none"',
    );
  });
});
