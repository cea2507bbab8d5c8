/**
 * The probe's opt-in remediation (issues 13 and 19): the exact script bytes, run as a process against the
 * real Pushgateway, dnsmasq and nginx replicas of the probe harness, and the run's real kube-apiserver.
 * The probe's ServiceAccount, Roles, RoleBindings and Lease are the construct's, applied as the provider
 * applies them (support/provider-apply.ts), in namespaces of this file's own; the probe calls with that
 * ServiceAccount's own token, through a front that passes every call on unchanged and records it
 * (support/kube-front.ts). There is no kubelet or scheduler: the Traefik pods are Pods without a node,
 * their IP set through the status subresource; an eviction deletes such a pod at once; a
 * PodDisruptionBudget makes the API server answer 429.
 */
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProbeLabel, ProbeMetric, REMEDIATION_GROUP_KIND, REMEDIATION_STATE_ANNOTATION, RemediationResult } from '../../lib/metrics';
import { Testing } from '../../lib/private/cdktf';
import { WebterminalProbe } from '../../lib/webterminal-probe';
import { adminClient, cluster } from '../support/cluster';
import type { PushedGroup } from '../support/daemons';
import { EDGE_HOST, ProbeFixtures, ProbeRun, REPLICA_ADDRESSES, runProbe, startProbeFixtures } from '../support/fixtures';
import { KubeFront } from '../support/kube-front';
import type { KubeClient, KubeObject } from '../support/kube-client';
import { freePort, makeTempDir, sleep, waitFor } from '../support/processes';
import { applyAsProvider, applyStack } from '../support/provider-apply';
import { objectsOf, type StandInResource } from '../support/provider-stand-in';
import { defined } from '../support/synth';
import { serviceAccountToken } from '../support/traefik';

const PROBE_NAMESPACE = 'remediation-probe';
const TRAEFIK_NAMESPACE = 'remediation-traefik';
const OTHER_NAMESPACE = 'remediation-other';
const SELECTOR = { 'app.kubernetes.io/name': 'traefik' };
const POD_NAMES = ['traefik-7d4b-aaaaa', 'traefik-7d4b-bbbbb', 'traefik-7d4b-ccccc'];
const PODS = `/api/v1/namespaces/${TRAEFIK_NAMESPACE}/pods`;
const evictionPath = (pod: string): string => `${PODS}/${pod}/eviction`;
const BAD = { replica: REPLICA_ADDRESSES[1], pod: POD_NAMES[1] };

/** The probe as a stack would make it, remediation on. */
let probe: WebterminalProbe | undefined;
const tfJson = JSON.parse(
  Testing.synthScope((scope) => {
    probe = new WebterminalProbe(scope, 'Probe', {
      namespace: PROBE_NAMESPACE,
      edgeUrl: 'https://terminal.example.test',
      originUrl: 'http://ttyd.test',
      replicas: REPLICA_ADDRESSES.join(','),
      replicaServiceNamespace: TRAEFIK_NAMESPACE,
      replicaServiceSelector: SELECTOR,
      remediation: { mode: 'on' },
    });
  }),
) as { resource: Record<string, Record<string, { manifest?: KubeObject; computed_fields?: string[] }>> };
const PROBE = defined(probe, 'the probe');
const RESOURCES: StandInResource[] = objectsOf(tfJson);
const LEASE_RESOURCE = defined(
  RESOURCES.find((r) => r.object.kind === 'Lease'),
  'the Lease',
);
const LEASE = `/apis/coordination.k8s.io/v1/namespaces/${PROBE_NAMESPACE}/leases/${PROBE.name}`;
/** What the construct tells the script about remediation (mode, runs, interval, Traefik, Lease). */
const REMEDIATION_ENV = Object.fromEntries(
  Object.entries(PROBE.environment).filter(
    ([name]) => name.startsWith('PROBE_REMEDIATE') || name === 'PROBE_REPLICA_NAMESPACE' || name === 'PROBE_REPLICA_SELECTOR',
  ),
);

let fx: ProbeFixtures;
let admin: KubeClient;
let front: KubeFront;
let temp: { path: string; remove: () => void };
let token: string;
let tokenFile: string;
let wrongTokenFile: string;
/** Everything every probe run printed, for the token check. */
const outputs: string[] = [];

interface PodSpec {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly podIP: string;
  /** RFC 3339, written into `status.startTime` (what a kubelet writes), when given. */
  readonly startTime?: string;
}

/** The three Traefik pods, one per replica address; plus pods the probe must never pick. */
function standardPods(): PodSpec[] {
  return [
    ...REPLICA_ADDRESSES.map((podIP, i) => ({ name: POD_NAMES[i], namespace: TRAEFIK_NAMESPACE, labels: { ...SELECTOR }, podIP })),
    // Same IP as replica 1 in another namespace, and in the namespace without the selector's label.
    { name: 'other-app', namespace: OTHER_NAMESPACE, labels: { ...SELECTOR }, podIP: REPLICA_ADDRESSES[1] },
    { name: 'not-traefik', namespace: TRAEFIK_NAMESPACE, labels: { 'app.kubernetes.io/name': 'other' }, podIP: REPLICA_ADDRESSES[1] },
  ];
}

async function createPod(pod: PodSpec): Promise<void> {
  const base = `/api/v1/namespaces/${pod.namespace}/pods`;
  const spec = { containers: [{ name: 'traefik', image: 'traefik:v3.7.13' }] };
  await admin.call('POST', base, { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod.name, labels: pod.labels }, spec });
  const status = { phase: 'Running', podIP: pod.podIP, podIPs: [{ ip: pod.podIP }], ...(pod.startTime ? { startTime: pod.startTime } : {}) };
  await admin.call('PATCH', `${base}/${pod.name}/status`, { status }, 'application/merge-patch+json');
}

/** The standard pods, made again where an eviction removed them; any other pod in the namespaces removed. */
async function restorePods(): Promise<void> {
  const wanted = standardPods();
  for (const namespace of [TRAEFIK_NAMESPACE, OTHER_NAMESPACE]) {
    for (const pod of await admin.list('v1', 'Pod', namespace)) {
      if (!wanted.some((w) => w.namespace === namespace && w.name === pod.metadata.name))
        await admin.delete('v1', 'Pod', namespace, pod.metadata.name);
    }
  }
  for (const pod of wanted) if ((await admin.get('v1', 'Pod', pod.namespace, pod.name)) === undefined) await createPod(pod);
}

