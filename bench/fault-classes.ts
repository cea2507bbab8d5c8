/**
 * The fault classes the alerts must catch, as the series the probe pushes run by run, for promtool
 * timelines (`bench/alert-timelines.ts` measures them, `__tests__/alerts/alert-timelines.test.ts`
 * checks the figures). Derived from the probe's metric semantics (`lib/metrics.ts`, the contract):
 * what a run pushes in each fault, not captured from a run. The real-Prometheus suite checks two of
 * them against the real probe's pushes (a replica without the terminal's route: its verdict 0, the
 * others 1, edge samples failing; an edge fault: every edge sample failing, the replicas healthy); the
 * route matrix's series follow the contract, which the probe does not push yet. The edge's per-run
 * failure counts are the nginx harness's: six samples per check on fresh connections, round-robin over
 * three replicas, so a bad replica takes two of six.
 *
 * Model: the probe runs every 5 minutes and PUTs its run group, Prometheus scrapes every minute, so
 * each run's values are current for five samples; a series the run no longer pushes goes stale at
 * the next scrape. The fault begins between run 1 and run 2: the first failing push is at minute 10.
 */
import { DEFAULT_PROBE_JOB, ProbeCheck, ProbeMetric, PushgatewayMetric, RouteReason } from '../lib/metrics';
import { WebterminalAlertName } from '../lib/webterminal-alerts-props';

export const INTERVAL_MINUTES = 5;
export const SCRAPES_PER_RUN = 5;
export const RUNS = 12;
export const FIRST_FAILING_RUN = 2;
export const FIRST_FAILING_MINUTE = FIRST_FAILING_RUN * INTERVAL_MINUTES;
/** Every fault class must raise its alert within this many minutes of the first failing push. */
export const BOUND_MINUTES = 10;

/** One value per run; undefined: the run does not push the series. */
export type RunValues = readonly (number | undefined)[];

/** A series as promtool names it, and its value in each run. */
export interface SeriesRuns {
  readonly series: string;
  readonly runs: RunValues;
}

export interface FaultClass {
  readonly id: string;
  /** The fault class, as the docs name it. */
  readonly title: string;
  /** What the probe pushes in it (Markdown). */
  readonly pushes: string;
  /** The alerts that name this fault: the class's figure is the first of them to fire. */
  readonly alerts: readonly string[];
  /** Series that differ from the healthy background (same name and labels replace it) or add to it. */
  readonly series: readonly SeriesRuns[];
}

const JOB = `job="${DEFAULT_PROBE_JOB}"`;
const REPLICAS = ['10.0.0.1', '10.0.0.2', '10.0.0.3'] as const;
const BAD = REPLICAS[1];
const ROUTES = ['terminal', 'clipboard', 'assets', 'skills'] as const;
const ROUTERS_PER_REPLICA = 12;

const s = (metric: string, labels: Record<string, string> = {}): string =>
  `${metric}{${[JOB, ...Object.entries(labels).map(([k, v]) => `${k}="${v}"`)].join(', ')}}`;

/** `healthy` before the fault, then `failing` (a value, or one per failing run, the last repeated). */
function fault(healthy: number | undefined, failing: number | readonly number[]): RunValues {
  const values = typeof failing === 'number' ? [failing] : failing;
  return Array.from({ length: RUNS }, (_, run) => (run < FIRST_FAILING_RUN ? healthy : values[Math.min(run - FIRST_FAILING_RUN, values.length - 1)]));
}
/** A series pushed only while the fault lasts. */
const during = (value: number): RunValues => fault(undefined, value);

