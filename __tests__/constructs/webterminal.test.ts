/**
 * `Webterminal`, the whole terminal as one construct in a stack of the user's: with the user's own
 * backend and provider, twice in one stack without a clash, and in `TerminalStack` (id `Default`) at
 * every Terraform address the release at commit 9d1f4ad had.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { S3Backend, TerraformStack, Testing } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { CronJobV1 } from '@cdktf/provider-kubernetes/lib/cron-job-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import {
  TerminalStack,
  TerminalStackProps,
  TtydBackend,
  ValidationError,
  Webterminal,
  WebterminalProbe,
  WebterminalProps,
  WebterminalRuleSet,
} from '../../lib';
import { TERMINAL_PROP_RENAMES, renameTable } from '../../lib/private/renames';
import { configProps } from '../support/config-props';
import { objectsOf } from '../support/provider-stand-in';

const VM = TtydBackend.externalHost({ address: '192.0.2.10', port: 7681 });

/** A stack as a user of the library writes one: their backend, their provider login. */
function userStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'platform');
  new S3Backend(stack, { bucket: 'tf-state', key: 'platform.tfstate', region: 'eu-central-1' });
  new KubernetesProvider(stack, 'kubernetes', {
    host: 'https://k8s.example.org:6443',
    exec: [{ apiVersion: 'client.authentication.k8s.io/v1', command: 'kubelogin', args: ['get-token'] }],
  });
  return stack;
}

type Synthesized = { resource: Record<string, Record<string, Record<string, unknown>>>; terraform: { backend?: Record<string, unknown> } };