/** Waits until the pod is `seconds` old by its creationTimestamp. */
async function whenOlderThan(seconds: number, name: string): Promise<void> {
  const pod = defined(await admin.get('v1', 'Pod', TRAEFIK_NAMESPACE, name), name);
  await sleep(Math.max(0, Date.parse(String(pod.metadata.creationTimestamp)) + seconds * 1000 - Date.now()));
}

interface State {
  version: number;
  previousRun: number | null;
  lastEviction: number | null;
  consecutive: Record<string, number>;
}

async function lease(): Promise<KubeObject> {
  return defined(await admin.get('coordination.k8s.io/v1', 'Lease', PROBE_NAMESPACE, PROBE.name), 'the Lease');
}

async function state(): Promise<State | undefined> {
  const text = (await lease()).metadata.annotations?.[REMEDIATION_STATE_ANNOTATION];
  return text === undefined ? undefined : (JSON.parse(text) as State);
}

/** Sets (or with undefined removes, the documented reset) the state annotation, as a person would. */
async function setStateAnnotation(value: string | undefined): Promise<void> {
  await admin.call('PATCH', LEASE, { metadata: { annotations: { [REMEDIATION_STATE_ANNOTATION]: value ?? null } } }, 'application/merge-patch+json');
}

beforeAll(async () => {
  fx = await startProbeFixtures();
  admin = adminClient();
  front = new KubeFront();
  await front.start();
  temp = makeTempDir('remediation');
  for (const name of [PROBE_NAMESPACE, TRAEFIK_NAMESPACE, OTHER_NAMESPACE])
    await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  // Admission looks a pod's ServiceAccount up, and `default` is the controller's to make.
  for (const namespace of [TRAEFIK_NAMESPACE, OTHER_NAMESPACE])
    await waitFor(
      `the default ServiceAccount in ${namespace}`,
      20_000,
      async () => (await admin.get('v1', 'ServiceAccount', namespace, 'default')) !== undefined,
    );
  await applyStack(admin, RESOURCES);
  token = await serviceAccountToken(admin, PROBE_NAMESPACE, PROBE.name);
  tokenFile = join(temp.path, 'token');
  wrongTokenFile = join(temp.path, 'wrong-token');
  writeFileSync(tokenFile, `${token}\n`);
  writeFileSync(wrongTokenFile, 'not-the-token');
  await restorePods();
}, 90_000);

afterAll(async () => {
  await front?.stop();
  await fx?.stop();
  admin?.close();
  temp?.remove();
});

beforeEach(async () => {
  front.calls.length = 0;
  front.beforeAnswer = () => undefined;
  await restorePods();
  // Each test starts from no memory, as after a person removed the annotation.
  await setStateAnnotation(undefined);
});

afterEach(async () => {
  front.beforeAnswer = () => undefined;
  await admin.delete('policy/v1', 'PodDisruptionBudget', TRAEFIK_NAMESPACE, 'traefik');
  await fx.healReplicas();
});

function env(job: string, overrides: Record<string, string> = {}): Record<string, string> {
  return fx.env(job, {
    PROBE_ROUTER_INVENTORY: '0',
    ...REMEDIATION_ENV,
    PROBE_KUBE_API_URL: front.url,
    PROBE_KUBE_TOKEN_FILE: tokenFile,
    PROBE_KUBE_CA_FILE: cluster().caPath,
    ...overrides,
  });
}

