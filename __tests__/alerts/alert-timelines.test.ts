/**
 * The alerts' time to fire per fault class, measured with promtool (`bench/measure-timelines.ts` over
 * the series of `bench/fault-classes.ts`): the recorded figures are what the rules give now, no fault
 * class takes more than 10 minutes, and a healthy day raises nothing.
 */
import { BOUND_MINUTES, FAULT_CLASSES, RUNS, SeriesRuns, healthyBackground, promtoolValues } from '../../bench/fault-classes';
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
    expect({ classes: measured.classes, healthyDay: measured.healthyDay, tool: measured.tool }).toStrictEqual({
      classes: recorded.classes,
      healthyDay: recorded.healthyDay,
      tool: recorded.tool,
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
    const day = healthyBackground(HEALTHY_DAY_RUNS).map((x) => ({ series: x.series, runs: [...x.runs] }));
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
    const pair = (reason: string) => `${ProbeMetric.routeOk}{${job}, replica="10.0.0.2", route="clipboard", reason="${reason}"}`;
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

  test("promtool's values: each run for five scrapes, stale when a series is no longer pushed", () => {
    expect(promtoolValues([undefined, 0, 0, undefined, 1].concat(Array(RUNS - 5).fill(undefined)).slice(0, 5))).toBe(
      '_ _ _ _ _ 0 0 0 0 0 0 0 0 0 0 stale _ _ _ _ 1 1 1 1 1',
    );
  });
});
