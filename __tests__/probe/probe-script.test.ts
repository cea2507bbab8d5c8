/**
 * The probe (lib/probe/, the bytes the ConfigMap carries) against real programs on
 * 127.0.0.0/8: Pushgateway, dnsmasq, nginx as three Traefik replicas and as the edge, a ttyd stand-in.
 * Each test runs the script as a process and reads back what it pushed.
 */
import {
  DEFAULT_PROBE_JOB,
  ProbeCheck,
  ProbeLabel,
  ProbeMetric,
  PushgatewayMetric,
  REMEDIATION_METRICS,
  SUCCESS_GROUP_KIND,
  PROBE_NODE_IMAGE,
} from '../../lib/metrics';
import { execFileSync } from 'node:child_process';
import { tools } from '../support/tools';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import type { PushedGroup } from '../support/daemons';
import {
  EDGE_HOST,
  EMPTY_NAME,
  POD_SEARCH,
  ProbeFixtures,
  ProbeRun,
  REPLICA_ADDRESSES,
  REPLICAS_NAME,
  runProbe,
  startProbeFixtures,
} from '../support/fixtures';
import { BasicAuthProxy, FOREIGN_REDIRECT_HOST } from '../support/nginx';
import { freePort, makeTempDir } from '../support/processes';
import { DnsBlackHole, EndlessRouterApi, TtydStandIn } from '../support/servers';
import { Dnsmasq } from '../support/daemons';
import { mutualTlsFiles } from '../support/tls';
import { PROBE_SCRIPT_FILE, probeFiles } from '../../lib/private/probe-files';

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
  return Object.fromEntries(
    line
      .slice('probe: '.length)
      .split(' ')
      .map((field) => field.split('=') as [string, string]),
  );
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
  test("runs under the Node of the probe's default image, not jest's", () => {
    const version = execFileSync(tools().probeNode.path, ['--version'], { encoding: 'utf8' }).trim();
    expect(PROBE_NODE_IMAGE).toMatch(/^node:\d+\.\d+\.\d+-alpine3\.\d+$/);
    expect(`node:${version.slice(1)}-`).toBe(PROBE_NODE_IMAGE.slice(0, PROBE_NODE_IMAGE.indexOf('-') + 1));
  });

  test('a default run loads only its own modules: without the optional ones (routes, matrix, inventory, remediation) it is healthy', async () => {
    const temp = makeTempDir('probe-default-path');
    try {
      const optional = ['routes.mjs', 'matrix.mjs', 'inventory.mjs', 'json-count.mjs', 'remediation.mjs', 'kube.mjs'];
      const kept = Object.entries(probeFiles()).filter(([file]) => !optional.includes(file));
      expect(kept.length).toBe(Object.keys(probeFiles()).length - optional.length);
      for (const [file, text] of kept) writeFileSync(join(temp.path, file), text);
      const script = join(temp.path, PROBE_SCRIPT_FILE);
      const run = await runProbe({ ...fx.env('default-path'), PROBE_ROUTER_INVENTORY: '0' }, { script });
      expect({ code: run.code, stderr: run.stderr }).toStrictEqual({ code: 0, stderr: '' });
      expect(summaryOf(run)).toMatchObject({ ok: '1', replicas: '3' });
      // and a run that needs a missing part fails on it: the parts are loaded, not merely present
      const withRoutes = await runProbe(
        {
          ...fx.env('default-path'),
          PROBE_ROUTER_INVENTORY: '0',
          PROBE_ROUTES: JSON.stringify([{ name: 'a', host: EDGE_HOST, path: '/a/', expect: 'gated' }]),
        },
        { script },
      );
      expect(withRoutes.code).not.toBe(0);
      expect(withRoutes.stderr).toContain('routes.mjs');
    } finally {
      temp.remove();
    }
  });

  test('reports a healthy stack with ok=1, every promised gauge and no frame sent to ttyd', async () => {
    const handshakesBefore = fx.ttyd.handshakes;
    const startedAt = Date.now() / 1000;
    const run = await runProbe(fx.env('healthy'));
    const finishedAt = Date.now() / 1000;

    expect(run.code).toBe(0);
    expect(summaryOf(run)).toMatchObject({ token: '302', ws: '302', ttyd: '200', ok: '1', ttyd_ws: '101', ttyd_open: '0', replicas: '3' });
    expect(run.stdout.split('\n').filter((line) => line.startsWith('probe: replica='))).toStrictEqual(
      REPLICA_ADDRESSES.map((address) => `probe: replica=${address} token=302 ws=302 routers=119 ok=1`),
    );

    const group = await runGroup('healthy');
    expect(valueOf(group, ProbeMetric.tokenStatus)).toBe(302);
    expect(valueOf(group, ProbeMetric.wsStatus)).toBe(302);
    expect(valueOf(group, ProbeMetric.ttydStatus)).toBe(200);
    expect(valueOf(group, ProbeMetric.ttydWsStatus)).toBe(101);
    expect(valueOf(group, ProbeMetric.replicas)).toBe(3);
    expect(valueOf(group, ProbeMetric.ttydOpen)).toBe(0);
    const samples = {
      [ProbeCheck.edgeToken]: 6,
      [ProbeCheck.edgeWs]: 6,
      [ProbeCheck.originToken]: 1,
      [ProbeCheck.originWs]: 1,
      [ProbeCheck.originOpenToken]: 1,
      [ProbeCheck.originOpenWs]: 1,
    };
    for (const [check, count] of Object.entries(samples)) {
      expect(valueOf(group, ProbeMetric.checkSamples, { check })).toBe(count);
      expect(valueOf(group, ProbeMetric.checkFailures, { check })).toBe(0);
    }
    for (const replica of REPLICA_ADDRESSES) {
      expect(valueOf(group, ProbeMetric.replicaStatus, { replica, check: ProbeCheck.edgeToken })).toBe(302);
      expect(valueOf(group, ProbeMetric.replicaStatus, { replica, check: ProbeCheck.edgeWs })).toBe(302);
      expect(valueOf(group, ProbeMetric.replicaRouters, { replica })).toBe(119);
      expect(valueOf(group, ProbeMetric.replicaOk, { replica })).toBe(1);
      expect(valueOf(group, ProbeMetric.routerInventoryOk, { replica })).toBe(1);
    }
    const duration = valueOf(group, ProbeMetric.durationSeconds) ?? NaN;
    expect(duration).toBeGreaterThan(0);
    expect(duration).toBeLessThan(finishedAt - startedAt);

    const success = await successGroup('healthy');
    expect(lastSuccess(success)).toBeGreaterThanOrEqual(Math.floor(startedAt));
    expect(lastSuccess(success)).toBeLessThanOrEqual(finishedAt);

    // Every metric name in lib/probe/contract.json is pushed, and nothing else: a name the script stops pushing fails here.
    const pushed = new Set([...(group?.metrics.keys() ?? []), ...(success?.metrics.keys() ?? [])]);
    const own = new Set<string>(Object.values(PushgatewayMetric));
    // Remediation's series are pushed only when it is on (remediation.test.ts checks those), the
    // foreign-router series only with the stack's router names (cluster/routing.test.ts, against real Traefik),
    // the route matrix's only with routes or the stack's router names (route-matrix.test.ts).
    const foreign: readonly string[] = [
      ProbeMetric.foreignRouters,
      ProbeMetric.foreignRouter,
      ProbeMetric.routeOk,
      ProbeMetric.routeReplicas,
      ProbeMetric.routeFailingReplicas,
      ProbeMetric.replicaMissingRouter,
      ProbeMetric.routerMissingEverywhere,
    ];
    const expected = Object.values(ProbeMetric).filter((name) => !REMEDIATION_METRICS.includes(name) && !foreign.includes(name));
    expect([...pushed].filter((name) => !own.has(name)).sort()).toStrictEqual(expected.sort());
    const checks = new Set(group?.metrics.get(ProbeMetric.checkSamples)?.map((sample) => sample.labels[ProbeLabel.check]));
    // origin_no_cert runs only with mutual TLS to ttyd (its own test below)
    expect([...checks].sort()).toStrictEqual(
      Object.values(ProbeCheck)
        .filter((check) => check !== ProbeCheck.originNoCert)
        .sort(),
    );

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
      for (const replica of REPLICA_ADDRESSES) {
        expect(valueOf(await runGroup(job), ProbeMetric.replicaOk, { replica })).toBe(replica === bad.options.address ? 0 : 1);
      }

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
    const run = await runProbe(fx.env('black-hole', { PROBE_EDGE_URL: fx.blackHoleUrl, PROBE_TIMEOUT_SECONDS: '1', PROBE_DEADLINE_SECONDS: '3' }), {
      killAfterMs: 10_000,
    });

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
    { variable: 'PROBE_OWN_ROUTERS', env: { PROBE_OWN_ROUTERS: 'terminal-terminal', PROBE_TTYD_ROUTERS: 'terminal-terminal' } },
    { variable: 'PROBE_OWN_ROUTERS', env: { PROBE_OWN_ROUTERS: 'a@kubernetes' } },
    { variable: 'PROBE_OWN_ROUTERS', env: { PROBE_OWN_ROUTERS: 'a@kubernetes', PROBE_TTYD_ROUTERS: 'a@kubernetes', PROBE_ROUTER_INVENTORY: '0' } },
    { variable: 'PROBE_TTYD_ROUTERS', env: { PROBE_OWN_ROUTERS: 'a@kubernetes', PROBE_TTYD_ROUTERS: 'b@kubernetes' } },
  ];

  test.each(badVariables)('exits 2 naming $variable for $env', async ({ variable, env }) => {
    const job = `bad-config-${variable.toLowerCase()}`;
    const run = await runProbe(fx.env(job, env));

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^probe: bad configuration: ${variable}[ =]`));
    expect(run.stdout).toBe('');
    expect(await runGroup(job)).toBeUndefined();
  });

  test('reports every bad variable at once, one line each, and pushes nothing', async () => {
    const run = await runProbe(
      fx.env('bad-config-many', { PROBE_SAMPLES: 'six', PROBE_JOB: 'a/b', PROBE_ORIGIN_URL: 'ftp://ttyd.test', PROBE_TRAEFIK_API_PORT: '0' }),
    );
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines.map((line) => /^probe: bad configuration: (PROBE_[A-Z_]+)/.exec(line)?.[1]).sort()).toStrictEqual(
      ['PROBE_JOB', 'PROBE_ORIGIN_URL', 'PROBE_SAMPLES', 'PROBE_TRAEFIK_API_PORT'].sort(),
    );
    expect(await runGroup('bad-config-many')).toBeUndefined();
  });

  test('reports a bad remediation setting and a bad mirror URL with the others', async () => {
    const run = await runProbe(fx.env('bad-config-sections', { PROBE_SAMPLES: '0', PROBE_REMEDIATE: 'yes', PROBE_MIRROR_EDGE_URL: 'ftp://ro.test' }));
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines.map((line) => /^probe: bad configuration: (PROBE_[A-Z_]+)/.exec(line)?.[1]).sort()).toStrictEqual(
      ['PROBE_MIRROR_EDGE_URL', 'PROBE_REMEDIATE', 'PROBE_SAMPLES'].sort(),
    );
  });

  test.each<{ variable: string; env: Record<string, string> }>([
    { variable: 'PROBE_AUTHENTIK_HOST', env: { PROBE_AUTHENTIK_HOST: 'https://auth.example.test' } },
    { variable: 'PROBE_PUSHGATEWAY_PASSWORD', env: { PROBE_PUSHGATEWAY_USERNAME: 'probe' } },
    {
      variable: 'PROBE_PUSHGATEWAY_URL',
      env: { PROBE_PUSHGATEWAY_URL: 'http://a:b@pushgateway.test', PROBE_PUSHGATEWAY_USERNAME: 'probe', PROBE_PUSHGATEWAY_PASSWORD: 'x' },
    },
    { variable: 'PROBE_ORIGIN_CLIENT_CERT_FILE', env: { PROBE_ORIGIN_CLIENT_CERT_FILE: '/nonexistent/tls.crt' } },
    { variable: 'PROBE_ORIGIN_CLIENT_CERT_FILE', env: { PROBE_ORIGIN_CLIENT_CERT_FILE: '/dev/null', PROBE_ORIGIN_CLIENT_KEY_FILE: '/dev/null' } },
  ])('exits 2 naming $variable for the new variables ($env)', async ({ variable, env }) => {
    const run = await runProbe(fx.env('bad-config-new', env));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^probe: bad configuration: .*${variable}`));
  });
});

