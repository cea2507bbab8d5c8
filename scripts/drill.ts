/**
 * `npm run drill`: the incident replayed against a cluster of its own (see __tests__/support/drill.ts),
 * with the tools `tools/build.sh` built. Prints the versions, a timeline, and a last line `drill: ...`.
 */
import { runDrill } from '../__tests__/support/drill';
import { setup, teardown } from '../__tests__/support/run-folder';

async function main(): Promise<void> {
  await setup();
  try {
    await runDrill((line) => console.log(line));
  } finally {
    await teardown();
  }
}

main().catch((error: unknown) => {
  console.error(`drill failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
