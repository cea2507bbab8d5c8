/**
 * `bench/fault-captures.json`, which the alert timelines replay, holds what the real probe pushes: every
 * fault class captured again here (the ConfigMap's files run against the nginx harness, healthy then
 * faulty, read back from the real Pushgateway's `/metrics`, about 10 s for the 22 runs) and compared
 * with the file, series by series and value by value, the times and the run's duration aside.
 * `node scripts/run-ts.cjs bench/capture-faults.ts` records the file again; then
 * `node scripts/run-ts.cjs bench/alert-timelines.ts` and `npm run docs:tables`.
 */
import { captureFaults, parseExposition, withoutVolatileValues } from '../../bench/fault-captures';
import { FAULT_CLASSES, FaultCaptures, readFaultCaptures } from '../../bench/fault-classes';
import { ProbeFixtures, startProbeFixtures } from '../support/fixtures';

let fx: ProbeFixtures;
let captured: FaultCaptures;
const recorded = readFaultCaptures();

beforeAll(async () => {
  fx = await startProbeFixtures();
  captured = await captureFaults(fx);
}, 90_000);

afterAll(async () => {
  await fx?.stop();
});

const stable = withoutVolatileValues;

describe('what the real probe pushes in each fault class (bench/fault-captures.json)', () => {
  test('every fault class is captured', () => {
    expect(Object.keys(captured.classes)).toStrictEqual(FAULT_CLASSES.map((c) => c.id));
    expect(Object.keys(recorded.classes).sort()).toStrictEqual(FAULT_CLASSES.map((c) => c.id).sort());
  });

  test.each(FAULT_CLASSES.map((c) => [c.id]))('%s: the probe pushes what the file holds (node scripts/run-ts.cjs bench/capture-faults.ts)', (id) => {
    const [now, then] = [captured.classes[id], recorded.classes[id]];
    expect({ healthy: stable(now.healthy), faulty: stable(now.faulty), summary: now.faultySummary, harness: now.harness }).toStrictEqual({
      healthy: stable(then.healthy),
      faulty: stable(then.faulty),
      summary: then.faultySummary,
      harness: then.harness,
    });
  });

  test('the healthy runs are alike: the harness is healthy again before each fault', () => {
    const [first, ...rest] = Object.values(captured.classes).map((c) => stable(c.healthy));
    for (const run of rest) expect(run).toStrictEqual(first);
    expect(Object.keys(first)).toStrictEqual(['', 'success']);
  });

  // No pin on the probe files' hash: a change to the probe that alters what it pushes fails the
  // comparison above, and one that does not (a comment, a refactor) needs no new recording.
  test("the file was recorded with today's environment", () => {
    expect(recorded.env).toStrictEqual(captured.env);
  });

  test("the exposition parser reads the Pushgateway's lines: escapes, no labels, exponents", () => {
    expect(parseExposition('# TYPE a gauge\na{x="q\\"uote\\\\",y=""} 1e+09\nb 0\n')).toStrictEqual([
      { metric: 'a', labels: { x: 'q"uote\\', y: '' }, value: 1e9 },
      { metric: 'b', labels: {}, value: 0 },
    ]);
  });
});
