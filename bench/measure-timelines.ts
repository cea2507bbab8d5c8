/**
 * Measures, with promtool, the minute each alert first fires in each fault class of
 * `bench/fault-classes.ts` (replayed from what the real probe pushed, `bench/fault-captures.json`), and
 * whether a healthy day (the captured healthy run, replayed) raises anything: the rule set is the one the
 * docs' alert table describes (every part on, the default 5-minute schedule). For every alert and
 * every minute the timeline asks promtool to expect no alert; the evaluations it reports as failing
 * are the minutes the alert fired.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { WebterminalRuleSet } from '../lib/webterminal-rule-set';
import {
  FAULT_CLASSES,
  FIRST_FAILING_MINUTE,
  FaultCaptures,
  INTERVAL_MINUTES,
  RUNS,
  SCRAPES_PER_RUN,
  SeriesRuns,
  healthyRuns,
  promtoolValues,
  pushedDifference,
  readFaultCaptures,
  runKinds,
  seriesOf,
} from './fault-classes';

export const TIMELINES_FILE = join(__dirname, 'alert-timelines.json');

/** A healthy day: 24 hours of healthy runs. */
export const HEALTHY_DAY_RUNS = (24 * 60) / INTERVAL_MINUTES;

export interface FaultClassFigure {
  readonly id: string;
  readonly title: string;
  /** Where the series come from: the real probe's pushes against the harness (`bench/fault-captures.json`). */
  readonly source: 'captured';
  /** How the harness made the fault. */
  readonly harness: string;
  /** What the faulty run pushed that the healthy run did not. */
  readonly pushes: string;
  /** The runs replayed, H healthy and F faulty, the fault beginning after the second. */
  readonly runs: string;
  /** The alerts that name the fault. */
  readonly alerts: readonly string[];
  /** Minutes from the first failing push to the first of `alerts` firing; null: none fired. */
  readonly minutes: number | null;
  /** Every alert that fired in the timeline, and its minutes after the first failing push. */
  readonly fired: Readonly<Record<string, number>>;
}

export interface AlertTimelines {
  readonly title: string;
  readonly measured: string;
  /** When the probe's pushes were captured (`bench/fault-captures.json`). */
  readonly captured: string;
  readonly tool: string;
  readonly model: string;
  readonly classes: readonly FaultClassFigure[];
  /** The healthy day: runs replayed, and the alerts it raised (pending or firing). */
  readonly healthyDay: { readonly runs: number; readonly alertsRaised: readonly string[] };
}

/** The rule set the docs' alert table is generated from. */
export function timelineRuleSet(): WebterminalRuleSet {
  return WebterminalRuleSet.forProbe({
    job: 'webterminal-probe',
    intervalSeconds: INTERVAL_MINUTES * 60,
    routerInventory: true,
    remediationMode: 'on',
  });
}

function promtool(args: readonly string[], cwd: string): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const inputSeries = (series: readonly SeriesRuns[]) => series.map((x) => ({ series: x.series, values: promtoolValues(x.runs) }));

/** Minute of the first evaluation at which each alert fired, from promtool's failures. */
function firstFiring(output: string): Record<string, number> {
  const first: Record<string, number> = {};
  for (const [, alert, minutes] of output.matchAll(/alertname: (\w+), time: (\d+)m/g)) {
    const at = Number(minutes);
    if (first[alert] === undefined || at < first[alert]) first[alert] = at;
  }
  return first;
}

