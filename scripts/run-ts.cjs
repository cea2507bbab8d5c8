'use strict';
/**
 * Runs a TypeScript entry point with plain node: `node scripts/run-ts.cjs main.ts [args…]`, as
 * `npm run synth`, `npm run rules`, `npx cdktf synth` (cdktf.json `app`), `npm run dashboard`,
 * `npm run bench` and `npm run drill` do. Type checking is tsc's job (`npm test`).
 *
 * esbuild bundles the entry with everything it requires (cdktf, the provider modules) into one file
 * in `.build/bundle/`, and node runs it with V8's code cache of the functions the last run compiled.
 * A synth then spends its time synthesizing, not resolving, reading and compiling some 600 modules.
 * The bundle is rebuilt when one of its inputs changed: a source file of the project (by its
 * sha-256), a file under node_modules (by size and mtime: `npm ci` rewrites them), tsconfig.json,
 * this script or esbuild. `__dirname` and `__filename` in the project's files keep their meaning (the
 * files' own folders), so reads beside the sources (`lib/probe/`, `cdktf.json`) work.
 * Stack traces name the bundle, with the functions' real names. The entry is not `require.main`
 * (the launcher is): an entry runs what it runs at its top level.
 */
const { isAscii } = require('buffer');
const { createHash } = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');

const ROOT = path.resolve(__dirname, '..');
const BUILD = path.join(ROOT, '.build');

/** Writes `data` to `file` beside and renamed into place: a parallel run never reads half a file. */
function writeAtomically(file, data) {
  const partial = `${file}.tmp-${process.pid}`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(partial, data);
    fs.renameSync(partial, file);
  } catch {
    fs.rmSync(partial, { force: true }); // a read-only checkout: the next run builds again
  }
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** What a file is, as far as a rebuild goes: under node_modules or .build/ its size and mtime, else its sha-256. */
function signature(relative) {
  const file = path.resolve(ROOT, relative);
  if (relative.split('/').includes('node_modules') || file.startsWith(BUILD + path.sep)) {
    const stat = fs.statSync(file);
    return `${stat.size}:${stat.mtimeMs}`;
  }
  return sha256(fs.readFileSync(file));
}

/** The bundle's key beyond its inputs: esbuild, its options, tsconfig.json and this script. */
function bundleKey(options) {
  const esbuildVersion = JSON.parse(fs.readFileSync(require.resolve('esbuild/package.json'), 'utf8')).version;
  let tsconfig = ''; // esbuild reads it, when there is one
  try {
    tsconfig = fs.readFileSync(path.join(ROOT, 'tsconfig.json'));
  } catch {
    // none
  }
  return sha256(`${esbuildVersion}\0${JSON.stringify(options)}\0${sha256(tsconfig)}\0${sha256(fs.readFileSync(__filename))}`);
}

const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'es2022', // tsconfig.json's
  minify: true, // half the bytes to read and keep: a few percent of a synth
  keepNames: true, // functions and classes keep their names, in stack traces too
  logLevel: 'silent',
  // The TypeScript compiler (the docs generator reads TSDoc with it) finds its lib.*.d.ts beside its
  // own module file: bundled, it would look in .build/bundle/. It is required from node_modules.
  external: ['typescript'],
};

/**
 * esbuild plugin: the project's own files (not node_modules) get `__dirname`/`__filename` bound to
 * their real folder and path, relative to the project root the launcher passes in (`__runTsRoot`),
 * on their first line so that line numbers stay the sources'.
 */
const sourcePaths = {
  name: 'source-paths',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
      const relative = path.relative(ROOT, args.path);
      if (relative.startsWith('..') || relative.split(path.sep).includes('node_modules')) return undefined;
      let contents = fs.readFileSync(args.path, 'utf8');
      const bindings = [];
      const inRoot = (file) => JSON.stringify(file === '.' ? '' : `/${file.split(path.sep).join('/')}`);
      if (/\b__dirname\b/.test(contents)) bindings.push(`const __dirname = __runTsRoot + ${inRoot(path.dirname(relative))};`);
      if (/\b__filename\b/.test(contents)) bindings.push(`const __filename = __runTsRoot + ${inRoot(relative)};`);
      if (bindings.length) contents = `${bindings.join(' ')} ${contents}`;
      return { contents, loader: path.extname(args.path).endsWith('ts') ? 'ts' : 'js' };
    });
  },
};

