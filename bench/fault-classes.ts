/**
 * The fault classes the alerts must catch, as the series the real probe pushes run by run, for promtool
 * timelines (`bench/alert-timelines.ts` measures them, `__tests__/alerts/alert-timelines.test.ts`
 * checks the figures). Each class is replayed from two captured runs of the real probe against the
 * nginx harness (`bench/fault-captures.ts` makes the fault, `bench/fault-captures.json` holds what the
 * real Pushgateway exposed after each run): its healthy run, then its faulty run in the order the class
 * prescribes (`runs`).
 *
 * Model: the probe runs every 5 minutes and PUTs its run group (and, after a healthy run, its
 * last-success group), Prometheus scrapes the Pushgateway every minute, so each run's values are current
 * for five samples; a series the run no longer pushes goes stale at the next scrape, and a group the run
 * does not push keeps what it held (the Pushgateway keeps it). The Pushgateway sets `push_time_seconds`
 * of a group to the time of its push: the replay sets it, and the last-success time the probe pushes
 * with it, to the run's minute. The fault begins between run 1 and run 2: the first failing push is at
 * minute 10. Prometheus itself (`process_start_time_seconds`) has been up for a day.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PROBE_JOB, ProbeMetric, PushgatewayMetric } from '../lib/metrics';
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

/** Which of the class's two captured runs a run replays. */
export type RunKind = 'healthy' | 'faulty';

export interface FaultClass {
  readonly id: string;
  /** The fault class, as the docs name it. */
  readonly title: string;
  /** The alerts that name this fault: the class's figure is the first of them to fire. */
  readonly alerts: readonly string[];
  /** The runs from the first failing one on, the last repeated to the end. @default ['faulty'] */
  readonly runs?: readonly RunKind[];
}

// ---- the captures (bench/fault-captures.json) ----

export const CAPTURES_FILE = join(__dirname, 'fault-captures.json');

/** One sample of the Pushgateway's `/metrics`, the capture's job label left out. */
export interface CapturedSample {
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * The groups one run left in the Pushgateway, by the grouping key's `kind` label ("" the run group,
 * `success` the last-success group the probe pushes only after a healthy run).
 */
export type CapturedRun = Readonly<Record<string, readonly CapturedSample[]>>;

export interface ClassCapture {
  /** How the harness made the fault. */
  readonly harness: string;
  readonly healthy: CapturedRun;
  readonly faulty: CapturedRun;
  /** The probe's exit code and summary line in the faulty run. */
  readonly faultySummary: string;
}

export interface FaultCaptures {
  readonly title: string;
  readonly recorded: string;
  /** The probe's environment that the captures share (beside the harness's addresses). */
  readonly env: Readonly<Record<string, string>>;
  readonly classes: Readonly<Record<string, ClassCapture>>;
}

export function readFaultCaptures(file = CAPTURES_FILE): FaultCaptures {
  return JSON.parse(readFileSync(file, 'utf8')) as FaultCaptures;
}

/** Values that change from run to run whatever the fault: the times (which the replay sets) and the run's duration. */
export const VOLATILE_METRICS: readonly string[] = [
  PushgatewayMetric.pushTime,
  PushgatewayMetric.pushFailureTime,
  ProbeMetric.lastSuccessTimestamp,
  ProbeMetric.durationSeconds,
];

/** Times the replay sets to the minute of the push: the Pushgateway's push time, the probe's last success. */
const PUSH_TIMES: readonly string[] = [PushgatewayMetric.pushTime, ProbeMetric.lastSuccessTimestamp];

