/**
 * Jest's global setup and teardown: a folder of port claims for this run (see `freePort` in
 * `processes.ts`), handed to the workers through the environment and removed when the run ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const VARIABLE = 'WEBTERMINAL_TEST_PORT_CLAIMS';

export async function setup(): Promise<void> {
  process.env[VARIABLE] = mkdtempSync(join(tmpdir(), 'webterminal-test-ports-'));
}

export async function teardown(): Promise<void> {
  const dir = process.env[VARIABLE];
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}
