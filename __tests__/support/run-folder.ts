/**
 * Jest's global setup and teardown: one folder for the run, handed to the workers through the
 * environment and removed when the run ends. It holds the port claims (see `freePort` in
 * `processes.ts`) and is the workers' TMPDIR: cdktf's `Testing.app()` makes a folder in
 * `os.tmpdir()` for every app and never removes it (some 300 a run), and the tests' own scratch
 * folders, daemons' data and npm's temporary files land there too.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUN_FOLDER = 'WEBTERMINAL_TEST_RUN_FOLDER';

export async function setup(): Promise<void> {
  const run = mkdtempSync(join(tmpdir(), 'webterminal-test-'));
  mkdirSync(join(run, 'ports'));
  mkdirSync(join(run, 'tmp'));
  process.env[RUN_FOLDER] = run;
  process.env.WEBTERMINAL_TEST_PORT_CLAIMS = join(run, 'ports');
  process.env.TMPDIR = join(run, 'tmp');
}

export async function teardown(): Promise<void> {
  const run = process.env[RUN_FOLDER];
  if (run !== undefined) rmSync(run, { recursive: true, force: true });
}
