import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { WebterminalProbe, WebterminalProbeProps } from '../../lib';
import { CronSchedule, parseCron, shortestIntervalSeconds } from '../../lib/private/schedule';
import { defined, onlyOf, resourcesOf, synthResources, terraformLiteral } from '../support/synth';

const base: WebterminalProbeProps = {
  namespace: 'terminal',
  edgeUrl: 'https://terminal.example.com',
  originUrl: 'http://terminal.terminal.svc.cluster.local',
};

function probeResources(props: Partial<WebterminalProbeProps> = {}) {
  return synthResources((scope) => new WebterminalProbe(scope, 'Probe', { ...base, ...props }));
}

const PROBE_DIR = path.join(__dirname, '..', '..', 'lib', 'probe');
/** The probe's folder as written: every module and the contract, by file name. */
const FILES = Object.fromEntries(
  fs
    .readdirSync(PROBE_DIR)
    .sort()
    .map((file) => [file, fs.readFileSync(path.join(PROBE_DIR, file), 'utf8')]),
);
const CONTRACT = JSON.parse(FILES['contract.json']) as { env: Record<string, string>; kind: Record<string, string> };
const CONTRACT_ENV = CONTRACT.env;
const MODULES = Object.entries(FILES)
  .filter(([file]) => file.endsWith('.mjs'))
  .map(([, text]) => text)
  .join('\n');

/**
 * Whether the probe reads variable `name`: the contract names it, and either gives it a kind (config.mjs
 * reads every variable of the contract's `kind` in one loop) or a module reads it by its key (`ENV.<key>`,
 * or the key given to the contract-driven reader, `readVariable(env, '<key>', kind)`).
 */
function scriptReads(name: string): boolean {
  const key = Object.keys(CONTRACT_ENV).find((k) => CONTRACT_ENV[k] === name);
  return key !== undefined && (key in CONTRACT.kind || MODULES.includes(`ENV.${key}`) || MODULES.includes(`'${key}'`));
}