describe('probe script: redirects judged by where they lead', () => {
  test.each([
    { wrongRedirect: 'host' as const, reason: `to host "${FOREIGN_REDIRECT_HOST}"` },
    { wrongRedirect: 'query' as const, reason: 'to path "/"' },
    { wrongRedirect: 'http' as const, reason: 'to scheme "http:"' },
    { wrongRedirect: 'port' as const, reason: 'to port 8443' },
    { wrongRedirect: 'ftp' as const, reason: 'to scheme "ftp:"' },
    { wrongRedirect: 'javascript' as const, reason: 'to scheme "javascript:"' },
  ])('a replica redirecting elsewhere ($wrongRedirect) fails with the reason, its status still a 302', async ({ wrongRedirect, reason }) => {
    const job = `wrong-redirect-${wrongRedirect}`;
    const bad = fx.replicas[2];
    await bad.restart({ terminalRoute: true, routers: 119, wrongRedirect });
    try {
      const run = await runProbe(fx.env(job));
      expect(run.code).toBe(0);
      expect(summaryOf(run)).toMatchObject({ token: '302', ws: '302', ok: '0' });
      expect(run.stdout).toContain(`probe: replica=${bad.options.address} token=302 ws=302 routers=119 ok=0`);
      expect(run.stderr).toContain(
        `probe: replica ${bad.options.address} edge_token: status 302 ${reason}, want a 3xx to /outpost.goauthentik.io/ on ${EDGE_HOST}`,
      );
      const group = await runGroup(job);
      for (const replica of REPLICA_ADDRESSES) {
        expect(valueOf(group, ProbeMetric.replicaStatus, { replica, check: ProbeCheck.edgeToken })).toBe(302);
        expect(valueOf(group, ProbeMetric.replicaOk, { replica })).toBe(replica === bad.options.address ? 0 : 1);
      }
      // Round robin over three replicas: two of the six edge samples of each check hit the bad one.
      expect(valueOf(group, ProbeMetric.checkFailures, { check: ProbeCheck.edgeToken })).toBe(2);
      expect(await successGroup(job)).toBeUndefined();
    } finally {
      await bad.restart({ terminalRoute: true, routers: 119 });
    }
  });

  test('a redirect to the configured Authentik host is healthy', async () => {
    const bad = fx.replicas[2];
    await bad.restart({ terminalRoute: true, routers: 119, wrongRedirect: 'host' });
    try {
      const run = await runProbe(fx.env('authentik-host', { PROBE_AUTHENTIK_HOST: FOREIGN_REDIRECT_HOST }));
      expect(summaryOf(run)).toMatchObject({ ok: '1' });
      expect(valueOf(await runGroup('authentik-host'), ProbeMetric.replicaOk, { replica: bad.options.address })).toBe(1);
    } finally {
      await bad.restart({ terminalRoute: true, routers: 119 });
    }
  });
});

