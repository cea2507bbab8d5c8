/**
 * The probe the construct made, against the original owner's carve-out case on two real Traefik
 * replicas: the stack applied with its probe (as IngressRoute, one rule per path), the probe run as
 * its CronJob runs it — the ConfigMap's files and the CronJob's environment read back from the API
 * server (`PROBE_ROUTES` as `Webterminal` derived it from its routes) — pushing to a real Pushgateway.
 * The only overrides are what a pod has and this machine lacks: cluster DNS (`PROBE_DNS_SERVERS`) and
 * the CA of the host's certificate (`NODE_EXTRA_CA_CERTS`). The edge is the replicas themselves, on
 * 443 (DNS answers the host with both), and kube-proxy for ttyd's Service is played by a forwarder.
 *
 * Healthy as applied; then the careless edits the probe exists for, each made to the applied object,
 * waited for on both replicas, caught, named, and undone: one asset path walled off behind Authentik
 * again (`walled_off`, the other eight still public), and a gated route left without forward-auth
 * (`ungated`).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProbeMetric, RouteReason, SUCCESS_GROUP_KIND, TerminalStack, TtydBackend, type ProbeRoute } from '../../lib';
import { Testing } from '../../lib/private/cdktf';
import { AuthentikOutpost } from '../support/authentik';
import { ASSETS, ASSETS_AUTH_REASON } from '../support/carve-out-case';
import { adminClient, cluster } from '../support/cluster';
import { type ClusterProbe, probeFromCluster, type ProbeRunResult } from '../support/cluster-probe';
import { Dnsmasq, Pushgateway } from '../support/daemons';
import type { KubeClient } from '../support/kube-client';
import { claimLabAddress, releaseLabAddress } from '../support/lab-network';
import { freePort, waitFor } from '../support/processes';
import { applyStack } from '../support/provider-apply';
import { objectsOf } from '../support/provider-stand-in';
import { NamedBackend, ServiceProxy, TtydStandIn } from '../support/servers';
import { selfSignedCertificate, tlsSecret } from '../support/tls';
import { TraefikReplica, traefikToken } from '../support/traefik';

const HOST = 'terminal.carve-probe.test';
const NAMESPACE = 'carve-probe';
const OUTPOST = { namespace: 'carve-probe-authentik', name: 'ak-outpost', port: 9000 };
/** The edge's port: the replicas' websecure entrypoint serves the host's https URL directly. */
const WEBSECURE_PORT = 443;

let admin: KubeClient;
const addresses: string[] = [];
const servers: { start(): Promise<void>; stop(): Promise<void> }[] = [];
const replicas: TraefikReplica[] = [];
let pushgateway: Pushgateway;
let dns: Dnsmasq;
let probe: ClusterProbe;
let overrides: Record<string, string>;
let routes: ProbeRoute[];

