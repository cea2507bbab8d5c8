/**
 * The probe the construct made, against the original owner's carve-out case on two real Traefik
 * replicas, as Ingress and as IngressRoute: the stack applied with its probe, the probe run as its
 * CronJob runs it — the ConfigMap's files and the CronJob's environment read back from the API server
 * (`PROBE_ROUTES` as `Webterminal` derived it from its routes) — pushing to a real Pushgateway. The
 * only overrides are what a pod has and this machine lacks: cluster DNS (`PROBE_DNS_SERVERS`) and the
 * CA of the host's certificate (`NODE_EXTRA_CA_CERTS`). The edge is the replicas themselves, on 443
 * (DNS answers the host with both), and kube-proxy for ttyd's Service is played by a forwarder.
 *
 * Healthy as applied; then the careless edits the probe exists for, each made to the applied object,
 * waited for on both replicas, caught, named, and undone: a carve-out walled off behind Authentik
 * again (`walled_off`: as IngressRoute one asset path's rule, the other eight still public; as Ingress
 * the carve-out's one Ingress, all nine), and a gated route left without forward-auth (`ungated`).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProbeMetric, RouteReason, SUCCESS_GROUP_KIND, TerminalStack, TtydBackend, type ProbeRoute } from '../../lib';
import { Testing } from '../../lib/private/cdktf';
import { AuthentikOutpost, applyOutpostService } from '../support/authentik';
import { ASSETS, carveOutRoutes } from '../support/carve-out-case';
import { adminClient, cluster } from '../support/cluster';
import { type ClusterProbe, probeFromCluster } from '../support/cluster-probe';
import { Dnsmasq, Pushgateway } from '../support/daemons';
import type { KubeClient, KubeObject } from '../support/kube-client';
import { claimLabAddress, releaseLabAddress } from '../support/lab-network';
import { freePort, waitFor } from '../support/processes';
import { applyStack } from '../support/provider-apply';
import { objectsOf } from '../support/provider-stand-in';
import { NamedBackend, ServiceProxy, TtydStandIn } from '../support/servers';
import { selfSignedCertificate, tlsSecret } from '../support/tls';
import { sharedReplicaOptions, TraefikReplica } from '../support/traefik';

const KINDS = ['Ingress', 'IngressRoute'] as const;
type Kind = (typeof KINDS)[number];
const hostOf = (kind: Kind) => `terminal.${kind.toLowerCase()}.carve-probe.test`;
const namespaceOf = (kind: Kind) => `carve-probe-${kind.toLowerCase()}`;
const OUTPOST = { namespace: 'carve-probe-authentik', name: 'ak-outpost', port: 9000 };
/** The edge's port: the replicas' websecure entrypoint serves the host's https URL directly. */
const WEBSECURE_PORT = 443;
const TRAEFIK_API_PORT = 8080;
/** How the probe ends its line about a route that failed on every replica. */
const EVERYWHERE = 'on every replica, a route problem, not a replica problem';
const INGRESS_MIDDLEWARES = 'traefik.ingress.kubernetes.io/router.middlewares';

let admin: KubeClient;
const addresses: string[] = [];
const servers: { start(): Promise<void>; stop(): Promise<void> }[] = [];
const replicas: TraefikReplica[] = [];
let pushgateway: Pushgateway;
let dns: Dnsmasq;
const probes = new Map<Kind, ClusterProbe>();
let overrides: Record<string, string>;

