/**
 * The probe script (lib/probe-script.mjs, the bytes the ConfigMap carries) against real programs on
 * 127.0.0.0/8: Pushgateway, dnsmasq, nginx as three Traefik replicas and as the edge, a ttyd stand-in.
 * Each test runs the script as a process and reads back what it pushed.
 */
import { DEFAULT_PROBE_JOB, ProbeCheck, ProbeLabel, ProbeMetric, PushgatewayMetric, SUCCESS_GROUP_KIND } from '../lib/metrics';
import type { PushedGroup } from './support/daemons';
import { EMPTY_NAME, ProbeFixtures, ProbeRun, REPLICA_ADDRESSES, runProbe, startProbeFixtures } from './support/fixtures';
import { freePort } from './support/processes';

let fx: ProbeFixtures;

beforeAll(async () => {
  fx = await startProbeFixtures();
}, 30_000);

afterAll(async () => {
  await fx?.stop();
});

/** The first value of `metric` in `group` whose labels include `labels`. */
function valueOf(group: PushedGroup | undefined, metric: string, labels: Record<string, string> = {}): number | undefined {
  const samples = group?.metrics.get(metric) ?? [];
  const match = samples.find((sample) => Object.entries(labels).every(([name, value]) => sample.labels[name] === value));
  return match?.value;
}

/** The fields of the `probe: token=... ok=...` summary line. */
function summaryOf(run: ProbeRun): Record<string, string> {
  const line = run.stdout.split('\n').find((candidate) => candidate.startsWith('probe: token='));
  if (line === undefined) throw new Error(`no summary line in:\n${run.stdout}\n${run.stderr}`);
  return Object.fromEntries(line.slice('probe: '.length).split(' ').map((field) => field.split('=') as [string, string]));
}

function runGroup(job: string): Promise<PushedGroup | undefined> {
  return fx.pushgateway.group({ job });
}

function successGroup(job: string): Promise<PushedGroup | undefined> {
  return fx.pushgateway.group({ job, [ProbeLabel.kind]: SUCCESS_GROUP_KIND });
}

function lastSuccess(group: PushedGroup | undefined): number | undefined {
  return valueOf(group, ProbeMetric.lastSuccessTimestamp);
}

