/**
 * What the synthesized stack routes, through real Traefik reading the real API server: for Ingress
 * and IngressRoute, on the main host and the mirror, every path to ttyd and to the sibling routes
 * is gated by Authentik's forward-auth, a signed-in request reaches its backend (prefix stripped
 * after auth), client-sent `X-authentik-*` headers never reach a backend, and the outpost route
 * reaches only the outpost, encoded paths included. The Traefik replicas run with neither
 * `allowCrossNamespace` nor `allowExternalNameServices`: the stack needs neither. The names the stack
 * gives the probe for its routers are the names real Traefik gives them, and a router that is not the
 * stack's but reaches ttyd (an Ingress in the stack's namespace, which no switch guards) is named by the
 * probe's foreign-router check. The route matrix: a third replica up with the CRD provider only (the
 * incident's) is named with every route and router it lacks; a router every replica skips (its Service
 * without endpoints) is a route problem, and no replica differs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerminalStack, type TerminalStackProps, TtydBackend } from '../../lib';
import { Testing } from '../../lib/private/cdktf';
import { AuthentikOutpost, OUTPOST_PREFIX, SESSION_COOKIE, SESSION_HEADERS, SESSION_VALUE, applyOutpostService } from '../support/authentik';
import { adminClient, cluster } from '../support/cluster';
import type { KubeClient } from '../support/kube-client';
import { claimLabAddress, releaseLabAddress } from '../support/lab-network';
import { applyStack } from '../support/provider-apply';
import { objectsOf } from '../support/provider-stand-in';
import { Pushgateway } from '../support/daemons';
import { runProbe } from '../support/fixtures';
import { freePort, waitFor } from '../support/processes';
import { NamedBackend, TtydStandIn } from '../support/servers';
import { selfSignedCertificate, tlsSecret } from '../support/tls';
import { routedRequest, sharedReplicaOptions, TraefikReplica } from '../support/traefik';

const KINDS = ['Ingress', 'IngressRoute'] as const;
type Kind = (typeof KINDS)[number];
const OUTPOST = { namespace: 'routing-authentik', name: 'ak-outpost', port: 9000 };
const SIGNED_IN = { Cookie: `${SESSION_COOKIE}=${SESSION_VALUE}` };

const hostOf = (kind: Kind) => `terminal.${kind.toLowerCase()}.routing.test`;
const mirrorOf = (kind: Kind) => `terminal-ro.${kind.toLowerCase()}.routing.test`;
const namespaceOf = (kind: Kind) => `routing-${kind.toLowerCase()}`;

let admin: KubeClient;
const addresses: string[] = [];
let vm: string;
let ttyd: TtydStandIn;
let mirrorTtyd: TtydStandIn;
let clipboard: NamedBackend;
let sessions: NamedBackend;
let outpost: AuthentikOutpost;
let traefik: TraefikReplica;
let pushgateway: Pushgateway;
/** The recommended entrypoint setting: encoded slashes refused (Traefik v3.7 allows them by default). */
let strict: TraefikReplica;

function stackProps(kind: Kind): TerminalStackProps {
  return {
    host: hostOf(kind),
    namespace: namespaceOf(kind),
    ttyd: TtydBackend.externalHost({ address: vm, port: ttyd.port }),
    ingressKind: kind,
    routes: [
      { path: '/clipboard/', hostPort: clipboard.port },
      { path: '/api/sessions/', hostPort: sessions.port },
    ],
    mirror: { host: mirrorOf(kind), hostPort: mirrorTtyd.port },
    authentikOutpost: OUTPOST,
    // Created in the stack's namespace: an IngressRoute names it without crossing namespaces.
    createAuthMiddleware: true,
    authOutpostUrl: outpost.authUrl,
    probe: { enabled: false },
  };
}

/** The stack with its probe (never applied: the probe's objects are not what this file tests). */
function withProbe(kind: Kind): TerminalStack {
  return new TerminalStack(Testing.app(), 'terminal', {
    ...stackProps(kind),
    probe: { enabled: true, replicas: traefik.options.address, routerInventory: true, traefikApiPort: 8080, replicaPort: 8443 },
  });
}

