/**
 * The terminal's routes: names, exact paths and prefixes, public carve-outs with their priority, the
 * middleware chain before and after auth (and what `adopt` keeps), compress, the probe's routes and
 * routers, and every refusal at once. Read as the API objects the provider would send.
 */
import { ASSETS } from '../support/carve-out-case';
import {
  AUTHENTIK_RESPONSE_HEADERS,
  TerminalStack,
  type TerminalStackProps,
  type TerminalRouteOptions,
  TtydBackend,
  ValidationError,
} from '../../lib';
import { Testing } from '../../lib/private/cdktf';
import { objectsOf, type KubeObject } from '../support/provider-stand-in';
import type { JsonNode as Json } from '../support/synth';

const VM = TtydBackend.externalHost({ address: '192.0.2.10', port: 7681 });
const HOST = 'terminal.example.org';

const CARVE_OUT: TerminalRouteOptions = {
  name: 'assets',
  paths: ASSETS,
  hostPort: 7690,
  auth: 'public',
  authReason: 'icon fetchers and the PWA manifest request carry no session cookie',
  probe: { path: '/manifest.webmanifest', status: 200 },
};
const SKILLS: TerminalRouteOptions = { name: 'skills', paths: ['/skills'], prefixes: ['/skills/'], hostPort: 7691, compress: true };

function objects(props: Partial<TerminalStackProps>): KubeObject[] {
  const stack = new TerminalStack(Testing.app(), 'terminal', { host: HOST, ttyd: VM, ...props });
  return objectsOf(JSON.parse(Testing.synth(stack)) as unknown).map((r) => r.object);
}

