import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
/** The launcher `npm run synth`, `npm run rules` and cdktf.json's `app` run. */
const RUN_TS = path.join(ROOT, 'scripts', 'run-ts.cjs');

/** Runs the app the way `npm run synth` does, into `outdir`. */
function synth(outdir: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [RUN_TS, 'main.ts'], {
    cwd: ROOT,
    env: { ...process.env, CDKTF_OUTDIR: outdir, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

function stackOf(outdir: string): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'terminal', 'cdk.tf.json'), 'utf8'));
}

describe('the app (main.ts)', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'terminal-app-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('synthesizes the example stack with namespace, service, endpoints, ingress and TLS', () => {
    const out = path.join(tmp, 'cdktf.out');
    const run = synth(out);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const stack = stackOf(out);
    expect(Object.keys(stack.resource).sort()).toEqual(
      expect.arrayContaining(['kubernetes_endpoints_v1', 'kubernetes_ingress_v1', 'kubernetes_namespace_v1', 'kubernetes_service_v1']),
    );
    const ingress = stack.resource.kubernetes_ingress_v1.Ingress_0D3F461F;
    expect(ingress.spec.tls).toStrictEqual([{ hosts: ['terminal.example.com'], secret_name: 'terminal-tls' }]);
    expect(ingress.metadata.annotations['traefik.ingress.kubernetes.io/router.middlewares']).toBe('traefik-authentik-forward-auth@kubernetescrd');
    expect(fs.readdirSync(path.dirname(out)).sort()).toStrictEqual(['cdktf.out']); // no scratch folder left behind
  });

  test('bad input: every problem on stderr, exit 2, and the previous output untouched', () => {
    const out = path.join(tmp, 'cdktf.out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'previous.txt'), 'keep me');
    const run = synth(out, {
      TERMINAL_HOST: 'terminal..example.com',
      TERMINAL_NAMESPACE: 'Terminal',
      TERMINAL_TTYD_ADDRESS: '10.0.10.999',
      TERMINAL_TTYD_PORT: '0',
      TERMINAL_AUTH: 'none',
      TERMINAL_CONFIG: JSON.stringify({ routes: [{ path: '/a/', hostPort: 7683 }, { path: '/a/', hostPort: 7684 }] }),
    });
    expect(run.status).toBe(2);
    for (const expected of [
      'config: host "terminal..example.com" is not a valid DNS name',
      'config: namespace "Terminal" is not a DNS-1123 label',
      'config: ttyd.address "10.0.10.999" is not an IPv4 address',
      'config: ttyd.port 0 is not a port',
      'config: auth "none" leaves the host without Authentik',
      'config: routes[1].path "/a/" is used by two routes',
      'nothing was written.',
    ]) {
      expect(run.stderr).toContain(expected);
    }
    expect(fs.readdirSync(tmp)).toStrictEqual(['cdktf.out']);
    expect(fs.readdirSync(out)).toStrictEqual(['previous.txt']);
  });

  test('a construct that refuses its props (a bad probe schedule) also exits 2 and writes nothing', () => {
    const out = path.join(tmp, 'cdktf.out');
    const run = synth(out, { TERMINAL_CONFIG: JSON.stringify({ probe: { schedule: '*/5 * * *' } }) });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('webterminal-probe: schedule "*/5 * * *" is not a cron schedule');
    expect(fs.readdirSync(tmp)).toStrictEqual([]);
  });

  test('never writes PG_CONN_STR into the output', () => {
    const out = path.join(tmp, 'cdktf.out');
    const run = synth(out, { TERMINAL_STATE_BACKEND: 'pg', PG_CONN_STR: 'postgres://tf:s3cret-pw@db/terraform' });
    expect(run.status).toBe(0);
    expect(stackOf(out).terraform.backend).toStrictEqual({ pg: { schema_name: 'terminal' } });
    const everything = fs.readdirSync(out, { recursive: true }).map((f) => path.join(out, String(f))).filter((f) => fs.statSync(f).isFile());
    for (const file of everything) expect(fs.readFileSync(file, 'utf8')).not.toContain('s3cret-pw');
  });

  test('npm run rules writes the configured alert groups as a rule file promtool accepts', () => {
    const file = path.join(tmp, 'rules.yaml');
    const run = spawnSync(process.execPath, [RUN_TS, 'main.ts', 'rules', file], {
      cwd: ROOT,
      env: { ...process.env, TERMINAL_CONFIG: JSON.stringify({ probe: { schedule: '*/10 * * * *' } }) },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(0);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('- name: Webterminal');
    expect(text).toContain('- name: Traefik Router Parity');
    expect(text).toContain('> 1200'); // stale after two 10-minute intervals
    const check = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8', timeout: 30_000 });
    expect(check.stdout).toContain('SUCCESS: 6 rules found');
    expect(check.status).toBe(0);
  });

  test('npx cdktf synth produces the same stack as npm run synth', () => {
    const direct = path.join(tmp, 'direct');
    expect(synth(direct).status).toBe(0);
    const viaCli = path.join(tmp, 'cli');
    const cli = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf'), 'synth', '--output', viaCli], {
      cwd: ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1', DISABLE_VERSION_CHECK: 'true' },
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(cli.status).toBe(0);
    const file = path.join('stacks', 'terminal', 'cdk.tf.json');
    expect(fs.readFileSync(path.join(viaCli, file), 'utf8')).toBe(fs.readFileSync(path.join(direct, file), 'utf8')); // the same bytes
  }, 90_000);

  test('loads heavy modules only when the stack needs them: no Deployment for ttyd outside the cluster, no yaml without the rule ConfigMap', () => {
    const hook = path.join(tmp, 'loaded.cjs');
    const list = path.join(tmp, 'loaded.txt');
    fs.writeFileSync(hook, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, Object.keys(require.cache).join('\\n')));`);
    const run = spawnSync(process.execPath, ['--require', hook, RUN_TS, 'main.ts'], {
      cwd: ROOT,
      env: { ...process.env, CDKTF_OUTDIR: path.join(tmp, 'cdktf.out') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(0);
    const loaded = fs.readFileSync(list, 'utf8');
    expect(loaded).toContain(path.join('provider-kubernetes', 'lib', 'cron-job-v1', 'index.js')); // the probe's CronJob
    expect(loaded).not.toContain(path.join('provider-kubernetes', 'lib', 'deployment-v1'));
    expect(loaded).not.toContain(path.join('node_modules', 'yaml')); // only the rule ConfigMap and npm run rules need it
  });

  test('npm run synth, npm run rules and cdktf.json run the app through the same launcher', () => {
    const { scripts } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const { app } = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8'));
    expect(app).toBe('node scripts/run-ts.cjs main.ts');
    expect(scripts.synth).toBe(app);
    expect(scripts.rules).toBe(`${app} rules`);
  });
});