beforeAll(async () => {
  admin = adminClient();
  const [vm, outpostAddress, ...more] = [1, 2, 3, 4, 5, 6].map(() => claimLabAddress());
  addresses.push(vm, outpostAddress, ...more);
  // Each stack's ttyd Service address, then the replicas'.
  const serviceAddressOf = (kind: Kind) => more[KINDS.indexOf(kind)];
  const replicaAddresses = more.slice(KINDS.length);
  // A ttyd for each stack: a router that reaches another stack's ttyd is foreign to it (the probe names it).
  const ttyds = KINDS.map((_, i) => new TtydStandIn(7681 + i, 'X-authentik-username', undefined, vm));
  const ttydOf = (kind: Kind) => ttyds[KINDS.indexOf(kind)];
  const [clipboard, assets, skills, worker] = [
    new NamedBackend('clipboard', 7683, vm),
    new NamedBackend('assets', 7690, vm),
    new NamedBackend('skills', 7691, vm),
    new NamedBackend('worker', 7693, vm),
  ];
  const live = new TtydStandIn(7692, 'X-authentik-username', undefined, vm);
  const outpost = new AuthentikOutpost(outpostAddress, OUTPOST.port);
  // kube-proxy for each stack's ttyd Service: the probe's origin checks reach ttyd through it.
  const origins = KINDS.map((kind) => new ServiceProxy(serviceAddressOf(kind), 80, { host: vm, port: ttydOf(kind).port }));
  pushgateway = new Pushgateway(await freePort());
  servers.push(...ttyds, clipboard, assets, skills, worker, live, outpost, ...origins, pushgateway);
  await Promise.all(servers.map((s) => s.start()));

  await applyOutpostService(admin, OUTPOST, outpostAddress);

  const dir = mkdtempSync(join(tmpdir(), 'carve-out-probe-'));
  const cert = selfSignedCertificate(dir, KINDS.map(hostOf));
  for (const kind of KINDS) {
    const stack = new TerminalStack(Testing.app(), 'terminal', {
      host: hostOf(kind),
      namespace: namespaceOf(kind),
      ttyd: TtydBackend.externalHost({ address: vm, port: ttydOf(kind).port }),
      ingressKind: kind,
      routes: carveOutRoutes({ clipboard: clipboard.port, assets: assets.port, skills: skills.port, live: live.port, worker: worker.port }),
      authentikOutpost: OUTPOST,
      createAuthMiddleware: true,
      authOutpostUrl: outpost.authUrl,
      probe: {
        job: `carve-probe-${kind.toLowerCase()}`,
        replicas: replicaAddresses.join(','),
        replicaPort: WEBSECURE_PORT,
        routerInventory: true,
        traefikApiPort: TRAEFIK_API_PORT,
        pushgatewayUrl: pushgateway.url,
      },
      alerts: { enabled: false },
      dashboard: { enabled: false },
    });
    await applyStack(admin, objectsOf(JSON.parse(Testing.synth(stack)) as unknown), [tlsSecret(namespaceOf(kind), 'terminal-tls', cert)]);
    probes.set(kind, await probeFromCluster(admin, namespaceOf(kind), join(dir, `probe-${kind}`)));
  }

  dns = new Dnsmasq(
    await freePort(),
    KINDS.flatMap((kind) => [
      { name: hostOf(kind), addresses: replicaAddresses },
      { name: `terminal.${namespaceOf(kind)}.svc.cluster.local`, addresses: [serviceAddressOf(kind)] },
    ]),
    join(dir, 'dnsmasq.pid'),
  );
  await dns.start();
  overrides = { PROBE_DNS_SERVERS: dns.server, NODE_EXTRA_CA_CERTS: cert.certPath };

  const shared = await sharedReplicaOptions(admin, cluster(), [...KINDS.map(namespaceOf), 'traefik', OUTPOST.namespace], OUTPOST, outpostAddress);
  replicaAddresses.forEach((address, i) =>
    replicas.push(
      new TraefikReplica({ ...shared, address, websecurePort: WEBSECURE_PORT, apiPort: TRAEFIK_API_PORT, dir: join(dir, `traefik-${i}`) }),
    ),
  );
  await Promise.all(replicas.map((r) => r.start()));
  const own = [...probes.values()].flatMap((p) => p.env.PROBE_OWN_ROUTERS.split(','));
  await Promise.all(replicas.map((r) => r.waitForRouters(own)));
}, 90_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await dns?.stop();
  await Promise.all(servers.map((s) => s.stop()));
  for (const kind of KINDS) await admin?.delete('v1', 'Namespace', undefined, namespaceOf(kind));
  await admin?.delete('v1', 'Namespace', undefined, OUTPOST.namespace);
  admin?.close();
  for (const a of addresses) releaseLabAddress(a);
});

