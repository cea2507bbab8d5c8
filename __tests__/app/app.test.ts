import type { JsonNode } from '../support/synth';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runApp } from '../../app/app';
import { filesUnder } from '../support/processes';

const ROOT = path.resolve(__dirname, '..', '..');
const CONFIGURED = { TERMINAL_HOST: 'terminal.lab.example.org', TERMINAL_TTYD_ADDRESS: '10.0.10.10' };

/** The environment without this machine's TERMINAL_* and cdktf variables. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TERMINAL_') && !k.startsWith('CDKTF_')));
  return { ...env, ...extra };
}

/** The launcher `npm run synth`, `npm run rules` and cdktf.json's `app` run. */
const RUN_TS = path.join(ROOT, 'scripts', 'run-ts.cjs');

/** Runs the app the way `npm run synth` does (the launcher's bundle), into `outdir`, from the checkout at `cwd`. */
function synth(outdir: string, env: Record<string, string> = {}, cwd = ROOT) {
  return spawnSync(process.execPath, [path.join(cwd, 'scripts', 'run-ts.cjs'), 'main.ts'], {
    cwd,
    env: cleanEnv({ CDKTF_OUTDIR: outdir, ...env }),
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** Runs `npx cdktf synth --output outdir`. */
function cliSynth(outdir: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf'), 'synth', '--output', outdir], {
    cwd: ROOT,
    env: cleanEnv({ CHECKPOINT_DISABLE: '1', CI: '1', DISABLE_VERSION_CHECK: 'true', ...env }),
    encoding: 'utf8',
    timeout: 120_000,
  });
}

function stackOf(outdir: string): Record<string, JsonNode> {
  return JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'terminal', 'cdk.tf.json'), 'utf8'));
}

/** What Terraform leaves in a stack folder, planted to see it survive. */
function plantTerraformFiles(stackDir: string): Record<string, string> {
  const planted: Record<string, string> = {
    '.terraform/terraform.tfstate': '{"version": 3, "backend": {"type": "local"}}',
    '.terraform/providers/registry.terraform.io/hashicorp/kubernetes/2.38.0/linux_amd64/terraform-provider-kubernetes': '\u007fELF planted',
    '.terraform.lock.hcl': '# planted lock file\n',
    'terraform.tfstate.backup': '{"version": 4, "serial": 7}',
    'plan.tfplan': 'planted plan',
  };
  for (const [file, text] of Object.entries(planted)) {
    fs.mkdirSync(path.dirname(path.join(stackDir, file)), { recursive: true });
    fs.writeFileSync(path.join(stackDir, file), text, 'latin1');
  }
  return planted;
}