/** What a healthy run pushes (the parts the rules read), and Prometheus up for a day. */
export function healthyBackground(runs = RUNS): SeriesRuns[] {
  const each = (value: number): RunValues => Array.from({ length: runs }, () => value);
  return [
    { series: s(PushgatewayMetric.pushTime), runs: Array.from({ length: runs }, (_, run) => run * INTERVAL_MINUTES * 60) },
    { series: 'process_start_time_seconds{job="prometheus"}', runs: each(-86400) },
    ...[ProbeCheck.edgeToken, ProbeCheck.edgeWs, ProbeCheck.originToken, ProbeCheck.originWs].map((check) => ({
      series: s(ProbeMetric.checkFailures, { check }),
      runs: each(0),
    })),
    { series: s(ProbeMetric.ttydOpen), runs: each(0) },
    { series: s(ProbeMetric.replicas), runs: each(REPLICAS.length) },
    ...REPLICAS.flatMap((replica) => [
      { series: s(ProbeMetric.replicaOk, { replica }), runs: each(1) },
      { series: s(ProbeMetric.replicaRouters, { replica }), runs: each(ROUTERS_PER_REPLICA) },
      { series: s(ProbeMetric.routerInventoryOk, { replica }), runs: each(1) },
      { series: s(ProbeMetric.foreignRouters, { replica }), runs: each(0) },
    ]),
    ...ROUTES.flatMap((route) => [
      { series: s(ProbeMetric.routeReplicas, { route }), runs: each(REPLICAS.length) },
      { series: s(ProbeMetric.routeFailingReplicas, { route }), runs: each(0) },
    ]),
  ];
}

const edgeFailures = (token: number | readonly number[], ws: number | readonly number[] = token): SeriesRuns[] => [
  { series: s(ProbeMetric.checkFailures, { check: ProbeCheck.edgeToken }), runs: fault(0, token) },
  { series: s(ProbeMetric.checkFailures, { check: ProbeCheck.edgeWs }), runs: fault(0, ws) },
];

/** A route failing on replicas for one reason: the pairs, and the per-route count. */
const routeFailing = (route: string, reason: string, replicas: readonly string[]): SeriesRuns[] => [
  ...replicas.map((replica) => ({ series: s(ProbeMetric.routeOk, { replica, route, reason }), runs: during(0) })),
  { series: s(ProbeMetric.routeFailingReplicas, { route }), runs: fault(0, replicas.length) },
];

/** A replica without one of the stack's routers, as the router inventory reports it. */
const replicaLacksRouter = (replica: string, route: string): SeriesRuns[] => [
  { series: s(ProbeMetric.replicaMissingRouter, { replica, router: `webterminal-${route}@kubernetescrd` }), runs: during(1) },
  { series: s(ProbeMetric.replicaRouters, { replica }), runs: fault(ROUTERS_PER_REPLICA, ROUTERS_PER_REPLICA - 1) },
];