beforeAll(async () => {
  admin = adminClient();
  const [vm, outpostAddress, serviceAddress, ...replicaAddresses] = [1, 2, 3, 4, 5].map(() => claimLabAddress());
  addresses.push(vm, outpostAddress, serviceAddress, ...replicaAddresses);
  const ttyd = new TtydStandIn(7681, 'X-authentik-username', undefined, vm);
  const [clipboard, assets, skills, worker] = [
    new NamedBackend('clipboard', 7683, vm),
    new NamedBackend('assets', 7690, vm),
    new NamedBackend('skills', 7691, vm),
    new NamedBackend('worker', 7693, vm),
  ];
  const live = new TtydStandIn(7692, 'X-authentik-username', undefined, vm);
  const outpost = new AuthentikOutpost(outpostAddress, OUTPOST.port);
  // kube-proxy for ttyd's Service: the probe's origin checks reach ttyd through it.
  const origin = new ServiceProxy(serviceAddress, 80, { host: vm, port: ttyd.port });
  pushgateway = new Pushgateway(await freePort());
  servers.push(ttyd, clipboard, assets, skills, worker, live, outpost, origin, pushgateway);
  await Promise.all(servers.map((s) => s.start()));

  await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: OUTPOST.namespace } });
  await admin.apply({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: OUTPOST.name, namespace: OUTPOST.namespace },
    spec: { ports: [{ name: 'http', port: OUTPOST.port }] },
  });
  await admin.apply({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: OUTPOST.name, namespace: OUTPOST.namespace },
    subsets: [{ addresses: [{ ip: outpostAddress }], ports: [{ name: 'http', port: OUTPOST.port }] }],
  });

  const stack = new TerminalStack(Testing.app(), 'terminal', {
    host: HOST,
    namespace: NAMESPACE,
    ttyd: TtydBackend.externalHost({ address: vm, port: ttyd.port }),
    ingressKind: 'IngressRoute',
    routes: [
      { path: '/clipboard/', hostPort: clipboard.port },
      { name: 'assets', paths: ASSETS, hostPort: assets.port, auth: 'public', authReason: ASSETS_AUTH_REASON },
      { name: 'skills', paths: ['/skills'], prefixes: ['/skills/'], hostPort: skills.port, compress: true },
      { name: 'live', prefixes: ['/live/'], hostPort: live.port, compress: true },
      { name: 'worker', paths: ['/sw.js'], hostPort: worker.port },
    ],
    authentikOutpost: OUTPOST,
    createAuthMiddleware: true,
    authOutpostUrl: outpost.authUrl,
    probe: {
      replicas: replicaAddresses.join(','),
      replicaPort: WEBSECURE_PORT,
      routerInventory: true,
      pushgatewayUrl: pushgateway.url,
    },
    alerts: { enabled: false },
    dashboard: { enabled: false },
  });
  const dir = mkdtempSync(join(tmpdir(), 'carve-out-probe-'));
  const cert = selfSignedCertificate(dir, [HOST]);
  await applyStack(admin, objectsOf(JSON.parse(Testing.synth(stack)) as unknown), [tlsSecret(NAMESPACE, 'terminal-tls', cert)]);

  probe = await probeFromCluster(admin, NAMESPACE, join(dir, 'probe'));
  routes = JSON.parse(probe.env.PROBE_ROUTES) as ProbeRoute[];
  dns = new Dnsmasq(
    await freePort(),
    [
      { name: HOST, addresses: replicaAddresses },
      { name: `terminal.${NAMESPACE}.svc.cluster.local`, addresses: [serviceAddress] },
    ],
    join(dir, 'dnsmasq.pid'),
  );
  await dns.start();
  overrides = { PROBE_DNS_SERVERS: dns.server, NODE_EXTRA_CA_CERTS: cert.certPath };

  const { server, caPath } = cluster();
  const token = await traefikToken(admin);
  replicaAddresses.forEach((address, i) =>
    replicas.push(
      new TraefikReplica({
        address,
        websecurePort: WEBSECURE_PORT,
        apiPort: Number(probe.env.PROBE_TRAEFIK_API_PORT),
        namespaces: [NAMESPACE, 'traefik', OUTPOST.namespace],
        server,
        caPath,
        token,
        hosts: { [`${OUTPOST.name}.${OUTPOST.namespace}.svc.cluster.local`]: outpostAddress },
        allowCrossNamespace: false,
        dir: join(dir, `traefik-${i}`),
      }),
    ),
  );
  await Promise.all(replicas.map((r) => r.start()));
  await Promise.all(replicas.map((r) => r.waitForRouters(probe.env.PROBE_OWN_ROUTERS.split(','))));
}, 90_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await dns?.stop();
  await Promise.all(servers.map((s) => s.stop()));
  await admin?.delete('v1', 'Namespace', undefined, NAMESPACE);
  await admin?.delete('v1', 'Namespace', undefined, OUTPOST.namespace);
  admin?.close();
  for (const a of addresses) releaseLabAddress(a);
});

/** One run of the probe as the CronJob runs it, and the series it pushed to the Pushgateway. */
async function runProbe(): Promise<{ run: ProbeRunResult; pushed: Map<string, string[]>; succeeded: boolean }> {
  const started = Date.now() / 1000;
  const run = await probe.run(overrides);
  const groups = (await pushgateway.groups()).filter((g) => g.labels.job === probe.env.PROBE_JOB);
  const pushed = new Map<string, string[]>();
  for (const [name, samples] of groups.find((g) => g.labels.kind === undefined)?.metrics ?? []) {
    const series = samples.map(({ labels, value }) => {
      const { job: _job, instance: _instance, ...rest } = labels;
      const text = Object.entries(rest)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      return `${text} ${value}`;
    });
    pushed.set(name, series.sort());
  }
  const success = groups.find((g) => g.labels.kind === SUCCESS_GROUP_KIND)?.metrics.get(ProbeMetric.lastSuccessTimestamp)?.[0]?.value ?? 0;
  return { run, pushed, succeeded: success >= started };
}

