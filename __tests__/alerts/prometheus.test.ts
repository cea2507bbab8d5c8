/**
 * The alert rules as a real Prometheus evaluates them: the real probe script (the ConfigMap's bytes)
 * runs against the nginx harness and pushes to the real Pushgateway; a real Prometheus scrapes it
 * with `honor_labels: true`, loads the rule files the library emits (durations cut to seconds by
 * `fast-rules.ts`) and its `/api/v1/alerts` is read. Every scenario pushes under a job of its own,
 * and each job has its own copy of the rule set, so the scenarios do not see each other's series.
 * Then every query of the Grafana dashboard is run against what the scenarios left behind.
 */
import { stringify } from 'yaml';
import { WebterminalAlertName } from '../../lib/webterminal-alerts-props';
import { WebterminalRuleSet } from '../../lib/webterminal-rule-set';
import { ProbeCheck, ProbeLabel, ProbeMetric, RouteReason } from '../../lib/metrics';
import { WEBTERMINAL_DASHBOARD } from '../../lib/webterminal-dashboard';
import { FastRuleChanges, fastRules } from '../support/fast-rules';
import { EMPTY_NAME, ProbeFixtures, runProbe, startProbeFixtures } from '../support/fixtures';
import { ActiveAlert, Prometheus } from '../support/prometheus';
import { dashboardQueries, withConcreteMacros } from '../support/dashboard-queries';

/** One Pushgateway job per scenario. */
const JOB = {
  healthy: 'healthy',
  replicaFault: 'replica-fault',
  edgeFault: 'edge-fault',
  blind: 'blind',
  routeMissing: 'route-missing',
  walledOff: 'walled-off',
  ungated: 'ungated',
} as const;

/** Seconds, Prometheus durations: short enough to see alerts fire within a test. */
const FAST = { for: '2s', window: '20s', step: '1s', restartGuardSeconds: 1 } as const;

/** Bound of each wait for an alert to fire; the rules need about `for` + two evaluations after a push is scraped. */
const ALERT_WAIT_MS = 25_000;

let fx: ProbeFixtures;
let prometheus: Prometheus;
let suiteStartedAt: number;
const changes: FastRuleChanges[] = [];

function ruleFileFor(job: string): string {
  const ruleSet = new WebterminalRuleSet({ probeJob: job, probeIntervalSeconds: 60 });
  const fast = fastRules(ruleSet.toRuleFile(), FAST);
  changes.push(fast.changes);
  return stringify(fast.file, { lineWidth: 0 });
}

beforeAll(async () => {
  suiteStartedAt = Date.now() / 1000;
  fx = await startProbeFixtures();
  prometheus = await Prometheus.start({ pushgatewayUrl: fx.pushgateway.url, ruleFiles: Object.values(JOB).map(ruleFileFor) });
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await fx?.stop();
});

function probeEnv(job: string, overrides: Record<string, string> = {}): Record<string, string> {
  return fx.env(job, { PROBE_SAMPLES: '3', PROBE_TIMEOUT_SECONDS: '3', PROBE_DEADLINE_SECONDS: '10', ...overrides });
}

/**
 * At most one probe run per second, Prometheus' scrape interval here: it sees only the last push
 * before each scrape, so running more often adds nothing it can see, only CPU on a 2-core machine.
 */
const PROBE_PERIOD_MS = 1000;

async function probeOnce(env: Record<string, string>): Promise<void> {
  const started = Date.now();
  const run = await runProbe(env);
  if (run.code !== 0) throw new Error(`probe exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
  const rest = started + PROBE_PERIOD_MS - Date.now();
  if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
}

/**
 * Runs the probe again and again (as the CronJob would, only faster) until `done` holds for the
 * alerts, bounded by `timeoutMs`; returns the alerts seen last.
 */
async function probeUntilAlerts(
  env: Record<string, string>,
  what: string,
  done: (alerts: ActiveAlert[]) => boolean,
  timeoutMs = ALERT_WAIT_MS,
): Promise<ActiveAlert[]> {
  const until = Date.now() + timeoutMs;
  let last: ActiveAlert[] = [];
  while (Date.now() < until) {
    await probeOnce(env);
    last = await prometheus.alerts();
    if (done(last)) return last;
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}; last alerts: ` +
      `${JSON.stringify(last.map((a) => ({ ...a.labels, state: a.state })))}\n${prometheus.log}`,
  );
}