/**
 * What one run showed, in one object so that a failing comparison shows every difference at once: its
 * exit code, its summary's verdict and route tally, the route series it pushed (job and instance left
 * out), whether it pushed a new last-success time, and its stderr lines (a failing pair's line cut
 * after its `reason`).
 */
interface RunSeen {
  readonly code: number | null;
  readonly ok: string | undefined;
  readonly routeFailures: string | undefined;
  readonly routeOk: string[];
  readonly routeFailingReplicas: string[];
  readonly routeReplicas: string[];
  readonly lastSuccessPushed: boolean;
  readonly stderr: string[];
}

/** One run of the kind's probe as its CronJob runs it, and what it pushed to the Pushgateway. */
async function runProbe(kind: Kind): Promise<RunSeen> {
  const probe = probeOf(kind);
  const started = Date.now() / 1000;
  const run = await probe.run(overrides);
  const groups = (await pushgateway.groups()).filter((g) => g.labels.job === probe.env.PROBE_JOB);
  const runGroup = groups.find((g) => g.labels.kind === undefined)?.metrics;
  const series = (metric: string) =>
    (runGroup?.get(metric) ?? [])
      .map(({ labels, value }) => {
        const { job: _job, instance: _instance, ...rest } = labels;
        const text = Object.entries(rest)
          .sort(([x], [y]) => x.localeCompare(y))
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
        return `${text} ${value}`;
      })
      .sort();
  const success = groups.find((g) => g.labels.kind === SUCCESS_GROUP_KIND)?.metrics.get(ProbeMetric.lastSuccessTimestamp)?.[0]?.value ?? 0;
  const summary = run.stdout.split('\n').find((line) => line.startsWith('probe: ') && !line.startsWith('probe: replica=')) ?? '';
  return {
    code: run.code,
    ok: / ok=(\d)/.exec(summary)?.[1],
    routeFailures: / route_failures=(\S+)/.exec(summary)?.[1],
    routeOk: series(ProbeMetric.routeOk),
    routeFailingReplicas: series(ProbeMetric.routeFailingReplicas),
    routeReplicas: series(ProbeMetric.routeReplicas),
    lastSuccessPushed: success >= started,
    stderr: run.stderr
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.replace(/^(probe: replica \S+ route \S+: [a-z_]+): .*$/, '$1')),
  };
}

function probeOf(kind: Kind): ClusterProbe {
  const probe = probes.get(kind);
  if (probe === undefined) throw new Error(`no probe for the stack as ${kind}`);
  return probe;
}

const routesOf = (kind: Kind) => JSON.parse(probeOf(kind).env.PROBE_ROUTES) as ProbeRoute[];

/** Every route passed on every replica: nothing failing pushed or printed, the run healthy and its success time pushed. */
function healthyRun(kind: Kind): RunSeen {
  return runFailing(kind, [], '');
}

/**
 * Each of `failing` failed for `reason` on every replica, each pair named, and nothing else failed; with
 * any failing, the run failed (no success time). With none: the healthy run.
 */
function runFailing(kind: Kind, failing: readonly string[], reason: string): RunSeen {
  const routes = routesOf(kind).map((r) => r.name);
  const names = replicas.map((r) => r.options.address);
  const perRoute = (value: (route: string) => number) => routes.map((name) => `route=${name} ${value(name)}`).sort();
  return {
    code: 0,
    ok: failing.length === 0 ? '1' : '0',
    routeFailures: `${failing.length * replicas.length}/${routes.length * replicas.length}`,
    routeOk: failing.flatMap((route) => names.map((replica) => `reason=${reason},replica=${replica},route=${route} 0`)).sort(),
    routeFailingReplicas: perRoute((name) => (failing.includes(name) ? replicas.length : 0)),
    routeReplicas: perRoute(() => replicas.length),
    lastSuccessPushed: failing.length === 0,
    stderr: [
      ...failing.flatMap((route) => names.map((replica) => `probe: replica ${replica} route ${route}: ${reason}`)),
      ...failing.map((route) => `probe: route ${route}: failed on ${replicas.length} of ${replicas.length} replicas: ${EVERYWHERE}`),
    ],
  };
}