async function applyKind(kind: Kind, cert: { certPath: string; keyPath: string }): Promise<void> {
  const json: unknown = JSON.parse(Testing.synth(new TerminalStack(Testing.app(), 'terminal', stackProps(kind))));
  const namespace = namespaceOf(kind);
  await applyStack(
    admin,
    objectsOf(json),
    ['terminal-tls', 'terminal-ro-tls'].map((name) => tlsSecret(namespace, name, cert)),
  );
}

beforeAll(async () => {
  admin = adminClient();
  vm = claimLabAddress();
  const outpostAddress = claimLabAddress();
  const replica = claimLabAddress();
  const strictReplica = claimLabAddress();
  addresses.push(vm, outpostAddress, replica, strictReplica);
  ttyd = new TtydStandIn(7681, 'X-authentik-username', undefined, vm);
  mirrorTtyd = new TtydStandIn(7682, 'X-authentik-username', undefined, vm);
  clipboard = new NamedBackend('clipboard', 7683, vm);
  sessions = new NamedBackend('sessions', 7684, vm);
  outpost = new AuthentikOutpost(outpostAddress, OUTPOST.port);
  pushgateway = new Pushgateway(await freePort());
  await Promise.all([ttyd.start(), mirrorTtyd.start(), clipboard.start(), sessions.start(), outpost.start(), pushgateway.start()]);

  // What the cluster has before the stack: Authentik's outpost Service and the forward-auth Middleware.
  await applyOutpostService(admin, OUTPOST, outpostAddress);
  const dir = mkdtempSync(join(tmpdir(), 'routing-'));
  const cert = selfSignedCertificate(
    dir,
    KINDS.flatMap((k) => [hostOf(k), mirrorOf(k)]),
  );
  for (const kind of KINDS) await applyKind(kind, cert);

  const shared = await sharedReplicaOptions(admin, cluster(), [...KINDS.map(namespaceOf), 'traefik', OUTPOST.namespace], OUTPOST, outpostAddress);
  const replicaOptions = (address: string, name: string, flags: string[]) => ({
    ...shared,
    address,
    websecurePort: 8443,
    apiPort: 8080,
    flags,
    dir: join(dir, name),
  });
  traefik = new TraefikReplica(replicaOptions(replica, 'traefik', []));
  strict = new TraefikReplica(replicaOptions(strictReplica, 'strict', ['--entryPoints.websecure.http.encodedCharacters.allowEncodedSlash=false']));
  await Promise.all([traefik.start(), strict.start()]);
  // Every host answers through its own router once Traefik has read the objects.
  for (const kind of KINDS) {
    for (const host of [hostOf(kind), mirrorOf(kind)]) {
      await waitForRoute(host);
      await waitForRoute(host, strict);
    }
  }
}, 60_000);

