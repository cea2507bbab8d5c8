/**
 * Two `Webterminal` instances in one stack of a user's, applied side by side to the real API server:
 * every object is created (none answers 409 AlreadyExists, none is applied twice), each instance's
 * objects in the shared namespaces carry its own name, and the two probes, run from their CronJobs'
 * environment against a real Pushgateway, push to groups of their own: neither replaces the other.
 */
import { S3Backend, TerraformStack, Testing } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { TtydBackend, Webterminal } from '../../lib';
import { adminClient } from '../support/cluster';
import { Pushgateway } from '../support/daemons';
import { runProbe } from '../support/fixtures';
import type { KubeClient } from '../support/kube-client';
import { freePort } from '../support/processes';
import { applyStack, destroyAsProvider } from '../support/provider-apply';
import { objectsOf, type StandInResource } from '../support/provider-stand-in';

const IDS = ['InstancesA', 'InstancesB'] as const;

let admin: KubeClient;
let pushgateway: Pushgateway;
let resources: StandInResource[];

beforeAll(async () => {
  admin = adminClient();
  pushgateway = new Pushgateway(await freePort());
  await pushgateway.start();
  const stack = new TerraformStack(Testing.app(), 'platform');
  new S3Backend(stack, { bucket: 'tf-state', key: 'platform.tfstate', region: 'eu-central-1' });
  new KubernetesProvider(stack, 'kubernetes', {});
  for (const id of IDS) {
    new Webterminal(stack, id, {
      host: `terminal.${id.toLowerCase()}.test`,
      ttyd: TtydBackend.externalHost({ address: '192.0.2.10', port: 7681 }),
    });
  }
  resources = objectsOf(JSON.parse(Testing.synth(stack)) as unknown);
  // What a cluster with kube-prometheus-stack has.
  await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } });
  await applyStack(admin, resources);
}, 60_000);

afterAll(async () => {
  if (resources !== undefined) await destroyAsProvider(admin, resources).catch(() => undefined);
  await pushgateway?.stop();
  admin?.close();
});

test('both instances are applied: every object was created once and reads back', async () => {
  const keys = resources.map(({ object }) => `${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}`);
  expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toStrictEqual([]);
  for (const { object } of resources) {
    const stored = await admin.get(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name);
    expect(stored?.metadata.name).toBe(object.metadata.name);
  }
  const shared = keys.filter((key) => / (monitoring|traefik)\//.test(key)).sort();
  expect(shared).toStrictEqual(
    [
      'ConfigMap monitoring/webterminal-dashboard-instances-a',
      'ConfigMap monitoring/webterminal-dashboard-instances-b',
      'PrometheusRule monitoring/webterminal-instances-a',
      'PrometheusRule monitoring/webterminal-instances-b',
      'Service traefik/traefik-replicas-instances-a',
      'Service traefik/traefik-replicas-instances-b',
    ].sort(),
  );
});

test('the two probes push to groups of their own in the Pushgateway: neither replaces the other', async () => {
  const envs = resources
    .filter(({ object }) => object.kind === 'CronJob')
    .map(({ object }) => {
      const spec = object.spec as { jobTemplate: { spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } } } };
      return Object.fromEntries(spec.jobTemplate.spec.template.spec.containers[0].env.map((e) => [e.name, e.value ?? '']));
    });
  expect(envs.map((env) => env.PROBE_JOB).sort()).toStrictEqual(['webterminal-probe-instances-a', 'webterminal-probe-instances-b']);
  for (const env of envs) {
    // Nothing answers here (no DNS, no edge): each run fails its checks and still pushes its report.
    const run = await runProbe({
      ...env,
      PROBE_PUSHGATEWAY_URL: pushgateway.url,
      PROBE_DNS_SERVERS: '127.0.0.1:9',
      PROBE_TIMEOUT_SECONDS: '1',
      PROBE_DEADLINE_SECONDS: '5',
    });
    expect(run.stderr).not.toContain('push failed');
  }
  const pushed = await (await fetch(`${pushgateway.url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const jobs = new Set([...pushed.matchAll(/^webterminal_probe_duration_seconds\{[^}]*job="([^"]+)"/gm)].map((m) => m[1]));
  expect([...jobs].sort()).toStrictEqual(['webterminal-probe-instances-a', 'webterminal-probe-instances-b']);
});