describe('WebterminalProbe', () => {
  test("the ConfigMap carries every file of the probe's folder byte for byte, and the pod is annotated with their hash", () => {
    const res = probeResources();
    const configMap = onlyOf(res, 'kubernetes_config_map_v1');
    expect(Object.keys(configMap.data).sort()).toStrictEqual([
      'checks.mjs',
      'config.mjs',
      'contract.json',
      'exchange.mjs',
      'inventory.mjs',
      'json-count.mjs',
      'kube.mjs',
      'matrix.mjs',
      'probe-script.mjs',
      'remediation.mjs',
      'report.mjs',
      'resolve.mjs',
      'routes.mjs',
      'run.mjs',
    ]);
    // escaped for Terraform in cdk.tf.json; what Terraform hands the cluster is each file, byte for byte
    for (const [file, text] of Object.entries(FILES)) expect(terraformLiteral(configMap.data[file])).toBe(text);
    // any file changed changes the hash: each file's name and bytes, in name order
    const hash = createHash('sha256');
    for (const [file, text] of Object.entries(FILES)) hash.update(`${file}\0${text}\0`);
    const pod = onlyOf(res, 'kubernetes_cron_job_v1').spec.job_template.spec.template;
    expect(pod.metadata.annotations['webterminal.dev/probe-script-sha256']).toBe(hash.digest('hex'));
  });

  test('a CronJob that cannot wedge: Forbid, deadlines below the interval, no retries, cleaned up', () => {
    const cron = onlyOf(probeResources(), 'kubernetes_cron_job_v1').spec;
    expect(cron.schedule).toBe('*/5 * * * *');
    expect(cron.concurrency_policy).toBe('Forbid');
    expect(cron.starting_deadline_seconds).toBe(60);
    expect(cron.successful_jobs_history_limit).toBe(1);
    expect(cron.failed_jobs_history_limit).toBe(3);
    const job = cron.job_template.spec;
    expect(job.backoff_limit).toBeLessThanOrEqual(1);
    // run deadline 60 s + push timeout 10 s < activeDeadlineSeconds < 300 s interval
    expect(job.active_deadline_seconds).toBe(100);
    expect(job.ttl_seconds_after_finished).toBe('21600');
    expect(job.template.spec.restart_policy).toBe('Never');
  });

  test('runs the stock pinned node image, non-root, read-only, without privileges or token', () => {
    const pod = onlyOf(probeResources(), 'kubernetes_cron_job_v1').spec.job_template.spec.template.spec;
    expect(pod.automount_service_account_token).toBe(false);
    expect(pod.security_context).toStrictEqual({
      run_as_non_root: true,
      run_as_user: '1000',
      run_as_group: '1000',
      seccomp_profile: { type: 'RuntimeDefault' },
    });
    const [container] = pod.container;
    expect(container.image).toMatch(/^node:\d+\.\d+\.\d+-alpine[\d.]+$/);
    expect(container.command).toStrictEqual(['node', '--max-semi-space-size=2', '/probe/probe-script.mjs']);
    expect(container.security_context).toStrictEqual({
      read_only_root_filesystem: true,
      allow_privilege_escalation: false,
      privileged: false,
      // on the container too: the provider sends an unset bool as false, which Pod Security refuses
      run_as_non_root: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.volume_mount).toStrictEqual([{ name: 'script', mount_path: '/probe', read_only: true }]);
    expect(container.resources.requests.memory).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
    expect(pod.volume[0].config_map.default_mode).toBe('0444');
  });

  test('passes its settings to the script through the PROBE_ environment', () => {
    const env = onlyOf(probeResources({ samples: 9, routerInventory: true, createReplicaService: true }), 'kubernetes_cron_job_v1').spec.job_template
      .spec.template.spec.container[0].env;
    expect(Object.fromEntries(env.map((e) => [e.name, e.value]))).toStrictEqual({
      PROBE_EDGE_URL: 'https://terminal.example.com',
      PROBE_ORIGIN_URL: 'http://terminal.terminal.svc.cluster.local',
      PROBE_PUSHGATEWAY_URL: 'http://prometheus-pushgateway.monitoring.svc.cluster.local:9091',
      PROBE_JOB: 'webterminal-probe',
      PROBE_REPLICAS: 'traefik-replicas.traefik.svc.cluster.local',
      PROBE_REPLICA_PORT: '8443',
      PROBE_MAX_REPLICAS: '50',
      PROBE_SAMPLES: '9',
      PROBE_TIMEOUT_SECONDS: '10',
      PROBE_DEADLINE_SECONDS: '60',
      PROBE_AUTH_HEADER: 'X-authentik-username',
      PROBE_AUTH_USER: 'probe',
      PROBE_INSECURE_TLS: '0',
      PROBE_ROUTER_INVENTORY: '1',
      PROBE_TRAEFIK_API_PORT: '8080',
    });
  });

  test('authentikHost becomes PROBE_AUTHENTIK_HOST, and only when given', () => {
    const envOf = (props: Partial<WebterminalProbeProps>) =>
      onlyOf(probeResources(props), 'kubernetes_cron_job_v1').spec.job_template.spec.template.spec.container[0].env;
    expect(envOf({ authentikHost: 'auth.example.com' })).toContainEqual({ name: 'PROBE_AUTHENTIK_HOST', value: 'auth.example.com' });
    expect(envOf({}).map((e) => e.name)).not.toContain('PROBE_AUTHENTIK_HOST');
    expect(() => probeResources({ authentikHost: 'https://auth.example.com' })).toThrow(
      'authentikHost "https://auth.example.com" is not a valid DNS name',
    );
  });

  test('every variable the construct sets is one the script reads', () => {
    const env = onlyOf(probeResources({ authentikHost: 'auth.example.com' }), 'kubernetes_cron_job_v1').spec.job_template.spec.template.spec
      .container[0].env;
    for (const { name } of env) expect([name, scriptReads(name)]).toStrictEqual([name, true]);
  });

  test('creates the headless replica Service with the Traefik Helm chart defaults', () => {
    const service = onlyOf(probeResources({ createReplicaService: true }), 'kubernetes_service_v1');
    expect(service.metadata.name).toBe('traefik-replicas');
    expect(service.metadata.namespace).toBe('traefik');
    expect(service.spec).toStrictEqual({
      cluster_ip: 'None',
      selector: { 'app.kubernetes.io/name': 'traefik' },
      port: [{ name: 'websecure', port: 8443, target_port: '8443', protocol: 'TCP' }],
    });
  });

  test.each<[string, Partial<WebterminalProbeProps>, string]>([
    ['a bad cron', { schedule: '*/5 * * *' }, 'webterminal-probe: schedule "*/5 * * *" is not a cron schedule (five fields'],
    [
      'a cron value out of range',
      { schedule: '*/5 25 * * *' },
      'webterminal-probe: schedule "*/5 25 * * *" is not a cron schedule: hour "25" is outside 0-23',
    ],
    [
      'a deadline not below the interval',
      { schedule: '* * * * *', deadlineSeconds: 60 },
      'webterminal-probe: deadlineSeconds 60 (plus timeoutSeconds 10 for the push) is not below the schedule\'s interval of 60 s ("* * * * *")',
    ],
    ['samples < 1', { samples: 0 }, 'webterminal-probe: samples 0 is not an integer from 1 to 100'],
    [
      'a bad edge URL',
      { edgeUrl: 'terminal.example.com' },
      'webterminal-probe: edgeUrl "terminal.example.com" is not a URL (like https://terminal.example.com)',
    ],
    [
      'credentials in the Pushgateway URL',
      { pushgatewayUrl: 'http://user:pw@pgw:9091' },
      'webterminal-probe: pushgatewayUrl "http://***@pgw:9091" carries credentials in the URL; give them through a Secret',
    ],
    ['a timeout above the deadline', { timeoutSeconds: 90 }, 'webterminal-probe: timeoutSeconds 90 is above deadlineSeconds 60'],
    ['an unpinned image', { image: 'node:latest' }, 'webterminal-probe: image "node:latest" is not pinned (give a version tag or a digest)'],
    ['inventory without replicas', { routerInventory: true }, 'webterminal-probe: routerInventory needs replicas'],
  ])('fails on %s', (_name, props, message) => {
    expect(() => probeResources(props)).toThrow(message);
  });
});

describe('WebterminalProbe at the Traefik location', () => {
  const envOf = (res: ReturnType<typeof probeResources>): Record<string, string> =>
    Object.fromEntries(onlyOf(res, 'kubernetes_cron_job_v1').spec.job_template.spec.template.spec.container[0].env.map((e) => [e.name, e.value]));

  test("takes the replica Service's namespace and selector and the Traefik ports from the Traefik location", () => {
    const res = probeResources({
      createReplicaService: true,
      traefik: { namespace: 'kube-system', podSelector: { app: 'traefik' }, websecurePort: 9443, apiPort: 9000 },
    });
    const service = onlyOf(res, 'kubernetes_service_v1');
    expect(service.metadata.namespace).toBe('kube-system');
    expect(service.spec.selector).toStrictEqual({ app: 'traefik' });
    expect(service.spec.port[0].port).toBe(9443);
    const env = envOf(res);
    expect([env.PROBE_REPLICAS, env.PROBE_REPLICA_PORT, env.PROBE_TRAEFIK_API_PORT]).toStrictEqual([
      'traefik-replicas.kube-system.svc.cluster.local',
      '9443',
      '9000',
    ]);
  });

  test('the older single props still win over the Traefik location', () => {
    const env = envOf(
      probeResources({
        createReplicaService: true,
        replicaServiceNamespace: 'edge',
        replicaPort: 443,
        traefik: { namespace: 'kube-system', websecurePort: 9443 },
      }),
    );
    expect([env.PROBE_REPLICAS, env.PROBE_REPLICA_PORT]).toStrictEqual(['traefik-replicas.edge.svc.cluster.local', '443']);
  });

  test('mounts the mutual-TLS client certificate read-only and names its files for the origin checks', () => {
    const res = probeResources({ originUrl: 'https://terminal.terminal.svc.cluster.local:80', originClientCertSecret: 'ttyd-client' });
    const pod = onlyOf(res, 'kubernetes_cron_job_v1').spec.job_template.spec.template.spec;
    expect(pod.volume).toContainEqual({ name: 'origin-tls', secret: { secret_name: 'ttyd-client', default_mode: '0444' } });
    expect(pod.container[0].volume_mount).toContainEqual({ name: 'origin-tls', mount_path: '/etc/webterminal/origin-tls', read_only: true });
    const env = envOf(res);
    expect([env.PROBE_ORIGIN_CLIENT_CERT_FILE, env.PROBE_ORIGIN_CLIENT_KEY_FILE, env.PROBE_ORIGIN_CA_FILE]).toStrictEqual([
      '/etc/webterminal/origin-tls/tls.crt',
      '/etc/webterminal/origin-tls/tls.key',
      '/etc/webterminal/origin-tls/ca.crt',
    ]);
  });

  test('without a client certificate: no TLS volume and no TLS variables', () => {
    const res = probeResources();
    const pod = onlyOf(res, 'kubernetes_cron_job_v1').spec.job_template.spec.template.spec;
    expect(pod.volume.map((v) => v.name)).toStrictEqual(['script']);
    expect(Object.keys(envOf(res)).filter((k) => k.startsWith('PROBE_ORIGIN_C'))).toStrictEqual([]);
  });

  test('the pod has an ephemeral-storage and a memory request and limit (memory as measured under Node 24)', () => {
    const resources = onlyOf(probeResources(), 'kubernetes_cron_job_v1').spec.job_template.spec.template.spec.container[0].resources;
    expect([resources.requests['ephemeral-storage'], resources.limits['ephemeral-storage']]).toStrictEqual(['16Mi', '64Mi']);
    expect([resources.requests.memory, resources.limits.memory]).toStrictEqual(['96Mi', '192Mi']);
  });
});

describe('WebterminalProbe remediation', () => {
  const on: Partial<WebterminalProbeProps> = { createReplicaService: true, remediation: { mode: 'on' } };

  function podSpec(res: ReturnType<typeof probeResources>) {
    return onlyOf(res, 'kubernetes_cron_job_v1').spec.job_template.spec.template.spec;
  }

  function named(res: ReturnType<typeof probeResources>, type: string, name: string) {
    return defined(
      resourcesOf(res, type).find((r) => r.metadata.name === name),
      `${type} ${name}`,
    );
  }

  test('off by default: no ServiceAccount, no RBAC, no token in the pod, no PROBE_REMEDIATE variables', () => {
    const res = probeResources({ createReplicaService: true });
    const types = [
      'kubernetes_service_account_v1',
      'kubernetes_role_v1',
      'kubernetes_role_binding_v1',
      'kubernetes_cluster_role_v1',
      'kubernetes_manifest',
    ];
    for (const type of types) expect(res[type]).toBeUndefined();
    const pod = podSpec(res);
    expect(pod.automount_service_account_token).toBe(false);
    expect(pod.service_account_name).toBeUndefined();
    expect(pod.container[0].env.map((e) => e.name).filter((name: string) => name.includes('REMEDIATE'))).toStrictEqual([]);
  });

  test('on: a namespaced Role in the Traefik namespace with only get/list pods and create pods/eviction, bound to its ServiceAccount', () => {
    const res = probeResources({ ...on, replicaServiceNamespace: 'kube-system' });
    const account = onlyOf(res, 'kubernetes_service_account_v1');
    expect(account.metadata).toMatchObject({ name: 'webterminal-probe', namespace: 'terminal' });
    expect(account.automount_service_account_token).toBe(false);
    const role = named(res, 'kubernetes_role_v1', 'webterminal-probe');
    expect(role.metadata).toMatchObject({ name: 'webterminal-probe', namespace: 'kube-system' });
    expect(role.rule).toStrictEqual([
      { api_groups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { api_groups: [''], resources: ['pods/eviction'], verbs: ['create'] },
    ]);
    const binding = named(res, 'kubernetes_role_binding_v1', 'webterminal-probe');
    expect(binding.metadata).toMatchObject({ name: 'webterminal-probe', namespace: 'kube-system' });
    expect(binding.role_ref).toStrictEqual({ api_group: 'rbac.authorization.k8s.io', kind: 'Role', name: 'webterminal-probe' });
    expect(binding.subject).toStrictEqual([{ kind: 'ServiceAccount', name: 'webterminal-probe', namespace: 'terminal' }]);
    for (const type of ['kubernetes_cluster_role_v1', 'kubernetes_cluster_role_binding_v1']) expect(res[type]).toBeUndefined();
    const pod = podSpec(res);
    expect(pod.automount_service_account_token).toBe(true);
    expect(pod.service_account_name).toMatch(/^\$\{kubernetes_service_account_v1\.Probe_ServiceAccount_[0-9A-F]+\.metadata\[0\]\.name\}$/);
  });

  test('dry-run: the same Role without eviction (a dry run never evicts)', () => {
    const role = named(probeResources({ ...on, remediation: { mode: 'dry-run' } }), 'kubernetes_role_v1', 'webterminal-probe');
    expect(role.rule).toStrictEqual([{ api_groups: [''], resources: ['pods'], verbs: ['get', 'list'] }]);
  });

  test.each(['on', 'dry-run'] as const)(
    '%s: a Lease for the state in the probe namespace, with only get/update on it, and annotations left to the probe',
    (mode) => {
      let probe: WebterminalProbe | undefined;
      const res = synthResources((scope) => (probe = new WebterminalProbe(scope, 'Probe', { ...base, ...on, remediation: { mode } })));
      const lease = onlyOf(res, 'kubernetes_manifest');
      expect(lease.manifest).toStrictEqual({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
          name: 'webterminal-probe',
          namespace: 'terminal',
          labels: { 'app.kubernetes.io/part-of': 'webterminal', 'app.kubernetes.io/component': 'probe' },
        },
      });
      expect(lease.computed_fields).toStrictEqual(['metadata.annotations', 'metadata.labels']);
      const role = named(res, 'kubernetes_role_v1', 'webterminal-probe-state');
      expect(role.metadata).toMatchObject({ namespace: 'terminal' });
      expect(role.rule).toStrictEqual([
        { api_groups: ['coordination.k8s.io'], resources: ['leases'], resource_names: ['webterminal-probe'], verbs: ['get', 'update'] },
      ]);
      const binding = named(res, 'kubernetes_role_binding_v1', 'webterminal-probe-state');
      expect(binding.metadata).toMatchObject({ namespace: 'terminal' });
      expect(binding.role_ref).toStrictEqual({ api_group: 'rbac.authorization.k8s.io', kind: 'Role', name: 'webterminal-probe-state' });
      expect(binding.subject).toStrictEqual([{ kind: 'ServiceAccount', name: 'webterminal-probe', namespace: 'terminal' }]);
      expect([probe?.remediationLease, probe?.remediationStateRole, probe?.remediationStateRoleBinding].every((r) => r !== undefined)).toBe(true);
      expect(probe?.environment.PROBE_REMEDIATE_LEASE).toBe('terminal/webterminal-probe');
    },
  );

  test('the state Role has a name of its own, so the probe may run in the Traefik namespace', () => {
    const res = probeResources({ ...on, namespace: 'traefik', replicaServiceNamespace: 'traefik' });
    const roles = resourcesOf(res, 'kubernetes_role_v1').map((r) => `${r.metadata.namespace}/${r.metadata.name}`);
    expect(roles.sort()).toStrictEqual(['traefik/webterminal-probe', 'traefik/webterminal-probe-state']);
  });

  test('passes mode, runs, interval and the Traefik location to the script, and the script reads them all', () => {
    const env = podSpec(
      probeResources({
        ...on,
        remediation: { mode: 'dry-run', afterRuns: 4, minIntervalSeconds: 7200 },
        replicaServiceSelector: { app: 'traefik', tier: 'edge' },
      }),
    ).container[0].env;
    const byName = Object.fromEntries(env.map((e) => [e.name, e.value]));
    expect(byName).toMatchObject({
      PROBE_REMEDIATE: 'dry-run',
      PROBE_REMEDIATE_AFTER_RUNS: '4',
      PROBE_REMEDIATE_MIN_INTERVAL_SECONDS: '7200',
      PROBE_REPLICA_NAMESPACE: 'traefik',
      PROBE_REPLICA_SELECTOR: 'app=traefik,tier=edge',
      PROBE_REMEDIATE_LEASE: 'terminal/webterminal-probe',
    });
    for (const { name } of env) expect([name, scriptReads(name)]).toStrictEqual([name, true]);
  });

  test('exposes the effective remediation settings', () => {
    let probe: WebterminalProbe | undefined;
    synthResources((scope) => (probe = new WebterminalProbe(scope, 'Probe', { ...base, ...on })));
    expect([probe?.remediationMode, probe?.remediationAfterRuns, probe?.remediationMinIntervalSeconds]).toStrictEqual(['on', 3, 3600]);
  });

  test.each<[string, Partial<WebterminalProbeProps>, string]>([
    [
      'an unknown mode',
      { createReplicaService: true, remediation: { mode: 'yes' as never } },
      'remediation.mode "yes" is not one of "off", "dry-run", "on"',
    ],
    [
      'afterRuns 0',
      { createReplicaService: true, remediation: { mode: 'on', afterRuns: 0 } },
      'remediation.afterRuns 0 is not an integer from 1 to 100',
    ],
    [
      'minIntervalSeconds below a minute',
      { createReplicaService: true, remediation: { mode: 'on', minIntervalSeconds: 30 } },
      'remediation.minIntervalSeconds 30 is not an integer from 60 to 604800',
    ],
    ['remediation without per-replica checks', { remediation: { mode: 'on' } }, 'remediation.mode "on" needs replicas (or createReplicaService)'],
    ['an empty selector', { replicas: '10.0.0.1', remediation: { mode: 'on' }, replicaServiceSelector: {} }, 'replicaServiceSelector is empty'],
  ])('fails on %s', (_name, props, message) => {
    expect(() => probeResources(props)).toThrow(message);
  });
});

describe('cron schedules', () => {
  test.each([
    ['*/5 * * * *', 300],
    ['0 * * * *', 3600],
    ['@hourly', 3600],
    ['0,10,15 * * * *', 300],
    ['0 9-17 * * 1-5', 3600],
    ['30 2 * * *', 86400],
  ])('%s fires at least every %i s', (expression, seconds) => {
    expect(shortestIntervalSeconds(parseCron('schedule', expression) as CronSchedule)).toBe(seconds);
  });
});

describe('WebterminalProbe: a bound on the replicas a run checks', () => {
  const env = (props: Partial<WebterminalProbeProps>): Record<string, string> => {
    const container = onlyOf(probeResources(props), 'kubernetes_cron_job_v1').spec.job_template.spec.template.spec.container[0];
    return Object.fromEntries(container.env.map((e) => [String(e.name), String(e.value)]));
  };

  test('passes maxReplicas to the script (default 50)', () => {
    expect(env({}).PROBE_MAX_REPLICAS).toBe('50');
    expect(env({ maxReplicas: 200 }).PROBE_MAX_REPLICAS).toBe('200');
  });

  test('refuses a bound out of range, and an explicit list longer than the bound', () => {
    expect(() => probeResources({ maxReplicas: 0 })).toThrow('maxReplicas 0 is not an integer from 1 to 1000');
    const list = Array.from({ length: 4 }, (_, i) => `198.51.100.${i + 1}`).join(',');
    expect(() => probeResources({ replicas: list, maxReplicas: 3 })).toThrow('replicas lists 4 addresses, more than maxReplicas 3');
    expect(() => probeResources({ replicas: list, maxReplicas: 4 })).not.toThrow();
  });
});
