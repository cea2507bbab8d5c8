import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');

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
  const cached = (file: string) => path.join(project, '.build', `${file}.js`);

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
        'interface Report { answer: number; asset: string; args: string[]; main: boolean }',
        'const report: Report = { answer, asset, args: process.argv.slice(2), main: require.main === module };',
        'console.log(JSON.stringify(report));',
        'if (process.argv[2] === "fail") process.exit(3);',
        '',
      ].join('\n'),
    );
  });
  afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

  test('runs the entry as the main module, with its arguments, sources beside it and the exit code', () => {
    const first = run('main.ts', 'rules', 'out.yaml');
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toStrictEqual({ answer: 42, asset: 'beside the source', args: ['rules', 'out.yaml'], main: true });
    expect(run('main.ts', 'fail').status).toBe(3);
  });

  test('transpiles into .build/ once, reuses it while the source is unchanged, and again when it changes', () => {
    expect(run('main.ts').status).toBe(0);
    expect(fs.readFileSync(cached('lib/answer.ts'), 'utf8')).toMatch(/^\/\/ run-ts [0-9a-f]{64}\n/);
    expect(fs.existsSync(cached('main.ts'))).toBe(true);

    // The cached copy is what runs: altered behind the launcher's back, the alteration shows.
    fs.writeFileSync(cached('lib/answer.ts'), fs.readFileSync(cached('lib/answer.ts'), 'utf8').replace('= 42', '= 43'));
    expect(JSON.parse(run('main.ts').stdout).answer).toBe(43);

    // A changed source (same size, so no size or mtime shortcut could be trusted) is transpiled again.
    write('lib/answer.ts', fs.readFileSync(path.join(project, 'lib', 'answer.ts'), 'utf8').replace('= 42', '= 41'));
    const after = run('main.ts');
    expect(after.status).toBe(0);
    expect(JSON.parse(after.stdout).answer).toBe(41);
    expect(fs.readFileSync(cached('lib/answer.ts'), 'utf8')).toContain('= 41');
    expect(fs.readdirSync(path.join(project, '.build', 'lib')).sort()).toStrictEqual(['answer.ts.js']); // no partial files left
  });

  test('a syntax error names the file and fails; nothing half-written is cached', () => {
    write('lib/answer.ts', 'export const answer = ;\n');
    const broken = run('main.ts');
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toContain(path.join(project, 'lib', 'answer.ts'));
    expect(fs.existsSync(cached('lib/answer.ts'))).toBe(false);
  });

  test('without an entry it says how to call it', () => {
    const bare = run();
    expect(bare.status).toBe(2);
    expect(bare.stderr).toContain('usage: node scripts/run-ts.cjs <file.ts>');
  });
});
