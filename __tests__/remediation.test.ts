/**
 * The probe's opt-in remediation (issue 13): the exact script bytes, run as a process against the real
 * Pushgateway, dnsmasq and nginx replicas of the probe harness, and a Kubernetes API stand-in (TLS with
 * its own CA, bearer token, pod list, policy/v1 Eviction).
 */
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProbeLabel, ProbeMetric, REMEDIATION_GROUP_KIND, RemediationResult } from '../lib/metrics';
import type { PushedGroup } from './support/daemons';
import { ProbeFixtures, ProbeRun, REPLICA_ADDRESSES, runProbe, startProbeFixtures } from './support/fixtures';
import { KubeApiStandIn, KubePod, makeKubeTls } from './support/kube-api';
import { freePort, makeTempDir, sleep } from './support/processes';

const TOKEN = 'kube-token-s3cret-0123456789';
const NAMESPACE = 'traefik';
const SELECTOR = { 'app.kubernetes.io/name': 'traefik' };
const POD_NAMES = ['traefik-7d4b-aaaaa', 'traefik-7d4b-bbbbb', 'traefik-7d4b-ccccc'];

let fx: ProbeFixtures;
let kube: KubeApiStandIn;
let temp: { path: string; remove: () => void };
let tokenFile: string;
let wrongTokenFile: string;
/** Everything every probe run printed, for the token check. */
const outputs: string[] = [];

function anHourAgo(): string {
  return new Date(Date.now() - 3600_000).toISOString();
}