const named = (all: KubeObject[], kind: string, name: string): Json => {
  const found = all.find((o) => o.kind === kind && (o.metadata as { name: string }).name === name);
  if (found === undefined)
    throw new Error(`no ${kind} ${name} among ${all.map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`).join(', ')}`);
  return found as unknown as Json;
};

const errorOf = (props: Partial<TerminalStackProps>): string => {
  try {
    objects(props);
  } catch (error) {
    if (error instanceof ValidationError) return error.message;
    throw error;
  }
  throw new Error('no error');
};

const probeEnv = (all: KubeObject[]): Record<string, string> => {
  const cron = named(all, 'CronJob', 'webterminal-probe');
  const env = cron.spec.jobTemplate.spec.template.spec.containers[0].env as unknown as { name: string; value?: string }[];
  return Object.fromEntries(env.map((e) => [e.name, e.value ?? '']));
};

describe('routes as Ingress objects', () => {
  test('a route with exact paths and prefixes is one Ingress with Exact and Prefix paths, the prefixes stripped', () => {
    const all = objects({ routes: [SKILLS] });
    const ingress = named(all, 'Ingress', 'terminal-skills');
    const backend = { service: { name: 'terminal-skills', port: { number: 80 } } };
    expect(ingress.spec.rules[0].http.paths).toStrictEqual([
      { path: '/skills', pathType: 'Exact', backend },
      { path: '/skills/', pathType: 'Prefix', backend },
    ]);
    expect(named(all, 'Middleware', 'terminal-strip-skills').spec).toStrictEqual({ stripPrefix: { prefixes: ['/skills'] } });
  });

  test('compress: a Traefik compress Middleware of the stack, last in the route’s chain', () => {
    const all = objects({ routes: [SKILLS] });
    expect(named(all, 'Middleware', 'terminal-compress-skills').spec).toStrictEqual({ compress: {} });
    expect(named(all, 'Ingress', 'terminal-skills').metadata.annotations['traefik.ingress.kubernetes.io/router.middlewares']).toBe(
      'terminal-terminal-client-headers@kubernetescrd,traefik-authentik-forward-auth@kubernetescrd,' +
        'terminal-terminal-strip-skills@kubernetescrd,terminal-terminal-compress-skills@kubernetescrd',
    );
  });

  test('a public carve-out has no forward-auth, an explicit priority, posture none and its reason', () => {
    const all = objects({ routes: [CARVE_OUT] });
    const ingress = named(all, 'Ingress', 'terminal-assets');
    expect(ingress.metadata.annotations).toStrictEqual({
      'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure',
      'traefik.ingress.kubernetes.io/router.tls': 'true',
      'traefik.ingress.kubernetes.io/router.priority': '10000',
      'traefik.ingress.kubernetes.io/router.middlewares': 'terminal-terminal-client-headers@kubernetescrd',
      'webterminal.dev/auth-posture': 'none',
      'webterminal.dev/auth-reason': CARVE_OUT.authReason,
    });
    expect((ingress.spec.rules[0].http.paths as unknown as { path: string; pathType: string }[]).map((p) => [p.path, p.pathType])).toStrictEqual(
      ASSETS.map((p) => [p, 'Exact']),
    );
    // Nothing to strip without prefixes; the terminal's catch-all has the lowest priority.
    expect(all.filter((o) => o.kind === 'Middleware' && (o.metadata as { name: string }).name.includes('strip-assets'))).toStrictEqual([]);
    expect(named(all, 'Ingress', 'terminal').metadata.annotations['traefik.ingress.kubernetes.io/router.priority']).toBe('1');
  });

  test('with a created forward-auth middleware, carve-outs get a header middleware of their own that removes every Authentik header', () => {
    const all = objects({
      createAuthMiddleware: true,
      routes: [CARVE_OUT, { ...CARVE_OUT, name: 'fonts', paths: ['/fonts.css'], probe: undefined }],
    });
    const headers = all.filter((o) => o.kind === 'Middleware' && (o.spec as { headers?: unknown }).headers !== undefined);
    expect(headers.map((o) => (o.metadata as { name: string }).name)).toStrictEqual(['terminal-public-headers']);
    expect(Object.keys((headers[0] as unknown as Json).spec.headers.customRequestHeaders).sort()).toStrictEqual(
      [...AUTHENTIK_RESPONSE_HEADERS].sort(),
    );
    for (const name of ['terminal-assets', 'terminal-fonts'])
      expect(named(all, 'Ingress', name).metadata.annotations['traefik.ingress.kubernetes.io/router.middlewares']).toBe(
        'terminal-terminal-public-headers@kubernetescrd',
      );
  });

  test('a route made from a 0.1 path keeps its name and object names', () => {
    const all = objects({ routes: [{ path: '/api/sessions/', hostPort: 7684 }] });
    expect(['Service', 'Ingress'].map((kind) => named(all, kind, 'terminal-api-sessions').kind)).toStrictEqual(['Service', 'Ingress']);
    expect(named(all, 'Middleware', 'terminal-strip-api-sessions').spec).toStrictEqual({ stripPrefix: { prefixes: ['/api/sessions'] } });
  });
});

describe('routes as IngressRoute rules', () => {
  test('one rule per exact path and prefix; a carve-out’s rules carry the priority and no forward-auth', () => {
    const all = objects({ ingressKind: 'IngressRoute', routes: [SKILLS, { ...CARVE_OUT, paths: ASSETS.slice(0, 2) }] });
    const rules = named(all, 'IngressRoute', 'terminal').spec.routes as unknown as { match: string; priority?: number; middlewares: Json[] }[];
    expect(rules.map((r) => [r.match, r.priority, r.middlewares.map((m) => m.name).join(',')])).toStrictEqual([
      ['Host(`terminal.example.org`)', 1, 'terminal-client-headers,authentik-forward-auth'],
      ...['Path(`/skills`)', 'PathPrefix(`/skills/`)'].map((m) => [
        `Host(\`terminal.example.org\`) && ${m}`,
        undefined,
        'terminal-client-headers,authentik-forward-auth,terminal-strip-skills,terminal-compress-skills',
      ]),
      ...ASSETS.slice(0, 2).map((p) => [`Host(\`terminal.example.org\`) && Path(\`${p}\`)`, 10000, 'terminal-client-headers']),
    ]);
  });
});

