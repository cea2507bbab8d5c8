import { defined } from '../support/synth';
import type { JsonNode } from '../support/synth';
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import { isBuiltin } from 'module';
import * as os from 'os';
import * as path from 'path';
import { terraformLiteral } from '../support/synth';

/**
 * The library as another stack gets it: `npm pack`, install the tarball into a scratch project,
 * and there type-check and synthesize a different stack that imports only the package's public
 * entry point. Dependencies come from npm's cache (`--prefer-offline`): this project's own
 * `npm ci` has put them there.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

function run(command: string, args: string[], cwd: string, timeout = 120_000): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' },
  });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** The fenced blocks of one README section, by language, in order. */
function readmeBlocks(section: string): Record<string, string[]> {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${section}\n`);
  if (start < 0) throw new Error(`README has no section "## ${section}"`);
  const next = readme.indexOf('\n## ', start + 1);
  const text = readme.slice(start, next < 0 ? undefined : next);
  const blocks: Record<string, string[]> = {};
  for (const match of text.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)) (blocks[match[1]] ??= []).push(match[2]);
  return blocks;
}

/** `name@version` pairs of the README's `npm install` lines; the package itself has no version there. */
function readmeInstalls(lines: string): Record<string, string> {
  const packages: Record<string, string> = {};
  for (const line of lines.split('\n').filter((l) => l.startsWith('npm install '))) {
    for (const word of line
      .split(/\s+/)
      .slice(2)
      .filter((w) => !w.startsWith('-'))) {
      const tarball = /(?:^|\/)([a-z][-a-z]*?)-\d+\.\d+\.\d+\.tgz$/.exec(word);
      const at = word.lastIndexOf('@');
      if (tarball !== null) packages[tarball[1]] = '';
      else if (at > 0) packages[word.slice(0, at)] = word.slice(at + 1);
      else packages[word] = '';
    }
  }
  return packages;
}

const MONITORING_STACK = `
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ProtectedIngress, PrometheusRules, WebterminalProbe, WebterminalRuleSet } from 'webterminal-cdktf';
import * as fs from 'fs';

/** A monitoring stack: the web terminal's alerts for Helm values, and Grafana behind Authentik. */
class MonitoringStack extends TerraformStack {
  public readonly rules: WebterminalRuleSet;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new KubernetesProvider(this, 'Kubernetes', { configPath: '~/.kube/config' });
    this.rules = new WebterminalRuleSet({ probeIntervalSeconds: 300, paritySource: 'traefik-v3' });
    new PrometheusRules(this, 'Rules', { ruleSet: this.rules, prometheusRule: false, configMap: true });
    new ProtectedIngress(this, 'Grafana', {
      name: 'grafana',
      namespace: 'monitoring',
      host: 'grafana.example.com',
      service: { name: 'grafana', port: 80 },
      tlsSecretName: 'grafana-tls',
    });
    new WebterminalProbe(this, 'Probe', {
      namespace: 'monitoring',
      edgeUrl: 'https://terminal.example.com',
      originUrl: 'http://terminal.terminal.svc.cluster.local',
    });
  }
}