/** The value of one series of a job's run group as the Pushgateway holds it (the probe's last push). */
async function pushedValues(job: string): Promise<(metric: string, labels: Record<string, string>) => number | undefined> {
  const group = await fx.pushgateway.group({ job });
  return (metric, labels) => group?.metrics.get(metric)?.find((sample) => Object.entries(labels).every(([k, v]) => sample.labels[k] === v))?.value;
}

const ofJob = (alerts: ActiveAlert[], job: string) => alerts.filter((alert) => alert.labels.job === job);
const firing = (alerts: ActiveAlert[], job: string, name: string) =>
  ofJob(alerts, job).filter((alert) => alert.labels.alertname === name && alert.state === 'firing');

describe('alert rules in a real Prometheus', () => {
  test('loads every rule of every rule file, with for, windows and the restart guard shortened', async () => {
    const perFile = new WebterminalRuleSet().alerts.length;
    expect(await prometheus.ruleCount()).toBe(perFile * Object.values(JOB).length);
    for (const change of changes) {
      expect(change.fors).toBe(perFile);
      expect(change.windows).toBeGreaterThanOrEqual(3);
      expect(change.guards).toBeGreaterThanOrEqual(3);
    }
  });

  test('stays quiet while the stack is healthy', async () => {
    const env = probeEnv(JOB.healthy);
    await probeOnce(env);
    // Until the first push is scraped, the stale alert rightly says "no push": wait for it to clear.
    await prometheus.waitForQuery(`push_time_seconds{job="${JOB.healthy}"}`, 10_000, (result) => result.length === 2);
    await prometheus.waitForAlerts('no alert of the healthy job', 10_000, (alerts) => ofJob(alerts, JOB.healthy).length === 0);
    // Longer than `for` plus a few evaluations: JsonNode alert the healthy stack set off would show, pending at least.
    const until = Date.now() + 6000;
    while (Date.now() < until) {
      await probeOnce(env);
      expect(ofJob(await prometheus.alerts(), JOB.healthy)).toStrictEqual([]);
    }
    // The evaluated series are the probe's own: the rules did read something.
    const ok = await prometheus.query(`webterminal_probe_replica_status{job="${JOB.healthy}"}`);
    expect(ok.length).toBe(6);
  }, 45_000);

  test('fires the replica alert naming only the replica that lost the route', async () => {
    const bad = fx.replicas[1];
    await bad.restart({ terminalRoute: false, routers: bad.state.routers });
    try {
      const alerts = await probeUntilAlerts(
        probeEnv(JOB.replicaFault),
        'WebterminalReplicaRouteMissing firing',
        (all) => firing(all, JOB.replicaFault, WebterminalAlertName.replicaRouteMissing).length >= 1,
      );
      const routeMissing = firing(alerts, JOB.replicaFault, WebterminalAlertName.replicaRouteMissing);
      expect(new Set(routeMissing.map((alert) => alert.labels[ProbeLabel.replica]))).toStrictEqual(new Set([bad.options.address]));
      expect(routeMissing).toHaveLength(1);
      expect(routeMissing[0].labels.severity).toBe('critical');
      expect(routeMissing[0].annotations.description).toContain(`Traefik replica ${bad.options.address} did not answer`);
      // What the real probe pushed here, for the series the rules read (bench/fault-captures.json records the whole
      // push of this fault for the alert timelines): the replica's verdict 0, the others 1, edge samples failing.
      const pushed = await pushedValues(JOB.replicaFault);
      expect(fx.replicas.map((r) => pushed(ProbeMetric.replicaOk, { replica: r.options.address }))).toStrictEqual(
        fx.replicas.map((r) => (r === bad ? 0 : 1)),
      );
      expect(pushed(ProbeMetric.checkFailures, { check: ProbeCheck.edgeToken })).toBeGreaterThan(0);
      expect(pushed(ProbeMetric.checkFailures, { check: ProbeCheck.edgeWs })).toBeGreaterThan(0);
    } finally {
      await fx.healReplicas();
    }
  }, 45_000);

  test('fires the WebSocket alert on an edge fault, and no replica alert', async () => {
    await fx.edge.restart({ refuseUpgrades: true });
    try {
      const alerts = await probeUntilAlerts(
        probeEnv(JOB.edgeFault),
        'WebterminalWebsocketDegraded firing',
        (all) => firing(all, JOB.edgeFault, WebterminalAlertName.websocketDegraded).length === 1,
      );
      const [degraded] = firing(alerts, JOB.edgeFault, WebterminalAlertName.websocketDegraded);
      expect(degraded.labels).toMatchObject({ check: ProbeCheck.edgeWs, severity: 'critical' });
      expect(ofJob(alerts, JOB.edgeFault).filter((alert) => alert.labels.alertname === WebterminalAlertName.replicaRouteMissing)).toStrictEqual([]);
      // An edge fault as the probe pushes it: the edge check failing in every sample, the replicas healthy.
      const pushed = await pushedValues(JOB.edgeFault);
      expect(pushed(ProbeMetric.checkFailures, { check: ProbeCheck.edgeWs })).toBe(pushed(ProbeMetric.checkSamples, { check: ProbeCheck.edgeWs }));
      expect(fx.replicas.map((r) => pushed(ProbeMetric.replicaOk, { replica: r.options.address }))).toStrictEqual([1, 1, 1]);
    } finally {
      await fx.edge.restart({ refuseUpgrades: false });
    }
  }, 45_000);

  test('fires the blind-detector alert when the replicas name resolves to nothing', async () => {
    const alerts = await probeUntilAlerts(
      probeEnv(JOB.blind, { PROBE_REPLICAS: EMPTY_NAME }),
      'WebterminalProbeBlind firing',
      (all) => firing(all, JOB.blind, 'WebterminalProbeBlind').length >= 1,
    );
    expect(firing(alerts, JOB.blind, 'WebterminalProbeBlind')[0].labels.severity).toBeDefined();
  }, 45_000);

  /**
   * The route matrix's series as the probe pushes them (its contract: a gauge per failing pair, the
   * counts per route, the routers a replica lacks), PUT as a run group to the real Pushgateway once a
   * second, until the alert fires. The probe script does not push them yet, so the runs are written
   * here, in the probe's format (`# TYPE <name> gauge`).
   */
  async function pushRouteRunsUntil(job: string, lines: Record<string, readonly string[]>, name: string): Promise<ActiveAlert[]> {
    const body = Object.entries(lines)
      .map(([metric, samples]) => [`# TYPE ${metric} gauge`, ...samples.map((sample) => `${metric}${sample}`)].join('\n'))
      .join('\n');
    const until = Date.now() + ALERT_WAIT_MS;
    while (Date.now() < until) {
      const started = Date.now();
      const response = await fetch(`${fx.pushgateway.url}/metrics/job/${job}`, { method: 'PUT', body: `${body}\n` });
      if (!response.ok) throw new Error(`push of ${job}: status ${response.status}: ${await response.text()}`);
      const alerts = await prometheus.alerts();
      if (firing(alerts, job, name).length > 0) return alerts;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + PROBE_PERIOD_MS - Date.now())));
    }
    throw new Error(`timed out after ${ALERT_WAIT_MS} ms waiting for ${name} of ${job}\n${prometheus.log}`);
  }

  const pair = (replica: string, route: string, reason: string) => `{replica="${replica}",route="${route}",reason="${reason}"} 0`;

  test('fires WebterminalRouteMissing naming the replica and the route, and the router it lacks', async () => {
    const alerts = await pushRouteRunsUntil(
      JOB.routeMissing,
      {
        [ProbeMetric.routeOk]: [pair('10.0.0.2', 'clipboard', RouteReason.notRouted)],
        [ProbeMetric.routeReplicas]: ['{route="clipboard"} 3'],
        [ProbeMetric.routeFailingReplicas]: ['{route="clipboard"} 1'],
        [ProbeMetric.replicaMissingRouter]: ['{replica="10.0.0.2",router="webterminal-clipboard@kubernetescrd"} 1'],
      },
      WebterminalAlertName.routeMissing,
    );
    await prometheus.waitForAlerts(
      'both shapes of WebterminalRouteMissing',
      10_000,
      (all) => firing(all, JOB.routeMissing, WebterminalAlertName.routeMissing).length === 2,
    );
    const fired = firing(await prometheus.alerts(), JOB.routeMissing, WebterminalAlertName.routeMissing);
    expect(new Set(fired.map((a) => `${a.labels.replica} ${a.labels.route ?? '-'} ${a.labels.router ?? '-'}`))).toStrictEqual(
      new Set(['10.0.0.2 clipboard -', '10.0.0.2 - webterminal-clipboard@kubernetescrd']),
    );
    expect(ofJob(alerts, JOB.routeMissing).map((a) => a.labels.alertname)).not.toContain(WebterminalAlertName.carveOutWalledOff);
  }, 45_000);

  test('fires WebterminalCarveOutWalledOff naming the route, and not WebterminalRouteMissing', async () => {
    const alerts = await pushRouteRunsUntil(
      JOB.walledOff,
      {
        [ProbeMetric.routeOk]: ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((replica) => pair(replica, 'assets', RouteReason.walledOff)),
        [ProbeMetric.routeReplicas]: ['{route="assets"} 3'],
        [ProbeMetric.routeFailingReplicas]: ['{route="assets"} 3'],
      },
      WebterminalAlertName.carveOutWalledOff,
    );
    const [walled] = firing(alerts, JOB.walledOff, WebterminalAlertName.carveOutWalledOff);
    expect(walled.labels).toMatchObject({ route: 'assets', severity: 'warning' });
    expect(firing(alerts, JOB.walledOff, WebterminalAlertName.routeMissing)).toStrictEqual([]);
  }, 45_000);

  test('fires WebterminalRouteUngated, critical, naming the route and how many replicas', async () => {
    const alerts = await pushRouteRunsUntil(
      JOB.ungated,
      {
        [ProbeMetric.routeOk]: [pair('10.0.0.1', 'clipboard', RouteReason.ungated), pair('10.0.0.3', 'clipboard', RouteReason.ungated)],
        [ProbeMetric.routeReplicas]: ['{route="clipboard"} 3'],
        [ProbeMetric.routeFailingReplicas]: ['{route="clipboard"} 2'],
      },
      WebterminalAlertName.routeUngated,
    );
    const [ungated] = firing(alerts, JOB.ungated, WebterminalAlertName.routeUngated);
    expect(ungated.labels).toMatchObject({ route: 'clipboard', severity: 'critical' });
    expect(ungated.annotations.description).toContain('on 2 Traefik replica(s)');
  }, 45_000);

  test('without honor_labels the rules match nothing: the pushed job is renamed exported_job', async () => {
    // The Pushgateway still holds the replica fault's last push: a Prometheus that honoured the
    // pushed labels would fire WebterminalReplicaRouteMissing on it within seconds.
    const plain = await Prometheus.start({ pushgatewayUrl: fx.pushgateway.url, ruleFiles: [ruleFileFor(JOB.replicaFault)], honorLabels: false });
    try {
      await plain.waitForQuery(`webterminal_probe_replica_status{exported_job="${JOB.replicaFault}"}`, 10_000, (result) => result.length > 0);
      expect(await plain.query(`webterminal_probe_replica_status{job="${JOB.replicaFault}"}`)).toStrictEqual([]);
      // Worse than silence: the only alert says the probe never pushed.
      const alerts = await plain.waitForAlerts(
        'WebterminalProbeStale firing',
        10_000,
        (all) => firing(all, JOB.replicaFault, WebterminalAlertName.probeStale).length === 1,
      );
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const later = await plain.alerts();
      expect([...alerts, ...later].map((alert) => alert.labels.alertname)).not.toContain(WebterminalAlertName.replicaRouteMissing);
      expect(new Set(later.map((alert) => alert.labels.alertname))).toStrictEqual(new Set([WebterminalAlertName.probeStale]));
    } finally {
      await plain.stop();
    }
  }, 45_000);
});

describe('WebterminalDashboard queries in a real Prometheus', () => {
  const queries = dashboardQueries(WEBTERMINAL_DASHBOARD);

  async function expectData(expr: string): Promise<void> {
    const concrete = withConcreteMacros(expr, { job: Object.values(JOB).join('|'), rangeSeconds: Math.ceil(Date.now() / 1000 - suiteStartedAt) });
    const result = await prometheus.queryRange(concrete, suiteStartedAt, 1);
    expect(result.length).toBeGreaterThan(0);
    expect(result.some((series) => (series.values ?? []).length > 0)).toBe(true);
  }

  test('every panel has a query, and every probe query filters on the job variable', () => {
    expect(queries.length).toBeGreaterThanOrEqual(8);
    const probeQueries = queries.filter((query) => query.expr.includes('webterminal_probe_'));
    expect(probeQueries.every((query) => query.expr.includes('job=~"$job"'))).toBe(true);
  });

  test.each(queries.map((query): [string, string] => [query.title, query.expr]))('panel "%s" returns data', async (_title, expr) => {
    await expectData(expr);
  });
});