/** The probe routes `Webterminal` derived from the route `routeName` (`<name>-<n>` when it has more than one path). */
function probeRoutesOf(kind: Kind, routeName: string): string[] {
  return routesOf(kind)
    .map((r) => r.name)
    .filter((name) => name === routeName || name.startsWith(`${routeName}-`));
}

/** Whether a Traefik rule matches exactly `path` (an IngressRoute's match quotes with backticks, Traefik's Ingress rules with double quotes). */
const routesPath = (rule: string, path: string) => rule.includes(`Path(\`${path}\`)`) || rule.includes(`Path(${JSON.stringify(path)})`);

interface MiddlewareRef {
  name: string;
  namespace?: string;
}

interface IngressRouteRule {
  match: string;
  middlewares?: MiddlewareRef[];
  [key: string]: unknown;
}

/** The Authentik forward-auth Middleware the stack's namespace has. */
async function forwardAuthOf(namespace: string): Promise<{ name: string; namespace: string }> {
  const middleware = (await admin.list('traefik.io/v1alpha1', 'Middleware', namespace)).find(
    (m) => (m.spec as { forwardAuth?: unknown }).forwardAuth,
  );
  if (middleware === undefined) throw new Error(`no forward-auth Middleware in ${namespace}`);
  return { name: middleware.metadata.name, namespace };
}

/** Merge-patches an applied object, as `kubectl patch` would (a listed item carries no apiVersion or kind: they are given). */
async function patch(apiVersion: string, kind: string, object: KubeObject, change: Record<string, unknown>): Promise<void> {
  const at = await admin.pathOf(apiVersion, kind, object.metadata.namespace, object.metadata.name);
  await admin.call('PATCH', at, change, 'application/merge-patch+json');
}

/**
 * The careless edit on the applied object that routes `path`: forward-auth added first to its chain
 * (`gated`) or taken out of it. As IngressRoute, that path's rule; as Ingress, the route's Ingress
 * (its annotation holds one chain for all its paths). Returns the edit and its undo, as patches.
 */
async function authEdit(kind: Kind, path: string, gated: boolean): Promise<{ edit: () => Promise<void>; undo: () => Promise<void> }> {
  const namespace = namespaceOf(kind);
  const auth = await forwardAuthOf(namespace);
  const isAuth = (ref: MiddlewareRef) => ref.name === auth.name && (ref.namespace ?? namespace) === namespace;
  if (kind === 'IngressRoute') {
    const route = await admin.get('traefik.io/v1alpha1', 'IngressRoute', namespace, 'terminal');
    if (route === undefined) throw new Error(`no IngressRoute ${namespace}/terminal`);
    const rules = (route.spec as { routes: IngressRouteRule[] }).routes;
    const isRule = (rule: IngressRouteRule) => routesPath(rule.match, path);
    expect(rules.filter(isRule)).toHaveLength(1);
    const chain = (rule: IngressRouteRule) => rule.middlewares ?? [];
    const edited = rules.map((rule) =>
      isRule(rule) ? { ...rule, middlewares: gated ? [auth, ...chain(rule)] : chain(rule).filter((ref) => !isAuth(ref)) } : rule,
    );
    return {
      edit: () => patch('traefik.io/v1alpha1', 'IngressRoute', route, { spec: { routes: edited } }),
      undo: () => patch('traefik.io/v1alpha1', 'IngressRoute', route, { spec: { routes: rules } }),
    };
  }
  const ingresses = await admin.list('networking.k8s.io/v1', 'Ingress', namespace);
  const paths = (ingress: KubeObject) =>
    ((ingress.spec as { rules?: { http?: { paths?: { path: string }[] } }[] }).rules ?? [])
      .flatMap((rule) => rule.http?.paths ?? [])
      .map((p) => p.path);
  const holding = ingresses.filter((ingress) => paths(ingress).includes(path));
  expect(holding).toHaveLength(1);
  const [ingress] = holding;
  const before = ingress.metadata.annotations?.[INGRESS_MIDDLEWARES] ?? '';
  const authName = `${namespace}-${auth.name}@kubernetescrd`;
  const refs = before === '' ? [] : before.split(',');
  const after = gated ? [authName, ...refs] : refs.filter((ref) => ref !== authName);
  const annotation = (value: string[]) => ({ metadata: { annotations: { [INGRESS_MIDDLEWARES]: value.length === 0 ? null : value.join(',') } } });
  return {
    edit: () => patch('networking.k8s.io/v1', 'Ingress', ingress, annotation(after)),
    undo: () => patch('networking.k8s.io/v1', 'Ingress', ingress, annotation(refs)),
  };
}

