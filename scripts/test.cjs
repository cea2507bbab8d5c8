'use strict';
/**
 * `npm test` after `pretest`: type-check (tsc), lint (ESLint, Prettier's check) and jest at the same
 * time, since jest mostly waits on the real daemons and the two checks fill that time. jest's output
 * streams; the checks' output is printed when jest is done, each under its name. Exit code: the
 * first failure's (tsc, then lint, then jest), 0 when all three pass.
 */
const { spawn } = require('child_process');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name);

/** Runs a command in the project; resolves with its exit code and (unless streamed) its output. */
function run(name, command, args, stream) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: stream ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    let output = '';
    if (!stream) {
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
    }
    child.once('error', (error) => resolve({ name, code: 127, output: `${output}${error.message}\n` }));
    child.once('close', (code, signal) => resolve({ name, code: code ?? (signal ? 1 : 0), output }));
  });
}

async function main() {
  const checks = [run('tsc', bin('tsc'), ['--noEmit'], false), run('lint', 'npm', ['run', '--silent', 'lint'], false)];
  const jest = await run('jest', bin('jest'), process.argv.slice(2), true);
  const results = [...(await Promise.all(checks)), jest];
  for (const { name, code, output } of results.slice(0, 2)) {
    process.stdout.write(`\n${name}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`}\n${code === 0 ? '' : output}`);
  }
  const failed = results.find((result) => result.code !== 0);
  process.exitCode = failed ? failed.code : 0;
}

main();
