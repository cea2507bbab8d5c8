import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';
import { measureCommand, report } from './timing';

/**
 * Synth time and peak RSS, median of 5 runs each: `npm run synth`, the same app without npm
 * (`node scripts/run-ts.cjs main.ts`, what cdktf.json's `app` runs) and the cdktf CLI's
 * `npx cdktf synth`; and, for comparison under the same load, the app run by ts-node --swc as it was
 * before the launcher. One unmeasured run first, so `.build/` is current (a cold run transpiles with
 * swc first). Prints figures; asserts nothing.
 */
const RUNS = 5;
const root = path.resolve(__dirname, '..');
process.chdir(root);
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
try {
  const env = { ...process.env, CDKTF_OUTDIR: path.join(out, 'direct'), CHECKPOINT_DISABLE: '1' };
  const app = [path.join('scripts', 'run-ts.cjs'), 'main.ts'];
  console.log(`synth benchmark on ${os.cpus().length} cores, node ${process.version}, load average ${os.loadavg()[0].toFixed(2)}`);
  measureCommand(process.execPath, app, 1, env);
  report('npm run synth', measureCommand('npm', ['run', '--silent', 'synth'], RUNS, env), { seconds: 0.6, peakMiB: 150 });
  report('node scripts/run-ts.cjs main.ts', measureCommand(process.execPath, app, RUNS, env));
  report('ts-node --swc main.ts (before)', measureCommand(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--swc', 'main.ts'], RUNS, env));
  const cliEnv = { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1', DISABLE_VERSION_CHECK: 'true' };
  report('npx cdktf synth', measureCommand('npx', ['cdktf', 'synth', '--output', path.join(out, 'cli')], RUNS, cliEnv));
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