function measureClass(dir: string, alerts: readonly string[], fault: (typeof FAULT_CLASSES)[number], captures: FaultCaptures): FaultClassFigure {
  const end = RUNS * SCRAPES_PER_RUN - 1;
  const test = {
    rule_files: ['rules.yaml'],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        input_series: inputSeries(seriesOf(fault, captures)),
        alert_rule_test: alerts.flatMap((alertname) =>
          Array.from({ length: end + 1 }, (_, minute) => ({ eval_time: `${minute}m`, alertname, exp_alerts: [] })),
        ),
      },
    ],
  };
  writeFileSync(join(dir, `${fault.id}.test.yaml`), stringify(test, { lineWidth: 0 }));
  const run = promtool(['test', 'rules', `${fault.id}.test.yaml`], dir);
  const first = firstFiring(run.output);
  if (run.status !== 0 && Object.keys(first).length === 0) throw new Error(`promtool failed on ${fault.id}:\n${run.output}`);
  const fired = Object.fromEntries(Object.entries(first).map(([alert, at]) => [alert, at - FIRST_FAILING_MINUTE]));
  if (Object.values(fired).some((minutes) => minutes < 0)) throw new Error(`${fault.id}: an alert fired before the fault: ${JSON.stringify(fired)}`);
  const named = fault.alerts.map((alert) => fired[alert]).filter((m): m is number => m !== undefined);
  return {
    id: fault.id,
    title: fault.title,
    source: 'captured',
    harness: captures.classes[fault.id].harness,
    pushes: pushedDifference(captures.classes[fault.id]),
    runs: runKinds(fault)
      .map((kind) => (kind === 'healthy' ? 'H' : 'F'))
      .join(' '),
    alerts: fault.alerts,
    minutes: named.length === 0 ? null : Math.min(...named),
    fired: Object.fromEntries(Object.entries(fired).sort(([a, x], [b, y]) => x - y || a.localeCompare(b))),
  };
}

/** A day of runs replayed (the healthy one unless `series` says otherwise): the alerts it raised, pending or firing. */
export function alertsRaisedInADay(dir: string, series: readonly SeriesRuns[] = healthyRuns(HEALTHY_DAY_RUNS)): string[] {
  const minutes = HEALTHY_DAY_RUNS * SCRAPES_PER_RUN;
  const test = {
    rule_files: ['rules.yaml'],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        input_series: inputSeries(series),
        promql_expr_test: [{ expr: 'count by (alertname) (count_over_time(ALERTS[1d]))', eval_time: `${minutes - 1}m`, exp_samples: [] }],
      },
    ],
  };
  writeFileSync(join(dir, 'day.test.yaml'), stringify(test, { lineWidth: 0 }));
  const run = promtool(['test', 'rules', 'day.test.yaml'], dir);
  if (run.status === 0) return [];
  const raised = [...run.output.matchAll(/alertname="(\w+)"/g)].map((m) => m[1]);
  if (raised.length === 0) throw new Error(`promtool failed on the day:\n${run.output}`);
  return [...new Set(raised)].sort();
}

/** A scratch folder holding the rule file the timelines use; `use` runs with its path. */
export function withTimelineRules<T>(use: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'alert-timelines-'));
  try {
    writeFileSync(join(dir, 'rules.yaml'), timelineRuleSet().toYaml());
    return use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function measureAlertTimelines(captures: FaultCaptures = readFaultCaptures()): AlertTimelines {
  return withTimelineRules((dir) => {
    const alerts = timelineRuleSet().alerts.map((a) => a.name);
    const version = /promtool, version (\S+)/.exec(promtool(['--version'], dir).output)?.[1] ?? 'unknown';
    return {
      title:
        'Minutes from the first failing push to the first alert, per fault class (`node scripts/run-ts.cjs bench/alert-timelines.ts`, ' +
        'promtool timelines of `bench/fault-classes.ts` replaying what the real probe pushed in each fault, `bench/fault-captures.json`)',
      measured: new Date().toISOString().slice(0, 10),
      tool: `promtool ${version}`,
      model: `a probe run every ${INTERVAL_MINUTES} minutes, a scrape and an evaluation every minute, Prometheus up for a day`,
      captured: captures.recorded,
      classes: FAULT_CLASSES.map((fault) => measureClass(dir, alerts, fault, captures)),
      healthyDay: { runs: HEALTHY_DAY_RUNS, alertsRaised: alertsRaisedInADay(dir, healthyRuns(HEALTHY_DAY_RUNS, captures)) },
    };
  });
}

export function readAlertTimelines(file = TIMELINES_FILE): AlertTimelines {
  return JSON.parse(readFileSync(file, 'utf8')) as AlertTimelines;
}