async function run(job: string, overrides: Record<string, string> = {}): Promise<ProbeRun> {
  const result = await runProbe(env(job, overrides));
  outputs.push(result.stdout, result.stderr);
  if (result.code !== 0) throw new Error(`probe exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

interface PrintedDecision {
  replica: string;
  pod: string;
  consecutive: string;
  result: string;
}

function decisions(result: ProbeRun): PrintedDecision[] {
  return result.stdout
    .split('\n')
    .filter((line) => line.startsWith('probe: remediation '))
    .map(
      (line) =>
        Object.fromEntries(
          line
            .slice('probe: remediation '.length)
            .split(' ')
            .map((field) => field.split('=')),
        ) as PrintedDecision,
    );
}

const results = (result: ProbeRun): string[] => decisions(result).map((decision) => decision.result);

function okOf(result: ProbeRun): string | undefined {
  return /^probe: token=.* ok=([01])/m.exec(result.stdout)?.[1];
}

/** Every call the probe made, as `METHOD path status`. */
const calls = (): string[] => front.calls.map((call) => `${call.method} ${call.path} ${call.status}`);

async function runGroup(job: string): Promise<PushedGroup | undefined> {
  return fx.pushgateway.group({ job });
}

async function evictionGroup(job: string): Promise<PushedGroup | undefined> {
  return fx.pushgateway.group({ job, [ProbeLabel.kind]: REMEDIATION_GROUP_KIND });
}

function series(group: PushedGroup | undefined, metric: string): Array<{ labels: Record<string, string>; value: number }> {
  return (group?.metrics.get(metric) ?? []).map(({ labels, value }) => ({ labels: withoutGrouping(labels), value }));
}

function withoutGrouping(labels: Record<string, string>): Record<string, string> {
  const { job: _job, instance: _instance, ...rest } = labels;
  return rest;
}

async function loseRoute(index: number): Promise<void> {
  await fx.replicas[index].restart({ terminalRoute: false, routers: 118 });
}

/** A healthy run first, so the next run knows the interval (the time since this one). */
async function establish(job: string): Promise<void> {
  const first = await run(job);
  expect(okOf(first)).toBe('1');
  expect(decisions(first)).toStrictEqual([]);
}

/** A push as anyone who reaches the Pushgateway can make it (what curl -X PUT --data-binary sends). */
function pushAsAnyone(path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${fx.pushgateway.url}${path}`, { method: 'PUT', headers: { 'Content-Type': 'text/plain' } }, (response) => {
      response.resume().on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** The questions' answers for the probe's token (SelfSubjectAccessReview): those allowed, then those denied. */
async function leaseAnswers(questions: ReadonlyArray<readonly [verb: string, namespace: string, name?: string]>) {
  const client = admin.withToken(token);
  const answers = { allowed: [] as string[], denied: [] as string[] };
  try {
    for (const [verb, namespace, name] of questions) {
      const resourceAttributes = { verb, group: 'coordination.k8s.io', resource: 'leases', namespace, ...(name ? { name } : {}) };
      const review = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes } };
      const answer = await client.call<{ status: { allowed: boolean } }>('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', review);
      answers[answer.body.status.allowed ? 'allowed' : 'denied'].push(`${verb} ${namespace}/${name ?? '*'}`);
    }
    return answers;
  } finally {
    client.close();
  }
}

describe('probe remediation against the real API server', () => {
  test("evicts exactly the bad replica's pod on the Nth failing run and not before, through the Eviction API", async () => {
    const job = 'rem-evict';
    await loseRoute(1);
    // Runs follow each other at once here: the pod must be older than three of those intervals.
    await whenOlderThan(6, POD_NAMES[1]);
    const first = await run(job);
    const second = await run(job);
    expect(front.evictions()).toStrictEqual([]);
    const before = Date.now() / 1000;
    const third = await run(job);
    const after = Date.now() / 1000;

    expect(decisions(first)).toStrictEqual([{ ...BAD, consecutive: '1', result: RemediationResult.notConfirmed }]);
    expect(decisions(second)).toStrictEqual([{ ...BAD, consecutive: '2', result: RemediationResult.notConfirmed }]);
    expect(decisions(third)).toStrictEqual([{ ...BAD, consecutive: '3', result: RemediationResult.evicted }]);

    // Each run reads the Lease, looks the pod up and writes the Lease back; the third writes the eviction
    // time before it evicts. Every call carried the token; never a DELETE.
    const round = [`GET ${LEASE} 200`, `GET ${PODS} 200`, `PUT ${LEASE} 200`];
    expect(calls()).toStrictEqual([...round, ...round, ...round, `POST ${evictionPath(POD_NAMES[1])} 201`]);
    expect(front.calls.every((call) => call.bearer)).toBe(true);
    expect(front.calls.filter((call) => call.path === PODS).map((call) => call.query)).toStrictEqual(
      Array(3).fill({ labelSelector: 'app.kubernetes.io/name=traefik', fieldSelector: `status.podIP=${REPLICA_ADDRESSES[1]}` }),
    );
    // A pod with no node goes at once: the eviction went through.
    expect(await admin.get('v1', 'Pod', TRAEFIK_NAMESPACE, POD_NAMES[1])).toBeUndefined();
    expect(await admin.get('v1', 'Pod', TRAEFIK_NAMESPACE, POD_NAMES[0])).toBeDefined();

    const group = await runGroup(job);
    expect(series(group, ProbeMetric.remediation)).toStrictEqual([{ labels: { ...BAD, result: RemediationResult.evicted }, value: 1 }]);
    // The evicted pod's count is not carried on: it is gone.
    expect(series(group, ProbeMetric.replicaConsecutiveFailures)).toStrictEqual([]);
    const evictedAt = defined(series(await evictionGroup(job), ProbeMetric.remediationLastEvictionTimestamp)[0]?.value, 'the pushed eviction time');
    expect(evictedAt).toBeGreaterThanOrEqual(Math.floor(before));
    expect(evictedAt).toBeLessThanOrEqual(after);
    // The memory that counts is the Lease's.
    const written = defined(await state(), 'the state');
    expect(written).toStrictEqual({ version: 1, previousRun: written.lastEviction, lastEviction: expect.any(Number), consecutive: {} });
    expect(written.lastEviction).toBeCloseTo(evictedAt, 2);
  }, 60_000);

  test('keeps the counts in the Lease, where the next run reads them; a healthy run clears them and records its time', async () => {
    const job = 'rem-count';
    const key = `${REPLICA_ADDRESSES[2]} ${POD_NAMES[2]}`;
    await loseRoute(2);
    await run(job);
    expect(await state()).toStrictEqual({ version: 1, previousRun: expect.any(Number), lastEviction: null, consecutive: { [key]: 1 } });
    const second = await run(job);
    expect(decisions(second).map((decision) => decision.consecutive)).toStrictEqual(['2']);
    expect((await state())?.consecutive).toStrictEqual({ [key]: 2 });
    // Still pushed, for the dashboards and alerts; nothing reads it back.
    expect(series(await runGroup(job), ProbeMetric.replicaConsecutiveFailures)).toStrictEqual([
      { labels: { replica: REPLICA_ADDRESSES[2], pod: POD_NAMES[2] }, value: 2 },
    ]);
    // A healthy run ends the streak: the next failure counts from 1 again.
    const previous = defined((await state())?.previousRun ?? undefined, 'the previous run');
    await fx.healReplicas();
    await run(job);
    const healthy = defined(await state(), 'the state');
    expect([healthy.consecutive, healthy.previousRun !== null && healthy.previousRun > previous]).toStrictEqual([{}, true]);
    expect(series(await runGroup(job), ProbeMetric.replicaConsecutiveFailures)).toStrictEqual([]);
    await loseRoute(2);
    expect(decisions(await run(job))).toStrictEqual([
      { replica: REPLICA_ADDRESSES[2], pod: POD_NAMES[2], consecutive: '1', result: RemediationResult.notConfirmed },
    ]);
  }, 60_000);

  test('a forged Pushgateway state changes no decision: nothing reads it back', async () => {
    const job = 'rem-forged';
    await establish(job);
    await loseRoute(1);
    // What anyone who reaches the Pushgateway can push: 99 failing runs in a row, and an eviction long ago.
    const failures = ProbeMetric.replicaConsecutiveFailures;
    const forgedCount = `# TYPE ${failures} gauge\n${failures}{replica="${BAD.replica}",pod="${BAD.pod}"} 99\n`;
    expect(await pushAsAnyone(`/metrics/job/${job}`, forgedCount)).toBe(200);
    const last = ProbeMetric.remediationLastEvictionTimestamp;
    expect(await pushAsAnyone(`/metrics/job/${job}/kind/${REMEDIATION_GROUP_KIND}`, `# TYPE ${last} gauge\n${last} 1\n`)).toBe(200);

    const result = await run(job);
    expect(decisions(result)).toStrictEqual([{ ...BAD, consecutive: '1', result: RemediationResult.notConfirmed }]);
    expect(front.evictions()).toStrictEqual([]);
    expect((await state())?.consecutive).toStrictEqual({ [`${BAD.replica} ${BAD.pod}`]: 1 });
  }, 60_000);

  test("the probe's token may get and update its Lease, and no other Lease, and create none", async () => {
    const other = 'remediation-bystander';
    const answers = await leaseAnswers([
      ['get', PROBE_NAMESPACE, PROBE.name],
      ['update', PROBE_NAMESPACE, PROBE.name],
      ['update', PROBE_NAMESPACE, other],
      ['get', PROBE_NAMESPACE, other],
      ['create', PROBE_NAMESPACE],
      ['create', PROBE_NAMESPACE, other],
      ['patch', PROBE_NAMESPACE, PROBE.name],
      ['delete', PROBE_NAMESPACE, PROBE.name],
      ['list', PROBE_NAMESPACE],
      ['update', TRAEFIK_NAMESPACE, PROBE.name],
    ]);
    expect(answers).toStrictEqual({
      allowed: [`get ${PROBE_NAMESPACE}/${PROBE.name}`, `update ${PROBE_NAMESPACE}/${PROBE.name}`],
      denied: [
        `update ${PROBE_NAMESPACE}/${other}`,
        `get ${PROBE_NAMESPACE}/${other}`,
        `create ${PROBE_NAMESPACE}/*`,
        `create ${PROBE_NAMESPACE}/${other}`,
        `patch ${PROBE_NAMESPACE}/${PROBE.name}`,
        `delete ${PROBE_NAMESPACE}/${PROBE.name}`,
        `list ${PROBE_NAMESPACE}/*`,
        `update ${TRAEFIK_NAMESPACE}/${PROBE.name}`,
      ],
    });
    // And as real attempts: another Lease the admin made cannot be written, and no Lease can be made.
    const bystander = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: other, namespace: PROBE_NAMESPACE } };
    const made = await admin.apply(bystander);
    const client = admin.withToken(token);
    try {
      const collection = `/apis/coordination.k8s.io/v1/namespaces/${PROBE_NAMESPACE}/leases`;
      const written = await client.request('PUT', `${collection}/${other}`, { ...made, metadata: { ...made.metadata, annotations: { x: '1' } } });
      const created = await client.request('POST', collection, { ...bystander, metadata: { name: 'remediation-new', namespace: PROBE_NAMESPACE } });
      const own = await client.request<KubeObject>('GET', LEASE);
      const ownWritten = await client.request('PUT', LEASE, own.body);
      expect([written.status, created.status, own.status, ownWritten.status]).toStrictEqual([403, 403, 200, 200]);
    } finally {
      client.close();
      await admin.delete('coordination.k8s.io/v1', 'Lease', PROBE_NAMESPACE, other);
    }
  });

  test('someone writing the Lease between its read and its write (409) means nothing is done and nothing evicted', async () => {
    const job = 'rem-conflict';
    await establish(job);
    await loseRoute(1);
    const bumpAfterRead = () => {
      front.beforeAnswer = async (call) => {
        if (call.method !== 'GET' || call.path !== LEASE) return;
        front.beforeAnswer = () => undefined;
        await admin.call(
          'PATCH',
          LEASE,
          { metadata: { annotations: { 'remediation-test/bumped': String(Date.now()) } } },
          'application/merge-patch+json',
        );
      };
    };
    // No eviction due: the state write is refused, so the decision is not trusted either.
    bumpAfterRead();
    const counted = await run(job);
    expect(results(counted)).toStrictEqual([RemediationResult.stateUnavailable]);
    expect(counted.stderr).toContain(
      `state_unavailable: state not written, nothing done: PUT ${LEASE}: status 409 Conflict (the Lease changed since it was read: another writer)`,
    );
    // An eviction due: its time cannot be recorded first, so there is no eviction.
    front.calls.length = 0;
    bumpAfterRead();
    const due = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });
    expect(results(due)).toStrictEqual([RemediationResult.stateUnavailable]);
    expect(due.stderr).toContain(`state not written, nothing evicted: PUT ${LEASE}: status 409 Conflict`);
    expect(calls()).toStrictEqual([`GET ${LEASE} 200`, `GET ${PODS} 200`, `PUT ${LEASE} 409`]);
    expect(await admin.get('v1', 'Pod', TRAEFIK_NAMESPACE, POD_NAMES[1])).toBeDefined();
    // The other writer's change stays; the next run goes on from the Lease as it is.
    expect((await lease()).metadata.annotations?.['remediation-test/bumped']).toBeDefined();
    const next = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });
    expect(results(next)).toStrictEqual([RemediationResult.evicted]);
  }, 60_000);

  test('takes the pod’s age from its creationTimestamp: a pod made just now is too young, whatever its status.startTime says', async () => {
    const job = 'rem-young';
    await establish(job);
    await sleep(3000);
    const anHourAgo = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    await admin.delete('v1', 'Pod', TRAEFIK_NAMESPACE, POD_NAMES[1]);
    await createPod({ ...standardPods()[1], startTime: anHourAgo });
    await loseRoute(1);
    const result = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });

    expect(results(result)).toStrictEqual([RemediationResult.tooYoung]);
    expect(result.stderr).toMatch(/too_young: pod created \d+s ago, want over 1 intervals \(\d+s\)/);
    expect(front.evictions()).toStrictEqual([]);
    // The API server kept what the status subresource was told: only the creation time held the pod.
    const pod = defined(await admin.get('v1', 'Pod', TRAEFIK_NAMESPACE, POD_NAMES[1]), 'the pod');
    expect((pod.status as { startTime?: string }).startTime).toBe(anHourAgo);
  }, 60_000);

  test('after the probe wrote its state, the Lease matches the manifest on every field it sets, and applying it again changes nothing', async () => {
    await establish('rem-plan');
    const live = await lease();
    const written = live.metadata.annotations?.[REMEDIATION_STATE_ANNOTATION];
    expect(written).toBeDefined();
    // What a second `terraform plan` compares: the manifest's fields against the object read back, with
    // the computed fields (metadata.annotations among them) left to the API server. The real provider
    // cannot be built here (tools/build.sh, kubernetesProvider), so this is that comparison, not a plan.
    expect(live).toMatchObject(LEASE_RESOURCE.object);
    const [config] = Object.values(tfJson.resource.kubernetes_manifest).filter((r) => r.manifest?.kind === 'Lease');
    expect(config.computed_fields).toStrictEqual(['metadata.annotations', 'metadata.labels']);
    expect(Object.keys(config.manifest ?? {}).sort()).toStrictEqual(['apiVersion', 'kind', 'metadata']);
    expect(Object.keys(config.manifest?.metadata ?? {}).sort()).toStrictEqual(['labels', 'name', 'namespace']);
    // Applied again as the provider applies it (server-side, field manager Terraform, conflicts not
    // forced): the probe's writes are no conflict, the object is not written, the state is kept.
    const { objects } = await applyAsProvider(admin, [LEASE_RESOURCE]);
    expect([objects[0].metadata.resourceVersion, objects[0].metadata.annotations?.[REMEDIATION_STATE_ANNOTATION]]).toStrictEqual([
      live.metadata.resourceVersion,
      written,
    ]);
  }, 60_000);

  test('does nothing when the Lease is missing, and cannot make it', async () => {
    const job = 'rem-no-lease';
    await establish(job);
    await loseRoute(1);
    await admin.delete('coordination.k8s.io/v1', 'Lease', PROBE_NAMESPACE, PROBE.name);
    try {
      front.calls.length = 0;
      const result = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });
      expect(results(result)).toStrictEqual([RemediationResult.stateUnavailable]);
      expect(result.stderr).toContain(
        `state_unavailable: state not readable, nothing done: GET ${LEASE}: status 404 NotFound (the stack creates the Lease; the probe may not)`,
      );
      expect(calls()).toStrictEqual([`GET ${LEASE} 404`]);
      expect(series(await runGroup(job), ProbeMetric.remediation)[0]?.labels.result).toBe(RemediationResult.stateUnavailable);
      // A healthy run says so too, with no decision to carry it.
      await fx.healReplicas();
      const healthy = await run(job);
      expect(decisions(healthy)).toStrictEqual([]);
      expect(healthy.stderr).toContain(`probe: remediation: state not readable, nothing done: GET ${LEASE}: status 404 NotFound`);
    } finally {
      await applyAsProvider(admin, [LEASE_RESOURCE]);
    }
  }, 60_000);

  test.each([
    ['not JSON', '{"version":1,'],
    [
      'a count that is not one',
      JSON.stringify({ version: 1, previousRun: null, lastEviction: null, consecutive: { [`${BAD.replica} ${BAD.pod}`]: '99' } }),
    ],
    ['another version', JSON.stringify({ version: 2, previousRun: null, lastEviction: null, consecutive: {} })],
  ])(
    'does nothing when the annotation is not its state (%s), leaves it for a person to remove, and starts afresh then',
    async (_name, text) => {
      const job = 'rem-bad-state';
      await establish(job);
      await loseRoute(1);
      await setStateAnnotation(text);
      front.calls.length = 0;
      const refused = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });
      expect(results(refused)).toStrictEqual([RemediationResult.stateUnavailable]);
      expect(refused.stderr).toContain(`annotation ${REMEDIATION_STATE_ANNOTATION} is not the probe's state (`);
      expect(refused.stderr).toContain('remove it to reset');
      expect(calls()).toStrictEqual([`GET ${LEASE} 200`]);
      expect((await lease()).metadata.annotations?.[REMEDIATION_STATE_ANNOTATION]).toBe(text);
      // Removed: no memory, so no previous run to measure the pod's age by.
      await setStateAnnotation(undefined);
      const fresh = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });
      expect(decisions(fresh)).toStrictEqual([{ ...BAD, consecutive: '1', result: RemediationResult.tooYoung }]);
    },
    60_000,
  );

  test('does nothing when two replicas fail: the route is likely missing everywhere', async () => {
    const job = 'rem-two';
    await establish(job);
    await Promise.all([loseRoute(0), loseRoute(2)]);
    const result = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });

    expect(decisions(result).map((decision) => [decision.replica, decision.result])).toStrictEqual([
      [REPLICA_ADDRESSES[0], RemediationResult.notAlone],
      [REPLICA_ADDRESSES[2], RemediationResult.notAlone],
    ]);
    expect(front.evictions()).toStrictEqual([]);
  }, 60_000);

  describe('the route matrix: a replica that differs from a strict majority is treated as one without the route', () => {
    const sets = {
      PROBE_ROUTER_INVENTORY: '1',
      PROBE_OWN_ROUTERS: 'router-0@kubernetes,router-118@kubernetes,router-500@kubernetes',
      PROBE_TTYD_ROUTERS: 'router-0@kubernetes',
    };
    const manifest = { name: 'manifest', host: EDGE_HOST, path: '/manifest.json', expect: 'public' };
    const gone = { name: 'gone', host: EDGE_HOST, path: '/gone', expect: 'gated' };
    /** Every replica routes the manifest (a carve-out) and not /gone; `loser` does not route the manifest either. */
    const routePaths = (loser?: number) =>
      Promise.all(
        fx.replicas.map((replica, i) =>
          replica.restart({
            terminalRoute: true,
            routers: 119,
            paths: { '/manifest.json': i === loser ? 'not-routed' : 'public', '/gone': 'not-routed' },
          }),
        ),
      );

    test('a replica lacking a router the two others list is evicted, its terminal checks passing', async () => {
      const job = 'rem-router-set';
      await establish(job);
      await fx.replicas[1].restart({ terminalRoute: true, routers: 118 }); // lists router-0 .. router-117
      const result = await run(job, { ...sets, PROBE_REMEDIATE_AFTER_RUNS: '1' });

      expect(okOf(result)).toBe('1');
      expect(result.stderr).toContain(`replica ${BAD.replica} differs from the majority: lacks router router-118@kubernetes, listed by 2 of 3`);
      expect(decisions(result)).toStrictEqual([{ ...BAD, consecutive: '1', result: RemediationResult.evicted }]);
      expect(front.evictions()).toStrictEqual([`POST ${evictionPath(POD_NAMES[1])}`]);
    }, 60_000);

    test("a replica answering a route with Traefik's own 404 while the two others route it is evicted", async () => {
      const job = 'rem-route-404';
      await establish(job);
      await routePaths(1);
      const result = await run(job, { PROBE_ROUTES: JSON.stringify([manifest]), PROBE_REMEDIATE_AFTER_RUNS: '1' });

      expect(result.stderr).toContain(`replica ${BAD.replica} route manifest: not_routed`);
      expect(decisions(result)).toStrictEqual([{ ...BAD, consecutive: '1', result: RemediationResult.evicted }]);
      expect(front.evictions()).toStrictEqual([`POST ${evictionPath(POD_NAMES[1])}`]);
    }, 60_000);

    test('a route and a router missing on every replica are a route problem: reported, nothing evicted', async () => {
      const job = 'rem-route-everywhere';
      await establish(job);
      await routePaths();
      const env = { ...sets, PROBE_ROUTES: JSON.stringify([manifest, gone]), PROBE_REMEDIATE_AFTER_RUNS: '1' };
      const result = await run(job, env);

      expect(result.stderr).toContain('route gone: failed on 3 of 3 replicas: on every replica, a route problem, not a replica problem');
      expect(result.stderr).toContain('routers no replica lists (a route problem, e.g. a backend without endpoints): router-500@kubernetes');
      expect(result.stderr).not.toContain('differs from the majority');
      expect(decisions(result)).toStrictEqual([]);
      expect(front.evictions()).toStrictEqual([]);
    }, 60_000);

    test('with two replicas, one lacking a router and a route the other has: reported, nothing evicted', async () => {
      const job = 'rem-route-two';
      const two = { PROBE_REPLICAS: REPLICA_ADDRESSES.slice(0, 2).join(',') };
      await establish(job);
      await routePaths(1);
      await fx.replicas[1].restart({ terminalRoute: true, routers: 118, paths: { '/manifest.json': 'not-routed' } });
      const result = await run(job, { ...sets, ...two, PROBE_ROUTES: JSON.stringify([manifest]), PROBE_REMEDIATE_AFTER_RUNS: '1' });

      expect(result.stderr).toContain(`replica ${BAD.replica} route manifest: not_routed`);
      expect(result.stderr).toContain(`replica ${BAD.replica} lacks 1 of the stack's routers that at least half of 2 replicas list`);
      expect(result.stderr).not.toContain('differs from the majority');
      expect(decisions(result)).toStrictEqual([]);
      expect(front.evictions()).toStrictEqual([]);
    }, 60_000);
  });

  test('evicts at most once per minimum interval and reports the recurring fault', async () => {
    const job = 'rem-rate';
    await establish(job);
    await loseRoute(0);
    const first = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });
    expect(results(first)).toStrictEqual([RemediationResult.evicted]);
    // What the ReplicaSet does: a new pod for the replica, healthy. Then another replica loses the route.
    await createPod({ ...standardPods()[0], name: `${POD_NAMES[0]}-new` });
    await fx.healReplicas();
    await loseRoute(1);
    const second = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });

    expect(results(second)).toStrictEqual([RemediationResult.rateLimited]);
    expect(second.stderr).toMatch(/rate_limited: last eviction \d+s ago, at most one per 3600s/);
    expect(front.evictions()).toStrictEqual([`POST ${evictionPath(POD_NAMES[0])}`]);
  }, 60_000);

  test('records 429 (disruption budget), sends no delete, writes the eviction time back, and retries on a later run', async () => {
    const job = 'rem-429';
    await establish(job);
    await loseRoute(1);
    const budget = { minAvailable: 3, selector: { matchLabels: SELECTOR } };
    await admin.apply({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'traefik', namespace: TRAEFIK_NAMESPACE },
      spec: budget,
    });
    front.calls.length = 0;
    const blocked = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });
    expect(results(blocked)).toStrictEqual([RemediationResult.blockedByBudget]);
    // the Status reason, never the message: an API server's message may echo the request
    expect(blocked.stderr).toContain('status 429 TooManyRequests (a PodDisruptionBudget; retried on a later run)');
    expect(blocked.stderr).not.toMatch(/Cannot evict|disruption budget traefik/);
    expect(calls()).toStrictEqual([
      `GET ${LEASE} 200`,
      `GET ${PODS} 200`,
      `PUT ${LEASE} 200`,
      `POST ${evictionPath(POD_NAMES[1])} 429`,
      `PUT ${LEASE} 200`,
    ]);
    expect(series(await runGroup(job), ProbeMetric.remediation)[0]?.labels.result).toBe(RemediationResult.blockedByBudget);
    expect(await evictionGroup(job)).toBeUndefined();
    expect(await state()).toMatchObject({ lastEviction: null, consecutive: { [`${BAD.replica} ${BAD.pod}`]: 1 } });

    await admin.delete('policy/v1', 'PodDisruptionBudget', TRAEFIK_NAMESPACE, 'traefik');
    const retried = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });
    expect(decisions(retried)).toStrictEqual([{ ...BAD, consecutive: '2', result: RemediationResult.evicted }]);
    expect(front.evictions()).toHaveLength(2);
    expect(front.calls.filter((call) => !['GET', 'PUT', 'POST'].includes(call.method))).toStrictEqual([]);
  }, 60_000);

  test('records an eviction refused by RBAC (403) as failed, with no fallback', async () => {
    const job = 'rem-403';
    await establish(job);
    await loseRoute(1);
    const rolePath = await admin.pathOf('rbac.authorization.k8s.io/v1', 'Role', TRAEFIK_NAMESPACE, PROBE.name);
    type Role = KubeObject & { rules: Array<{ resources: string[] }> };
    const setRules = async (change: (rules: Role['rules']) => Role['rules'], evicting: boolean) => {
      const role = (await admin.call<Role>('GET', rolePath)).body;
      await admin.call('PUT', rolePath, { ...role, rules: change(role.rules) });
      const review = { verb: 'create', resource: 'pods', subresource: 'eviction', namespace: TRAEFIK_NAMESPACE };
      const client = admin.withToken(token);
      try {
        await waitFor('the Role to take effect', 10_000, async () => {
          const body = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: review } };
          const answer = await client.call<{ status: { allowed: boolean } }>('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', body);
          return answer.body.status.allowed === evicting;
        });
      } finally {
        client.close();
      }
    };
    const original = (await admin.call<Role>('GET', rolePath)).body.rules;
    await setRules((rules) => rules.filter((rule) => !rule.resources.includes('pods/eviction')), false);
    try {
      front.calls.length = 0;
      const result = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });
      expect(results(result)).toStrictEqual([RemediationResult.failed]);
      expect(result.stderr).toContain(`POST ${evictionPath(POD_NAMES[1])}: status 403 Forbidden`);
      expect(calls().map((call) => call.split(' ')[0])).toStrictEqual(['GET', 'GET', 'PUT', 'POST', 'PUT']);
      expect(await evictionGroup(job)).toBeUndefined();
      expect(await state()).toMatchObject({ lastEviction: null });
      expect(await admin.get('v1', 'Pod', TRAEFIK_NAMESPACE, POD_NAMES[1])).toBeDefined();
    } finally {
      await setRules(() => original, true);
    }
  }, 60_000);

  test('records an eviction of a pod gone meanwhile (404) as failed, with no fallback', async () => {
    const job = 'rem-404';
    await establish(job);
    await loseRoute(1);
    front.beforeAnswer = async (call) => {
      if (call.method !== 'GET' || call.path !== PODS) return;
      front.beforeAnswer = () => undefined;
      await admin.delete('v1', 'Pod', TRAEFIK_NAMESPACE, POD_NAMES[1]);
    };
    front.calls.length = 0;
    const result = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });
    expect(results(result)).toStrictEqual([RemediationResult.failed]);
    expect(result.stderr).toContain(`POST ${evictionPath(POD_NAMES[1])}: status 404 NotFound`);
    expect(calls().map((call) => call.split(' ')[0])).toStrictEqual(['GET', 'GET', 'PUT', 'POST', 'PUT']);
    expect(await evictionGroup(job)).toBeUndefined();
    expect(await state()).toMatchObject({ lastEviction: null });
  }, 60_000);

  test('a dry run decides, reports and keeps its state, but calls no eviction', async () => {
    const job = 'rem-dry';
    await establish(job);
    await loseRoute(1);
    front.calls.length = 0;
    const result = await run(job, { PROBE_REMEDIATE: 'dry-run', PROBE_REMEDIATE_AFTER_RUNS: '1' });

    expect(decisions(result)).toStrictEqual([{ ...BAD, consecutive: '1', result: RemediationResult.dryRun }]);
    expect(result.stderr).toContain(`would evict ${TRAEFIK_NAMESPACE}/${POD_NAMES[1]}`);
    expect(calls()).toStrictEqual([`GET ${LEASE} 200`, `GET ${PODS} 200`, `PUT ${LEASE} 200`]);
    expect(series(await runGroup(job), ProbeMetric.remediation)[0]?.labels.result).toBe(RemediationResult.dryRun);
    expect(await evictionGroup(job)).toBeUndefined();
    expect(await state()).toMatchObject({ lastEviction: null, consecutive: { [`${BAD.replica} ${BAD.pod}`]: 1 } });
  }, 60_000);

  test('acts on no pod when the address matches none, or more than one', async () => {
    const job = 'rem-nopod';
    await establish(job);
    await loseRoute(1);
    await admin.delete('v1', 'Pod', TRAEFIK_NAMESPACE, POD_NAMES[1]);
    const none = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });
    await createPod(standardPods()[1]);
    await createPod({ ...standardPods()[1], name: 'traefik-twin' });
    const two = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });

    for (const result of [none, two])
      expect(decisions(result).map((decision) => [decision.pod, decision.result])).toStrictEqual([['?', RemediationResult.noPod]]);
    expect(none.stderr).toContain('0 running pods');
    expect(two.stderr).toContain('2 running pods');
    expect(front.evictions()).toStrictEqual([]);
  }, 60_000);

  test('with the API server down or silent the push still happens, within the deadline', async () => {
    const job = 'rem-api-down';
    await establish(job);
    await loseRoute(1);
    const closed = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1', PROBE_KUBE_API_URL: `https://127.0.0.1:${await freePort()}` });
    expect(results(closed)).toStrictEqual([RemediationResult.stateUnavailable]);
    expect(closed.stderr).toMatch(/remediation replica 127\.0\.0\.3: state_unavailable: state not readable, nothing done: GET .*ECONNREFUSED/);
    expect(series(await runGroup(job), ProbeMetric.remediation)[0]?.labels.result).toBe(RemediationResult.stateUnavailable);

    const silent = await runProbe(
      env(job, {
        PROBE_REMEDIATE_AFTER_RUNS: '1',
        PROBE_KUBE_API_URL: `https://127.0.0.1:${fx.blackHole.port}`,
        PROBE_TIMEOUT_SECONDS: '1',
        PROBE_DEADLINE_SECONDS: '4',
      }),
      { killAfterMs: 15_000 },
    );
    outputs.push(silent.stdout, silent.stderr);
    expect(silent.code).toBe(0);
    expect(silent.stderr).toMatch(/state_unavailable: state not readable, nothing done: GET .*no answer within 1s/);
    // Checks + one API timeout + the push: well inside deadline + push timeout.
    expect(silent.wallMs).toBeLessThan(4000 + 1000 + 1000);
    expect(series(await runGroup(job), ProbeMetric.tokenStatus)[0]?.value).toBe(404);
  }, 60_000);

  test('counts against the run deadline: with none left it does nothing and the push still happens', async () => {
    const job = 'rem-deadline';
    await establish(job);
    await loseRoute(1);
    front.calls.length = 0;
    // The black-holed edge uses up the whole run deadline; the API server would never answer either.
    const result = await runProbe(
      env(job, {
        PROBE_REMEDIATE_AFTER_RUNS: '1',
        PROBE_EDGE_URL: fx.blackHoleUrl,
        PROBE_KUBE_API_URL: `https://127.0.0.1:${fx.blackHole.port}`,
        PROBE_TIMEOUT_SECONDS: '2',
        PROBE_DEADLINE_SECONDS: '3',
      }),
      { killAfterMs: 15_000 },
    );
    outputs.push(result.stdout, result.stderr);
    expect(result.code).toBe(0);
    expect(results(result)).toStrictEqual([RemediationResult.stateUnavailable]);
    expect(result.stderr).toContain('run deadline reached');
    // Deadline, then the push: no request timeout added by remediation.
    expect(result.wallMs).toBeLessThan(3000 + 1500);
    expect(front.calls).toStrictEqual([]);
    expect(series(await runGroup(job), ProbeMetric.remediation)[0]?.labels.result).toBe(RemediationResult.stateUnavailable);
  }, 60_000);

  test('trusts only the cluster CA: a server with another certificate never sees the token', async () => {
    const job = 'rem-ca';
    await establish(job);
    await loseRoute(1);
    front.calls.length = 0;
    const result = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1', PROBE_KUBE_CA_FILE: fx.edge.options.cert.certPath });
    expect(results(result)).toStrictEqual([RemediationResult.stateUnavailable]);
    expect(result.stderr).toMatch(/certificate|self.signed|unable to verify/i);
    expect(front.calls).toStrictEqual([]);
  }, 60_000);

  test('never reads the Pushgateway: with every read of it failing, it decides as before', async () => {
    const job = 'rem-pushgateway';
    // A front for the real Pushgateway that takes pushes but fails reads, and counts what it saw.
    const seen: string[] = [];
    const pushgatewayFront = http.createServer((request, response) => {
      seen.push(request.method ?? '');
      if (request.method === 'GET') {
        response.writeHead(503).end('unavailable');
        return;
      }
      const upstream = http.request(`${fx.pushgateway.url}${request.url}`, { method: request.method, headers: request.headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      request.pipe(upstream);
    });
    await new Promise<void>((resolve) => pushgatewayFront.listen(0, '127.0.0.1', resolve));
    try {
      const port = (pushgatewayFront.address() as { port: number }).port;
      const overrides = { PROBE_REMEDIATE: 'dry-run', PROBE_REMEDIATE_AFTER_RUNS: '1', PROBE_PUSHGATEWAY_URL: `http://127.0.0.1:${port}` };
      await run(job, overrides);
      await loseRoute(1);
      const result = await run(job, overrides);
      expect(results(result)).toStrictEqual([RemediationResult.dryRun]);
      expect(seen.filter((method) => method !== 'PUT')).toStrictEqual([]);
    } finally {
      await new Promise<void>((resolve) => pushgatewayFront.close(() => resolve()));
    }
  }, 60_000);

  test('a wrong token is refused (401) at the first call, reported without the token', async () => {
    const job = 'rem-401';
    await establish(job);
    await loseRoute(1);
    front.calls.length = 0;
    const result = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1', PROBE_KUBE_TOKEN_FILE: wrongTokenFile });
    expect(results(result)).toStrictEqual([RemediationResult.stateUnavailable]);
    expect(result.stderr).toContain(`GET ${LEASE}: status 401 Unauthorized`);
    expect(calls()).toStrictEqual([`GET ${LEASE} 401`]);
  }, 60_000);

  test('off by default: no API call and no remediation series', async () => {
    const job = 'rem-off';
    await loseRoute(1);
    const result = await run(job, { PROBE_REMEDIATE: '', PROBE_REMEDIATE_AFTER_RUNS: '1' });
    expect(decisions(result)).toStrictEqual([]);
    expect(front.calls).toStrictEqual([]);
    const group = await runGroup(job);
    for (const metric of [ProbeMetric.remediation, ProbeMetric.replicaConsecutiveFailures]) expect(group?.metrics.has(metric)).toBe(false);
  }, 60_000);

  const badVariables: Array<{ variable: string; env: Record<string, string> }> = [
    { variable: 'PROBE_REMEDIATE', env: { PROBE_REMEDIATE: 'yes' } },
    { variable: 'PROBE_REMEDIATE', env: { PROBE_REPLICAS: '' } },
    { variable: 'PROBE_REMEDIATE_AFTER_RUNS', env: { PROBE_REMEDIATE_AFTER_RUNS: '0' } },
    { variable: 'PROBE_REMEDIATE_MIN_INTERVAL_SECONDS', env: { PROBE_REMEDIATE_MIN_INTERVAL_SECONDS: '1h' } },
    { variable: 'PROBE_REPLICA_NAMESPACE', env: { PROBE_REPLICA_NAMESPACE: '' } },
    { variable: 'PROBE_REPLICA_SELECTOR', env: { PROBE_REPLICA_SELECTOR: 'app in (traefik)' } },
    { variable: 'PROBE_REPLICA_SELECTOR', env: { PROBE_REPLICA_SELECTOR: '' } },
    { variable: 'PROBE_REMEDIATE_LEASE', env: { PROBE_REMEDIATE_LEASE: '' } },
    { variable: 'PROBE_REMEDIATE_LEASE', env: { PROBE_REMEDIATE_LEASE: PROBE_NAMESPACE } },
    { variable: 'PROBE_REMEDIATE_LEASE', env: { PROBE_REMEDIATE_LEASE: `${PROBE_NAMESPACE}/a/b` } },
    { variable: 'PROBE_REMEDIATE_LEASE', env: { PROBE_REMEDIATE_LEASE: `${PROBE_NAMESPACE}/Probe` } },
    { variable: 'PROBE_REMEDIATE_LEASE', env: { PROBE_REMEDIATE_LEASE: `/${PROBE.name}` } },
    { variable: 'PROBE_KUBE_API_URL', env: { PROBE_KUBE_API_URL: 'http://127.0.0.1:6443' } },
    { variable: 'PROBE_REMEDIATE', env: { PROBE_KUBE_API_URL: '' } },
  ];

  test.each(badVariables)('exits 2 naming $variable for $env', async ({ variable, env: overrides }) => {
    const result = await runProbe(env('rem-bad-config', overrides));
    outputs.push(result.stdout, result.stderr);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^probe: bad configuration: ${variable}[ =]`));
  });

  test('timeline on a compressed schedule: route lost, confirmed, evicted, replaced, healthy again', async () => {
    const job = 'rem-timeline';
    const intervalMs = 1500;
    await whenOlderThan(3, POD_NAMES[1]);
    const timeline: Array<[number, string, string]> = [];
    const schedule = async (runs: number) => {
      for (let i = 0; i < runs; i += 1) {
        const started = Date.now();
        const result = await run(job);
        timeline.push([timeline.length, okOf(result) ?? '?', results(result).join(',') || '-']);
        if (results(result).includes(RemediationResult.evicted)) {
          // What the ReplicaSet does after an eviction: a new pod with a full routing table (here on the same address).
          await createPod({ ...standardPods()[1], name: `${POD_NAMES[1]}-new` });
          await fx.replicas[1].restart({ terminalRoute: true, routers: 119 });
        }
        await sleep(Math.max(0, intervalMs - (Date.now() - started)));
      }
    };
    await schedule(1);
    await loseRoute(1);
    await schedule(5);

    expect(timeline).toStrictEqual([
      [0, '1', '-'],
      [1, '0', 'not_confirmed'],
      [2, '0', 'not_confirmed'],
      [3, '0', 'evicted'],
      [4, '1', '-'],
      [5, '1', '-'],
    ]);
    expect(front.evictions()).toStrictEqual([`POST ${evictionPath(POD_NAMES[1])}`]);
  }, 90_000);

  test('the token appears in no output and in nothing pushed', async () => {
    const pushed = await new Promise<string>((resolve, reject) => {
      http
        .get(`${fx.pushgateway.url}/metrics`, (response) => {
          let body = '';
          response
            .setEncoding('utf8')
            .on('data', (chunk: string) => (body += chunk))
            .on('end', () => resolve(body));
        })
        .on('error', reject);
    });
    expect(outputs.length).toBeGreaterThan(20);
    expect(pushed).toContain(ProbeMetric.remediation);
    // A JWT: its signature (the last part) is what must never be seen.
    const signature = defined(token.split('.')[2], 'the signature');
    for (const text of [...outputs, pushed]) expect(text).not.toContain(signature);
  });
});