const summaryOf = (run: ProbeRunResult) =>
  run.stdout.split('\n').find((line) => line.startsWith('probe: ') && !line.startsWith('probe: replica=')) ?? '';

/** Per route, what the Pushgateway holds: `route=<name> <value>`, sorted. */
const perRoute = (value: (route: string) => number) => routes.map(({ name }) => `route=${name} ${value(name)}`).sort();

/** Every route passed on every replica: nothing failing pushed, the run healthy and its success time pushed. */
function expectHealthy({ run, pushed, succeeded }: Awaited<ReturnType<typeof runProbe>>): void {
  expect({ code: run.code, stderr: run.stderr }).toStrictEqual({ code: 0, stderr: '' });
  expect(summaryOf(run)).toContain(' ok=1 ');
  expect(summaryOf(run)).toContain(` route_failures=0/${routes.length * replicas.length} `);
  expect(pushed.get(ProbeMetric.routeOk)).toBeUndefined();
  expect(pushed.get(ProbeMetric.routeFailingReplicas)).toStrictEqual(perRoute(() => 0));
  expect(pushed.get(ProbeMetric.routeReplicas)).toStrictEqual(perRoute(() => replicas.length));
  expect(succeeded).toBe(true);
}

/** Exactly `route` failed, for `reason`, on every replica, named there and on stderr; the run failed. */
function expectOnlyFailing({ run, pushed, succeeded }: Awaited<ReturnType<typeof runProbe>>, route: string, reason: string): void {
  const addresses = replicas.map((r) => r.options.address);
  expect(run.code).toBe(0);
  expect(summaryOf(run)).toContain(' ok=0 ');
  expect(summaryOf(run)).toContain(` route_failures=${replicas.length}/${routes.length * replicas.length} `);
  expect(pushed.get(ProbeMetric.routeOk)).toStrictEqual(addresses.map((replica) => `reason=${reason},replica=${replica},route=${route} 0`).sort());
  expect(pushed.get(ProbeMetric.routeFailingReplicas)).toStrictEqual(perRoute((name) => (name === route ? replicas.length : 0)));
  for (const replica of addresses) expect(run.stderr).toContain(`probe: replica ${replica} route ${route}: ${reason}: `);
  expect(run.stderr).toContain(`probe: route ${route}: failed on ${replicas.length} of ${replicas.length} replicas: on every replica`);
  expect(succeeded).toBe(false);
}

interface IngressRouteRule {
  match: string;
  middlewares?: { name: string; namespace?: string }[];
  [key: string]: unknown;
}

/** The applied IngressRoute of the terminal's host, and the Authentik forward-auth Middleware the cluster has. */
async function appliedObjects(): Promise<{ rules: IngressRouteRule[]; forwardAuth: { name: string; namespace: string } }> {
  const route = await admin.get('traefik.io/v1alpha1', 'IngressRoute', NAMESPACE, 'terminal');
  if (route === undefined) throw new Error(`no IngressRoute ${NAMESPACE}/terminal`);
  const middleware = (await admin.list('traefik.io/v1alpha1', 'Middleware', NAMESPACE)).find(
    (m) => (m.spec as { forwardAuth?: unknown }).forwardAuth,
  );
  if (middleware === undefined) throw new Error(`no forward-auth Middleware in ${NAMESPACE}`);
  return { rules: (route.spec as { routes: IngressRouteRule[] }).routes, forwardAuth: { name: middleware.metadata.name, namespace: NAMESPACE } };
}

const forwardAuthRouterName = (forwardAuth: { name: string; namespace: string }) => `${forwardAuth.namespace}-${forwardAuth.name}@kubernetescrd`;

/**
 * Edits the rule of `path` in the applied IngressRoute, as a `kubectl edit` would, and waits until
 * both replicas serve the edit (their API lists that router with forward-auth, or without). Returns
 * how long that took, and the undo.
 */
