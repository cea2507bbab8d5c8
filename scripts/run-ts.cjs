'use strict';
/**
 * Runs a TypeScript entry point with plain node: `node scripts/run-ts.cjs [--bundle] main.ts [args…]`.
 * `npm run synth`, `npm run rules` and `npx cdktf synth` (cdktf.json `app`) use `--bundle`;
 * `npm run dashboard` and `npm run bench` the per-file mode. Type checking is tsc's job (`npm test`).
 *
 * Per file (the default): each `.ts` file the program requires is transpiled by swc (type annotations
 * stripped, imports to CommonJS: the options ts-node --swc derives from tsconfig.json) into `.build/`,
 * beside its source path, and reused while the source is unchanged: the cached file starts with the
 * sha-256 of the source, the swc version and the options. So there is no build step to forget, and a
 * warm run costs one read and one hash per file; swc itself is only loaded when a file changed.
 * Modules keep their real file name, so `__dirname`-relative reads (`lib/probe/`,
 * `cdktf.json`) and stack traces name the sources.
 *
 * `--bundle`: esbuild bundles the entry with everything it requires (cdktf, the provider modules)
 * into one file in `.build/bundle/`, and node runs it with V8's code cache of the functions the last
 * run compiled. A synth then spends its time synthesizing, not resolving, reading and compiling some
 * 600 modules: about half the time of the per-file mode (`npm run bench`). The bundle is rebuilt when
 * one of its inputs changed: a source file of the project (by its sha-256), a file under
 * node_modules (by size and mtime: `npm ci` rewrites them), tsconfig.json, this script or esbuild.
 * `__dirname` and `__filename` in the project's files keep their meaning (the files' own folders),
 * so reads beside the sources work as in the per-file mode. Stack traces name the bundle, with the
 * functions' real names; the per-file mode names the sources. An entry that asks `require.main ===
 * module` belongs in the per-file mode.
 */
const { isAscii } = require('buffer');
const { createHash } = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');

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
  writeAtomically(cached, header + code);
  return code;
}

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

require.extensions['.ts'] = (module, filename) => module._compile(transpiled(filename), filename);

const bundled = process.argv[2] === '--bundle';
if (bundled) process.argv.splice(2, 1);
const [entry] = process.argv.splice(2, 1);
if (!entry) {
  console.error('usage: node scripts/run-ts.cjs [--bundle] <file.ts> [args…]');
  process.exit(2);
}
if (bundled) {
  runBundled(entry).catch((e) => {
    process.exitCode = 1;
    throw e; // node prints it as it would any uncaught error
  });
} else {
  // As if node had been started on the entry: require.main, process.argv[1] and argv[2…] are the program's.
  process.argv[1] = path.resolve(entry);
  Module.runMain();
}
