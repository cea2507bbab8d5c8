/**
 * Jest's global setup and teardown: one folder for the run, handed to the workers through the
 * environment and removed when the run ends. It holds the port and address claims (see `freePort` in
 * `processes.ts`, `claimLabAddress` in `lab-network.ts`), the run's Kubernetes cluster (`cluster.ts`),
 * and is the workers' TMPDIR: cdktf's `Testing.app()` makes a folder in `os.tmpdir()` for every app and
 * never removes it (some 300 a run), and the tests' own scratch folders, daemons' data and npm's
 * temporary files land there too.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningCluster, startCluster } from './cluster';

const RUN_FOLDER = 'WEBTERMINAL_TEST_RUN_FOLDER';

/** Global setup and teardown run in one process, but not in one module registry. */
const state = globalThis as { webterminalCluster?: RunningCluster };

export async function setup(): Promise<void> {
  const run = mkdtempSync(join(tmpdir(), 'webterminal-test-'));
  mkdirSync(join(run, 'ports'));
  mkdirSync(join(run, 'tmp'));
  process.env[RUN_FOLDER] = run;
  process.env.WEBTERMINAL_TEST_PORT_CLAIMS = join(run, 'ports');
  const clusterFolder = join(run, 'cluster');
  state.webterminalCluster = await startCluster(clusterFolder);
  process.env.WEBTERMINAL_TEST_CLUSTER = clusterFolder;
  process.env.TMPDIR = join(run, 'tmp');
}

export async function teardown(): Promise<void> {
  await state.webterminalCluster?.stop();
  state.webterminalCluster = undefined;
  const run = process.env[RUN_FOLDER];
  if (run !== undefined) rmSync(run, { recursive: true, force: true });
}
