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
import { CAPTURES_FILE, FaultCaptures, readFaultCaptures } from './fault-classes';

/** The captures as JSON, two-space indented, one sample a line. */
function capturesJson(captures: FaultCaptures): string {
  const isSample = (value: unknown) => typeof value === 'object' && value !== null && 'metric' in value && 'value' in value;
  const marked = JSON.stringify(captures, (_key, value: unknown) => (isSample(value) ? `\u0000${JSON.stringify(value)}` : value), 2);
  return marked.replace(/"\\u0000((?:[^"\\]|\\.)*)"/g, (_match, text: string) => JSON.parse(`"${text}"`) as string);
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const fx = await startProbeFixtures();
  try {
    const started = Date.now();
    const captured = await captureFaults(fx, only.length > 0 ? only : undefined);
    const kept = only.length > 0 && existsSync(CAPTURES_FILE) ? readFaultCaptures().classes : {};
    const classes = { ...kept, ...captured.classes };
    for (const [id, c] of Object.entries(captured.classes)) console.log(`${id}: ${c.faultySummary}`);
    writeFileSync(CAPTURES_FILE, `${capturesJson({ ...captured, classes })}\n`);
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
