/**
 * What the real probe pushes in each fault class of `bench/fault-classes.ts`: the probe run as the
 * ConfigMap's exact files (support/fixtures.ts `runProbe`) against the nginx harness (three Traefik
 * "replicas", the round-robin edge, the ttyd stand-in, dnsmasq, the real Pushgateway), once with the
 * harness healthy and once with it set up for the fault, each run under a job of its own; after each
 * run the real Pushgateway's `/metrics` (what Prometheus scrapes) is read and that job's groups kept.
 * `bench/capture-faults.ts` records them in `bench/fault-captures.json`, which the timelines replay;
 * `__tests__/alerts/fault-captures.test.ts` captures again and fails when what the probe pushes changed.
 *
 * The probe's environment is the harness's (support/fixtures.ts `env`: six samples per check, the router
 * inventory on) with the stack's routes and router names of {@link CAPTURE_ENV}; remediation is off (it
 * needs the API server; the remediation group's alerts are not the fault classes' figures).
 */
import { getText } from '../__tests__/support/daemons';
import { EDGE_HOST, EMPTY_NAME, ProbeFixtures, runProbe } from '../__tests__/support/fixtures';
import type { PathAnswer, ReplicaState } from '../__tests__/support/nginx';
import { CapturedRun, CapturedSample, ClassCapture, FAULT_CLASSES, FaultCaptures, VOLATILE_METRICS, seriesName } from './fault-classes';

/** The stack's routers as the harness's replicas list them (`router-<n>@kubernetes`), by route. */
export const ROUTER_INDEX = { terminal: 100, clipboard: 101, assets: 102, skills: 103 } as const;
const router = (route: keyof typeof ROUTER_INDEX) => `router-${ROUTER_INDEX[route]}@kubernetes`;

/** The asset path of the public carve-out. */
const ASSET_PATH = '/assets/app.css';

/**
 * The stack's routes as the construct passes them (`PROBE_ROUTES`): two gated routes and a public
 * carve-out on the terminal host; its routers (`PROBE_OWN_ROUTERS`), the terminal's reaching ttyd.
 */
export const CAPTURE_ENV: Readonly<Record<string, string>> = {
  PROBE_ROUTES: JSON.stringify([
    { name: 'clipboard', host: EDGE_HOST, path: '/clipboard', expect: 'gated' },
    { name: 'assets', host: EDGE_HOST, path: ASSET_PATH, expect: 'public', status: 200 },
    { name: 'skills', host: EDGE_HOST, path: '/skills', expect: 'gated' },
  ]),
  PROBE_OWN_ROUTERS: (Object.keys(ROUTER_INDEX) as (keyof typeof ROUTER_INDEX)[]).map(router).join(','),
  PROBE_TTYD_ROUTERS: router('terminal'),
};

/** A healthy replica: the terminal's router, the carve-out answering from its backend, 119 routers listed. */
const HEALTHY_PATHS: Readonly<Record<string, PathAnswer>> = { [ASSET_PATH]: 'public' };
const healthyReplica = (): ReplicaState => ({ terminalRoute: true, routers: 119, paths: HEALTHY_PATHS });
/** The replica a one-replica fault breaks. */
const BAD = 1;

/** How the harness is set up for a fault, and the environment of the faulty run (over the healthy one). */
interface Scenario {
  /** What it does, for the docs. */
  readonly harness: string;
  readonly replicas?: (healthy: ReplicaState, index: number) => ReplicaState;
  readonly edge?: 'stopped' | 'one-upstream-refusing';
  readonly ttyd?: 'stopped';
  readonly env?: Readonly<Record<string, string>>;
}

const onBad =
  (change: Partial<ReplicaState>) =>
  (healthy: ReplicaState, index: number): ReplicaState =>
    index === BAD ? { ...healthy, ...change } : healthy;
const everywhere = (change: Partial<ReplicaState>) => (healthy: ReplicaState) => ({ ...healthy, ...change });