/** The three Traefik pods, one per replica address, up for an hour; plus pods the probe must never pick. */
function standardPods(): KubePod[] {
  return [
    ...REPLICA_ADDRESSES.map((podIP, i) => ({ name: POD_NAMES[i], namespace: NAMESPACE, labels: { ...SELECTOR }, podIP, startTime: anHourAgo() })),
    // Same IP as replica 1 in another namespace, and in the namespace without the selector's label.
    { name: 'other-app', namespace: 'kube-system', labels: { ...SELECTOR }, podIP: REPLICA_ADDRESSES[1], startTime: anHourAgo() },
    { name: 'not-traefik', namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': 'other' }, podIP: REPLICA_ADDRESSES[1], startTime: anHourAgo() },
  ];
}

beforeAll(async () => {
  fx = await startProbeFixtures();
  temp = makeTempDir('remediation');
  tokenFile = join(temp.path, 'token');
  wrongTokenFile = join(temp.path, 'wrong-token');
  writeFileSync(tokenFile, `${TOKEN}\n`);
  writeFileSync(wrongTokenFile, 'not-the-token');
  kube = new KubeApiStandIn(makeKubeTls(temp.path), TOKEN);
  await kube.start();
}, 60_000);

afterAll(async () => {
  await kube?.stop();
  await fx?.stop();
  temp?.remove();
});

beforeEach(() => {
  kube.calls.length = 0;
  kube.pods = standardPods();
  kube.evictionAnswer = 201;
  kube.onEvict = () => undefined;
});

afterEach(async () => {
  await fx.healReplicas();
});

function env(job: string, overrides: Record<string, string> = {}): Record<string, string> {
  return fx.env(job, {
    PROBE_ROUTER_INVENTORY: '0',
    PROBE_REMEDIATE: 'on',
    PROBE_REMEDIATE_AFTER_RUNS: '3',
    PROBE_REPLICA_NAMESPACE: NAMESPACE,
    PROBE_REPLICA_SELECTOR: 'app.kubernetes.io/name=traefik',
    PROBE_KUBE_API_URL: kube.url,
    PROBE_KUBE_TOKEN_FILE: tokenFile,
    PROBE_KUBE_CA_FILE: kube.caPath,
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

function okOf(result: ProbeRun): string | undefined {
  return /^probe: token=.* ok=([01])/m.exec(result.stdout)?.[1];
}

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

describe('probe remediation', () => {
  test("evicts exactly the bad replica's pod on the Nth failing run and not before, through the Eviction API", async () => {
    const job = 'rem-evict';
    await loseRoute(1);
    const first = await run(job);
    const second = await run(job);
    expect(kube.evictions()).toStrictEqual([]);
    const before = Date.now() / 1000;
    const third = await run(job);
    const after = Date.now() / 1000;

    const bad = { replica: REPLICA_ADDRESSES[1], pod: POD_NAMES[1] };
    expect(decisions(first)).toStrictEqual([{ ...bad, consecutive: '1', result: RemediationResult.notConfirmed }]);
    expect(decisions(second)).toStrictEqual([{ ...bad, consecutive: '2', result: RemediationResult.notConfirmed }]);
    expect(decisions(third)).toStrictEqual([{ ...bad, consecutive: '3', result: RemediationResult.evicted }]);

    const evictions = kube.evictions();
    expect(evictions.map((call) => call.path)).toStrictEqual([`/api/v1/namespaces/${NAMESPACE}/pods/${POD_NAMES[1]}/eviction`]);
    expect(JSON.parse(evictions[0].body)).toStrictEqual({
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: POD_NAMES[1], namespace: NAMESPACE },
    });
    // Only the pod lookups and the one eviction; every call carried the token; never a DELETE.
    expect(kube.calls.every((call) => call.authorized)).toBe(true);
    expect(kube.calls.filter((call) => call.method === 'GET').map((call) => call.query)).toStrictEqual(
      Array(3).fill({ labelSelector: 'app.kubernetes.io/name=traefik', fieldSelector: `status.podIP=${REPLICA_ADDRESSES[1]}` }),
    );
    expect(kube.calls.some((call) => call.method === 'DELETE')).toBe(false);

    const group = await runGroup(job);
    expect(series(group, ProbeMetric.remediation)).toStrictEqual([{ labels: { ...bad, result: RemediationResult.evicted }, value: 1 }]);
    // The evicted pod's count is not carried on: it is gone.
    expect(series(group, ProbeMetric.replicaConsecutiveFailures)).toStrictEqual([]);
    const evictedAt = series(await evictionGroup(job), ProbeMetric.remediationLastEvictionTimestamp)[0]?.value;
    expect(evictedAt).toBeGreaterThanOrEqual(Math.floor(before));
    expect(evictedAt).toBeLessThanOrEqual(after);
  }, 60_000);

  test('counts consecutive failures per pod in the pushed group', async () => {
    const job = 'rem-count';
    await loseRoute(2);
    await run(job);
    await run(job);
    expect(series(await runGroup(job), ProbeMetric.replicaConsecutiveFailures)).toStrictEqual([
      { labels: { replica: REPLICA_ADDRESSES[2], pod: POD_NAMES[2] }, value: 2 },
    ]);
    // A healthy run ends the streak: the next failure counts from 1 again.
    await fx.healReplicas();
    await run(job);
    expect(series(await runGroup(job), ProbeMetric.replicaConsecutiveFailures)).toStrictEqual([]);
    await loseRoute(2);
    expect(decisions(await run(job))).toStrictEqual([
      { replica: REPLICA_ADDRESSES[2], pod: POD_NAMES[2], consecutive: '1', result: 'not_confirmed' },
    ]);
  }, 60_000);

  test('does nothing when two replicas fail: the route is likely missing everywhere', async () => {
    const job = 'rem-two';
    await establish(job);
    await Promise.all([loseRoute(0), loseRoute(2)]);
    const result = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });

    expect(decisions(result).map((decision) => [decision.replica, decision.result])).toStrictEqual([
      [REPLICA_ADDRESSES[0], RemediationResult.notAlone],
      [REPLICA_ADDRESSES[2], RemediationResult.notAlone],
    ]);
    expect(kube.evictions()).toStrictEqual([]);
  }, 60_000);

  test('evicts at most once per minimum interval and reports the recurring fault', async () => {
    const job = 'rem-rate';
    await establish(job);
    await loseRoute(0);
    const first = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });
    const second = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });

    expect(decisions(first).map((decision) => decision.result)).toStrictEqual([RemediationResult.evicted]);
    expect(decisions(second).map((decision) => decision.result)).toStrictEqual([RemediationResult.rateLimited]);
    expect(second.stderr).toMatch(/rate_limited: last eviction \d+s ago, at most one per 3600s/);
    expect(kube.evictions()).toHaveLength(1);
  }, 60_000);

  test('records 429 (disruption budget), sends no delete, and retries on a later run', async () => {
    const job = 'rem-429';
    await establish(job);
    await loseRoute(1);
    kube.evictionAnswer = 429;
    const blocked = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });
    expect(decisions(blocked).map((decision) => decision.result)).toStrictEqual([RemediationResult.blockedByBudget]);
    // the Status reason, never the message: an API server's message may echo the request
    expect(blocked.stderr).toContain('status 429 TooManyRequests (a PodDisruptionBudget; retried on a later run)');
    expect(blocked.stderr).not.toContain('Cannot evict pod');
    expect(series(await runGroup(job), ProbeMetric.remediation)[0]?.labels.result).toBe(RemediationResult.blockedByBudget);
    expect(await evictionGroup(job)).toBeUndefined();

    kube.evictionAnswer = 201;
    const retried = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });
    expect(decisions(retried).map((decision) => decision.result)).toStrictEqual([RemediationResult.evicted]);
    expect(kube.evictions()).toHaveLength(2);
    expect(kube.calls.filter((call) => call.method !== 'GET' && call.method !== 'POST')).toStrictEqual([]);
  }, 60_000);

  test.each([403, 404] as const)(
    'records an eviction answered %i as failed, with no fallback',
    async (answer) => {
      const job = `rem-${answer}`;
      await establish(job);
      await loseRoute(1);
      kube.evictionAnswer = answer;
      const result = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });

      expect(decisions(result).map((decision) => decision.result)).toStrictEqual([RemediationResult.failed]);
      expect(result.stderr).toContain(`status ${answer}`);
      expect(kube.calls.map((call) => call.method)).toStrictEqual(['GET', 'POST']);
      expect(await evictionGroup(job)).toBeUndefined();
    },
    60_000,
  );

  test('a dry run decides and reports but calls no eviction', async () => {
    const job = 'rem-dry';
    await establish(job);
    await loseRoute(1);
    const result = await run(job, { PROBE_REMEDIATE: 'dry-run', PROBE_REMEDIATE_AFTER_RUNS: '1' });

    expect(decisions(result)).toStrictEqual([
      { replica: REPLICA_ADDRESSES[1], pod: POD_NAMES[1], consecutive: '1', result: RemediationResult.dryRun },
    ]);
    expect(result.stderr).toContain(`would evict ${NAMESPACE}/${POD_NAMES[1]}`);
    expect(kube.calls.map((call) => call.method)).toStrictEqual(['GET']);
    expect(series(await runGroup(job), ProbeMetric.remediation)[0]?.labels.result).toBe(RemediationResult.dryRun);
    expect(await evictionGroup(job)).toBeUndefined();
  }, 60_000);

  test('leaves a pod younger than N intervals alone: it may still be loading routes', async () => {
    const job = 'rem-young';
    await establish(job);
    await sleep(2000);
    await loseRoute(1);
    kube.pods = kube.pods.map((pod) => (pod.name === POD_NAMES[1] ? { ...pod, startTime: new Date().toISOString() } : pod));
    const result = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });

    expect(decisions(result).map((decision) => decision.result)).toStrictEqual([RemediationResult.tooYoung]);
    expect(kube.evictions()).toStrictEqual([]);
  }, 60_000);

  test('acts on no pod when the address matches none, or more than one', async () => {
    const job = 'rem-nopod';
    await establish(job);
    await loseRoute(1);
    kube.pods = standardPods().filter((pod) => pod.name !== POD_NAMES[1]);
    const none = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });
    kube.pods = [
      ...standardPods(),
      { name: 'traefik-twin', namespace: NAMESPACE, labels: { ...SELECTOR }, podIP: REPLICA_ADDRESSES[1], startTime: anHourAgo() },
    ];
    const two = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1' });

    for (const result of [none, two])
      expect(decisions(result).map((decision) => [decision.pod, decision.result])).toStrictEqual([['?', RemediationResult.noPod]]);
    expect(none.stderr).toContain('0 running pods');
    expect(two.stderr).toContain('2 running pods');
    expect(kube.evictions()).toStrictEqual([]);
  }, 60_000);

  test('with the API server down or silent the push still happens, within the deadline', async () => {
    const job = 'rem-api-down';
    await establish(job);
    await loseRoute(1);
    const closed = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1', PROBE_KUBE_API_URL: `https://127.0.0.1:${await freePort()}` });
    expect(decisions(closed).map((decision) => decision.result)).toStrictEqual([RemediationResult.failed]);
    expect(closed.stderr).toMatch(/remediation replica 127\.0\.0\.3: failed: GET .*ECONNREFUSED/);
    expect(series(await runGroup(job), ProbeMetric.remediation)[0]?.labels.result).toBe(RemediationResult.failed);

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
    expect(silent.stderr).toMatch(/failed: GET .*no answer within 1s/);
    // Checks + one API timeout + the push: well inside deadline + push timeout.
    expect(silent.wallMs).toBeLessThan(4000 + 1000 + 1000);
    expect(series(await runGroup(job), ProbeMetric.tokenStatus)[0]?.value).toBe(404);
  }, 60_000);

  test('counts against the run deadline: with none left it does nothing and the push still happens', async () => {
    const job = 'rem-deadline';
    await establish(job);
    await loseRoute(1);
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
    expect(decisions(result).map((decision) => decision.result)).toStrictEqual([RemediationResult.stateUnavailable]);
    expect(result.stderr).toContain('run deadline reached');
    // Deadline, then the push: no request timeout added by remediation.
    expect(result.wallMs).toBeLessThan(3000 + 1500);
    expect(kube.calls).toStrictEqual([]);
    expect(series(await runGroup(job), ProbeMetric.remediation)[0]?.labels.result).toBe(RemediationResult.stateUnavailable);
  }, 60_000);

  test('trusts only the cluster CA: a server with another certificate never sees the token', async () => {
    const job = 'rem-ca';
    await establish(job);
    await loseRoute(1);
    const result = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1', PROBE_KUBE_CA_FILE: fx.edge.options.cert.certPath });
    expect(decisions(result).map((decision) => decision.result)).toStrictEqual([RemediationResult.failed]);
    expect(result.stderr).toMatch(/certificate|self.signed|unable to verify/i);
    expect(kube.calls).toStrictEqual([]);
  }, 60_000);

  test('does nothing, and says so, when its state cannot be read back from the Pushgateway', async () => {
    const job = 'rem-state';
    await establish(job);
    await loseRoute(1);
    // A front for the real Pushgateway that takes pushes but fails reads.
    const front = http.createServer((request, response) => {
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
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    try {
      const port = (front.address() as { port: number }).port;
      const result = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1', PROBE_PUSHGATEWAY_URL: `http://127.0.0.1:${port}` });
      expect(decisions(result).map((decision) => decision.result)).toStrictEqual([RemediationResult.stateUnavailable]);
      expect(result.stderr).toContain('state not readable, nothing done: GET /api/v1/metrics: status 503');
      expect(kube.calls).toStrictEqual([]);
      expect(series(await runGroup(job), ProbeMetric.remediation)[0]?.labels.result).toBe(RemediationResult.stateUnavailable);
    } finally {
      await new Promise<void>((resolve) => front.close(() => resolve()));
    }
  }, 60_000);

  test('a wrong token is a failed call (401), reported without the token', async () => {
    const job = 'rem-401';
    await establish(job);
    await loseRoute(1);
    const result = await run(job, { PROBE_REMEDIATE_AFTER_RUNS: '1', PROBE_KUBE_TOKEN_FILE: wrongTokenFile });
    expect(decisions(result).map((decision) => decision.result)).toStrictEqual([RemediationResult.failed]);
    expect(result.stderr).toContain('status 401');
    expect(kube.calls.map((call) => call.authorized)).toStrictEqual([false]);
  }, 60_000);

  test('off by default: no API call and no remediation series', async () => {
    const job = 'rem-off';
    await loseRoute(1);
    const result = await run(job, { PROBE_REMEDIATE: '', PROBE_REMEDIATE_AFTER_RUNS: '1' });
    expect(decisions(result)).toStrictEqual([]);
    expect(kube.calls).toStrictEqual([]);
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
    kube.onEvict = async (pod) => {
      // What the ReplicaSet does after an eviction: a new pod with a full routing table (here on the same address).
      const index = POD_NAMES.indexOf(pod.name);
      kube.pods = kube.pods.map((candidate) =>
        candidate.name === pod.name ? { ...candidate, name: `${pod.name}-new`, startTime: new Date().toISOString() } : candidate,
      );
      await fx.replicas[index].restart({ terminalRoute: true, routers: 119 });
    };
    const timeline: Array<[number, string, string]> = [];
    const schedule = async (runs: number) => {
      for (let i = 0; i < runs; i += 1) {
        const started = Date.now();
        const result = await run(job);
        timeline.push([
          timeline.length,
          okOf(result) ?? '?',
          decisions(result)
            .map((decision) => decision.result)
            .join(',') || '-',
        ]);
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
    expect(kube.evictions().map((call) => call.path)).toStrictEqual([`/api/v1/namespaces/${NAMESPACE}/pods/${POD_NAMES[1]}/eviction`]);
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
    for (const text of [...outputs, pushed]) expect(text).not.toContain('s3cret');
  });
});
