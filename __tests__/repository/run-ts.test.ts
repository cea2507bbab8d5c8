import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The launcher (scripts/run-ts.cjs) in a scratch project of its own: a copy of the script, the
 * repository's node_modules linked in, and two small TypeScript modules.
 */
describe('scripts/run-ts.cjs', () => {
  let project: string;
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    fs.writeFileSync(path.join(project, file), text);
  };
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(project, 'scripts', 'run-ts.cjs'), ...args], { cwd: project, encoding: 'utf8', timeout: 30_000 });

  beforeEach(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'run-ts-'));
    write('scripts/run-ts.cjs', fs.readFileSync(path.join(ROOT, 'scripts', 'run-ts.cjs'), 'utf8'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'));
    write(
      'lib/answer.ts',
      [
        "import * as fs from 'fs';",
        "import * as path from 'path';",
        'export const answer: number = 42;',
        "export const asset: string = fs.readFileSync(path.join(__dirname, 'asset.txt'), 'utf8');",
        '',
      ].join('\n'),
    );
    write('lib/asset.txt', 'beside the source');
    write(
      'main.ts',
      [
        "import { answer, asset } from './lib/answer';",
        'interface Report { answer: number; asset: string; args: string[] }',
        'const report: Report = { answer, asset, args: process.argv.slice(2) };',
        'console.log(JSON.stringify(report));',
        'if (process.argv[2] === "fail") process.exit(3);',
        '',
      ].join('\n'),
    );
  });
  afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

  test('without an entry it says how to call it', () => {
    const bare = run();
    expect(bare.status).toBe(2);
    expect(bare.stderr).toContain('usage: node scripts/run-ts.cjs <file.ts>');
  });

  describe('the bundle', () => {
    const bundleDir = () => path.join(project, '.build', 'bundle');
    const bundles = () => fs.readdirSync(bundleDir()).filter((f) => /^main\.ts\.[0-9a-f]{16}\.js$/.test(f));
    const caches = (bundle: string) =>
      fs.readdirSync(bundleDir()).filter((f) => f.startsWith(bundle.replace(/js$/, '')) && /\.[0-9a-f]{8}\.v8$/.test(f));
    const report = (args: string[] = []) => {
      const result = run('main.ts', ...args);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      return JSON.parse(result.stdout) as { answer: number; asset: string; args: string[] };
    };

    test('runs the entry from one bundle, with its arguments, the exit code, and __dirname as in the sources', () => {
      const first = report(['rules', 'out.yaml']);
      expect(first).toMatchObject({ answer: 42, asset: 'beside the source', args: ['rules', 'out.yaml'] });
      expect(run('main.ts', 'fail').status).toBe(3);
      expect(bundles()).toHaveLength(1);
      // A bundle names none of the checkout's paths: the project root is passed in at run time.
      expect(fs.readFileSync(path.join(bundleDir(), bundles()[0]), 'utf8')).not.toContain(project);
    });

    test('writes the code cache on the first run, reuses bundle and cache while nothing changed, and rebuilds an altered bundle', () => {
      report();
      const [bundle] = bundles();
      const [cacheName, ...others] = caches(bundle);
      expect(others).toStrictEqual([]);
      const cache = path.join(bundleDir(), cacheName);
      expect(fs.statSync(cache).size).toBeGreaterThan(0);
      const cacheBytes = fs.readFileSync(cache);

      expect(report().answer).toBe(42);
      expect(bundles()).toStrictEqual([bundle]);
      expect(fs.readFileSync(cache)).toStrictEqual(cacheBytes);

      // Altered behind the launcher's back (same length, which V8's own check of a cache would pass),
      // the bundle is rebuilt from the sources rather than run with code compiled from other bytes.
      const file = path.join(bundleDir(), bundle);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('= 42', '= 43'));
      expect(report().answer).toBe(42);
      expect(fs.readFileSync(file, 'utf8')).not.toContain('= 43');
      expect(report().answer).toBe(42);
    });

    test('rebuilds when a source changes (same size), and removes the old bundle and its cache', () => {
      report();
      const [before] = bundles();
      write('lib/answer.ts', fs.readFileSync(path.join(project, 'lib', 'answer.ts'), 'utf8').replace('= 42', '= 41'));
      expect(report().answer).toBe(41);
      const [after, ...more] = bundles();
      expect(more).toStrictEqual([]);
      expect(after).not.toBe(before);
      expect(fs.readdirSync(bundleDir()).sort()).toStrictEqual([after, ...caches(after), 'main.ts.json'].sort());
      expect(caches(after)).toHaveLength(1);
    });

    test('keeps one code cache per set of node options (the cdktf CLI sets NODE_OPTIONS), and each one stays', () => {
      report();
      const [bundle] = bundles();
      const [plain] = caches(bundle);
      const plainBytes = fs.readFileSync(path.join(bundleDir(), plain));
      const withOptions = (extra: Record<string, string>) =>
        spawnSync(process.execPath, [path.join(project, 'scripts', 'run-ts.cjs'), 'main.ts'], {
          cwd: project,
          encoding: 'utf8',
          timeout: 30_000,
          env: { ...process.env, ...extra },
        });
      expect(withOptions({ NODE_OPTIONS: '--max-old-space-size=16384' }).status).toBe(0);
      expect(caches(bundle)).toHaveLength(2);
      expect(report().answer).toBe(42);
      expect(fs.readFileSync(path.join(bundleDir(), plain))).toStrictEqual(plainBytes); // not taken in turns
    });

    test('rebuilds when a file under node_modules changes', () => {
      write('lib/node_modules/greeting/index.js', "module.exports = 'hello';\n");
      write(
        'main.ts',
        "import greeting = require('./lib/node_modules/greeting');\nconsole.log(JSON.stringify({ answer: 0, asset: greeting, args: [] }));\n",
      );
      expect(report().asset).toBe('hello');
      write('lib/node_modules/greeting/index.js', "module.exports = 'hello again';\n");
      expect(report().asset).toBe('hello again');
    });

    test('a syntax error names the file and fails; no bundle is written', () => {
      write('lib/answer.ts', 'export const answer = ;\n');
      const broken = run('main.ts');
      expect(broken.status).toBe(1);
      expect(broken.stderr).toContain('lib/answer.ts:1:');
      expect(fs.existsSync(bundleDir())).toBe(false);
    });
  });
});