/** The harness's fault per fault class (by id). */
export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  // The incident: a replica up without the terminal host's routers (the harness drops the host's whole server block).
  'replica-terminal-route': {
    harness:
      "one replica restarted without the terminal host's server (every path of the host gets Traefik's 404) " +
      "and without the stack's 4 routers in its API",
    replicas: onBad({ terminalRoute: false, withoutRouters: Object.values(ROUTER_INDEX) }),
  },
  'replica-other-route': {
    harness: "one replica answering Traefik's 404 on `/clipboard`, its router missing from its API",
    replicas: onBad({ paths: { ...HEALTHY_PATHS, '/clipboard': 'not-routed' }, withoutRouters: [ROUTER_INDEX.clipboard] }),
  },
  'route-missing-everywhere': {
    harness: "every replica answering Traefik's 404 on `/skills`, its router in no replica's API",
    replicas: everywhere({ paths: { ...HEALTHY_PATHS, '/skills': 'not-routed' }, withoutRouters: [ROUTER_INDEX.skills] }),
  },
  'wrong-redirect': {
    harness: "one replica's auth redirect going to another host",
    replicas: onBad({ wrongRedirect: 'host' }),
  },
  // The headless Service's name resolving to nothing, as when Traefik has no ready pod.
  'detector-blind': {
    harness: "the replicas' name resolving to no address",
    env: { PROBE_REPLICAS: EMPTY_NAME },
  },
  'edge-down': {
    harness: 'the edge stopped (connections refused)',
    edge: 'stopped',
  },
  // The edge balancing over a third server that refuses connections: the replicas the probe asks are healthy.
  'edge-partial': {
    harness: 'the edge balancing round-robin over two replicas and a server that refuses, without passive health checks',
    edge: 'one-upstream-refusing',
  },
  'edge-partial-lucky-second': {
    harness: 'as above',
    edge: 'one-upstream-refusing',
  },
  'ttyd-down': {
    harness: 'the ttyd stand-in stopped',
    ttyd: 'stopped',
  },
  'carve-out-walled-off': {
    harness: 'every replica without the carve-out: its asset path falls through to the gated catch-all',
    replicas: everywhere({ paths: {} }),
  },
  'route-ungated': {
    harness: 'every replica answering 200 without auth on `/clipboard`',
    replicas: everywhere({ paths: { ...HEALTHY_PATHS, '/clipboard': 'ungated' } }),
  },
};

/** An address of 127.0.0.0/8 where nothing listens: the edge's refusing upstream. */
const REFUSING_UPSTREAM = '127.0.0.5';

/** What the harness runs now: the edge and ttyd are restarted only when that changes. */
const harnessState = new WeakMap<ProbeFixtures, { edge: Scenario['edge'] | 'healthy'; ttyd: 'up' | 'stopped' }>();

async function setHarness(fx: ProbeFixtures, scenario: Scenario | undefined): Promise<void> {
  const now = harnessState.get(fx) ?? { edge: 'healthy', ttyd: 'up' };
  await Promise.all(fx.replicas.map((replica, i) => replica.restart(scenario?.replicas?.(healthyReplica(), i) ?? healthyReplica())));
  const edge = scenario?.edge ?? 'healthy';
  if (edge !== now.edge) {
    await fx.edge.stop();
    // The third server refusing connections, and the edge still sending it a third of the requests.
    const refusing = [...fx.replicas.slice(0, 2).map((r) => r.options), { address: REFUSING_UPSTREAM, port: fx.replicaPort }];
    if (edge === 'healthy') await fx.edge.start({ refuseUpgrades: false });
    else if (edge === 'one-upstream-refusing') await fx.edge.start({ refuseUpgrades: false, upstreams: refusing, noPassiveHealthChecks: true });
  }
  const ttyd = scenario?.ttyd ?? 'up';
  if (ttyd !== now.ttyd) await (ttyd === 'up' ? fx.ttyd.start() : fx.ttyd.stop());
  harnessState.set(fx, { edge, ttyd });
}

const unescape = (value: string) => value.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));