describe('the middleware chain before and after auth', () => {
  const ref = (name: string) => ({ namespace: 'traefik', name });
  const chainOf = (all: KubeObject[], name: string): string =>
    named(all, 'Ingress', name).metadata.annotations['traefik.ingress.kubernetes.io/router.middlewares'];

  test('the host’s chain on every router, a route’s own after the host’s on each side of auth', () => {
    const all = objects({
      middlewares: { beforeAuth: [ref('retry'), ref('rate-limit')], afterAuth: [ref('local-only')] },
      routes: [
        { path: '/clipboard/', hostPort: 7683, middlewares: { beforeAuth: [ref('buffering')], afterAuth: [ref('csp-clipboard')] } },
        { ...CARVE_OUT, paths: ['/favicon.ico'], probe: undefined },
      ],
    });
    expect(chainOf(all, 'terminal')).toBe(
      'traefik-retry@kubernetescrd,traefik-rate-limit@kubernetescrd,terminal-terminal-client-headers@kubernetescrd,' +
        'traefik-authentik-forward-auth@kubernetescrd,traefik-local-only@kubernetescrd',
    );
    expect(chainOf(all, 'terminal-clipboard')).toBe(
      'traefik-retry@kubernetescrd,traefik-rate-limit@kubernetescrd,traefik-buffering@kubernetescrd,terminal-terminal-client-headers@kubernetescrd,' +
        'traefik-authentik-forward-auth@kubernetescrd,terminal-terminal-strip-clipboard@kubernetescrd,traefik-local-only@kubernetescrd,' +
        'traefik-csp-clipboard@kubernetescrd',
    );
    // The carve-out keeps the host's chain (rate limit included) without the auth step.
    expect(chainOf(all, 'terminal-assets')).toBe(
      'traefik-retry@kubernetescrd,traefik-rate-limit@kubernetescrd,terminal-terminal-client-headers@kubernetescrd,traefik-local-only@kubernetescrd',
    );
  });

  test('adopt keeps the original’s chain before auth unless beforeAuth is given', () => {
    const original =
      'traefik-retry@kubernetescrd,traefik-error-pages@kubernetescrd,traefik-rate-limit@kubernetescrd,traefik-csp-headers@kubernetescrd,' +
      'traefik-crowdsec@kubernetescrd';
    const gate = 'terminal-terminal-client-headers@kubernetescrd,traefik-authentik-forward-auth@kubernetescrd';
    expect(chainOf(objects({ adopt: true }), 'terminal')).toBe(`${original},${gate}`);
    expect(chainOf(objects({ adopt: true, middlewares: { afterAuth: [ref('local-only')] } }), 'terminal')).toBe(
      `${original},${gate},traefik-local-only@kubernetescrd`,
    );
    expect(chainOf(objects({ adopt: true, middlewares: { beforeAuth: [] } }), 'terminal')).toBe(gate);
    expect(chainOf(objects({}), 'terminal')).toBe(gate);
  });

  test('the 0.1 list of middlewares is refused, naming middlewares.afterAuth', () => {
    const old = { middlewares: [ref('headers')] } as unknown as Partial<TerminalStackProps>;
    expect(errorOf(old)).toContain('middlewares[] was renamed in 0.2.0: use middlewares.afterAuth');
  });
});

describe('what the probe is given', () => {
  test('one probe route per probe path: declared, else each exact path, else the prefix; expect from the posture', () => {
    const all = objects({
      routes: [{ path: '/clipboard/', hostPort: 7683 }, SKILLS, CARVE_OUT, { ...CARVE_OUT, name: 'fonts', paths: ['/fonts.css'], probe: undefined }],
      probe: { replicas: '10.0.0.1' },
    });
    expect(JSON.parse(probeEnv(all).PROBE_ROUTES)).toStrictEqual([
      { name: 'clipboard', host: HOST, path: '/clipboard/', expect: 'gated' },
      { name: 'skills', host: HOST, path: '/skills', expect: 'gated' },
      { name: 'assets', host: HOST, path: '/manifest.webmanifest', expect: 'public', status: 200 },
      { name: 'fonts', host: HOST, path: '/fonts.css', expect: 'public' },
    ]);
  });

  test('a route with several exact paths and no declared probe path: one check each, names numbered', () => {
    const all = objects({ routes: [{ ...CARVE_OUT, paths: ASSETS.slice(0, 2), probe: undefined }], probe: { replicas: '10.0.0.1' } });
    expect((JSON.parse(probeEnv(all).PROBE_ROUTES) as { name: string; path: string }[]).map((r) => [r.name, r.path])).toStrictEqual([
      ['assets-1', ASSETS[0]],
      ['assets-2', ASSETS[1]],
    ]);
  });

  test('the routers of the new objects are among the stack’s own, colliding Ingress paths hashed as Traefik names them', () => {
    const env = probeEnv(objects({ routes: [SKILLS, CARVE_OUT], probe: { replicas: '10.0.0.1', routerInventory: true } }));
    const own = env.PROBE_OWN_ROUTERS.split(',');
    // `/skills` and `/skills/` give one key; Traefik adds the first 10 bytes of sha256 of each rule.
    expect(own.filter((r) => r.startsWith('terminal-terminal-skills-')).map((r) => r.replace(/-[0-9a-f]{20}@/, '-<hash>@'))).toStrictEqual([
      'terminal-terminal-skills-terminal-example-org-skills-<hash>@kubernetes',
      'terminal-terminal-skills-terminal-example-org-skills-<hash>@kubernetes',
    ]);
    expect(own).toContain('terminal-terminal-assets-terminal-example-org-favicon-ico@kubernetes');
    expect(own.filter((r) => r.startsWith('terminal-terminal-assets-'))).toHaveLength(ASSETS.length);
    expect(env.PROBE_TTYD_ROUTERS).toBe('terminal-terminal-terminal-example-org@kubernetes');
  });
});