describe('probe script: the boundary of ttyd', () => {
  test('the stand-in closes an upgrade without the header with no HTTP answer, as ttyd does', async () => {
    const received = await new Promise<{ bytes: number; ms: number }>((resolve) => {
      const started = Date.now();
      const socket = net.connect({ host: '127.0.0.1', port: fx.ttyd.port });
      let bytes = 0;
      socket.on('data', (chunk) => (bytes += chunk.length));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve({ bytes, ms: Date.now() - started }));
      socket.write(
        'GET /ws HTTP/1.1\r\nHost: ttyd\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: tty\r\n\r\n',
      );
    });
    expect(received.bytes).toBe(0);
    expect(received.ms).toBeLessThan(2000);
  });

  test('a ttyd without header auth makes the run unhealthy and ttyd_open 1, without sending a frame', async () => {
    const framesBefore = fx.ttyd.bytesAfterHandshake;
    fx.ttyd.openMode = true;
    try {
      const run = await runProbe(fx.env('ttyd-open'));
      expect(run.code).toBe(0);
      expect(summaryOf(run)).toMatchObject({ ttyd: '200', ttyd_ws: '101', ttyd_open: '1', ok: '0' });
      expect(run.stderr).toContain('origin_open_token: 1/1 failed, first: GET /token without the auth header got 200');
      expect(run.stderr).toContain('origin_open_ws: 1/1 failed, first: WebSocket upgrade without the auth header got 101');
      const group = await runGroup('ttyd-open');
      expect(valueOf(group, ProbeMetric.ttydOpen)).toBe(1);
      expect(valueOf(group, ProbeMetric.checkFailures, { check: ProbeCheck.originOpenToken })).toBe(1);
      expect(valueOf(group, ProbeMetric.checkFailures, { check: ProbeCheck.originOpenWs })).toBe(1);
      expect(await successGroup('ttyd-open')).toBeUndefined();
      expect(fx.ttyd.bytesAfterHandshake).toBe(framesBefore);
    } finally {
      fx.ttyd.openMode = false;
    }
  });

  test('mutual TLS to an https origin: healthy with the client certificate, refused without', async () => {
    const temp = makeTempDir('probe-mtls');
    const files = mutualTlsFiles(temp.path, 'ttyd.test');
    const { readFileSync } = await import('node:fs');
    const ttyd = new TtydStandIn(await freePort(), 'X-authentik-username', {
      cert: readFileSync(files.server.certPath),
      key: readFileSync(files.server.keyPath),
      ca: readFileSync(files.caPath),
      requestCert: true,
      rejectUnauthorized: true,
    });
    await ttyd.start();
    try {
      const origin = {
        PROBE_ORIGIN_URL: `https://ttyd.test:${ttyd.port}`,
        PROBE_INSECURE_TLS: '0',
        PROBE_EDGE_URL: fx.edgeUrl,
        PROBE_REPLICAS: '',
        PROBE_ROUTER_INVENTORY: '0',
      };
      // The edge's certificate is self-signed; only the origin checks matter here.
      const withCert = await runProbe(
        fx.env('mtls', {
          ...origin,
          PROBE_ORIGIN_CLIENT_CERT_FILE: files.client.certPath,
          PROBE_ORIGIN_CLIENT_KEY_FILE: files.client.keyPath,
          PROBE_ORIGIN_CA_FILE: files.caPath,
        }),
      );
      expect(summaryOf(withCert)).toMatchObject({ ttyd: '200', ttyd_ws: '101', ttyd_open: '0' });
      expect(withCert.stderr).not.toMatch(/origin_/);

      const withoutCert = await runProbe(fx.env('mtls-none', { ...origin, PROBE_INSECURE_TLS: '1' }));
      expect(summaryOf(withoutCert)).toMatchObject({ ttyd: '0', ttyd_ws: '0', ttyd_open: '0', ok: '0' });
      expect(withoutCert.stderr).toMatch(/origin_token: 1\/1 failed/);
    } finally {
      await ttyd.stop();
      temp.remove();
    }
  });
});