/** The samples of the Pushgateway's `/metrics` text (Prometheus' text format, as it exposes it). */
export function parseExposition(text: string): CapturedSample[] {
  const samples: CapturedSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[name] = unescape(value);
    samples.push({ metric: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The groups of `job` in the Pushgateway's `/metrics`, by `kind`; `job` and `instance=""` (dropped by Prometheus as empty) left out. */
async function groupsOf(fx: ProbeFixtures, job: string): Promise<CapturedRun> {
  const { status, body } = await getText(`${fx.pushgateway.url}/metrics`);
  if (status !== 200) throw new Error(`pushgateway /metrics: status ${status}`);
  const groups: Record<string, CapturedSample[]> = {};
  for (const sample of parseExposition(body)) {
    if (sample.labels.job !== job) continue;
    const labels = Object.fromEntries(Object.entries(sample.labels).filter(([name, value]) => name !== 'job' && value !== ''));
    (groups[sample.labels.kind ?? ''] ??= []).push({ ...sample, labels });
  }
  const order = (a: CapturedSample, b: CapturedSample) => seriesName(a).localeCompare(seriesName(b));
  return Object.fromEntries(Object.entries(groups).map(([kind, samples]) => [kind, samples.sort(order)]));
}

async function captureRun(fx: ProbeFixtures, job: string, env: Readonly<Record<string, string>>): Promise<{ run: CapturedRun; summary: string }> {
  const run = await runProbe(fx.env(job, { ...CAPTURE_ENV, ...env }), { killAfterMs: 30_000 });
  if (run.code !== 0) throw new Error(`probe run ${job} exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
  const summary = `exit ${run.code}: ${run.stdout.split('\n').find((line) => line.startsWith('probe: token=')) ?? '(no summary line)'}`;
  return { run: await groupsOf(fx, job), summary };
}

/**
 * Captures every scenario (or those of `only`): for each, the harness healthy and a run, then the harness
 * set for the fault and a run; the harness is left healthy. Each run pushes under its own job.
 */
export async function captureFaults(fx: ProbeFixtures, only?: readonly string[]): Promise<FaultCaptures> {
  const classes: Record<string, ClassCapture> = {};
  const tag = Date.now().toString(36);
  for (const { id } of FAULT_CLASSES) {
    const scenario = SCENARIOS[id];
    if (scenario === undefined || (only !== undefined && !only.includes(id))) continue;
    await setHarness(fx, undefined);
    const healthy = await captureRun(fx, `capture-${tag}-${id}-healthy`, {});
    await setHarness(fx, scenario);
    try {
      const faulty = await captureRun(fx, `capture-${tag}-${id}-faulty`, scenario.env ?? {});
      classes[id] = {
        harness: scenario.harness,
        healthy: healthy.run,
        faulty: faulty.run,
        faultySummary: faulty.summary.replace(/ duration=\S+/, ''),
      };
    } finally {
      await setHarness(fx, undefined);
    }
  }
  const { PROBE_ROUTES, PROBE_OWN_ROUTERS, PROBE_TTYD_ROUTERS } = CAPTURE_ENV;
  const shown = fx.env('<job>', CAPTURE_ENV);
  return {
    title:
      'What the real probe (the ConfigMap files) pushed against the nginx harness, healthy and in each fault, read from the real ' +
      "Pushgateway's /metrics (`node scripts/run-ts.cjs bench/capture-faults.ts`)",
    recorded: new Date().toISOString().slice(0, 10),
    env: {
      PROBE_SAMPLES: shown.PROBE_SAMPLES,
      PROBE_ROUTER_INVENTORY: shown.PROBE_ROUTER_INVENTORY,
      PROBE_ROUTES,
      PROBE_OWN_ROUTERS,
      PROBE_TTYD_ROUTERS,
    },
    classes,
  };
}

/** A capture with the volatile values blanked (-1), to compare two captures. */
export function withoutVolatileValues(run: CapturedRun): CapturedRun {
  return Object.fromEntries(
    Object.entries(run).map(([kind, samples]) => [kind, samples.map((s) => (VOLATILE_METRICS.includes(s.metric) ? { ...s, value: -1 } : s))]),
  );
}