describe('refusals, every one at once, each naming the field and the value', () => {
  const reason = 'no cookies';
  test.each<[string, TerminalRouteOptions, string]>([
    ['a carve-out without a reason', { name: 'a', paths: ['/a.png'], hostPort: 7690, auth: 'public' }, 'routes[0].auth "public" turns Authentik off'],
    [
      'a reason on a gated route',
      { name: 'a', paths: ['/a.png'], hostPort: 7690, authReason: reason },
      'routes[0].authReason "no cookies" is for auth "public"',
    ],
    [
      'a carve-out of /token',
      { name: 'a', paths: ['/token'], hostPort: 7690, auth: 'public', authReason: reason },
      'routes[0].paths[0] "/token" would make ttyd\'s "/token" public',
    ],
    [
      'a carve-out of /ws',
      { name: 'a', paths: ['/ws'], hostPort: 7690, auth: 'public', authReason: reason },
      'routes[0].paths[0] "/ws" would make ttyd\'s "/ws" public',
    ],
    [
      'a carve-out of /',
      { name: 'a', paths: ['/'], hostPort: 7690, auth: 'public', authReason: reason },
      'routes[0].paths[0] "/" is the main route\'s',
    ],
    [
      'a carve-out under the outpost',
      { name: 'a', prefixes: ['/outpost.goauthentik.io/'], hostPort: 7690, auth: 'public', authReason: reason },
      'routes[0].prefixes[0] "/outpost.goauthentik.io/" overlaps the Authentik outpost\'s "/outpost.goauthentik.io/"',
    ],
    [
      'a carve-out to ttyd’s port',
      { name: 'a', paths: ['/a.png'], hostPort: 7681, auth: 'public', authReason: reason },
      "routes[0].hostPort 7681 is ttyd's own port",
    ],
    [
      'a carve-out to ttyd’s Service',
      { name: 'a', paths: ['/a.png'], service: { name: 'terminal', port: 80 }, auth: 'public', authReason: reason },
      'routes[0].service.name "terminal" is ttyd\'s own Service',
    ],
    ['a route without a name or path', { paths: ['/a.png'], hostPort: 7690 }, 'routes[0].name is required without path'],
    [
      'a name that is not a DNS label',
      { name: 'Assets', paths: ['/a.png'], hostPort: 7690 },
      'routes[0].name "Assets" is not a lower-case DNS label',
    ],
    ['an exact path that is not a path', { name: 'a', paths: ['a.png'], hostPort: 7690 }, 'routes[0].paths[0] "a.png" is not an exact path'],
    [
      'a probe status on a gated route',
      { name: 'a', paths: ['/a.png'], hostPort: 7690, probe: { status: 200 } },
      'routes[0].probe.status 200 is for a public route',
    ],
    [
      'a probe path outside the route',
      { name: 'a', paths: ['/a.png'], hostPort: 7690, probe: { path: '/b.png' } },
      'routes[0].probe.path "/b.png" is not one of',
    ],
  ])('%s', (_what, route, message) => {
    expect(errorOf({ routes: [route] })).toContain(message);
  });

  test('a carve-out under a sibling’s prefix, and a sibling prefix over a carve-out, both refused; the sibling routes are named', () => {
    const message = errorOf({
      routes: [
        { path: '/clipboard/', hostPort: 7683 },
        { name: 'pub', paths: ['/clipboard/icon.png'], prefixes: ['/static/'], hostPort: 7690, auth: 'public', authReason: reason },
        { name: 'all-static', prefixes: ['/static/x/'], hostPort: 7691 },
      ],
    });
    expect(message).toContain('routes[1].paths[0] "/clipboard/icon.png" overlaps routes[0].path "/clipboard/"');
    expect(message).toContain('routes[1].prefixes[0] "/static/" overlaps routes[2].prefixes[0] "/static/x/"');
  });

  test('every problem of several routes at once', () => {
    const lines = errorOf({
      routes: [
        { name: 'a', paths: ['/token'], hostPort: 7690, auth: 'public' },
        { name: 'a', paths: ['/x'], hostPort: 7691 },
      ],
    }).split('\n');
    expect(lines.filter((l) => l.includes('routes['))).toHaveLength(3);
    expect(lines.join('\n')).toContain('routes[1].name "a" is also the name of routes[0]');
  });

  test('a route named as the probe numbers another route’s checks is refused', () => {
    expect(
      errorOf({
        routes: [
          { name: 'assets', paths: ['/a.png', '/b.png'], hostPort: 7690 },
          { name: 'assets-2', paths: ['/c.png'], hostPort: 7691 },
        ],
      }),
    ).toContain('routes[1]: the probe would check it as "assets-2", as it checks routes[0]; rename one');
  });

  test('the same exact path in two routes is refused: Traefik would pick one', () => {
    expect(
      errorOf({
        routes: [
          { name: 'a', paths: ['/x'], hostPort: 7690 },
          { name: 'b', paths: ['/x'], hostPort: 7691 },
        ],
      }),
    ).toContain('routes[1].paths[0] "/x" is also routes[0].paths[0]: Traefik would pick one');
  });
});
