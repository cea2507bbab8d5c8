'use strict';
/**
 * The static checks of `npm test`, run at once: tsc (types), ESLint and Prettier's check (`npm run
 * lint`). Each is mostly one thread; on two cores the three together take about two thirds of their
 * time one after another (`npm test`'s figures in CONTRIBUTING.md). Each one's output is printed whole, in
 * this order, after all have ended; the exit code is the first failure's, or 0.
 */
const { spawn } = require('child_process');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const bin = (pkg, file) => path.join(path.dirname(require.resolve(`${pkg}/package.json`, { paths: [ROOT] })), file);
const CHECKS = [
  ['tsc --noEmit', bin('typescript', 'bin/tsc'), ['--noEmit']],
  ['eslint', bin('eslint', 'bin/eslint.js'), ['--cache', '--cache-location', 'node_modules/.cache/eslint/', '.']],
  ['prettier --check', bin('prettier', 'bin/prettier.cjs'), ['--check', '.']],
];

function run([name, script, args]) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => resolve({ name, code: 1, output: [Buffer.from(`${error.message}\n`)] }));
    child.on('close', (code, signal) => resolve({ name, code: code ?? 1, signal, output }));
  });
}

Promise.all(CHECKS.map(run)).then((results) => {
  for (const { name, code, signal, output } of results) {
    process.stdout.write(`> ${name}: ${code === 0 ? 'ok' : `failed (${signal ?? `exit ${code}`})`}\n`);
    process.stdout.write(Buffer.concat(output));
  }
  process.exitCode = results.find((r) => r.code !== 0)?.code ?? 0;
});