export const FAULT_CLASSES: readonly FaultClass[] = [
  {
    id: 'replica-terminal-route',
    title: "A replica lacking the terminal's route",
    pushes: "the replica's verdict 0; the terminal route `not_routed` on it, its router missing there; 2 of 6 edge samples failing per check",
    alerts: [WebterminalAlertName.replicaRouteMissing],
    series: [
      { series: s(ProbeMetric.replicaOk, { replica: BAD }), runs: fault(1, 0) },
      ...edgeFailures(2),
      ...routeFailing('terminal', RouteReason.notRouted, [BAD]),
      ...replicaLacksRouter(BAD, 'terminal'),
    ],
  },
  {
    id: 'replica-other-route',
    title: 'A replica lacking another route',
    pushes: 'the route `not_routed` on one replica, its router missing there; the terminal checks healthy',
    alerts: [WebterminalAlertName.routeMissing],
    series: [...routeFailing('clipboard', RouteReason.notRouted, [BAD]), ...replicaLacksRouter(BAD, 'clipboard')],
  },
  {
    id: 'route-missing-everywhere',
    title: 'A route missing on every replica',
    pushes: 'the route `not_routed` on all three replicas, its router listed by none',
    alerts: [WebterminalAlertName.routeMissing],
    series: [
      ...routeFailing('skills', RouteReason.notRouted, REPLICAS),
      { series: s(ProbeMetric.routerMissingEverywhere, { router: 'webterminal-skills@kubernetescrd' }), runs: during(1) },
    ],
  },
  {
    id: 'wrong-redirect',
    title: 'A wrong-place redirect',
    pushes: "the replica's verdict 0 (a 302 to another host); the terminal route `wrong_redirect` on it; 2 of 6 edge samples failing",
    alerts: [WebterminalAlertName.replicaRouteMissing],
    series: [
      { series: s(ProbeMetric.replicaOk, { replica: BAD }), runs: fault(1, 0) },
      ...edgeFailures(2),
      ...routeFailing('terminal', RouteReason.wrongRedirect, [BAD]),
    ],
  },
  {
    id: 'detector-blind',
    title: 'The detector blind',
    pushes: 'no replica found: `replicas` 0, no per-replica or per-route series',
    alerts: [WebterminalAlertName.probeBlind],
    series: [
      { series: s(ProbeMetric.replicas), runs: fault(REPLICAS.length, 0) },
      ...REPLICAS.flatMap((replica) =>
        [ProbeMetric.replicaOk, ProbeMetric.replicaRouters, ProbeMetric.routerInventoryOk, ProbeMetric.foreignRouters].map((metric) => ({
          series: s(metric, { replica }),
          runs: fault(metric === ProbeMetric.replicaRouters ? ROUTERS_PER_REPLICA : metric === ProbeMetric.foreignRouters ? 0 : 1, []),
        })),
      ),
      ...ROUTES.map((route) => ({ series: s(ProbeMetric.routeReplicas, { route }), runs: fault(REPLICAS.length, 0) })),
    ],
  },
  {
    id: 'edge-down',
    title: 'The edge down for everyone',
    pushes: 'all 6 edge samples failing per check in every run; the replicas healthy',
    alerts: [WebterminalAlertName.tokenDegraded, WebterminalAlertName.websocketDegraded],
    series: edgeFailures(6),
  },
  {
    id: 'edge-partial',
    title: 'A 1-of-3 partial edge failure',
    pushes: 'edge failures 2, 1, 0 (a lucky run), 3, 2, 1 of 6 (`/token`) and 1, 2, 0, 1, 1, 2 (upgrade); no per-replica data',
    alerts: [WebterminalAlertName.tokenDegraded, WebterminalAlertName.websocketDegraded],
    series: edgeFailures([2, 1, 0, 3, 2, 1], [1, 2, 0, 1, 1, 2]),
  },
  {
    id: 'edge-partial-lucky-second',
    title: 'A 1-of-3 partial edge failure, its second run lucky',
    pushes: 'edge failures 2, 0, 1, 3, 2 of 6 (`/token`) and 1, 0, 2, 1, 1 (upgrade): the run after the first failing one sees none (p ≈ 9 %)',
    alerts: [WebterminalAlertName.tokenDegraded, WebterminalAlertName.websocketDegraded],
    series: edgeFailures([2, 0, 1, 3, 2], [1, 0, 2, 1, 1]),
  },
  {
    id: 'ttyd-down',
    title: 'ttyd down',
    pushes: 'the in-cluster `/token` and upgrade failing in every run; the edge still gets the Authentik redirect',
    alerts: [WebterminalAlertName.ttydUnreachable],
    series: [
      { series: s(ProbeMetric.checkFailures, { check: ProbeCheck.originToken }), runs: fault(0, 1) },
      { series: s(ProbeMetric.checkFailures, { check: ProbeCheck.originWs }), runs: fault(0, 1) },
    ],
  },
  {
    id: 'carve-out-walled-off',
    title: 'A carve-out walled off',
    pushes: 'the public route `walled_off` on all three replicas',
    alerts: [WebterminalAlertName.carveOutWalledOff],
    series: routeFailing('assets', RouteReason.walledOff, REPLICAS),
  },
  {
    id: 'route-ungated',
    title: 'A gated route answering without auth',
    pushes: 'the gated route `ungated` on all three replicas',
    alerts: [WebterminalAlertName.routeUngated],
    series: routeFailing('clipboard', RouteReason.ungated, REPLICAS),
  },
];

/** The background with the class's series laid over it. */
export function seriesOf(fault: FaultClass): SeriesRuns[] {
  const own = new Map(fault.series.map((x) => [x.series, x]));
  const background = healthyBackground().map((x) => own.get(x.series) ?? x);
  const known = new Set(background.map((x) => x.series));
  return [...background, ...fault.series.filter((x) => !known.has(x.series))];
}

/**
 * promtool's values for one series, a scrape a minute: each run's value for five scrapes; `stale`
 * at the first scrape a series is no longer pushed (the Pushgateway dropped it with the PUT), `_`
 * before it is first pushed and after.
 */
export function promtoolValues(runs: RunValues): string {
  const out: string[] = [];
  runs.forEach((value, run) => {
    const previous = run > 0 ? runs[run - 1] : undefined;
    for (let scrape = 0; scrape < SCRAPES_PER_RUN; scrape += 1) {
      if (value !== undefined) out.push(String(value));
      else out.push(scrape === 0 && previous !== undefined ? 'stale' : '_');
    }
  });
  return out.join(' ');
}