/** Waits until every replica's API lists the router of `path` with forward-auth in its chain (`gated`) or without; the milliseconds each took. */
async function pickedUp(kind: Kind, path: string, gated: boolean, since: number): Promise<number[]> {
  const namespace = namespaceOf(kind);
  const auth = `${namespace}-${(await forwardAuthOf(namespace)).name}@kubernetescrd`;
  return Promise.all(
    replicas.map(async (replica) => {
      await waitFor(`${path} ${gated ? 'behind' : 'without'} forward-auth on ${replica.options.address}`, 20_000, async () => {
        const routers = (await replica.routers()) as unknown as { name: string; rule: string; middlewares?: string[] }[];
        const router = routers.find((r) => r.name.startsWith(`${namespace}-`) && routesPath(r.rule, path));
        return router !== undefined && (router.middlewares ?? []).includes(auth) === gated;
      });
      return Date.now() - since;
    }),
  );
}

/** Makes the edit, waits for both replicas, runs the probe, undoes the edit, waits again: the run's findings. */
async function withAuthEdited(kind: Kind, path: string, gated: boolean, what: string): Promise<RunSeen> {
  const { edit, undo } = await authEdit(kind, path, gated);
  let started = Date.now();
  await edit();
  try {
    const ms = await pickedUp(kind, path, gated, started);
    process.stdout.write(`carve-out-probe (${kind}): ${what}: both replicas serve the edit after ${ms.join(', ')} ms\n`);
    return await runProbe(kind);
  } finally {
    started = Date.now();
    await undo();
    const ms = await pickedUp(kind, path, !gated, started);
    process.stdout.write(`carve-out-probe (${kind}): ${what} undone: both replicas serve it after ${ms.join(', ')} ms\n`);
  }
}

describe.each(KINDS)('the probe the construct made, the stack as %s, against real Traefik: the original owner’s carve-outs', (kind) => {
  const host = hostOf(kind);

  test('checks a path of every route the stack declares: each of the nine assets public, the rest gated', () => {
    // One check per exact path, else per prefix (`skills` has both: its exact path is checked).
    expect(routesOf(kind)).toStrictEqual([
      { name: 'clipboard', host, path: '/clipboard/', expect: 'gated' },
      ...ASSETS.map((path, i) => ({ name: `assets-${i + 1}`, host, path, expect: 'public' })),
      { name: 'skills', host, path: '/skills', expect: 'gated' },
      { name: 'live', host, path: '/live/', expect: 'gated' },
      { name: 'worker', host, path: '/sw.js', expect: 'gated' },
    ]);
  });

  test('as applied: every route’s path passes on every replica, and the run is healthy', async () => {
    expect(await runProbe(kind)).toStrictEqual(healthyRun(kind));
  });

  test('a carve-out walled off behind Authentik again is reported walled_off on every replica, named; every other route still passes', async () => {
    // As IngressRoute the edit reaches one asset path's rule; as Ingress, the carve-out's Ingress and all nine paths.
    const walled = kind === 'IngressRoute' ? ['assets-2'] : probeRoutesOf(kind, 'assets');
    expect(await withAuthEdited(kind, '/favicon.ico', true, 'walled off')).toStrictEqual(runFailing(kind, walled, RouteReason.walledOff));
    expect(await runProbe(kind)).toStrictEqual(healthyRun(kind));
  });

  test('a gated route left without forward-auth is reported ungated on every replica, named; every other route still passes', async () => {
    expect(await withAuthEdited(kind, '/sw.js', false, 'ungated')).toStrictEqual(runFailing(kind, ['worker'], RouteReason.ungated));
    expect(await runProbe(kind)).toStrictEqual(healthyRun(kind));
  });
});