describe('probe script: mutual TLS kept', () => {
  test('a ttyd that stops requiring the client certificate is an open boundary (origin_no_cert), not health', async () => {
    const temp = makeTempDir('probe-mtls-lax');
    const files = mutualTlsFiles(temp.path, 'ttyd.test');
    const { readFileSync } = await import('node:fs');
    const tls = { cert: readFileSync(files.server.certPath), key: readFileSync(files.server.keyPath), ca: readFileSync(files.caPath) };
    const strictTtyd = new TtydStandIn(await freePort(), 'X-authentik-username', { ...tls, requestCert: true, rejectUnauthorized: true });
    const laxTtyd = new TtydStandIn(await freePort(), 'X-authentik-username', { ...tls, requestCert: false });
    await Promise.all([strictTtyd.start(), laxTtyd.start()]);
    try {
      const env = (job: string, port: number) =>
        fx.env(job, {
          PROBE_ORIGIN_URL: `https://ttyd.test:${port}`,
          PROBE_INSECURE_TLS: '0',
          PROBE_REPLICAS: '',
          PROBE_ROUTER_INVENTORY: '0',
          PROBE_ORIGIN_CLIENT_CERT_FILE: files.client.certPath,
          PROBE_ORIGIN_CLIENT_KEY_FILE: files.client.keyPath,
          PROBE_ORIGIN_CA_FILE: files.caPath,
        });
      const strict = await runProbe(env('mtls-strict', strictTtyd.port));
      expect(summaryOf(strict)).toMatchObject({ ttyd: '200', ttyd_open: '0' });
      expect(valueOf(await runGroup('mtls-strict'), ProbeMetric.checkFailures, { check: ProbeCheck.originNoCert })).toBe(0);

      const lax = await runProbe(env('mtls-lax', laxTtyd.port));
      expect(summaryOf(lax)).toMatchObject({ ttyd: '200', ttyd_open: '1', ok: '0' });
      expect(lax.stderr).toContain('origin_no_cert: 1/1 failed, first: GET /token without the client certificate got 200');
      expect(valueOf(await runGroup('mtls-lax'), ProbeMetric.ttydOpen)).toBe(1);
    } finally {
      await Promise.all([strictTtyd.stop(), laxTtyd.stop()]);
      temp.remove();
    }
  });
});