describe('the app (main.ts)', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'terminal-app-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('with no configuration, synthesizes the example, says so, and plants a guard that fails a plan', () => {
    const out = path.join(tmp, 'cdktf.out');
    const run = synth(out);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('synthesized the BUILT-IN EXAMPLE (nothing is configured)');
    expect(run.stdout).toContain('To configure: set "terminal" in the context of cdktf.json');
    const stack = stackOf(out);
    const ingress = stack.resource.kubernetes_ingress_v1.Ingress_0D3F461F;
    expect(ingress.spec.tls).toStrictEqual([{ hosts: ['terminal.example.com'], secret_name: 'terminal-tls' }]);
    expect(stack.locals).toStrictEqual({ webterminal_configured: false });
    expect(stack.resource.terraform_data.webterminal_example_guard.lifecycle.precondition).toStrictEqual([
      { condition: '${local.webterminal_configured}', error_message: expect.stringContaining('set "terminal" in the context of cdktf.json') },
    ]);
    expect(stack.terraform.backend).toStrictEqual({ local: { path: '../../../terraform.terminal.tfstate' } });
    // The namespace is a reference (so Terraform creates it first); Terraform fills it in at apply.
    expect(ingress.metadata.annotations['traefik.ingress.kubernetes.io/router.middlewares']).toBe(
      '${kubernetes_namespace_v1.Namespace.metadata[0].name}-terminal-client-headers@kubernetescrd,traefik-authentik-forward-auth@kubernetescrd',
    );
    expect(fs.readdirSync(path.dirname(out)).sort()).toStrictEqual(['cdktf.out']); // no scratch folder left behind
  });

  test('a configured stack has no guard', () => {
    const out = path.join(tmp, 'cdktf.out');
    const run = synth(out, CONFIGURED);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('synthesized stack "terminal" into ' + path.relative(ROOT, out) + '/stacks/terminal/cdk.tf.json\n');
    expect(stackOf(out).resource.terraform_data).toBeUndefined();
    expect(stackOf(out).locals).toBeUndefined();
  });

  test('KUBE_CONFIG_PATH and KUBE_CTX are left to the provider: no path of the synthesizing machine in the output', () => {
    const outdir = path.join(tmp, 'cdktf.out');
    const env = { ...CONFIGURED, KUBE_CONFIG_PATH: '/ci/kubeconfig', KUBE_CTX: 'ci', CDKTF_OUTDIR: outdir };
    const result = runApp({ env, cwd: tmp, projectDir: tmp });
    expect(result.status).toBe(0);
    expect(stackOf(outdir).provider.kubernetes).toStrictEqual([{}]);
    expect(JSON.stringify(stackOf(outdir))).not.toMatch(/\/ci\/kubeconfig|"ci"/);
  });

  test('CLOUDFLARE_API_TOKEN in the environment appears nowhere in the output (Terraform reads it when it runs)', () => {
    const out = path.join(tmp, 'cdktf.out');
    const dns = {
      provider: 'cloudflare',
      zoneId: '0123456789abcdef0123456789abcdef',
      mode: 'proxied',
      tunnelId: '6ff42ae2-765d-4adf-8112-31c55c1551ef',
    };
    const run = synth(out, { ...CONFIGURED, TERMINAL_CONFIG: JSON.stringify({ dns }), CLOUDFLARE_API_TOKEN: 'cf-secret-token-123' });
    expect(run.status).toBe(0);
    expect(stackOf(out).provider.cloudflare).toStrictEqual([{}]);
    for (const text of [run.stdout, run.stderr, ...Object.values(filesUnder(out))]) expect(text).not.toContain('cf-secret-token-123');
  });

  test('terraform plan of the example guard fails with the way to configure', () => {
    const which = spawnSync('terraform', ['version'], { encoding: 'utf8' });
    if (which.error !== undefined) {
      console.warn('SKIPPED: terraform is not on PATH, so the example guard was not planned for real');
      return;
    }
    const out = path.join(tmp, 'cdktf.out');
    expect(synth(out).status).toBe(0);
    const stack = stackOf(out);
    // Only the guard: the kubernetes provider cannot be downloaded here; terraform_data is built in.
    const dir = path.join(tmp, 'guard');
    fs.mkdirSync(dir);
    fs.writeFileSync(
      path.join(dir, 'main.tf.json'),
      JSON.stringify({ locals: stack.locals, resource: { terraform_data: stack.resource.terraform_data } }),
    );
    const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    const init = spawnSync('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
    expect(init.status).toBe(0);
    const plan = spawnSync('terraform', ['plan', '-input=false', '-no-color'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
    expect(plan.status).toBe(1);
    expect(plan.stderr).toContain('Resource precondition failed');
    expect(plan.stderr.replace(/\s+/g, ' ')).toContain('set "terminal" in the context of cdktf.json');
  }, 120_000);

  test('bad input through the real process: every problem on stderr, exit 2, nothing written, no stack trace', () => {
    const out = path.join(tmp, 'cdktf.out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'previous.txt'), 'keep me');
    const run = synth(out, {
      TERMINAL_HOST: 'terminal..example.com',
      TERMINAL_NAMESPACE: 'Terminal',
      TERMINAL_TTYD_ADDRESS: '10.0.10.999',
      TERMINAL_TTYD_PORT: '-1',
      TERMINAL_AUTH: 'none',
      TERMINAL_CONFIG: JSON.stringify({
        routes: [
          { path: '/a/', hostPort: 7683 },
          { path: '/a/', hostPort: 7684 },
        ],
        hots: 1,
      }),
    });
    expect(run.status).toBe(2);
    for (const expected of [
      'config: host "terminal..example.com" is not a valid DNS name',
      'config: namespace "Terminal" is not a DNS-1123 label',
      'config: ttyd.address "10.0.10.999" is not an IPv4 address',
      'config: ttyd.port -1 is not an integer from 1 to 65535',
      'config: auth "none" is refused for a shell host',
      'config: routes[1].path "/a/" is given twice',
      'config: hots: unknown key; did you mean "host"?',
      'nothing was written.',
    ]) {
      expect(run.stderr).toContain(expected);
    }
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(fs.readdirSync(tmp)).toStrictEqual(['cdktf.out']);
    expect(fs.readdirSync(out)).toStrictEqual(['previous.txt']);
  });

  test('a construct that refuses its props (a probe schedule on weekdays) also exits 2 and writes nothing', () => {
    const out = path.join(tmp, 'cdktf.out');
    const run = synth(out, { ...CONFIGURED, TERMINAL_CONFIG: JSON.stringify({ probe: { schedule: '*/5 * * * MON-FRI' } }) });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('webterminal-probe: schedule "*/5 * * * MON-FRI" does not run every day');
    expect(fs.readdirSync(tmp)).toStrictEqual([]);
  });

  test('the per-replica check is on unless turned off, and a synth with it off says so on stderr', () => {
    const on = synth(path.join(tmp, 'on'), { ...CONFIGURED });
    expect(on.status).toBe(0);
    expect(on.stderr).toBe('');
    const off = synth(path.join(tmp, 'off'), { ...CONFIGURED, TERMINAL_CONFIG: JSON.stringify({ probe: { createReplicaService: false } }) });
    expect(off.status).toBe(0);
    expect(off.stderr).toMatch(/^warning: terminal\/Default: .*the per-replica check is off/);
  });

  test('a long error is printed whole before the process ends', () => {
    const keys = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`unknownSetting${String(i).padStart(4, '0')}`, 1]));
    const run = synth(path.join(tmp, 'out'), { ...CONFIGURED, TERMINAL_CONFIG: JSON.stringify(keys) });
    expect(run.status).toBe(2);
    expect(run.stderr.length).toBeGreaterThan(100_000);
    expect(run.stderr).toContain('config: unknownSetting2999: unknown key');
    expect(run.stderr.endsWith('nothing was written.\n')).toBe(true);
  });

  test('a state file where the previous version kept it stops synth with how to move it, and stays', () => {
    const out = path.join(tmp, 'cdktf.out');
    const old = path.join(out, 'stacks', 'terminal', 'terraform.terminal.tfstate');
    fs.mkdirSync(path.dirname(old), { recursive: true });
    fs.writeFileSync(old, '{"version": 4, "serial": 42}');
    const run = synth(out, CONFIGURED);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`found Terraform state at ${old}, where the previous version kept it`);
    expect(run.stderr).toContain(`mv "${old}" "${path.join(ROOT, 'terraform.terminal.tfstate')}"`);
    expect(fs.readFileSync(old, 'utf8')).toBe('{"version": 4, "serial": 42}');
    expect(fs.readdirSync(path.dirname(old))).toStrictEqual(['terraform.terminal.tfstate']);
  });

  test('what Terraform keeps in the stack folder survives npm run synth and npx cdktf synth byte for byte; both write the same stack', () => {
    const outs = ['npm run synth', 'npx cdktf synth'].map((name) => path.join(tmp, name.replace(/\W+/g, '-')));
    for (const [name, run, out] of [
      ['npm run synth', synth, outs[0]],
      ['npx cdktf synth', cliSynth, outs[1]],
    ] as const) {
      // A first synth, as before a deploy (the app's: the CLI's own start-up is seconds, and it runs the same app)
      expect(synth(out, {}).status).toBe(0);
      const stackDir = path.join(out, 'stacks', 'terminal');
      const planted = plantTerraformFiles(stackDir);
      const second = run(out, {});
      expect(second.status).toBe(0);
      const after = filesUnder(stackDir);
      for (const [file, text] of Object.entries(planted)) expect([name, file, after[file]]).toStrictEqual([name, file, text]);
      expect(Object.keys(after).sort()).toStrictEqual([...Object.keys(planted), 'cdk.tf.json'].sort());
    }
    expect(stackOf(outs[1])).toStrictEqual(stackOf(outs[0]));
  }, 240_000);

  test('the synthesized JSON is the same from two checkout paths', () => {
    const stacks = ['checkout-a', 'somewhere/else/checkout-b'].map((where) => {
      const project = path.join(tmp, where);
      fs.mkdirSync(project, { recursive: true });
      for (const entry of ['main.ts', 'app', 'lib', 'scripts', 'docs', 'cdktf.json', 'tsconfig.json', 'package.json']) {
        fs.cpSync(path.join(ROOT, entry), path.join(project, entry), { recursive: true });
      }
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'));
      const run = synth('cdktf.out', CONFIGURED, project);
      expect(run.stderr).toBe('');
      return fs.readFileSync(path.join(project, 'cdktf.out', 'stacks', 'terminal', 'cdk.tf.json'), 'utf8');
    });
    expect(stacks[1]).toBe(stacks[0]);
    expect(stacks[0]).not.toContain(tmp);
  }, 120_000);

  test('git ignores what Terraform keeps, as cdktf init does', () => {
    const files = [
      'terraform.terminal.tfstate',
      'terraform.terminal.tfstate.backup',
      'cdktf.out/stacks/terminal/.terraform/x',
      'cdktf.log',
      'other/.terraform/y',
    ];
    const run = spawnSync('git', ['check-ignore', '--no-index', ...files], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stdout.trim().split('\n')).toStrictEqual(files);
  });

  test('refuses auth app for the terminal even with a reason: exit 2, the reason why, nothing written', () => {
    const out = path.join(tmp, 'cdktf.out');
    const run = synth(out, { ...CONFIGURED, TERMINAL_AUTH: 'app', TERMINAL_AUTH_REASON: 'ttyd has its own login' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('config: auth "app" is refused for a shell host: ttyd trusts a header that any client can send');
    expect(fs.readdirSync(tmp)).toStrictEqual([]);
  });

  test('never writes PG_CONN_STR into the output', () => {
    const out = path.join(tmp, 'cdktf.out');
    const run = synth(out, { ...CONFIGURED, TERMINAL_STATE_BACKEND: 'pg', PG_CONN_STR: 'postgres://tf:s3cret-pw@db/terraform' });
    expect(run.status).toBe(0);
    expect(stackOf(out).terraform.backend).toStrictEqual({ pg: { schema_name: 'terminal' } });
    for (const text of Object.values(filesUnder(out))) expect(text).not.toContain('s3cret-pw');
  });

  test('npm run rules writes the configured alert groups as a rule file promtool accepts', () => {
    const file = path.join(tmp, 'rules.yaml');
    const run = spawnSync(process.execPath, [RUN_TS, 'main.ts', 'rules', file], {
      cwd: ROOT,
      env: cleanEnv({ ...CONFIGURED, TERMINAL_CONFIG: JSON.stringify({ probe: { schedule: '*/10 * * * *' } }) }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('- name: Webterminal');
    expect(text).toContain('- name: Traefik Router Parity');
    expect(text).toContain('> 1200'); // stale after two 10-minute intervals
    const check = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8', timeout: 30_000 });
    expect(check.stdout).toContain('SUCCESS: 13 rules found');
    expect(check.status).toBe(0);
  });
  // The library's own laziness, as another stack importing it sees it: ts-node (as `cdktf init` projects
  // run their app) loads modules as node does (the synth's bundle carries them all, as code that runs when called).
  test('loads heavy modules only when the stack needs them: no Deployment for ttyd outside the cluster, no yaml without the rule ConfigMap', () => {
    const hook = path.join(tmp, 'loaded.cjs');
    const list = path.join(tmp, 'loaded.txt');
    fs.writeFileSync(hook, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, Object.keys(require.cache).join('\\n')));`);
    const run = spawnSync(process.execPath, ['--require', hook, require.resolve('ts-node/dist/bin.js'), '--swc', 'main.ts'], {
      cwd: ROOT,
      env: cleanEnv({ CDKTF_OUTDIR: path.join(tmp, 'cdktf.out') }),
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

describe('credentials', () => {
  const MARKER = 'Mk7qZx3w';
  /** Password shapes: with '/', '#', '?', '@', percent-escapes. */
  const PASSWORDS = [MARKER, `${MARKER}/x`, `${MARKER}#x`, `${MARKER}?x`, `${MARKER}@x`, `${MARKER}%40x`, `a/${MARKER}`];
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'terminal-cred-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** Every URL-valued setting, each with the password in its userinfo. */
  function urlSettings(password: string): Record<string, unknown> {
    const url = (host: string) => `https://user:${password}@${host}`;
    return {
      host: 'terminal.lab.example.org',
      ttyd: { address: '10.0.10.10' },
      authOutpostUrl: url('authentik.example.org/outpost.goauthentik.io/auth/traefik'),
      probe: { pushgatewayUrl: url('pushgateway:9091') },
      alerts: { runbookBaseUrl: url('runbooks.example.org/') },
    };
  }

  test.each(PASSWORDS)('a password %s in every URL and in PG_CONN_STR appears nowhere in stdout, stderr or cdktf.out', (password) => {
    const outdir = path.join(tmp, 'cdktf.out');
    for (const env of [
      { TERMINAL_CONFIG: JSON.stringify(urlSettings(password)), PG_CONN_STR: `postgres://tf:${password}@db/terraform`, TERMINAL_STATE_BACKEND: 'pg' },
      {
        TERMINAL_HOST: 'terminal.lab.example.org',
        TERMINAL_TTYD_ADDRESS: '10.0.10.10',
        TERMINAL_PUSHGATEWAY_URL: `http://probe:${password}@pushgateway:9091`,
      },
      { ...CONFIGURED, PG_CONN_STR: `postgres://tf:${password}@db/terraform`, TERMINAL_STATE_BACKEND: 'pg' },
    ]) {
      const result = runApp({ env: { ...env, CDKTF_OUTDIR: outdir }, cwd: tmp, projectDir: tmp });
      expect(result.stdout).not.toContain(MARKER);
      expect(result.stderr).not.toContain(MARKER);
      for (const text of Object.values(filesUnder(tmp))) expect(text).not.toContain(MARKER);
      if (env.TERMINAL_CONFIG !== undefined || env.TERMINAL_PUSHGATEWAY_URL !== undefined) {
        expect(result.status).toBe(2);
        expect(result.stderr).toMatch(/pushgatewayUrl "https?:\/\/\*\*\*@pushgateway:9091/);
      } else {
        expect(result.status).toBe(0);
      }
    }
  });

  test('the real process prints no marker either', () => {
    const outdir = path.join(tmp, 'cdktf.out');
    const run = synth(outdir, { TERMINAL_CONFIG: JSON.stringify(urlSettings(`${MARKER}/#?@`)), PG_CONN_STR: `postgres://tf:${MARKER}@db/x` });
    expect(run.status).toBe(2);
    expect(run.stdout + run.stderr).not.toContain(MARKER);
    expect(fs.existsSync(outdir)).toBe(false);
  });
});