const app = new App({ outdir: 'cdktf.out' });
const stack = new MonitoringStack(app, 'monitoring');
// Helm values for the prometheus-community chart: serverFiles carries rule files.
fs.writeFileSync('values.json', JSON.stringify({ serverFiles: { 'webterminal.rules.yaml': stack.rules.toRuleFile() } }));
app.synth();
`;

describe('the packed library', () => {
  let tmp: string;
  let tarball: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'webterminal-pack-'));
    // prepack's build and typedoc print to stdout before npm's JSON
    const packed = run('npm', ['pack', '--json', '--pack-destination', tmp], ROOT);
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.search(/^\[\s*\{/m))) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(tmp, info.filename);
    fs.writeFileSync(path.join(tmp, 'files.json'), JSON.stringify(info.files.map((f) => f.path)));
  }, 180_000);

  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('ships the compiled library, its declarations, the probe script and the runbooks, and nothing else', () => {
    const files: string[] = JSON.parse(fs.readFileSync(path.join(tmp, 'files.json'), 'utf8'));
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/index.d.ts',
        'dist/probe/probe-script.mjs',
        'dist/probe/contract.json',
        'dist/probe/remediation.mjs',
        'dist/probe/inventory.mjs',
        'docs/runbooks/WebterminalReplicaRouteMissing.md',
        'docs/api/README.md',
        'docs/api/classes/Webterminal.md',
        'package.json',
        'README.md',
      ]),
    );
    expect(files.filter((f) => /^(lib|__tests__|bench|cdktf\.out|node_modules)\//.test(f) || f === 'main.ts')).toStrictEqual([]);
    const probeFiles = fs.readdirSync(path.join(ROOT, 'lib', 'probe')).sort();
    expect(files.filter((f) => f.startsWith('dist/probe/')).sort()).toStrictEqual(probeFiles.map((f) => `dist/probe/${f}`));
    for (const file of probeFiles) {
      expect(fs.readFileSync(path.join(ROOT, 'dist', 'probe', file))).toStrictEqual(fs.readFileSync(path.join(ROOT, 'lib', 'probe', file)));
    }
  });

  test('the API reference it ships is current: npm pack regenerates docs/api, and the committed pages are what it made', () => {
    const diff = spawnSync('git', ['status', '--porcelain', '--', 'docs/api'], { cwd: ROOT, encoding: 'utf8' });
    expect(diff.status).toBe(0);
    expect(diff.stdout).toBe('');
  });

  test('every declaration file refers only to files the package ships and to packages it depends on', () => {
    const files: string[] = JSON.parse(fs.readFileSync(path.join(tmp, 'files.json'), 'utf8'));
    const shipped = new Set(files);
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    const declarations = files.filter((file) => file.endsWith('.d.ts'));
    expect(declarations.length).toBeGreaterThan(20);
    const problems: string[] = [];
    let references = 0;
    for (const file of declarations) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8'); // what npm pack packed: prepack built dist/
      for (const [, spec] of text.matchAll(/(?:\bfrom\s+|\bimport\(\s*)['"]([^'"]+)['"]/g)) {
        references++;
        if (spec.startsWith('.')) {
          const base = path.posix.join(path.posix.dirname(file), spec);
          if (![`${base}.d.ts`, `${base}/index.d.ts`].some((candidate) => shipped.has(candidate)))
            problems.push(`${file}: ${spec} is not in the package`);
        } else {
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
          if (!declared.has(name) && !isBuiltin(spec)) problems.push(`${file}: ${spec} is not a dependency`);
        }
      }
      for (const [, types] of text.matchAll(/<reference types="([^"]+)"/g)) if (types !== 'node') problems.push(`${file}: types ${types}`);
    }
    expect(references).toBeGreaterThan(50);
    expect(problems).toStrictEqual([]);
  });

  test('the README installs exactly the versions this repository builds and tests with', () => {
    const versions = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).devDependencies as Record<string, string>;
    const installs = readmeInstalls(readmeBlocks('Using it from another stack').sh[0]);
    expect(Object.keys(installs).sort()).toStrictEqual([
      '@cdktf/provider-kubernetes',
      '@types/node',
      'cdktf',
      'constructs',
      'ts-node',
      'typescript',
      'webterminal-cdktf',
    ]);
    for (const [name, version] of Object.entries(installs)) {
      if (name !== 'webterminal-cdktf') expect({ name, version }).toStrictEqual({ name, version: versions[name] });
    }
    expect(installs.typescript).toMatch(/^5\./);
  });

  test('another stack installs it, type-checks against its public API, and synthesizes', () => {
    const project = path.join(tmp, 'monitoring');
    fs.mkdirSync(project);
    // the README's packages, with the packed tarball for the library itself
    const installs = readmeInstalls(readmeBlocks('Using it from another stack').sh[0]);
    fs.writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({
        name: 'monitoring-stack',
        private: true,
        dependencies: { ...installs, 'webterminal-cdktf': `file:${tarball}` },
      }),
    );
    fs.writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'commonjs',
          strict: true,
          esModuleInterop: true,
          // As cdktf init and the README have it; what the package's own declarations refer to is
          // checked file by file above (the providers' declarations are not this package's to check)
          skipLibCheck: true,
          types: ['node'],
          outDir: 'out',
        },
        files: ['main.ts'],
      }),
    );
    fs.writeFileSync(path.join(project, 'main.ts'), MONITORING_STACK);
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], project, 240_000);
    run(process.execPath, [TSC, '-p', '.'], project);
    run(process.execPath, ['out/main.js'], project);

    const stack = JSON.parse(fs.readFileSync(path.join(project, 'cdktf.out', 'stacks', 'monitoring', 'cdk.tf.json'), 'utf8'));
    const ingress = Object.values(stack.resource.kubernetes_ingress_v1 as Record<string, JsonNode>)[0];
    expect(ingress.metadata.annotations['traefik.ingress.kubernetes.io/router.middlewares']).toBe(
      'monitoring-grafana-client-headers@kubernetescrd,traefik-authentik-forward-auth@kubernetescrd',
    );
    const maps = Object.values(stack.resource.kubernetes_config_map_v1 as Record<string, JsonNode>);
    const script = defined(
      maps.find((m) => m.metadata.name === 'webterminal-probe'),
      'script',
    );
    // the probe's files are found inside the installed package
    for (const file of fs.readdirSync(path.join(ROOT, 'lib', 'probe'))) {
      expect(terraformLiteral(script.data[file])).toBe(fs.readFileSync(path.join(ROOT, 'lib', 'probe', file), 'utf8'));
    }
    expect(defined(maps.find((m) => m.metadata.name === 'webterminal-rules')).data['webterminal.rules.yaml']).toContain('TraefikRouterCountSkew');
    const values = JSON.parse(fs.readFileSync(path.join(project, 'values.json'), 'utf8'));
    expect(values.serverFiles['webterminal.rules.yaml'].groups.map((g: { name: string }) => g.name)).toStrictEqual([
      'Webterminal',
      'Traefik Router Parity',
    ]);
  }, 300_000);

  test("the README's example runs as written: its tsconfig and main.ts, type-checked and synthesized by ts-node", () => {
    const project = path.join(tmp, 'monitoring');
    const readme = path.join(project, 'readme');
    fs.mkdirSync(readme);
    const blocks = readmeBlocks('Using it from another stack');
    fs.writeFileSync(path.join(readme, 'tsconfig.json'), blocks.json[0]);
    fs.writeFileSync(path.join(readme, 'main.ts'), blocks.ts[0]);
    // ts-node type-checks (no --transpile-only), so a type error in the README fails here
    run(process.execPath, [path.join(project, 'node_modules', 'ts-node', 'dist', 'bin.js'), 'main.ts'], readme);

    const stack = JSON.parse(fs.readFileSync(path.join(readme, 'cdktf.out', 'stacks', 'monitoring', 'cdk.tf.json'), 'utf8'));
    const ingresses = Object.values(stack.resource.kubernetes_ingress_v1 as Record<string, JsonNode>);
    expect(ingresses.map((i) => i.spec.rule[0].host).sort()).toStrictEqual(
      ['grafana.example.org', 'terminal.example.org', 'terminal.staging.example.org'].sort(),
    );
    // the user's backend and provider; the two terminals apart
    expect(Object.keys(stack.terraform.backend)).toStrictEqual(['s3']);
    expect(stack.provider.kubernetes).toStrictEqual([{}]);
    const namespaces = Object.values(stack.resource.kubernetes_namespace_v1 as Record<string, JsonNode>).map((n) => n.metadata.name);
    expect(namespaces.sort()).toStrictEqual(['terminal-prod', 'terminal-staging']);
    const jobs = Object.values(stack.resource.kubernetes_cron_job_v1 as Record<string, JsonNode>).map(
      (c) => c.spec.job_template.spec.template.spec.container[0].env.find((e: JsonNode) => e.name === 'PROBE_JOB')?.value,
    );
    expect(jobs.sort()).toStrictEqual(['webterminal-probe-prod', 'webterminal-probe-staging']);
    const values = JSON.parse(fs.readFileSync(path.join(readme, 'prometheus-values.json'), 'utf8'));
    // the key the prometheus-community chart's default prometheus.yml loads (rule_files: /etc/config/alerting_rules.yml)
    expect(Object.keys(values.serverFiles)).toStrictEqual(['alerting_rules.yml']);
    const rules = values.serverFiles['alerting_rules.yml'].groups.flatMap(
      (g: { rules: { expr: string; annotations: Record<string, string> }[] }) => g.rules,
    );
    expect(rules.length).toBeGreaterThan(0);
    // prod's probe job, from the probe itself
    expect(
      rules
        .filter((r: { expr: string }) => r.expr.includes('webterminal_probe_'))
        .every((r: { expr: string }) => r.expr.includes('"webterminal-probe-prod"')),
    ).toBe(true);
    // no placeholder link: the runbook's first steps ride along instead
    for (const rule of rules) {
      expect(rule.annotations.runbook_url).toBeUndefined();
      expect(rule.annotations.runbook_first_steps).toContain('docs/runbooks/');
    }
  }, 120_000);

  test("a project made by `cdktf init` installs it, synthesizes with cdktf.json's app, and its own jest test passes", () => {
    const project = path.join(tmp, 'platform');
    fs.cpSync(path.join(ROOT, '__tests__', 'fixtures', 'consumer'), project, { recursive: true });
    const manifest = path.join(project, 'package.json');
    fs.writeFileSync(manifest, fs.readFileSync(manifest, 'utf8').replace('WEBTERMINAL_TARBALL', tarball));
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], project, 240_000);
    const bin = (name: string): string => path.join(project, 'node_modules', '.bin', name);
    // `tsc` as the template's `npm run build` runs it, under the template's strict tsconfig (noUnusedLocals, lib es2018)
    run(bin('tsc'), ['--noEmit'], project);
    // cdktf.json's app, as `cdktf synth` runs it
    const app = JSON.parse(fs.readFileSync(path.join(project, 'cdktf.json'), 'utf8')).app as string;
    expect(app).toBe('npx ts-node main.ts');
    run('npx', ['--no-install', 'ts-node', 'main.ts'], project);
    const stack = JSON.parse(fs.readFileSync(path.join(project, 'cdktf.out', 'stacks', 'platform', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(stack.terraform.backend)).toStrictEqual(['s3']);
    expect(Object.keys(stack.resource.kubernetes_namespace_v1 as Record<string, unknown>)).toHaveLength(2);
    // its own jest test (ts-jest, cdktf's Testing matchers): every test ran and passed
    const jest = run(bin('jest'), ['--ci', '--json', '--outputFile', 'jest-result.json'], project, 240_000);
    expect(jest.status).toBe(0);
    const result = JSON.parse(fs.readFileSync(path.join(project, 'jest-result.json'), 'utf8')) as Record<string, number>;
    expect({ passed: result.numPassedTests, failed: result.numFailedTests, pending: result.numPendingTests }).toStrictEqual({
      passed: 6,
      failed: 0,
      pending: 0,
    });
  }, 600_000);

  test('installs from a git URL: npm clones the commit, runs prepare (the build), and the library loads', () => {
    const project = path.join(tmp, 'from-git');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'from-git', private: true }));
    const head = run('git', ['rev-parse', 'HEAD'], ROOT).stdout.trim();
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', `git+file://${ROOT}#${head}`], project, 300_000);
    const installed = path.join(project, 'node_modules', 'webterminal-cdktf');
    // dist/ is not in git: only prepare can have made it
    expect(fs.existsSync(path.join(installed, 'dist', 'index.d.ts'))).toBe(true);
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    expect(JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).version).toBe(version);
    const loaded = run(process.execPath, ['-e', "console.log(typeof require('webterminal-cdktf').Webterminal)"], project);
    expect(loaded.stdout.trim()).toBe('function');
  }, 360_000);

  test('a deep import into lib/ is refused: the public entry point is the API', () => {
    const project = path.join(tmp, 'monitoring');
    const probe = spawnSync(process.execPath, ['-e', "require('webterminal-cdktf/dist/private/validation')"], { cwd: project, encoding: 'utf8' });
    expect(probe.status).not.toBe(0);
    expect(probe.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });
});

