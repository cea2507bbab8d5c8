import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { WebterminalProbe, WebterminalProbeProps, parseCron, shortestIntervalSeconds } from '../lib';
import { CronSchedule } from '../lib/schedule';
import { onlyOf, synthResources, terraformLiteral } from './helpers';

const base: WebterminalProbeProps = {
  namespace: 'terminal',
  edgeUrl: 'https://terminal.example.com',
  originUrl: 'http://terminal.terminal.svc.cluster.local',
};

function probeResources(props: Partial<WebterminalProbeProps> = {}) {
  return synthResources((scope) => new WebterminalProbe(scope, 'Probe', { ...base, ...props }));
}

const SCRIPT = fs.readFileSync(path.join(__dirname, '..', 'lib', 'probe-script.mjs'), 'utf8');

describe('WebterminalProbe', () => {
  test('the ConfigMap carries the script file byte for byte, and the pod is annotated with its hash', () => {
    const res = probeResources();
    const configMap = onlyOf(res, 'kubernetes_config_map_v1');
    expect(Object.keys(configMap.data)).toStrictEqual(['probe-script.mjs']);
    // escaped for Terraform in cdk.tf.json; what Terraform hands the cluster is the file, byte for byte
    expect(terraformLiteral(configMap.data['probe-script.mjs'])).toBe(SCRIPT);
    const pod = onlyOf(res, 'kubernetes_cron_job_v1').spec.job_template.spec.template;
    expect(pod.metadata.annotations['webterminal.dev/probe-script-sha256']).toBe(createHash('sha256').update(SCRIPT).digest('hex'));
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
    expect(pod.security_context).toStrictEqual({ run_as_non_root: true, run_as_user: '1000', run_as_group: '1000', seccomp_profile: { type: 'RuntimeDefault' } });
    const [container] = pod.container;
    expect(container.image).toMatch(/^node:\d+\.\d+\.\d+-alpine[\d.]+$/);
    expect(container.command).toStrictEqual(['node', '/probe/probe-script.mjs']);
    expect(container.security_context).toStrictEqual({ read_only_root_filesystem: true, allow_privilege_escalation: false, privileged: false, capabilities: { drop: ['ALL'] } });
    expect(container.volume_mount).toStrictEqual([{ name: 'script', mount_path: '/probe', read_only: true }]);
    expect(container.resources.requests.memory).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
    expect(pod.volume[0].config_map.default_mode).toBe('0444');
  });

  test('passes its settings to the script through the PROBE_ environment', () => {
    const env = onlyOf(probeResources({ samples: 9, routerInventory: true, createReplicaService: true }), 'kubernetes_cron_job_v1').spec.job_template.spec.template.spec.container[0].env;
    expect(Object.fromEntries(env.map((e: { name: string; value: string }) => [e.name, e.value]))).toStrictEqual({
      PROBE_EDGE_URL: 'https://terminal.example.com',
      PROBE_ORIGIN_URL: 'http://terminal.terminal.svc.cluster.local',
      PROBE_PUSHGATEWAY_URL: 'http://prometheus-pushgateway.monitoring.svc.cluster.local:9091',
      PROBE_JOB: 'webterminal-probe',
      PROBE_REPLICAS: 'traefik-replicas.traefik.svc.cluster.local',
      PROBE_REPLICA_PORT: '8443',
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

  test('every variable the construct sets is one the script reads', () => {
    const env = onlyOf(probeResources(), 'kubernetes_cron_job_v1').spec.job_template.spec.template.spec.container[0].env as { name: string }[];
    for (const { name } of env) expect(SCRIPT).toContain(`'${name}'`);
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
    ['a cron value out of range', { schedule: '*/5 25 * * *' }, 'webterminal-probe: schedule "*/5 25 * * *" is not a cron schedule: hour "25" is outside 0-23'],
    ['a deadline not below the interval', { schedule: '* * * * *', deadlineSeconds: 60 }, 'webterminal-probe: deadlineSeconds 60 (plus timeoutSeconds 10 for the push) is not below the schedule\'s interval of 60 s ("* * * * *")'],
    ['samples < 1', { samples: 0 }, 'webterminal-probe: samples 0 is not an integer from 1 to 100'],
    ['a bad edge URL', { edgeUrl: 'terminal.example.com' }, 'webterminal-probe: edgeUrl "terminal.example.com" is not a URL (like https://terminal.example.com)'],
    ['credentials in the Pushgateway URL', { pushgatewayUrl: 'http://user:pw@pgw:9091' }, 'webterminal-probe: pushgatewayUrl must not carry credentials in the URL'],
    ['a timeout above the deadline', { timeoutSeconds: 90 }, 'webterminal-probe: timeoutSeconds 90 is above deadlineSeconds 60'],
    ['an unpinned image', { image: 'node:latest' }, 'webterminal-probe: image "node:latest" is not pinned (give a version tag or a digest)'],
    ['inventory without replicas', { routerInventory: true }, 'webterminal-probe: routerInventory needs replicas'],
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