describe('probe script: credentials', () => {
  // nginx's user file ends a password at ':', so the marker carries every other awkward character.
  const MARKER = 'Mk9/#?@%41!pw';
  let proxy: BasicAuthProxy;
  let temp: { path: string; remove: () => void };

  beforeAll(async () => {
    temp = makeTempDir('probe-basic-auth');
    proxy = new BasicAuthProxy(await freePort(), fx.pushgateway.port, temp.path);
    await proxy.start('probe', MARKER);
  });

  afterAll(async () => {
    await proxy?.stop();
    temp?.remove();
  });

  test('pushes with basic auth from PROBE_PUSHGATEWAY_USERNAME/_PASSWORD and never prints the password', async () => {
    const good = await runProbe(
      fx.env('basic-auth', { PROBE_PUSHGATEWAY_URL: proxy.url, PROBE_PUSHGATEWAY_USERNAME: 'probe', PROBE_PUSHGATEWAY_PASSWORD: MARKER }),
    );
    expect(good.code).toBe(0);
    expect(valueOf(await runGroup('basic-auth'), ProbeMetric.tokenStatus)).toBe(302);

    const wrong = await runProbe(
      fx.env('basic-auth-wrong', { PROBE_PUSHGATEWAY_URL: proxy.url, PROBE_PUSHGATEWAY_USERNAME: 'probe', PROBE_PUSHGATEWAY_PASSWORD: `${MARKER}x` }),
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/push failed: .*status 401/);

    const none = await runProbe(fx.env('basic-auth-none', { PROBE_PUSHGATEWAY_URL: proxy.url }));
    expect(none.code).toBe(1);
    for (const run of [good, wrong, none]) {
      expect(`${run.stdout}${run.stderr}`).not.toContain('Mk9');
    }
  });

  test('a Pushgateway that echoes the request in its error body: the probe prints status and a reason of its own, no byte of the body', async () => {
    const echo = http.createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        res.writeHead(400, { 'Content-Type': 'text/plain' }).end(`bad request; you sent: ${JSON.stringify(req.headers)} ECHOED-BODY`),
      );
    });
    const port = await freePort();
    await new Promise<void>((resolve) => echo.listen(port, '127.0.0.1', resolve));
    try {
      const run = await runProbe(
        fx.env('echo', {
          PROBE_PUSHGATEWAY_URL: `http://127.0.0.1:${port}`,
          PROBE_PUSHGATEWAY_USERNAME: 'probe',
          PROBE_PUSHGATEWAY_PASSWORD: MARKER,
        }),
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/push failed: PUT \/metrics\/job\/\S+: status 400 \(the Pushgateway refused the push/);
      const basic = Buffer.from(`probe:${MARKER}`).toString('base64');
      for (const leaked of ['ECHOED-BODY', basic, basic.slice(0, 12), 'Mk9', 'authorization'])
        expect(`${run.stdout}${run.stderr}`).not.toContain(leaked);
    } finally {
      await new Promise<void>((resolve) => echo.close(() => resolve()));
    }
  });

  // Every URL shape a password can take; WHATWG URL ends the authority at the first "/", "?" or "#",
  // so some of these put part of the password in the path, and some do not parse at all.
  const host = 'pushgateway.test:1';
  const shapes = [
    `http://probe:${encodeURIComponent(MARKER)}@${host}`,
    `http://probe:Mk9/x@${host}`,
    `http://probe:Mk9#x@${host}`,
    `http://probe:Mk9?x@${host}`,
    `http://probe:Mk9@x@${host}`,
    `http://probe:Mk9%zz@${host}`,
    `http://probe:Mk9%40x@${host}/`,
    `http://probe:123/Mk9@${host}`,
    `http://probe:Mk9 x@${host}`,
    `ftp://probe:Mk9@${host}`,
  ];
  test.each(shapes)('prints nothing of the password in %s', async (url) => {
    const env = fx.env('shapes', {
      PROBE_PUSHGATEWAY_URL: url,
      PROBE_TIMEOUT_SECONDS: '1',
      PROBE_DEADLINE_SECONDS: '3',
      PROBE_REPLICAS: '',
      PROBE_ROUTER_INVENTORY: '0',
    });
    const asEdge = fx.env('shapes', {
      PROBE_EDGE_URL: url.replace('http://', 'https://'),
      PROBE_TIMEOUT_SECONDS: '1',
      PROBE_DEADLINE_SECONDS: '3',
      PROBE_REPLICAS: '',
      PROBE_ROUTER_INVENTORY: '0',
    });
    const [asPushgateway, asEdgeRun] = await Promise.all([runProbe(env), runProbe(asEdge)]);
    // Nothing listens on port 1: the push cannot succeed (2 = refused at parse, 1 = push failed).
    expect(asPushgateway.code).not.toBe(0);
    for (const run of [asPushgateway, asEdgeRun]) expect(`${run.stdout}${run.stderr}`).not.toContain('Mk9');
  });
});