function addresses(json: Synthesized): string[] {
  return Object.entries(json.resource)
    .flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`))
    .sort();
}

describe('Webterminal in a stack of the user', () => {
  test('builds the whole terminal with only host and ttyd, under the stack\u2019s own backend and provider', () => {
    const stack = userStack();
    const terminal = new Webterminal(stack, 'Default', { host: 'terminal.example.org', ttyd: VM });
    const synthesized = Testing.synth(stack);
    expect(synthesized).toHaveResourceWithProperties(NamespaceV1, { metadata: { name: 'terminal', labels: expect.anything() } });
    expect(synthesized).toHaveResource(CronJobV1);
    const json = JSON.parse(synthesized) as Synthesized;
    expect(Object.keys(json.terraform.backend ?? {})).toStrictEqual(['s3']);
    expect(Object.keys(json.resource)).not.toContain('kubernetes_provider');
    expect(terminal.webterminalProbe?.job).toBe('webterminal-probe');
    expect(terminal.ruleSet?.config.probeJob).toBe('webterminal-probe');
  });

  test('two instances in one stack: every (kind, namespace, name) is unique, and the probes push to different jobs', () => {
    const stack = userStack();
    const staging = new Webterminal(stack, 'Staging', {
      host: 'terminal.staging.example.org',
      ttyd: VM,
      probe: { createReplicaService: true },
    });
    const prod = new Webterminal(stack, 'Prod', { host: 'terminal.example.org', ttyd: VM, probe: { createReplicaService: true } });
    const objects = objectsOf(JSON.parse(Testing.synth(stack)) as unknown).map(
      ({ object }) => `${object.apiVersion}/${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}`,
    );
    expect(objects.filter((key, i) => objects.indexOf(key) !== i)).toStrictEqual([]);
    expect([staging.namespace, prod.namespace]).toStrictEqual(['terminal-staging', 'terminal-prod']);
    expect([staging.webterminalProbe?.job, prod.webterminalProbe?.job]).toStrictEqual(['webterminal-probe-staging', 'webterminal-probe-prod']);
    expect([staging.webterminalProbe?.environment.PROBE_JOB, prod.webterminalProbe?.environment.PROBE_JOB]).toStrictEqual([
      'webterminal-probe-staging',
      'webterminal-probe-prod',
    ]);
    // The objects in shared namespaces carry the instance's name.
    const shared = objects.filter((key) => / (monitoring|traefik)\//.test(key)).sort();
    expect(shared).toStrictEqual(
      [
        'monitoring.coreos.com/v1/PrometheusRule monitoring/webterminal-prod',
        'monitoring.coreos.com/v1/PrometheusRule monitoring/webterminal-staging',
        'v1/ConfigMap monitoring/webterminal-dashboard-prod',
        'v1/ConfigMap monitoring/webterminal-dashboard-staging',
        'v1/Service traefik/traefik-replicas-prod',
        'v1/Service traefik/traefik-replicas-staging',
      ].sort(),
    );
  });

  test('two instances given the same names are refused, naming both sources', () => {
    const stack = userStack();
    new Webterminal(stack, 'Staging', { host: 'terminal.staging.example.org', ttyd: VM, namespace: 'shared' });
    expect(() => new Webterminal(stack, 'Prod', { host: 'terminal.example.org', ttyd: VM, namespace: 'shared' })).toThrow(
      'platform/Staging/Namespace and platform/Prod/Namespace both make v1/Namespace shared',
    );
  });

  test('every problem of the tree at once, in one ValidationError, each line led by its construct\u2019s path', () => {
    let error: unknown;
    try {
      new Webterminal(userStack(), 'Default', {
        host: 'bad host',
        ttyd: TtydBackend.externalHost({ address: 'not an address', port: 0 }),
        probe: { schedule: '*/5 * * * MON-FRI' },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const lines = (error as ValidationError).message.split('\n');
    expect(lines.every((line) => line.startsWith('platform/Default'))).toBe(true);
    for (const expected of [
      /: ttyd-service: address "not an address"/,
      /: ttyd-service: port 0 /,
      /host "bad host"/,
      /schedule "\*\/5 \* \* \* MON-FRI"/,
    ]) {
      expect(lines.some((line) => expected.test(line))).toBe(true);
    }
  });

  test('the probe sends the header ttyd trusts, decided once by its backend', () => {
    const stack = userStack();
    const terminal = new Webterminal(stack, 'Default', {
      host: 'terminal.example.org',
      ttyd: TtydBackend.inCluster({ image: 'tsl0922/ttyd:1.7.7', authHeader: 'X-Remote-User' }),
    });
    expect(terminal.ttydService.authHeader).toBe('X-Remote-User');
    expect(terminal.webterminalProbe?.environment.PROBE_AUTH_HEADER).toBe('X-Remote-User');
  });
});

describe('the per-replica check', () => {
  test('is on by default: a replica Service at the Helm chart\u2019s Traefik location, checked by the probe', () => {
    const terminal = new Webterminal(userStack(), 'Default', { host: 'terminal.example.org', ttyd: VM });
    expect(terminal.webterminalProbe?.environment.PROBE_REPLICAS).toBe('traefik-replicas.traefik.svc.cluster.local');
    expect(terminal.node.metadata.filter((m) => m.type === '@cdktf/warn')).toStrictEqual([]);
  });

  test('turned off only explicitly, and the synth says it is off', () => {
    const terminal = new Webterminal(userStack(), 'Default', {
      host: 'terminal.example.org',
      ttyd: VM,
      probe: { createReplicaService: false },
    });
    expect(terminal.webterminalProbe?.environment.PROBE_REPLICAS ?? '').toBe('');
    const warnings = terminal.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings).toStrictEqual([expect.stringContaining('the per-replica check is off')]);
  });
});

describe('WebterminalRuleSet.forProbe', () => {
  const probe = (schedule: string): WebterminalProbe => {
    const stack = userStack();
    return new WebterminalProbe(stack, 'Probe', {
      namespace: 'terminal',
      edgeUrl: 'https://terminal.example.org',
      originUrl: 'http://terminal.terminal.svc.cluster.local',
      schedule,
      job: 'edge-probe',
    });
  };

  test('takes the job and the interval from the probe it watches', () => {
    const rules = WebterminalRuleSet.forProbe(probe('*/30 * * * *'));
    expect([rules.config.probeJob, rules.config.probeIntervalSeconds]).toStrictEqual(['edge-probe', 1800]);
    expect(rules.findAlert('WebterminalProbeStale')?.expr).toContain('edge-probe');
  });

  test('refuses a job or an interval that is not the probe\u2019s', () => {
    const refused = () => WebterminalRuleSet.forProbe(probe('*/30 * * * *'), { probeJob: 'other', probeIntervalSeconds: 300 });
    expect(refused).toThrow(ValidationError);
    expect(refused).toThrow(/probeJob "other" is not the probe's job "edge-probe"[\s\S]*probeIntervalSeconds 300 is not the probe's interval 1800/);
  });
});

describe('TerminalStack around the Default instance', () => {
  const old = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'addresses-9d1f4ad.json'), 'utf8')) as Record<string, string[]>;
  const FULL = {
    mirror: { host: 'terminal-ro.example.org', hostPort: 7682 },
    authentikOutpost: { namespace: 'authentik', name: 'ak-outpost-authentik-embedded-outpost', port: 9000 },
    createAuthMiddleware: true,
    probe: { remediation: { mode: 'on' }, routerInventory: true, createReplicaService: true },
    dns: { provider: 'cloudflare', zoneId: '0123456789abcdef0123456789abcdef', mode: 'proxied', tunnelId: '6ff42ae2-765d-4adf-8112-31c55c1551ef' },
  };
  const original = (JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'original-setup.json'), 'utf8')) as { config: Record<string, unknown> })
    .config;
  const cases: [string, TerminalStackProps][] = [
    ['example', configProps()],
    ['original', configProps(original, { overExample: false })],
    ['full', configProps(FULL)],
  ];
  // The outpost route no longer goes through an ExternalName Service (it lives in the outpost's namespace).
  const GONE = ['kubernetes_service_v1.OutpostRoute_Service_C1C0FC59', 'kubernetes_service_v1.Mirror_OutpostRoute_Service_E7D1A993'];

  test.each(cases)('%s: every Terraform address of the release at 9d1f4ad is still there', (name, props) => {
    const now = addresses(JSON.parse(Testing.synth(new TerminalStack(Testing.app(), 'terminal', props))) as Synthesized);
    expect(old[name].length).toBeGreaterThan(10);
    expect(old[name].filter((address) => !now.includes(address) && !GONE.includes(address))).toStrictEqual([]);
  });
});

describe('the 0.2.0 renames, from one table', () => {
  test('the CHANGELOG carries the table rendered from it', () => {
    const changelog = readFileSync(join(__dirname, '..', '..', 'CHANGELOG.md'), 'utf8');
    expect(changelog).toContain(renameTable('0.2.0'));
  });

  test.each(TERMINAL_PROP_RENAMES.map((r) => [r.from, r.to] as const))('an old prop %s is refused, naming %s', (from, to) => {
    // `x[]`: the key stays and its list became an object, so an old list is what is refused.
    const given = from.endsWith('[]') ? { [from.slice(0, -2)]: [] } : { [from]: from.startsWith('enable') ? false : {} };
    const old = { host: 'terminal.example.org', ttyd: VM, ...given } as unknown as WebterminalProps;
    expect(() => new Webterminal(userStack(), 'Default', old)).toThrow(`${from} was renamed in 0.2.0: use ${to}`);
  });

  test('every renamed prop is gone from the props and every new key exists', () => {
    const props: Required<Pick<WebterminalProps, 'ttyd' | 'authMiddleware' | 'probe' | 'alerts' | 'dashboard'>> = {
      ttyd: VM,
      authMiddleware: { namespace: 'traefik', name: 'authentik-forward-auth' },
      probe: { enabled: true },
      alerts: { enabled: true },
      dashboard: { enabled: true },
    };
    const terminal = new Webterminal(userStack(), 'Default', { host: 'terminal.example.org', ...props });
    expect([
      terminal.ttydService.name,
      terminal.webterminalProbe?.job,
      terminal.ruleSet?.config.probeJob,
      terminal.webterminalDashboard?.name,
    ]).toStrictEqual(['terminal', 'webterminal-probe', 'webterminal-probe', 'webterminal-dashboard']);
  });
});