async function waitForRoute(host: string, replica: TraefikReplica = traefik): Promise<void> {
  const until = Date.now() + 20_000;
  for (;;) {
    const answer = await routedRequest(replica.options.address, replica.options.websecurePort, host, '/token');
    if (answer.status !== 404) return;
    if (Date.now() > until) throw new Error(`no router for ${host} after 20 s:\n${traefik.log}\n${JSON.stringify(await traefik.routers(), null, 1)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

afterAll(async () => {
  await traefik?.stop();
  await strict?.stop();
  await Promise.all([ttyd, mirrorTtyd, clipboard, sessions, outpost, pushgateway].map((s) => s?.stop()));
  for (const kind of KINDS) await admin?.delete('v1', 'Namespace', undefined, namespaceOf(kind));
  await admin?.delete('v1', 'Namespace', undefined, OUTPOST.namespace);
  admin?.close();
  for (const a of addresses) releaseLabAddress(a);
});

const get = (host: string, path: string, headers: Record<string, string> = {}, websocket = false) =>
  routedRequest(traefik.options.address, traefik.options.websecurePort, host, path, { headers, websocket });

/** Authentik's redirect to its start page; `rd` is the URL as Traefik forwarded it (`wss:` for an upgrade over TLS). */
function expectAuthRedirect(answer: { status: number; headers: Record<string, unknown> }, host: string, path: string, proto = 'https'): void {
  expect(answer.status).toBe(307);
  const location = new URL(String(answer.headers.location));
  expect(`${location.protocol}//${location.host}${location.pathname}`).toBe(`https://${host}${OUTPOST_PREFIX}start`);
  expect(location.searchParams.get('rd')).toBe(`${proto}://${host}${path}`);
}

describe.each(KINDS)('the stack as %s, through real Traefik', (kind) => {
  const host = hostOf(kind);

  test.each(['/', '/token', '/token?arg=probe', '/clipboard/paste', '/api/sessions/list', '/anything/else'])(
    '%s without a session gets the forward-auth redirect',
    async (path) => {
      expectAuthRedirect(await get(host, path), host, path);
    },
  );

  test('a WebSocket upgrade to /ws without a session gets the redirect, and ttyd never sees it', async () => {
    const before = ttyd.requests.length;
    expectAuthRedirect(await get(host, '/ws', {}, true), host, '/ws', 'wss');
    expect(ttyd.requests.length).toBe(before);
  });

  test('signed in, /token and /ws reach ttyd with the session’s user', async () => {
    const token = await get(host, '/token', SIGNED_IN);
    expect(token).toMatchObject({ status: 200, body: '{"token": ""}' });
    expect(ttyd.requests.at(-1)?.headers['x-authentik-username']).toBe('alice');
    expect((await get(host, '/ws', SIGNED_IN, true)).status).toBe(101);
  });

  test('signed in, the sibling routes reach their backends with the prefix stripped after auth', async () => {
    const clip = JSON.parse((await get(host, '/clipboard/paste?x=1', SIGNED_IN)).body) as {
      backend: string;
      path: string;
      headers: Record<string, string>;
    };
    expect(clip).toMatchObject({ backend: 'clipboard', path: '/paste?x=1' });
    expect(clip.headers['x-authentik-username']).toBe('alice');
    const list = JSON.parse((await get(host, '/api/sessions/list', SIGNED_IN)).body) as { backend: string; path: string };
    expect(list).toMatchObject({ backend: 'sessions', path: '/list' });
  });

  test('client-sent X-authentik-* headers, in any case, never reach ttyd or a sibling backend', async () => {
    const forged = {
      'X-authentik-username': 'mallory',
      'x-AUTHENTIK-groups': 'admins',
      'X-Authentik-Meta-App': 'forged',
      'X-AUTHENTIK-JWT': 'forged',
    };
    expect((await get(host, '/token', { ...SIGNED_IN, ...forged })).status).toBe(200);
    const seen = ttyd.requests.at(-1)?.headers ?? {};
    expect(seen['x-authentik-username']).toBe('alice');
    expect(seen['x-authentik-groups']).toBe(SESSION_HEADERS['X-authentik-groups']);
    expect(seen['x-authentik-meta-app']).toBeUndefined();
    expect(seen['x-authentik-jwt']).toBeUndefined();
    const clip = JSON.parse((await get(host, '/clipboard/x', { ...SIGNED_IN, ...forged })).body) as { headers: Record<string, string> };
    expect(clip.headers['x-authentik-username']).toBe('alice');
    expect(clip.headers['x-authentik-meta-app']).toBeUndefined();
  });

  test('the read-only mirror is gated the same way and reaches its own ttyd', async () => {
    const mirror = mirrorOf(kind);
    expectAuthRedirect(await get(mirror, '/token'), mirror, '/token');
    expectAuthRedirect(await get(mirror, '/ws', {}, true), mirror, '/ws', 'wss');
    const before = mirrorTtyd.requests.length;
    expect((await get(mirror, '/token', { ...SIGNED_IN, 'X-authentik-username': 'mallory' })).status).toBe(200);
    expect(mirrorTtyd.requests.length).toBe(before + 1);
    expect(mirrorTtyd.requests.at(-1)?.headers['x-authentik-username']).toBe('alice');
  });

  test('the outpost route reaches the outpost, without auth', async () => {
    const answer = await get(host, `${OUTPOST_PREFIX}start?rd=x`);
    expect(answer).toMatchObject({ status: 200, body: `authentik outpost ${OUTPOST_PREFIX}start` });
  });

  test('with allowEncodedSlash=false on websecure (the recommended setting), an encoded slash is refused before any router', async () => {
    const viaStrict = (path: string) => routedRequest(strict.options.address, 8443, host, path);
    const before = ttyd.requests.length + outpost.requests.length;
    for (const path of [`${OUTPOST_PREFIX}..%2fws`, `${OUTPOST_PREFIX}..%2Ftoken`, '/clipboard%2f..%2f..%2ftoken']) {
      expect({ path, status: (await viaStrict(path)).status }).toStrictEqual({ path, status: 400 });
    }
    expect(ttyd.requests.length + outpost.requests.length).toBe(before);
    expectAuthRedirect(await viaStrict('/token'), host, '/token');
  });

  test.each([
    `${OUTPOST_PREFIX}..%2fws`,
    `${OUTPOST_PREFIX}..%2Ftoken`,
    `${OUTPOST_PREFIX}%2e%2e/token`,
    `${OUTPOST_PREFIX}%2e%2e%2ftoken`,
    `${OUTPOST_PREFIX}x/..%2f..%2ftoken`,
  ])('the encoded path %s never reaches ttyd', async (path) => {
    const before = ttyd.requests.length;
    const answer = await get(host, path);
    expect(ttyd.requests.length).toBe(before);
    // Real Traefik v3.7 (encoded slashes allowed, its default): a path with %2f stays under the outpost's
    // prefix and goes to the outpost as sent (%2F upper-cased); %2e%2e/ is decoded and resolved, so
    // `/outpost.goauthentik.io/%2e%2e/token` is `/token`: the terminal's router, gated.
    if (/%2e%2e\//i.test(path)) expectAuthRedirect(answer, host, '/token');
    else expect(answer).toMatchObject({ status: 200, body: `authentik outpost ${path.replace(/%2e/gi, '.').replace(/%2f/gi, '%2F')}` });
  });
});

/** The probe's environment, as the stack's CronJob sets it. */
function probeEnv(kind: Kind): Record<string, string> {
  const cronJob = objectsOf(JSON.parse(Testing.synth(withProbe(kind))) as unknown).find((r) => r.object.kind === 'CronJob');
  const spec = cronJob?.object.spec as {
    jobTemplate: { spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } } };
  };
  return Object.fromEntries(spec.jobTemplate.spec.template.spec.containers[0].env.map((e) => [e.name, e.value ?? '']));
}

const other = (kind: Kind): Kind => (kind === 'Ingress' ? 'IngressRoute' : 'Ingress');

describe.each(KINDS)('the router names of the stack as %s', (kind) => {
  test('are the names real Traefik gives its routers: every one is there, and no router of its objects is missing from them', async () => {
    const env = probeEnv(kind);
    const own = env.PROBE_OWN_ROUTERS.split(',');
    const ttydRouters = env.PROBE_TTYD_ROUTERS.split(',');
    const live = (await traefik.routers()).map((r) => r.name);
    expect(own.filter((name) => !live.includes(name))).toStrictEqual([]);
    // Every router of the stack's namespace and of its outpost routes (named after the stack's namespace).
    const ns = namespaceOf(kind);
    const ours = live.filter((name) => name.startsWith(`${ns}-`) || name.startsWith(`${OUTPOST.namespace}-${ns}-`));
    expect([...ours].sort()).toStrictEqual([...own].sort());
    // main host and mirror, one router each; the sibling routes and the outpost are not ttyd's.
    expect(ttydRouters).toHaveLength(2);
    expect(own.length).toBeGreaterThan(ttydRouters.length);
  });

  test("the probe names a router that is not the stack's but reaches ttyd, and only such routers", async () => {
    const ns = namespaceOf(kind);
    const sneakyHost = `sneaky.${kind.toLowerCase()}.routing.test`;
    // An Ingress in the stack's own namespace, to ttyd's Service: no Traefik switch guards this.
    await admin.apply({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'sneaky', namespace: ns },
      spec: {
        ingressClassName: 'traefik',
        rules: [
          {
            host: sneakyHost,
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'terminal', port: { number: 80 } } } }] },
          },
        ],
      },
    });
    const sneaky = `${ns}-sneaky-${sneakyHost.replace(/\./g, '-')}@kubernetes`;
    try {
      await traefik.waitForRouters([sneaky]);
      const job = `routing-${kind.toLowerCase()}`;
      const run = await runProbe({
        ...probeEnv(kind),
        PROBE_PUSHGATEWAY_URL: pushgateway.url,
        PROBE_JOB: job,
        PROBE_DNS_SERVERS: '127.0.0.1:9',
        PROBE_TIMEOUT_SECONDS: '2',
        PROBE_DEADLINE_SECONDS: '10',
      });
      // The other kind's stack routes to the same ttyd (and mirror): to this stack, its routers are foreign too.
      const expected = [...probeEnv(other(kind)).PROBE_TTYD_ROUTERS.split(','), sneaky].sort();
      expect(run.stdout).toContain(`foreign=${expected.length}`);
      expect(run.stderr).toContain(`foreign routers reach ttyd: ${expected.join(', ')}`);
      const pushed = await (await fetch(`${pushgateway.url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
      const named = pushed
        .split('\n')
        .filter((line) => line.startsWith('webterminal_probe_foreign_router{') && line.includes(`job="${job}"`))
        .map((line) => /router="([^"]+)"/.exec(line)?.[1])
        .sort();
      expect(named).toStrictEqual(expected);
      // None of this stack's own routers is among them.
      expect(named.filter((name) => probeEnv(kind).PROBE_OWN_ROUTERS.split(',').includes(String(name)))).toStrictEqual([]);
    } finally {
      await admin.delete('networking.k8s.io/v1', 'Ingress', ns, 'sneaky');
    }
  });
});

/** The pushed series of `metric` in `job`, as their label sets (job and instance left out), sorted. */
async function pushedSeries(job: string, metric: string): Promise<string[]> {
  const pushed = await (await fetch(`${pushgateway.url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  return pushed
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`) && line.includes(`job="${job}"`))
    .map((line) => line.replace(/,?(instance|job)="[^"]*"/g, '').replace('{,', '{'))
    .sort();
}

describe('the route matrix on every replica, against real Traefik (the stack as Ingress)', () => {
  const kind: Kind = 'Ingress';
  const host = hostOf(kind);
  const ns = namespaceOf(kind);
  const routes = [
    { name: 'terminal', host, path: '/token', expect: 'gated' },
    { name: 'clipboard', host, path: '/clipboard/paste', expect: 'gated' },
    { name: 'sessions', host, path: '/api/sessions/list', expect: 'gated' },
  ];
  /** The incident's replica: up with the CRD provider only, so without every router of an Ingress. */
  let crdOnly: TraefikReplica;

  beforeAll(async () => {
    const address = claimLabAddress();
    addresses.push(address);
    crdOnly = new TraefikReplica({ ...traefik.options, address, providers: ['kubernetesCRD'], flags: [], dir: `${traefik.options.dir}-crd-only` });
    await crdOnly.start();
    await waitForRoute(hostOf('IngressRoute'), crdOnly);
  }, 60_000);

  afterAll(async () => {
    await crdOnly?.stop();
  });

  const probe = (job: string, replicas: TraefikReplica[], env: Record<string, string> = {}) =>
    runProbe({
      ...probeEnv(kind),
      PROBE_REPLICAS: replicas.map((r) => r.options.address).join(','),
      PROBE_ROUTES: JSON.stringify(routes),
      PROBE_INSECURE_TLS: '1',
      PROBE_PUSHGATEWAY_URL: pushgateway.url,
      PROBE_JOB: job,
      PROBE_DNS_SERVERS: '127.0.0.1:9',
      PROBE_TIMEOUT_SECONDS: '2',
      PROBE_DEADLINE_SECONDS: '10',
      ...env,
    });

  test('the replica without the Ingress provider is named with each route it lacks and each router, and differs from the majority', async () => {
    const job = 'routing-matrix-replica';
    const bad = crdOnly.options.address;
    const run = await probe(job, [traefik, strict, crdOnly]);

    expect(run.code).toBe(0);
    expect(await pushedSeries(job, 'webterminal_probe_route_ok')).toStrictEqual(
      routes.map(({ name }) => `webterminal_probe_route_ok{reason="not_routed",replica="${bad}",route="${name}"} 0`).sort(),
    );
    expect(await pushedSeries(job, 'webterminal_probe_route_failing_replicas')).toStrictEqual(
      routes.map(({ name }) => `webterminal_probe_route_failing_replicas{route="${name}"} 1`).sort(),
    );
    for (const { name } of routes) expect(run.stderr).toContain(`probe: replica ${bad} route ${name}: not_routed: Traefik's own 404`);
    const own = probeEnv(kind).PROBE_OWN_ROUTERS.split(',');
    const missing = await pushedSeries(job, 'webterminal_probe_replica_missing_router');
    expect(missing).toHaveLength(Math.min(10, own.length));
    expect(missing.every((line) => line.includes(`replica="${bad}"`))).toBe(true);
    expect(run.stderr).toContain(`probe: replica ${bad} lacks ${own.length} of the stack's routers that at least half of 3 replicas list`);
    expect(run.stderr).toContain(`probe: replica ${bad} differs from the majority: route terminal not routed here, routed on 2 of 3 replicas`);
    expect(await pushedSeries(job, 'webterminal_probe_router_missing_everywhere')).toStrictEqual([]);
  });

  test('a router every replica skips (no endpoints) is a route problem: its path falls through, gated, and no replica differs', async () => {
    // A route of the stack's namespace whose Service loses its endpoints: first with them, to learn the
    // router's name from Traefik itself, then without, when every replica drops the router at once.
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ghost', namespace: ns }, spec: { ports: [{ port: 80 }] } };
    const endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'ghost', namespace: ns },
      subsets: [{ addresses: [{ ip: vm }], ports: [{ port: clipboard.port }] }],
    };
    const ingress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'ghost', namespace: ns },
      spec: {
        ingressClassName: 'traefik',
        rules: [{ host, http: { paths: [{ path: '/ghost', pathType: 'Exact', backend: { service: { name: 'ghost', port: { number: 80 } } } }] } }],
      },
    };
    for (const object of [service, endpoints, ingress]) await admin.apply(object);
    try {
      const ghostRouter = await waitForGhost(traefik, true);
      await admin.delete('v1', 'Endpoints', ns, 'ghost');
      for (const replica of [traefik, strict]) await waitForGhost(replica, false);
      const job = 'routing-matrix-everywhere';
      const env = probeEnv(kind);
      const run = await probe(job, [traefik, strict], {
        PROBE_OWN_ROUTERS: `${env.PROBE_OWN_ROUTERS},${ghostRouter}`,
        PROBE_ROUTES: JSON.stringify([...routes, { name: 'ghost', host, path: '/ghost', expect: 'gated' }]),
      });

      expect(await pushedSeries(job, 'webterminal_probe_router_missing_everywhere')).toStrictEqual([
        `webterminal_probe_router_missing_everywhere{router="${ghostRouter}"} 1`,
      ]);
      expect(run.stderr).toContain(`routers no replica lists (a route problem, e.g. a backend without endpoints): ${ghostRouter}`);
      // Without its router the path falls through to the terminal's catch-all, which gates it: the route
      // check alone cannot tell; the router set does.
      expect(await pushedSeries(job, 'webterminal_probe_route_ok')).toStrictEqual([]);
      expect(await pushedSeries(job, 'webterminal_probe_replica_missing_router')).toStrictEqual([]);
      expect(run.stderr).not.toContain('differs from the majority');
    } finally {
      await admin.delete('networking.k8s.io/v1', 'Ingress', ns, 'ghost');
      await admin.delete('v1', 'Endpoints', ns, 'ghost');
      await admin.delete('v1', 'Service', ns, 'ghost');
    }
  });
});

/** The name of the router of the `ghost` Ingress once `replica` lists it (present) or lists it no more. */
async function waitForGhost(replica: TraefikReplica, present: boolean): Promise<string> {
  let name = '';
  await waitFor(`the ghost router ${present ? 'on' : 'gone from'} ${replica.options.address}`, 20_000, async () => {
    const found = (await replica.routers()).find((r) => r.name.includes('-ghost-') && r.name.endsWith('@kubernetes'));
    name = found?.name ?? name;
    return present ? found !== undefined : found === undefined;
  });
  return name;
}
