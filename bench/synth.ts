import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';
import { Run, measureCommand, report } from './timing';
import { recordResults } from './record';

/**
 * Synth time and peak RSS, median of 7 runs each: `npm run synth` (the launcher's bundle), the same
 * without npm (`node scripts/run-ts.cjs main.ts`, what cdktf.json's `app` runs), ts-node --swc as the
 * app ran before the launcher, and the cdktf CLI's `npx cdktf synth`. The commands take turns, round
 * by round, so that a slower minute of the machine weighs on all of them alike. One unmeasured run
 * of the launcher first, so that `.build/` is current (a cold run bundles first). Prints figures;
 * asserts nothing.
 */
const RUNS = 7;
const root = path.resolve(__dirname, '..');
process.chdir(root);
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
try {
  const env = { ...process.env, CDKTF_OUTDIR: path.join(out, 'direct'), CHECKPOINT_DISABLE: '1' };
  const cliEnv = { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1', DISABLE_VERSION_CHECK: 'true' };
  const launcher = path.join('scripts', 'run-ts.cjs');
  const commands: { label: string; command: string; args: string[]; env: NodeJS.ProcessEnv; target?: { seconds: number; peakMiB: number } }[] = [
    { label: 'npm run synth', command: 'npm', args: ['run', '--silent', 'synth'], env, target: { seconds: 0.6, peakMiB: 150 } },
    { label: 'node scripts/run-ts.cjs main.ts', command: process.execPath, args: [launcher, 'main.ts'], env },
    { label: 'ts-node --swc main.ts (before)', command: process.execPath, args: [require.resolve('ts-node/dist/bin.js'), '--swc', 'main.ts'], env },
    { label: 'npx cdktf synth', command: 'npx', args: ['cdktf', 'synth', '--output', path.join(out, 'cli')], env: cliEnv },
  ];
  console.log(`synth benchmark on ${os.cpus().length} cores, node ${process.version}, load average ${os.loadavg()[0].toFixed(2)}`);
  for (const c of commands.slice(1, 2)) measureCommand(c.command, c.args, 1, c.env);
  const runs: Run[][] = commands.map(() => []);
  for (let round = 0; round < RUNS; round++) commands.forEach((c, i) => runs[i].push(...measureCommand(c.command, c.args, 1, c.env)));
  const figures = commands.map((c, i) => {
    const r = report(c.label, runs[i], c.target);
    const target = c.target && `≤ ${c.target.seconds} s, ≤ ${c.target.peakMiB} MiB: ${r.met ? 'met' : 'missed'}`;
    return { what: `\`${c.label}\``, seconds: r.seconds, peakMiB: r.peakMiB, note: `CPU ${r.cpuSeconds.toFixed(2)} s`, target };
  });
  recordResults('synth', { title: `Synth: median of ${RUNS} runs each, the commands taking turns (\`npm run bench\`, \`bench/synth.ts\`)`, figures });
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
