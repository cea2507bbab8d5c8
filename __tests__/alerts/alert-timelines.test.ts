/**
 * The alerts' time to fire per fault class, measured with promtool (`bench/measure-timelines.ts` over
 * the series of `bench/fault-classes.ts`, replayed from what the real probe pushed, `bench/fault-captures.json`;
 * `fault-captures.test.ts` checks that file against the probe): the recorded figures are what the rules
 * give now, no fault class takes more than 10 minutes, and a healthy day raises nothing.
 */
import {
  BOUND_MINUTES,
  FAULT_CLASSES,
  RUNS,
  SeriesRuns,
  healthyRuns,
  promtoolValues,
  readFaultCaptures,
  replay,
  runKinds,
} from '../../bench/fault-classes';
import {
  AlertTimelines,
  HEALTHY_DAY_RUNS,
  alertsRaisedInADay,
  measureAlertTimelines,
  readAlertTimelines,
  timelineRuleSet,
  withTimelineRules,
} from '../../bench/measure-timelines';
import { ProbeCheck, ProbeMetric, RouteReason } from '../../lib/metrics';

describe('alert timelines', () => {
  let measured: AlertTimelines;
  const recorded = readAlertTimelines();

  beforeAll(() => {
    measured = measureAlertTimelines();
  }, 60_000);

  test('bench/alert-timelines.json holds what promtool measures now (node scripts/run-ts.cjs bench/alert-timelines.ts rewrites it)', () => {
    expect({ classes: measured.classes, healthyDay: measured.healthyDay, tool: measured.tool, captured: measured.captured }).toStrictEqual({
      classes: recorded.classes,
      healthyDay: recorded.healthyDay,
      tool: recorded.tool,
      captured: recorded.captured,
    });
  });

  test.each(FAULT_CLASSES.map((c) => [c.title, c.id]))('%s: an alert naming it fires within 10 minutes of the first failing push', (_title, id) => {
    const figure = measured.classes.find((c) => c.id === id)!;
    expect(figure.minutes).not.toBeNull();
    expect(figure.minutes!).toBeLessThanOrEqual(BOUND_MINUTES);
  });

  test('a healthy day, 288 healthy runs replayed, raises no alert, pending or firing', () => {
    expect(measured.healthyDay).toStrictEqual({ runs: 288, alertsRaised: [] });
  });

  /** The healthy day with `value` in the one run `run` of `series` (a series the background lacks is added, pushed in that run only). */
  function dayWith(changes: readonly { series: string; run: number; value: number }[]): SeriesRuns[] {
    const day = healthyRuns(HEALTHY_DAY_RUNS).map((x) => ({ series: x.series, runs: [...x.runs] }));
    for (const { series, run, value } of changes) {
      let target = day.find((x) => x.series === series);
      if (target === undefined) {
        target = { series, runs: Array<number | undefined>(HEALTHY_DAY_RUNS).fill(undefined) };
        day.push(target);
      }
      target.runs[run] = value;
    }
    return day;
  }
  const job = 'job="webterminal-probe"';

  test('the day replay sees an alert when there is one: ttyd open in one run raises WebterminalTtydOpen, and only it', () => {
    const raised = withTimelineRules((dir) => alertsRaisedInADay(dir, dayWith([{ series: `${ProbeMetric.ttydOpen}{${job}}`, run: 100, value: 1 }])));
    expect(raised).toStrictEqual(['WebterminalTtydOpen']);
  });

  test('a day with one failing run of each counted kind, hours apart, raises nothing', () => {
    const pair = (reason: string) => `${ProbeMetric.routeOk}{${job}, reason="${reason}", replica="127.0.0.3", route="clipboard"}`;
    const raised = withTimelineRules((dir) =>
      alertsRaisedInADay(
        dir,
        dayWith([
          { series: `${ProbeMetric.checkFailures}{${job}, check="${ProbeCheck.edgeToken}"}`, run: 20, value: 6 },
          { series: `${ProbeMetric.checkFailures}{${job}, check="${ProbeCheck.edgeWs}"}`, run: 40, value: 6 },
          { series: `${ProbeMetric.checkFailures}{${job}, check="${ProbeCheck.originToken}"}`, run: 60, value: 1 },
          { series: pair(RouteReason.notRouted), run: 80, value: 0 },
          { series: pair(RouteReason.walledOff), run: 120, value: 0 },
        ]),
      ),
    );
    expect(raised).toStrictEqual([]);
  });

  test('every alert the classes name is in the rule set, and every class is measured', () => {
    const names = timelineRuleSet().alerts.map((a) => a.name);
    for (const c of FAULT_CLASSES) for (const alert of c.alerts) expect(names).toContain(alert);
    expect(measured.classes.map((c) => c.id)).toStrictEqual(FAULT_CLASSES.map((c) => c.id));
  });

  test('the route alerts keep to their own faults: a walled-off carve-out is not a missing route, nor an ungated one', () => {
    const fired = (id: string) => Object.keys(measured.classes.find((c) => c.id === id)!.fired);
    expect(fired('carve-out-walled-off')).toStrictEqual(['WebterminalCarveOutWalledOff']);
    expect(fired('route-ungated')).toStrictEqual(['WebterminalRouteUngated']);
    expect(fired('edge-down')).not.toContain('WebterminalRouteMissing');
  });

  test('every class is replayed from its captured runs, and the day replay from a captured healthy run', () => {
    const captures = readFaultCaptures();
    expect(Object.keys(captures.classes).sort()).toStrictEqual(FAULT_CLASSES.map((c) => c.id).sort());
    expect(measured.classes.every((c) => c.source === 'captured')).toBe(true);
    // The edited day above does touch series the capture has.
    const names = new Set(healthyRuns(1).map((x) => x.series));
    expect(names).toContain(`${ProbeMetric.ttydOpen}{${job}}`);
    expect(names).toContain(`${ProbeMetric.checkFailures}{${job}, check="${ProbeCheck.edgeToken}"}`);
  });

  test('the replay: a PUT replaces its group, a group not pushed stays, push times are the run minute', () => {
    const sample = (metric: string, value: number, labels: Record<string, string> = {}) => ({ metric, labels, value });
    const success = [sample('push_time_seconds', 1.7e9, { kind: 'success' })];
    const capture = {
      healthy: { '': [sample('push_time_seconds', 1.7e9), sample('a', 1), sample('b', 1)], success },
      faulty: { '': [sample('push_time_seconds', 1.7e9), sample('a', 0), sample('c', 1)] },
    };
    const series = Object.fromEntries(replay(capture, ['healthy', 'faulty', 'healthy']).map((x) => [x.series, x.runs]));
    expect(series).toStrictEqual({
      [`push_time_seconds{${job}}`]: [0, 300, 600],
      [`a{${job}}`]: [1, 0, 1],
      [`b{${job}}`]: [1, undefined, 1],
      [`c{${job}}`]: [undefined, 1, undefined],
      [`push_time_seconds{${job}, kind="success"}`]: [0, 0, 600],
      'process_start_time_seconds{job="prometheus"}': [-86400, -86400, -86400],
    });
    expect(
      runKinds(
        FAULT_CLASSES.find((c) => c.id === 'edge-partial-lucky-second')!,
        6,
      ),
    ).toStrictEqual(['healthy', 'healthy', 'faulty', 'healthy', 'faulty', 'faulty']);
  });

  test("promtool's values: each run for five scrapes, stale when a series is no longer pushed", () => {
    expect(promtoolValues([undefined, 0, 0, undefined, 1].concat(Array(RUNS - 5).fill(undefined)).slice(0, 5))).toBe(
      '_ _ _ _ _ 0 0 0 0 0 0 0 0 0 0 stale _ _ _ _ 1 1 1 1 1',
    );
  });
});