describe('probe script: name resolution', () => {
  let temp: { path: string; remove: () => void };
  beforeAll(() => {
    temp = makeTempDir('probe-resolv');
  });
  afterAll(() => temp?.remove());

  test('without PROBE_DNS_SERVERS, applies resolv.conf search and ndots: a short Service name resolves', async () => {
    const resolvConf = join(temp.path, 'resolv.conf');
    writeFileSync(resolvConf, `# a pod's resolv.conf\nsearch ${POD_SEARCH.join(' ')}\nnameserver ${fx.dns.server}\noptions ndots:5\n`);
    const run = await runProbe(
      fx.env('short-name', {
        PROBE_DNS_SERVERS: '',
        PROBE_RESOLV_CONF: resolvConf,
        PROBE_PUSHGATEWAY_URL: `http://pushgateway.monitoring:${fx.pushgateway.port}`,
      }),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(summaryOf(run)).toMatchObject({ ok: '1', replicas: '3' });
    expect(valueOf(await runGroup('short-name'), ProbeMetric.replicas)).toBe(3);

    // The same name without the search list does not resolve: the list is what made it work.
    writeFileSync(resolvConf, `nameserver ${fx.dns.server}\n`);
    const bare = await runProbe(
      fx.env('short-name-bare', {
        PROBE_DNS_SERVERS: '',
        PROBE_RESOLV_CONF: resolvConf,
        PROBE_PUSHGATEWAY_URL: `http://pushgateway.monitoring:${fx.pushgateway.port}`,
      }),
    );
    expect(bare.code).toBe(1);
    expect(bare.stderr).toMatch(/push failed: .*(ENOTFOUND|EREFUSED).*pushgateway\.monitoring/);
  });

  test('a black-holed DNS server: the run ends within deadline + timeout and still pushes', async () => {
    const blackHole = new DnsBlackHole(await freePort());
    await blackHole.start();
    try {
      const resolvConf = join(temp.path, 'resolv-black-hole.conf');
      writeFileSync(resolvConf, `search ${POD_SEARCH.join(' ')}\nnameserver 127.0.0.1:${blackHole.port}\noptions ndots:5\n`);
      const run = await runProbe(
        fx.env('dns-black-hole', {
          PROBE_DNS_SERVERS: '',
          PROBE_RESOLV_CONF: resolvConf,
          PROBE_PUSHGATEWAY_URL: fx.pushgateway.url,
          PROBE_ORIGIN_URL: `http://127.0.0.1:${fx.ttyd.port}`,
          PROBE_REPLICAS: REPLICAS_NAME,
          PROBE_TIMEOUT_SECONDS: '1',
          PROBE_DEADLINE_SECONDS: '2',
        }),
        { killAfterMs: 15_000 },
      );
      expect(blackHole.queries).toBeGreaterThan(0);
      expect(run.code).toBe(0);
      expect(run.wallMs).toBeLessThan((2 + 1) * 1000 + 1000);
      expect(summaryOf(run)).toMatchObject({ token: '0', ws: '0', ttyd: '200', ok: '0', replicas: '0' });
      const group = await runGroup('dns-black-hole');
      expect(valueOf(group, ProbeMetric.replicas)).toBe(0);
    } finally {
      await blackHole.stop();
    }
  });
});

describe('probe script: router inventory budget', () => {
  test('endless pages on three replicas: the inventory stops at the run budget and says so', async () => {
    const addresses = ['127.0.0.5', '127.0.0.6', '127.0.0.7'];
    const api = new EndlessRouterApi(addresses, await freePort(addresses), 400 * 1024);
    await api.start();
    try {
      const run = await runProbe(
        fx.env('inventory-budget', {
          PROBE_REPLICAS: addresses.join(','),
          PROBE_TRAEFIK_API_PORT: String(api.port),
          PROBE_TIMEOUT_SECONDS: '3',
          PROBE_DEADLINE_SECONDS: '10',
        }),
        { killAfterMs: 30_000 },
      );
      expect(run.code).toBe(0);
      for (const address of addresses) {
        expect(run.stderr).toMatch(
          new RegExp(
            `replica ${address.replace(/\./g, '\\.')} router inventory: page \\d+: (the run's inventory budget of 4194304 bytes is used ` +
              `up|run deadline reached)`,
          ),
        );
      }
      expect(run.stderr).toContain('inventory budget of 4194304 bytes is used up');
      // 4 MiB over all replicas at 400 KiB a page: the pages that fit, the one that crosses the budget,
      // and one page per later replica, cut at its first chunk (without the shared budget: 300 pages).
      expect(api.pagesRequested).toBeLessThanOrEqual(Math.ceil((4 * 1024) / 400) + addresses.length);
      const group = await runGroup('inventory-budget');
      for (const replica of addresses) expect(valueOf(group, ProbeMetric.routerInventoryOk, { replica })).toBe(0);
      expect(group?.metrics.has(ProbeMetric.replicaRouters)).toBe(false);
    } finally {
      await api.stop();
    }
  });
});

describe('probe script: router lists counted as they stream', () => {
  /** One "Traefik API" on 127.0.0.8 answering page n with pages[n-1], X-Next-Page as Traefik sets it. */
  async function withApi(pages: string[], body: (port: number) => Promise<void>): Promise<void> {
    const port = await freePort(['127.0.0.8']);
    const server = http.createServer((request, response) => {
      const page = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('page') ?? '1');
      const next = page < pages.length ? page + 1 : 1;
      // Small writes, so values and strings are split across chunks.
      response.writeHead(200, { 'Content-Type': 'application/json', 'X-Next-Page': String(next) });
      const text = pages[page - 1] ?? '[]';
      for (let i = 0; i < text.length; i += 7) response.write(text.slice(i, i + 7));
      response.end();
    });
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.8', port }, () => resolve()));
    try {
      await body(port);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  function inventoryEnv(job: string, port: number): Record<string, string> {
    return fx.env(job, { PROBE_REPLICAS: '127.0.0.8', PROBE_TRAEFIK_API_PORT: String(port) });
  }

  test('strings with brackets, commas and escaped quotes, nested values: every element counted once', async () => {
    const tricky = JSON.stringify([
      { rule: 'Host(`a`) || PathPrefix(`/x,]`)', name: 'a\\"]},{', using: ['websecure'] },
      { middlewares: [{ a: [1, 2, { b: '}' }] }], name: 'b' },
      'c',
      3,
      null,
    ]);
    await withApi([tricky, '[ ]', ' [ {"name": "d"} ] '], async (port) => {
      const run = await runProbe(inventoryEnv('inventory-tricky', port));
      expect(run.stdout).toContain('probe: replica=127.0.0.8 token=0 ws=0 routers=6 ok=0');
      expect(valueOf(await runGroup('inventory-tricky'), ProbeMetric.replicaRouters, { replica: '127.0.0.8' })).toBe(6);
    });
  });

  test.each([
    ['an object', '{"routers": []}', 'body is not a JSON array'],
    ['a truncated array', '[{"name": "a"}, {"name": ', 'body is not JSON (a truncated array)'],
    ['data after the array', '[1] [2]', 'body is not a JSON array (data after its end)'],
  ])('%s fails the inventory with the reason', async (_name, page, reason) => {
    await withApi([page], async (port) => {
      const run = await runProbe(inventoryEnv('inventory-bad-body', port));
      expect(run.stderr).toContain(`probe: replica 127.0.0.8 router inventory: page 1: ${reason}`);
      expect(valueOf(await runGroup('inventory-bad-body'), ProbeMetric.routerInventoryOk, { replica: '127.0.0.8' })).toBe(0);
    });
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

  test("the mirror's own ttyd is checked for answering without the auth header (PROBE_MIRROR_ORIGIN_URL)", async () => {
    const open = new TtydStandIn(await freePort());
    open.openMode = true; // ttyd started without -H
    const closed = new TtydStandIn(await freePort());
    await Promise.all([open.start(), closed.start()]);
    try {
      const host = new URL(fx.edgeUrl).hostname;
      const healthy = await runProbe(
        fx.env('mirror-origin-ok', { PROBE_MIRROR_EDGE_URL: fx.edgeUrl, PROBE_MIRROR_ORIGIN_URL: `http://127.0.0.1:${closed.port}` }),
      );
      expect(summaryOf(healthy)).toMatchObject({ ok: '1', ttyd_open: '0', mirror_failures: '0/14' });
      expect(mirrorSeries(await runGroup('mirror-origin-ok'), ProbeMetric.checkSamples)).toMatchObject({
        [`origin_open_token@${host}`]: 1,
        [`origin_open_ws@${host}`]: 1,
      });

      const job = 'mirror-origin-open';
      const run = await runProbe(fx.env(job, { PROBE_MIRROR_EDGE_URL: fx.edgeUrl, PROBE_MIRROR_ORIGIN_URL: `http://127.0.0.1:${open.port}` }));
      expect(summaryOf(run)).toMatchObject({ ok: '0', ttyd_open: '1', mirror_failures: '2/14' });
      expect(run.stderr).toContain('probe: mirror origin_open_token: 1/1 failed, first: GET /token without the auth header got 200');
      const group = await runGroup(job);
      expect(valueOf(group, ProbeMetric.ttydOpen)).toBe(1);
      expect(mirrorSeries(group, ProbeMetric.checkFailures)).toMatchObject({ [`origin_open_token@${host}`]: 1, [`origin_open_ws@${host}`]: 1 });
    } finally {
      await Promise.all([open.stop(), closed.stop()]);
    }
  });

  test('PROBE_MIRROR_ORIGIN_URL without PROBE_MIRROR_EDGE_URL is a configuration problem', async () => {
    const run = await runProbe(fx.env('mirror-origin-alone', { PROBE_MIRROR_ORIGIN_URL: 'http://ttyd-ro.test' }));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('probe: bad configuration: PROBE_MIRROR_ORIGIN_URL needs PROBE_MIRROR_EDGE_URL');
  });
});

describe('probe script: many replicas, bounded', () => {
  test('a name with 1,000 addresses (a DNS answer over TCP): the first PROBE_MAX_REPLICAS are checked, the rest counted and named', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`);
    const temp = makeTempDir('probe-many');
    const base = fx.env('many-replicas');
    const local = [EDGE_HOST, new URL(base.PROBE_ORIGIN_URL).hostname, new URL(base.PROBE_PUSHGATEWAY_URL).hostname];
    const records = [{ name: 'many.test', addresses: many }, ...local.map((name) => ({ name, addresses: ['127.0.0.1'] }))];
    const dns = new Dnsmasq(await freePort(), records, join(temp.path, 'dnsmasq.pid'));
    await dns.start(); // the answer is some 16 KB: over UDP's 512 bytes it is truncated, and c-ares asks again over TCP
    try {
      const run = await runProbe({ ...base, PROBE_REPLICAS: 'many.test', PROBE_DNS_SERVERS: dns.server }, { killAfterMs: 60_000 });
      expect(run.code).toBe(0);
      expect(run.stderr).toContain('probe: PROBE_REPLICAS: 1000 addresses; checked the first 50 (PROBE_MAX_REPLICAS), left out 950');
      const group = await runGroup('many-replicas');
      expect(valueOf(group, ProbeMetric.replicas)).toBe(50);
      expect(valueOf(group, ProbeMetric.replicasLeftOut)).toBe(950);
      expect(group?.metrics.get(ProbeMetric.replicaOk)).toHaveLength(50);
    } finally {
      await dns.stop();
      temp.remove();
    }
  }, 90_000);

  test(`at most ${8} replicas are checked at a time`, async () => {
    let open = 0;
    let most = 0;
    // One server for every 127.0.6.x: it holds each connection a while, then drops it (a failed check).
    const server = net.createServer((socket) => {
      open += 1;
      most = Math.max(most, open);
      let counted = true;
      const done = () => {
        if (counted) open -= 1;
        counted = false;
      };
      socket.on('error', () => undefined);
      socket.on('close', done);
      // Uncounted as the server drops it, before the client can see the drop and open its next one.
      setTimeout(() => {
        done();
        socket.destroy();
      }, 150);
    });
    const port = await freePort(['0.0.0.0']);
    await new Promise<void>((resolve) => server.listen(port, '0.0.0.0', resolve));
    try {
      const replicas = Array.from({ length: 30 }, (_, i) => `127.0.6.${i + 1}`).join(',');
      const run = await runProbe(fx.env('bounded', { PROBE_REPLICAS: replicas, PROBE_REPLICA_PORT: String(port), PROBE_MAX_REPLICAS: '30' }));
      expect(run.code).toBe(0);
      expect(valueOf(await runGroup('bounded'), ProbeMetric.replicas)).toBe(30);
      expect(most).toBeGreaterThanOrEqual(4); // they do run side by side
      expect(most).toBeLessThanOrEqual(8);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