async function editRule(
  path: string,
  edit: (rule: IngressRouteRule, forwardAuth: { name: string; namespace: string }) => IngressRouteRule,
  gatedAfter: boolean,
): Promise<{ pickedUpMs: number[]; undo: () => Promise<number[]> }> {
  const { rules, forwardAuth } = await appliedObjects();
  const isRule = (rule: IngressRouteRule) => rule.match.includes(`Path(\`${path}\`)`);
  expect(rules.filter(isRule)).toHaveLength(1);
  const apply = async (next: IngressRouteRule[], gated: boolean): Promise<number[]> => {
    const started = Date.now();
    const at = await admin.pathOf('traefik.io/v1alpha1', 'IngressRoute', NAMESPACE, 'terminal');
    await admin.call('PATCH', at, { spec: { routes: next } }, 'application/merge-patch+json');
    return Promise.all(
      replicas.map(async (replica) => {
        await waitFor(`${path} ${gated ? 'behind' : 'without'} forward-auth on ${replica.options.address}`, 20_000, async () => {
          const routers = (await replica.routers()) as unknown as { name: string; rule: string; middlewares?: string[] }[];
          const router = routers.find((r) => r.name.startsWith(`${NAMESPACE}-`) && r.rule.includes(`Path(\`${path}\`)`));
          return router !== undefined && (router.middlewares ?? []).includes(forwardAuthRouterName(forwardAuth)) === gated;
        });
        return Date.now() - started;
      }),
    );
  };
  const pickedUpMs = await apply(
    rules.map((rule) => (isRule(rule) ? edit(rule, forwardAuth) : rule)),
    gatedAfter,
  );
  return { pickedUpMs, undo: () => apply(rules, !gatedAfter) };
}

/** The probe route `Webterminal` derived for `path`. */
function routeOf(path: string): ProbeRoute {
  const route = routes.find((r) => r.path === path);
  if (route === undefined) throw new Error(`no probe route for ${path} in PROBE_ROUTES`);
  return route;
}

describe('the probe the construct made, against real Traefik, the original owner’s carve-outs', () => {
  test('checks a path of every route the stack declares: each of the nine assets public, the rest gated', () => {
    // One check per exact path, else per prefix (`skills` has both: its exact path is checked).
    expect(routes).toStrictEqual([
      { name: 'clipboard', host: HOST, path: '/clipboard/', expect: 'gated' },
      ...ASSETS.map((path, i) => ({ name: `assets-${i + 1}`, host: HOST, path, expect: 'public' })),
      { name: 'skills', host: HOST, path: '/skills', expect: 'gated' },
      { name: 'live', host: HOST, path: '/live/', expect: 'gated' },
      { name: 'worker', host: HOST, path: '/sw.js', expect: 'gated' },
    ]);
  });

  test('as applied: every route’s path passes on every replica, and the run is healthy', async () => {
    expectHealthy(await runProbe());
  });

  test('an asset path walled off behind Authentik again is reported walled_off on every replica, named; the others still pass', async () => {
    const walled = routeOf('/favicon.ico');
    // The careless edit: the neighbouring rules' forward-auth pasted onto the carve-out's rule.
    const { pickedUpMs, undo } = await editRule(
      walled.path,
      (rule, forwardAuth) => ({ ...rule, middlewares: [forwardAuth, ...(rule.middlewares ?? [])] }),
      true,
    );
    try {
      process.stdout.write(`carve-out-probe: walled off, picked up by the replicas after ${pickedUpMs.join(', ')} ms\n`);
      expectOnlyFailing(await runProbe(), walled.name, RouteReason.walledOff);
    } finally {
      const restoredMs = await undo();
      process.stdout.write(`carve-out-probe: walled off undone, picked up after ${restoredMs.join(', ')} ms\n`);
    }
    expectHealthy(await runProbe());
  });

  test('a gated route left without forward-auth is reported ungated on every replica, named; the others still pass', async () => {
    const open = routeOf('/sw.js');
    const { pickedUpMs, undo } = await editRule(
      open.path,
      (rule, forwardAuth) => ({ ...rule, middlewares: (rule.middlewares ?? []).filter((m) => m.name !== forwardAuth.name) }),
      false,
    );
    try {
      process.stdout.write(`carve-out-probe: ungated, picked up by the replicas after ${pickedUpMs.join(', ')} ms\n`);
      expectOnlyFailing(await runProbe(), open.name, RouteReason.ungated);
    } finally {
      const restoredMs = await undo();
      process.stdout.write(`carve-out-probe: ungated undone, picked up after ${restoredMs.join(', ')} ms\n`);
    }
    expectHealthy(await runProbe());
  });
});
