/**
 * Records what the real probe pushes in each fault class (`bench/fault-captures.ts`) in
 * `bench/fault-captures.json`, which `bench/alert-timelines.ts` replays:
 *   node scripts/run-ts.cjs bench/capture-faults.ts [class id ...]
 * With class ids, only those are captured again; the others are kept from the file.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { startProbeFixtures } from '../__tests__/support/fixtures';
import { captureFaults } from './fault-captures';
import { CAPTURES_FILE, readFaultCaptures } from './fault-classes';

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const fx = await startProbeFixtures();
  try {
    const started = Date.now();
    const captured = await captureFaults(fx, only.length > 0 ? only : undefined);
    const kept = only.length > 0 && existsSync(CAPTURES_FILE) ? readFaultCaptures().classes : {};
    const classes = { ...kept, ...captured.classes };
    for (const [id, c] of Object.entries(captured.classes)) console.log(`${id}: ${c.faultySummary}`);
    writeFileSync(CAPTURES_FILE, `${JSON.stringify({ ...captured, classes }, null, 2)}\n`);
    console.log(
      `${Object.keys(captured.classes).length} classes captured in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
        `written to ${relative(process.cwd(), CAPTURES_FILE)}`,
    );
  } finally {
    await fx.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