describe('probe script', () => {
  test('reports a healthy stack with ok=1, every promised gauge and no frame sent to ttyd', async () => {
    const handshakesBefore = fx.ttyd.handshakes;
    const startedAt = Date.now() / 1000;
    const run = await runProbe(fx.env('healthy'));
    const finishedAt = Date.now() / 1000;

    expect(run.code).toBe(0);
    expect(summaryOf(run)).toMatchObject({ token: '302', ws: '302', ttyd: '200', ok: '1', ttyd_ws: '101', replicas: '3' });
    expect(run.stdout.split('\n').filter((line) => line.startsWith('probe: replica='))).toStrictEqual(
      REPLICA_ADDRESSES.map((address) => `probe: replica=${address} token=302 ws=302 routers=119 ok=1`),
    );

    const group = await runGroup('healthy');
    expect(valueOf(group, ProbeMetric.tokenStatus)).toBe(302);
    expect(valueOf(group, ProbeMetric.wsStatus)).toBe(302);
    expect(valueOf(group, ProbeMetric.ttydStatus)).toBe(200);
    expect(valueOf(group, ProbeMetric.ttydWsStatus)).toBe(101);
    expect(valueOf(group, ProbeMetric.replicas)).toBe(3);
    const samples = { [ProbeCheck.edgeToken]: 6, [ProbeCheck.edgeWs]: 6, [ProbeCheck.originToken]: 1, [ProbeCheck.originWs]: 1 };
    for (const [check, count] of Object.entries(samples)) {
      expect(valueOf(group, ProbeMetric.checkSamples, { check })).toBe(count);
      expect(valueOf(group, ProbeMetric.checkFailures, { check })).toBe(0);
    }
    for (const replica of REPLICA_ADDRESSES) {
      expect(valueOf(group, ProbeMetric.replicaStatus, { replica, check: ProbeCheck.edgeToken })).toBe(302);
      expect(valueOf(group, ProbeMetric.replicaStatus, { replica, check: ProbeCheck.edgeWs })).toBe(302);
      expect(valueOf(group, ProbeMetric.replicaRouters, { replica })).toBe(119);
    }
    const duration = valueOf(group, ProbeMetric.durationSeconds) ?? NaN;
    expect(duration).toBeGreaterThan(0);
    expect(duration).toBeLessThan(finishedAt - startedAt);

    const success = await successGroup('healthy');
    expect(lastSuccess(success)).toBeGreaterThanOrEqual(Math.floor(startedAt));
    expect(lastSuccess(success)).toBeLessThanOrEqual(finishedAt);

    // Every name in lib/metrics.ts is pushed, and nothing else: a rename on one side fails here.
    const pushed = new Set([...(group?.metrics.keys() ?? []), ...(success?.metrics.keys() ?? [])]);
    const own = new Set<string>(Object.values(PushgatewayMetric));
    expect([...pushed].filter((name) => !own.has(name)).sort()).toStrictEqual(Object.values(ProbeMetric).sort());
    const checks = new Set(group?.metrics.get(ProbeMetric.checkSamples)?.map((sample) => sample.labels[ProbeLabel.check]));
    expect([...checks].sort()).toStrictEqual(Object.values(ProbeCheck).sort());

    // The handshake reached ttyd and nothing followed it: no session could have started.
    expect(fx.ttyd.handshakes).toBe(handshakesBefore + 1);
    expect(fx.ttyd.bytesAfterHandshake).toBe(0);
  });

  test('names the replica without the terminal route and leaves the last success time where it was', async () => {
    const job = 'bad-replica';
    expect((await runProbe(fx.env(job))).code).toBe(0);
    const before = lastSuccess(await successGroup(job));
    expect(before).toBeDefined();

    const bad = fx.replicas[1];
    await bad.restart({ terminalRoute: false, routers: 118 });
    try {
      const run = await runProbe(fx.env(job));
      expect(run.code).toBe(0);
      expect(summaryOf(run)).toMatchObject({ token: '404', ws: '404', ttyd: '200', ok: '0' });
      expect(run.stdout).toContain(`probe: replica=${bad.options.address} token=404 ws=404 routers=118 ok=0`);

      const group = await runGroup(job);
      for (const replica of REPLICA_ADDRESSES) {
        const want = replica === bad.options.address ? 404 : 302;
        expect(valueOf(group, ProbeMetric.replicaStatus, { replica, check: ProbeCheck.edgeToken })).toBe(want);
        expect(valueOf(group, ProbeMetric.replicaStatus, { replica, check: ProbeCheck.edgeWs })).toBe(want);
      }
      // Six samples per check, alternating, round-robin over three replicas: two of each hit the bad one.
      expect(valueOf(group, ProbeMetric.checkFailures, { check: ProbeCheck.edgeToken })).toBe(2);
      expect(valueOf(group, ProbeMetric.checkFailures, { check: ProbeCheck.edgeWs })).toBe(2);
      expect(valueOf(group, ProbeMetric.tokenStatus)).toBe(404);
      expect(lastSuccess(await successGroup(job))).toBe(before);
    } finally {
      await fx.healReplicas();
    }
  });

  test('reports ttyd down as status 0 and fails the run', async () => {
    const closedPort = await freePort();
    const run = await runProbe(fx.env('ttyd-down', { PROBE_ORIGIN_URL: `http://ttyd.test:${closedPort}` }));

    expect(run.code).toBe(0);
    expect(summaryOf(run)).toMatchObject({ token: '302', ws: '302', ttyd: '0', ttyd_ws: '0', ok: '0' });
    expect(run.stderr).toMatch(/origin_token: 1\/1 failed, first: .*ECONNREFUSED/);
    const group = await runGroup('ttyd-down');
    expect(valueOf(group, ProbeMetric.ttydStatus)).toBe(0);
    expect(valueOf(group, ProbeMetric.ttydWsStatus)).toBe(0);
    expect(valueOf(group, ProbeMetric.checkFailures, { check: ProbeCheck.originToken })).toBe(1);
    expect(valueOf(group, ProbeMetric.checkFailures, { check: ProbeCheck.originWs })).toBe(1);
    expect(await successGroup('ttyd-down')).toBeUndefined();
  });

  test('reports refused WebSocket upgrades while plain HTTP is fine', async () => {
    await fx.edge.restart({ refuseUpgrades: true });
    fx.ttyd.refuseUpgrades = true;
    try {
      const run = await runProbe(fx.env('ws-refused'));
      expect(run.code).toBe(0);
      expect(summaryOf(run)).toMatchObject({ token: '302', ws: '400', ttyd: '200', ttyd_ws: '403', ok: '0' });

      const group = await runGroup('ws-refused');
      expect(valueOf(group, ProbeMetric.checkFailures, { check: ProbeCheck.edgeToken })).toBe(0);
      expect(valueOf(group, ProbeMetric.checkFailures, { check: ProbeCheck.edgeWs })).toBe(6);
      expect(valueOf(group, ProbeMetric.checkFailures, { check: ProbeCheck.originWs })).toBe(1);
      // The replicas themselves still answer upgrades with the auth redirect: the fault is in front of them.
      expect(valueOf(group, ProbeMetric.replicaStatus, { replica: REPLICA_ADDRESSES[0], check: ProbeCheck.edgeWs })).toBe(302);
    } finally {
      fx.ttyd.refuseUpgrades = false;
      await fx.edge.restart({ refuseUpgrades: false });
    }
  });

  test('ends a run against an edge that never answers by the deadline and still pushes', async () => {
    const run = await runProbe(
      fx.env('black-hole', { PROBE_EDGE_URL: fx.blackHoleUrl, PROBE_TIMEOUT_SECONDS: '1', PROBE_DEADLINE_SECONDS: '3' }),
      { killAfterMs: 10_000 },
    );

    expect(run.code).toBe(0);
    expect(run.wallMs).toBeGreaterThanOrEqual(2900);
    expect(run.wallMs).toBeLessThan(3000 + 2000);
    expect(summaryOf(run)).toMatchObject({ token: '0', ws: '0', ttyd: '200', ok: '0' });
    const group = await runGroup('black-hole');
    expect(valueOf(group, ProbeMetric.tokenStatus)).toBe(0);
    expect(valueOf(group, ProbeMetric.wsStatus)).toBe(0);
    expect(valueOf(group, ProbeMetric.checkFailures, { check: ProbeCheck.edgeToken })).toBe(6);
    expect(valueOf(group, ProbeMetric.checkFailures, { check: ProbeCheck.edgeWs })).toBe(6);
    expect(valueOf(group, ProbeMetric.durationSeconds)).toBeGreaterThanOrEqual(2.9);
  });

  test('exits 1 quickly when the Pushgateway is down', async () => {
    const closedPort = await freePort();
    const run = await runProbe(fx.env('pgw-down', { PROBE_PUSHGATEWAY_URL: `http://pushgateway.test:${closedPort}` }));

    expect(run.code).toBe(1);
    expect(run.wallMs).toBeLessThan(2000);
    expect(run.stderr).toMatch(/push failed: PUT \/metrics\/job\/pgw-down: .*ECONNREFUSED/);
  });

  test('exits 1 within the request timeout when the Pushgateway never answers', async () => {
    const run = await runProbe(
      fx.env('pgw-black-hole', { PROBE_PUSHGATEWAY_URL: `http://127.0.0.1:${fx.blackHole.port}`, PROBE_TIMEOUT_SECONDS: '1' }),
      { killAfterMs: 10_000 },
    );

    expect(run.code).toBe(1);
    expect(run.wallMs).toBeLessThan(3000);
    expect(run.stderr).toMatch(/push failed: .*no answer within 1s/);
  });

  test('exits 1 when the Pushgateway rejects the push', async () => {
    const run = await runProbe(fx.env('pgw-404', { PROBE_PUSHGATEWAY_URL: `${fx.pushgatewayUrl}/not-here` }));

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/push failed: .*status 404/);
  });

  test('fails the run and says so when the replica name resolves to nothing', async () => {
    const run = await runProbe(fx.env('no-replicas', { PROBE_REPLICAS: EMPTY_NAME }));

    expect(run.code).toBe(0);
    expect(summaryOf(run)).toMatchObject({ token: '302', ws: '302', ok: '0', replicas: '0' });
    expect(run.stderr).toContain(`"${EMPTY_NAME}" resolved to no address`);
    const group = await runGroup('no-replicas');
    expect(valueOf(group, ProbeMetric.replicas)).toBe(0);
    expect(group?.metrics.has(ProbeMetric.replicaStatus)).toBe(false);
    expect(await successGroup('no-replicas')).toBeUndefined();
  });

  test('counts every router of each replica, following the API pages', async () => {
    await fx.healReplicas([6, 119, 201]);
    try {
      const run = await runProbe(fx.env('inventory'));
      expect(run.code).toBe(0);
      expect(summaryOf(run).ok).toBe('1');
      const group = await runGroup('inventory');
      const routers = REPLICA_ADDRESSES.map((replica) => valueOf(group, ProbeMetric.replicaRouters, { replica }));
      expect(routers).toStrictEqual([6, 119, 201]);
    } finally {
      await fx.healReplicas();
    }
  });

  test('pushes to the default job when PROBE_JOB is unset', async () => {
    const run = await runProbe(fx.env('', { PROBE_ROUTER_INVENTORY: '0', PROBE_REPLICAS: '' }));

    expect(run.code).toBe(0);
    const group = await runGroup(DEFAULT_PROBE_JOB);
    expect(valueOf(group, ProbeMetric.tokenStatus)).toBe(302);
    // Without PROBE_REPLICAS there is no replica count to report (0 would read as "resolved nothing").
    expect(group?.metrics.has(ProbeMetric.replicas)).toBe(false);
  });

  test('never prints URL credentials or query tokens', async () => {
    const secretPgw = fx.pushgatewayUrl.replace('http://', 'http://probe:pgw-s3cret@');
    const healthy = await runProbe(fx.env('secrets', { PROBE_PUSHGATEWAY_URL: secretPgw, PROBE_EDGE_URL: `${fx.edgeUrl}/?token=edge-s3cret` }));
    const broken = await runProbe(fx.env('secrets', { PROBE_PUSHGATEWAY_URL: 'ftp://probe:pgw-s3cret@host/?token=q-s3cret' }));

    expect(healthy.code).toBe(0);
    expect(broken.code).toBe(2);
    for (const output of [healthy.stdout, healthy.stderr, broken.stdout, broken.stderr]) expect(output).not.toMatch(/s3cret/);
  });

  const badVariables: Array<{ variable: string; env: Record<string, string> }> = [
    { variable: 'PROBE_EDGE_URL', env: { PROBE_EDGE_URL: '' } },
    { variable: 'PROBE_EDGE_URL', env: { PROBE_EDGE_URL: 'terminal.example.com' } },
    { variable: 'PROBE_ORIGIN_URL', env: { PROBE_ORIGIN_URL: 'ftp://ttyd.test' } },
    { variable: 'PROBE_PUSHGATEWAY_URL', env: { PROBE_PUSHGATEWAY_URL: 'http://' } },
    { variable: 'PROBE_JOB', env: { PROBE_JOB: 'a/b' } },
    { variable: 'PROBE_SAMPLES', env: { PROBE_SAMPLES: '0' } },
    { variable: 'PROBE_SAMPLES', env: { PROBE_SAMPLES: '2.5' } },
    { variable: 'PROBE_SAMPLES', env: { PROBE_SAMPLES: 'six' } },
    { variable: 'PROBE_REPLICA_PORT', env: { PROBE_REPLICA_PORT: '70000' } },
    { variable: 'PROBE_REPLICA_PORT', env: { PROBE_REPLICA_PORT: '0' } },
    { variable: 'PROBE_TIMEOUT_SECONDS', env: { PROBE_TIMEOUT_SECONDS: '0' } },
    { variable: 'PROBE_DEADLINE_SECONDS', env: { PROBE_DEADLINE_SECONDS: '-1' } },
    { variable: 'PROBE_DEADLINE_SECONDS', env: { PROBE_DEADLINE_SECONDS: '0' } },
    { variable: 'PROBE_TIMEOUT_SECONDS', env: { PROBE_TIMEOUT_SECONDS: '30', PROBE_DEADLINE_SECONDS: '10' } },
    { variable: 'PROBE_INSECURE_TLS', env: { PROBE_INSECURE_TLS: 'yes' } },
    { variable: 'PROBE_AUTH_HEADER', env: { PROBE_AUTH_HEADER: 'X bad' } },
    { variable: 'PROBE_REPLICAS', env: { PROBE_REPLICAS: '127.0.0.2,traefik-replicas.test' } },
    { variable: 'PROBE_DNS_SERVERS', env: { PROBE_DNS_SERVERS: '127.0.0.1:99999' } },
    { variable: 'PROBE_DNS_SERVERS', env: { PROBE_DNS_SERVERS: 'dns.example' } },
    { variable: 'PROBE_ROUTER_INVENTORY', env: { PROBE_ROUTER_INVENTORY: '2' } },
    { variable: 'PROBE_ROUTER_INVENTORY', env: { PROBE_ROUTER_INVENTORY: '1', PROBE_REPLICAS: '' } },
    { variable: 'PROBE_TRAEFIK_API_PORT', env: { PROBE_TRAEFIK_API_PORT: '0' } },
    { variable: 'PROBE_MIRROR_EDGE_URL', env: { PROBE_MIRROR_EDGE_URL: 'ftp://terminal-ro.example.test' } },
  ];

  test.each(badVariables)('exits 2 naming $variable for $env', async ({ variable, env }) => {
    const job = `bad-config-${variable.toLowerCase()}`;
    const run = await runProbe(fx.env(job, env));

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^probe: bad configuration: ${variable}[ =]`));
    expect(run.stdout).toBe('');
    expect(await runGroup(job)).toBeUndefined();
  });
});

describe('probe script, read-only mirror (PROBE_MIRROR_EDGE_URL)', () => {
  /** The mirror's check series: those with a `host` label. */
  function mirrorSeries(group: PushedGroup | undefined, metric: string): Record<string, number> {
    const samples = (group?.metrics.get(metric) ?? []).filter((sample) => sample.labels[ProbeLabel.host] !== undefined);
    return Object.fromEntries(samples.map((sample) => [`${sample.labels[ProbeLabel.check]}@${sample.labels[ProbeLabel.host]}`, sample.value]));
  }

  test('checks the mirror in the same run; its series carry a host label and the main ones are unchanged', async () => {
    // The mirror answered by the same edge and replicas under the same host name: healthy.
    const job = 'mirror-healthy';
    const run = await runProbe(fx.env(job, { PROBE_MIRROR_EDGE_URL: fx.edgeUrl }));
    expect(run.code).toBe(0);
    expect(summaryOf(run)).toMatchObject({ ok: '1', edge_failures: '0/12', mirror_failures: '0/12' });
    const group = await runGroup(job);
    const host = new URL(fx.edgeUrl).hostname;
    expect(mirrorSeries(group, ProbeMetric.checkSamples)).toStrictEqual({ [`edge_token@${host}`]: 6, [`edge_ws@${host}`]: 6 });
    expect(mirrorSeries(group, ProbeMetric.checkFailures)).toStrictEqual({ [`edge_token@${host}`]: 0, [`edge_ws@${host}`]: 0 });
    expect(valueOf(group, ProbeMetric.checkSamples, { check: ProbeCheck.edgeToken })).toBe(6);
    expect(await successGroup(job)).toBeDefined();
  });

  test('a mirror host the replicas do not route fails the run, named by its host', async () => {
    // 127.0.0.1 reaches the same edge, but no replica has a router for that host: 404 on every sample.
    const job = 'mirror-unrouted';
    const mirrorUrl = fx.edgeUrl.replace(new URL(fx.edgeUrl).hostname, '127.0.0.1');
    const run = await runProbe(fx.env(job, { PROBE_MIRROR_EDGE_URL: mirrorUrl }));
    expect(run.code).toBe(0);
    expect(summaryOf(run)).toMatchObject({ token: '302', ws: '302', ok: '0', edge_failures: '0/12', mirror_failures: '12/12' });
    expect(run.stderr).toContain('probe: mirror edge_token: 6/6 failed');
    const group = await runGroup(job);
    expect(mirrorSeries(group, ProbeMetric.checkFailures)).toStrictEqual({ 'edge_token@127.0.0.1': 6, 'edge_ws@127.0.0.1': 6 });
    expect(valueOf(group, ProbeMetric.checkFailures, { check: ProbeCheck.edgeToken })).toBe(0);
    expect(await successGroup(job)).toBeUndefined();
  });
});
