'use strict';
/**
 * Runs a TypeScript entry point with plain node: `node scripts/run-ts.cjs main.ts [args…]`.
 * `npm run synth`, `npm run rules`, `npx cdktf synth` (cdktf.json `app`) and `npm run bench` all go
 * through here.
 *
 * Each `.ts` file the program requires is transpiled by swc (type annotations stripped, imports to
 * CommonJS: the options ts-node --swc derives from tsconfig.json) into `.build/`, beside its source
 * path, and reused while the source is unchanged: the cached file starts with the sha-256 of the
 * source, the swc version and the options. So there is no build step to forget, and a warm run costs
 * one read and one hash per file; swc itself is only loaded when a file changed. Modules keep their
 * real file name, so `__dirname`-relative reads (`lib/probe-script.mjs`, `cdktf.json`) and stack
 * traces name the sources. Type checking is tsc's job (`npm test`), as it was with ts-node --swc.
 */
const { createHash } = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const BUILD = path.join(ROOT, '.build');

/** tsconfig.json: target ES2022, module commonjs, esModuleInterop, strict; as ts-node --swc maps them. */
const SWC_OPTIONS = {
  swcrc: false,
  configFile: false,
  sourceMaps: 'inline',
  module: { type: 'commonjs', noInterop: false, strictMode: true, ignoreDynamic: false },
  jsc: {
    parser: { syntax: 'typescript', tsx: false, decorators: false, dynamicImport: true },
    target: 'es2022',
    transform: { legacyDecorator: true, decoratorMetadata: false, useDefineForClassFields: true },
    keepClassNames: true,
  },
};

const swcVersion = JSON.parse(fs.readFileSync(require.resolve('@swc/core/package.json'), 'utf8')).version;
const optionsKey = `${swcVersion} ${JSON.stringify(SWC_OPTIONS)}`;
let swc; // loaded on the first cache miss only

/** Where the transpiled copy of `filename` lives. */
function cachePath(filename) {
  const relative = path.relative(ROOT, filename);
  if (!relative.startsWith('..') && !path.isAbsolute(relative)) return path.join(BUILD, `${relative}.js`);
  const dir = createHash('sha256').update(path.dirname(filename)).digest('hex').slice(0, 16);
  return path.join(BUILD, '_outside', dir, `${path.basename(filename)}.js`);
}

/** The transpiled code of `filename`, from `.build/` when its header matches, else from swc (and then cached). */
function transpiled(filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const header = `// run-ts ${createHash('sha256').update(optionsKey).update('\0').update(source).digest('hex')}\n`;
  const cached = cachePath(filename);
  try {
    const text = fs.readFileSync(cached, 'utf8');
    if (text.startsWith(header)) return text.slice(header.length);
  } catch {
    // no copy yet, or none that can be read: transpile
  }
  swc ??= require('@swc/core');
  const { code } = swc.transformSync(source, { ...SWC_OPTIONS, filename });
  // Written beside and renamed into place: parallel runs (jest workers) never read half a file.
  // A folder that cannot be written (a read-only checkout) only costs the next run a transpile.
  const partial = `${cached}.tmp-${process.pid}`;
  try {
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fs.writeFileSync(partial, header + code);
    fs.renameSync(partial, cached);
  } catch {
    fs.rmSync(partial, { force: true });
  }
  return code;
}

require.extensions['.ts'] = (module, filename) => module._compile(transpiled(filename), filename);

const [entry] = process.argv.splice(2, 1);
if (!entry) {
  console.error('usage: node scripts/run-ts.cjs <file.ts> [args…]');
  process.exit(2);
}
// As if node had been started on the entry: require.main, process.argv[1] and argv[2…] are the program's.
process.argv[1] = path.resolve(entry);
Module.runMain();
