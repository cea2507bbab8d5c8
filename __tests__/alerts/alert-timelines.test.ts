/**
 * The alerts' time to fire per fault class, measured with promtool (`bench/measure-timelines.ts` over
 * the series of `bench/fault-classes.ts`): the recorded figures are what the rules give now, no fault
 * class takes more than 10 minutes, and a healthy day raises nothing.
 */
import { BOUND_MINUTES, FAULT_CLASSES, RUNS, promtoolValues } from '../../bench/fault-classes';
import { AlertTimelines, measureAlertTimelines, readAlertTimelines, timelineRuleSet } from '../../bench/measure-timelines';

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