/** The series as promtool is given it, under the probe's default job, labels in name order. */
export const seriesName = (sample: Pick<CapturedSample, 'metric' | 'labels'>): string =>
  `${sample.metric}{${[
    `job="${DEFAULT_PROBE_JOB}"`,
    ...Object.entries(sample.labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`),
  ].join(', ')}}`;

// ---- the classes ----

/** The edge's third server refusing, and two runs in which it got none of the requests. */
const PARTIAL_EDGE = 'A 1-of-3 partial edge failure';

export const FAULT_CLASSES: readonly FaultClass[] = [
  { id: 'replica-terminal-route', title: "A replica lacking the terminal's route", alerts: [WebterminalAlertName.replicaRouteMissing] },
  { id: 'replica-other-route', title: 'A replica lacking another route', alerts: [WebterminalAlertName.routeMissing] },
  { id: 'route-missing-everywhere', title: 'A route missing on every replica', alerts: [WebterminalAlertName.routeMissing] },
  { id: 'wrong-redirect', title: 'A wrong-place redirect', alerts: [WebterminalAlertName.replicaRouteMissing] },
  { id: 'detector-blind', title: 'The detector blind', alerts: [WebterminalAlertName.probeBlind] },
  {
    id: 'edge-down',
    title: 'The edge down for everyone',
    alerts: [WebterminalAlertName.tokenDegraded, WebterminalAlertName.websocketDegraded],
  },
  {
    // The failing samples of a random balancer vary from run to run, and a run may see none (a lucky run: what a healthy run pushes).
    id: 'edge-partial',
    title: PARTIAL_EDGE,
    alerts: [WebterminalAlertName.tokenDegraded, WebterminalAlertName.websocketDegraded],
    runs: ['faulty', 'faulty', 'healthy', 'faulty'],
  },
  {
    // A run sees none of six samples on the bad third with p = (2/3)^6 ≈ 9 %, per check.
    id: 'edge-partial-lucky-second',
    title: `${PARTIAL_EDGE}, its second run lucky`,
    alerts: [WebterminalAlertName.tokenDegraded, WebterminalAlertName.websocketDegraded],
    runs: ['faulty', 'healthy', 'faulty'],
  },
  { id: 'ttyd-down', title: 'ttyd down', alerts: [WebterminalAlertName.ttydUnreachable] },
  { id: 'carve-out-walled-off', title: 'A carve-out walled off', alerts: [WebterminalAlertName.carveOutWalledOff] },
  { id: 'route-ungated', title: 'A gated route answering without auth', alerts: [WebterminalAlertName.routeUngated] },
];

/** The class's run kinds, run by run: healthy before the fault, then its `runs`, the last repeated. */
export function runKinds(fault: FaultClass, runs = RUNS): RunKind[] {
  const failing = fault.runs ?? ['faulty'];
  return Array.from({ length: runs }, (_, run) =>
    run < FIRST_FAILING_RUN ? 'healthy' : failing[Math.min(run - FIRST_FAILING_RUN, failing.length - 1)],
  );
}

/** Prometheus up for a day, the restart guard's input. */
const prometheusStart = (runs: number): SeriesRuns => ({
  series: 'process_start_time_seconds{job="prometheus"}',
  runs: Array.from({ length: runs }, () => -86400),
});

/**
 * The series Prometheus scrapes from the Pushgateway, run by run: each run PUTs the groups its capture
 * holds (replacing what the group held), the other groups stay; push times set to the run's minute.
 */
export function replay(capture: Pick<ClassCapture, RunKind>, kinds: readonly RunKind[]): SeriesRuns[] {
  const held = new Map<string, readonly CapturedSample[]>();
  const values = new Map<string, (number | undefined)[]>();
  kinds.forEach((kind, run) => {
    for (const [group, samples] of Object.entries(capture[kind])) {
      held.set(
        group,
        samples.map((s) => (PUSH_TIMES.includes(s.metric) ? { ...s, value: run * INTERVAL_MINUTES * 60 } : s)),
      );
    }
    for (const samples of held.values())
      for (const sample of samples) {
        const name = seriesName(sample);
        if (!values.has(name)) values.set(name, Array<number | undefined>(kinds.length).fill(undefined));
        values.get(name)![run] = sample.value;
      }
  });
  return [...[...values].map(([series, runs]) => ({ series, runs })), prometheusStart(kinds.length)];
}

/** The class's series for promtool, from its captures. */
export function seriesOf(fault: FaultClass, captures: FaultCaptures = readFaultCaptures()): SeriesRuns[] {
  const capture = captures.classes[fault.id];
  if (capture === undefined)
    throw new Error(`no capture of ${fault.id} in ${CAPTURES_FILE}: node scripts/run-ts.cjs bench/capture-faults.ts ${fault.id}`);
  return replay(capture, runKinds(fault));
}

/** `runs` healthy runs in a row: the healthy run captured before the first class's fault, replayed. */
export function healthyRuns(runs: number, captures: FaultCaptures = readFaultCaptures()): SeriesRuns[] {
  const capture = captures.classes[FAULT_CLASSES[0].id];
  return replay(capture, Array<RunKind>(runs).fill('healthy'));
}

/**
 * What the faulty run pushed that its healthy run did not (Markdown, short), per metric and change:
 * `+` a series added, `a → b` a value changed, series no longer pushed, groups not pushed; series of one
 * metric with the same change are merged, their label values joined with `|`. Times and duration left out.
 */
export function pushedDifference(capture: Pick<ClassCapture, RunKind>): string {
  const flat = (run: CapturedRun) =>
    new Map(
      Object.values(run)
        .flat()
        .filter((s) => !VOLATILE_METRICS.includes(s.metric))
        .map((s) => [seriesName(s), s] as const),
    );
  const [healthy, faulty] = [flat(capture.healthy), flat(capture.faulty)];
  const changes = new Map<string, { metric: string; change: string; labels: Readonly<Record<string, string>>[] }>();
  const note = (sample: CapturedSample, change: string) => {
    const key = `${sample.metric} ${change}`;
    if (!changes.has(key)) changes.set(key, { metric: sample.metric, change, labels: [] });
    changes.get(key)!.labels.push(sample.labels);
  };
  for (const [name, sample] of faulty) {
    const before = healthy.get(name)?.value;
    if (before === undefined) note(sample, `+${sample.value}`);
    else if (before !== sample.value) note(sample, `${before} → ${sample.value}`);
  }
  for (const [name, sample] of healthy) if (!faulty.has(name)) note(sample, 'no longer pushed');
  const parts = [...changes.values()].map(({ metric, change, labels }) => {
    const names = [...new Set(labels.flatMap((l) => Object.keys(l)))].sort();
    const merged = names.map((label) => `${label}=${[...new Set(labels.map((l) => l[label] ?? ''))].join('|')}`);
    const short = metric.replace(/^webterminal_probe_/, '');
    const count = labels.length > 1 ? ` (${labels.length} series)` : '';
    return `\`${short}${merged.length === 0 ? '' : `{${merged.join(', ')}}`}\` ${change}${count}`;
  });
  for (const group of Object.keys(capture.healthy)) if (capture.faulty[group] === undefined) parts.push(`no \`kind="${group}"\` push`);
  return parts.join('; ');
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