/** The values the package entry exports, sorted. */
const PUBLIC_VALUES = [
  'AUTHENTIK_HEADERS_REGEX',
  'AUTHENTIK_OUTPOST_PATH',
  'AUTHENTIK_RESPONSE_HEADERS',
  'AUTH_POSTURES',
  'Alert',
  'AlertGroup',
  'AlertRuleSet',
  'Annotations',
  'AuthentikForwardAuth',
  'AuthentikOutpostRoute',
  'BLOCKED_RESULTS',
  'DEFAULT_AUTH_MIDDLEWARE',
  'DEFAULT_DASHBOARD_LABELS',
  'DEFAULT_PROBE_JOB',
  'DEFAULT_PROMETHEUS_RULE_LABELS',
  'DEFAULT_RESTART_GUARD_SELECTOR',
  'DEFAULT_TTYD_AUTH_HEADER',
  'DNS_MODES',
  'DnsRecords',
  'ImportBlocks',
  'PARITY_SOURCES',
  'POD_SECURITY_LABELS',
  'PROBE_NODE_IMAGE',
  'PROBE_ORIGIN_TLS_DIR',
  'ProbeCheck',
  'ProbeLabel',
  'ProbeMetric',
  'PrometheusRules',
  'ProtectedIngress',
  'PushgatewayMetric',
  'REMEDIATION_ALERT_GROUP_NAME',
  'REMEDIATION_GROUP_KIND',
  'REMEDIATION_METRICS',
  'REMEDIATION_MODES',
  'REMEDIATION_STATE_ANNOTATION',
  'ROUTE_AUTHS',
  'RemediationAlertName',
  'RemediationResult',
  'RouteReason',
  'SEVERITIES',
  'SUCCESS_GROUP_KIND',
  'SYSTEM_NAMESPACES',
  'ServiceAnnotations',
  'TRAEFIK_API_VERSION',
  'TTYD_HOME',
  'TerminalHost',
  'TerminalStack',
  'TtydBackend',
  'TtydNetworkPolicy',
  'TtydService',
  'ValidationError',
  'WEBTERMINAL_DASHBOARD',
  'Webterminal',
  'WebterminalAlertName',
  'WebterminalDashboard',
  'WebterminalGroupName',
  'WebterminalProbe',
  'WebterminalRuleSet',
  'remediationAlertGroup',
  'traefikRouterParityAlertGroup',
  'webterminalAlertGroup',
];

describe('the public surface', () => {
  // Constructs, their props, the rule model and the metric names, with the constants that name their
  // defaults; no helpers (checks, Problems, route slugs, cron parsing, template escaping, import ids):
  // those live in lib/private/. A change here is a change of the package's API.
  test('the package entry exports exactly these values', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const entry = require('../../lib') as Record<string, unknown>;
    expect(Object.keys(entry).sort()).toStrictEqual(PUBLIC_VALUES);
  });
});