/**
 * A bundle's text. esbuild escapes what is not ASCII in strings, templates and names, but copies the
 * comments it keeps as they are: an ASCII bundle reads as Latin-1, several times faster than UTF-8.
 */
function readCode(file) {
  const bytes = fs.readFileSync(file);
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/** The current bundle of `entry` named in its manifest, or undefined when an input changed since. */
function freshBundle(manifestFile, key) {
  try {
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    if (manifest.key !== key) return undefined;
    for (const [input, expected] of Object.entries(manifest.inputs)) if (signature(input) !== expected) return undefined;
    const file = path.join(path.dirname(manifestFile), manifest.bundle);
    if (signature(file) !== manifest.bundleSignature) return undefined; // altered since: V8's cache would not notice
    return { file, code: readCode(file) };
  } catch {
    return undefined; // no manifest yet, an input gone, a bundle removed by a parallel rebuild: build
  }
}

/** Bundles `entry` with esbuild, writes the bundle and its manifest, and removes the older bundles. */
async function buildBundle(entry, manifestFile, key) {
  const esbuild = require('esbuild');
  let result;
  try {
    result = await esbuild.build({
      ...BUNDLE_OPTIONS,
      entryPoints: [entry],
      absWorkingDir: ROOT,
      write: false,
      metafile: true,
      plugins: [sourcePaths],
    });
  } catch (e) {
    const messages = await esbuild.formatMessages(e.errors ?? [], { kind: 'error', color: false });
    process.stderr.write(messages.length ? messages.join('') : `${e.message}\n`);
    process.exit(1);
  }
  const code = result.outputFiles[0].text;
  const base = path.basename(manifestFile, '.json');
  const bundle = `${base}.${sha256(code).slice(0, 16)}.js`;
  const dir = path.dirname(manifestFile);
  const inputs = Object.fromEntries(
    Object.keys(result.metafile.inputs)
      .sort()
      .map((input) => [input, signature(input)]),
  );
  const file = path.join(dir, bundle);
  writeAtomically(file, code);
  writeAtomically(manifestFile, `${JSON.stringify({ key, bundle, bundleSignature: signature(file), inputs }, null, 1)}\n`);
  for (const old of fs.readdirSync(dir)) {
    // this entry's other bundles and their caches (a cache is named `<bundle without .js>.<options>.v8`)
    if (old.startsWith(`${base}.`) && !old.startsWith(`${bundle.slice(0, -3)}.`) && /\.(js|v8)$/.test(old))
      fs.rmSync(path.join(dir, old), { force: true });
  }
  return { file, code };
}

/**
 * Runs `entry` from its bundle. The code cache beside the bundle holds what V8 compiled in the run
 * that wrote it, including the functions it compiled lazily (taken at exit); a bundle's cache is
 * named by the bundle's hash and the node options, so it never meets other code or other flags,
 * and V8 itself rejects one of another node version, which the run then replaces.
 */
async function runBundled(entry) {
  const relative = path.relative(ROOT, path.resolve(entry));
  const manifestFile = path.join(BUILD, 'bundle', `${relative.split(path.sep).join('__')}.json`);
  const key = bundleKey(BUNDLE_OPTIONS);
  const { file, code } = freshBundle(manifestFile, key) ?? (await buildBundle(relative, manifestFile, key));
  // V8 rejects a cache made under other flags, and the cdktf CLI runs the app with its own
  // NODE_OPTIONS (--max-old-space-size): one cache per set of node options, or the two would take turns.
  const options = sha256(`${process.execArgv.join('\0')}\0${process.env.NODE_OPTIONS ?? ''}`).slice(0, 8);
  const cacheFile = file.replace(/\.js$/, `.${options}.v8`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // first run of this bundle: the cache is written at exit
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname, __runTsRoot) {${code}\n})`;
  const script = new vm.Script(wrapper, { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) process.once('exit', () => writeAtomically(cacheFile, script.createCachedData()));
  const filename = path.join(ROOT, relative);
  const module = new Module(filename, null);
  module.filename = filename;
  process.argv[1] = filename;
  script.runInThisContext()(module.exports, Module.createRequire(filename), module, file, path.dirname(file), ROOT);
}

const [entry] = process.argv.splice(2, 1);
if (!entry || entry.startsWith('-')) {
  console.error('usage: node scripts/run-ts.cjs <file.ts> [args…]');
  process.exit(2);
}
runBundled(entry).catch((e) => {
  process.exitCode = 1;
  throw e; // node prints it as it would any uncaught error
});
