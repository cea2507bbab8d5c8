import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';
import { report, timeCommand } from './timing';

/**
 * Synth time: `npm run synth` (the app run directly) median of 5, and the cdktf CLI's
 * `cdktf synth` median of 3 beside it. Prints figures; asserts nothing.
 */
const root = path.resolve(__dirname, '..');
process.chdir(root);
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
const env = { ...process.env, CDKTF_OUTDIR: path.join(out, 'direct'), CHECKPOINT_DISABLE: '1' };

console.log(`synth benchmark on ${os.cpus().length} cores, node ${process.version}`);
report('npm run synth', timeCommand('npm', ['run', '--silent', 'synth'], 5, env), '<= 1.5 s');
report('ts-node main.ts (no npm)', timeCommand(process.execPath, ['node_modules/ts-node/dist/bin.js', '--swc', 'main.ts'], 5, env));
const cli = path.join('node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf');
report('npx cdktf synth (CLI)', timeCommand(process.execPath, [cli, 'synth', '--output', path.join(out, 'cli')], 3, { ...env, CDKTF_OUTDIR: undefined }));
fs.rmSync(out, { recursive: true, force: true });
