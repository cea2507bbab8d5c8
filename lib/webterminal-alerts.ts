/** The `Webterminal` alert group: the probe's verdicts on the public path, ttyd and the Traefik replicas. */
import { AlertGroup, type Severity } from './alert-model';
import { ProbeCheck, ProbeLabel, ProbeMetric, PushgatewayMetric } from './metrics';
import { AlertDefinition, alertProps, runsProblem } from './private/alert-definitions';
import { eq, failingChecks, failingRuns, formatDuration, guarded, select } from './private/promql';
import { routeMatrixDefinitions } from './private/route-alert-definitions';
import { ResolvedWebterminalAlertsProps, WebterminalAlertName, WebterminalAlertsProps, WebterminalGroupName } from './webterminal-alerts-props';
import { resolveWebterminalAlertsProps } from './private/resolve-alerts';

/**
 * Two failing runs among the last three intervals, at once (`for` 0): the second failing run is the
 * earliest proof that a fault is not a blip, so a sustained fault fires when that run is scraped,
 * one interval after the first (a lucky run between them: two intervals). Guarded after a
 * Prometheus start. Why runs and not a share of time: docs/runbooks/WebterminalTokenDegraded.md.
 */
function degradedDefinition(
  config: ResolvedWebterminalAlertsProps,
  { alert, severity, checks, what }: (typeof DEGRADED_ALERTS)[number],
): AlertDefinition {
  const window = formatDuration(3 * config.probeIntervalSeconds);
  return {
    alert,
    severity,
    for: '0m',
    threshold: 2,
    thresholdProblem: runsProblem,
    summary: `The ${what} fails in repeated probe runs.`,
    description: `The {{ $labels.check }} check of probe job {{ $labels.job }} failed in {{ $value }} probe runs of the last ${window}.`,
    expr: (threshold) => guarded(`${failingRuns(config, failingChecks(config, checks))} >= ${threshold}`, config),
  };
}

/** The three failing-runs alerts differ only in name, severity, checks and wording. */
const DEGRADED_ALERTS: readonly { alert: string; severity: Severity; checks: readonly string[]; what: string }[] = [
  {
    alert: WebterminalAlertName.tokenDegraded,
    severity: 'warning',
    checks: [ProbeCheck.edgeToken],
    what: 'public /token request of the web terminal',
  },
  {
    alert: WebterminalAlertName.websocketDegraded,
    severity: 'critical',
    checks: [ProbeCheck.edgeWs],
    what: 'public WebSocket upgrade of the web terminal',
  },
  {
    alert: WebterminalAlertName.ttydUnreachable,
    severity: 'critical',
    checks: [ProbeCheck.originToken, ProbeCheck.originWs],
    what: 'in-cluster check of ttyd',
  },
];

/**
 * A replica whose latest run was not healthy: `webterminal_probe_replica_ok` is the probe's verdict
 * (the auth redirect, judged by where it leads), so a 404 (no router), no answer, a 200 (auth
 * bypassed) and a redirect to the wrong place all fire, naming the replica. Deterministic (the probe
 * asks every replica directly), so no window is needed. `for` 10m = two probe intervals: a replica
 * must be wrong in consecutive runs, so a pod caught loading its configuration once does not page; it
 * still fires within one interval + `for` of the fault. No restart guard: the value is the last run's
 * verdict as the Pushgateway holds it, just as true for a Prometheus that has only just started.
 */
function replicaRouteMissing(config: ResolvedWebterminalAlertsProps): AlertDefinition {
  const ok = select(ProbeMetric.replicaOk, eq('job', config.probeJob));
  return {
    alert: WebterminalAlertName.replicaRouteMissing,
    severity: 'critical',
    for: '10m',
    summary: 'A Traefik replica does not route the web terminal through Authentik.',
    description:
      `Traefik replica {{ $labels.${ProbeLabel.replica} }} did not answer the terminal host with the auth ` +
      'redirect to the Authentik outpost in the latest probe runs (no route, no answer, or a redirect ' +
      'elsewhere: the probe log says which); the requests Traefik sends to it fail.',
    expr: () => `min by (job, ${ProbeLabel.replica}) (${ok}) == 0`,
  };
}

/**
 * Per-replica checks configured, but the replica name resolved to nothing (or not in time): the
 * probe pushes `webterminal_probe_replicas` 0, and without this alert a blind detector looks quiet.
 * No restart guard: the value is the last run's.
 */
function probeBlind(config: ResolvedWebterminalAlertsProps): AlertDefinition {
  return {
    alert: WebterminalAlertName.probeBlind,
    severity: 'warning',
    for: '10m',
    summary: 'The web terminal probe finds no Traefik replica to check.',
    description:
      'Probe job {{ $labels.job }} has per-replica checks configured but found no replica in its latest ' +
      'runs: a replica without the terminal route would not be noticed.',
    expr: () => `max by (job) (${select(ProbeMetric.replicas, eq('job', config.probeJob))}) == 0`,
  };
}

/**
 * ttyd answered `GET /token` with 200 or the upgrade with 101 without the auth header: it runs
 * without header auth, and anyone who reaches it gets a shell. Critical, `for` one minute: one run
 * with the proof is enough (the value stays for the whole interval), one minute rides out a scrape.
 */
function ttydOpen(config: ResolvedWebterminalAlertsProps): AlertDefinition {
  return {
    alert: WebterminalAlertName.ttydOpen,
    severity: 'critical',
    for: '1m',
    summary: 'ttyd gives a shell without Authentik.',
    description:
      'Probe job {{ $labels.job }} reached ttyd without the auth header and got a token or a WebSocket ' +
      '(101): ttyd runs without header auth, so anyone who can reach it gets a shell.',
    expr: () => `max by (job) (${select(ProbeMetric.ttydOpen, eq('job', config.probeJob))}) == 1`,
  };
}

/**
 * The probe's run group (`job=<job>` and no `kind` label) gets a fresh `push_time_seconds` at every
 * push, failing runs included; the `kind="success"` group is pushed only on success, so reading it
 * would again confuse "not running" with "failing". `absent` covers a probe that never pushed or a
 * Pushgateway that lost its groups; its value -1 lets the description tell the two cases apart.
 * No restart guard: the timestamp is the Pushgateway's, valid from the first scrape.
 */
function probeStale(config: ResolvedWebterminalAlertsProps): AlertDefinition {
  const pushTime = select(PushgatewayMetric.pushTime, eq('job', config.probeJob), eq(ProbeLabel.kind, ''));
  return {
    alert: WebterminalAlertName.probeStale,
    severity: 'warning',
    for: '15m',
    threshold: 2 * config.probeIntervalSeconds,
    thresholdProblem: (seconds) =>
      Number.isInteger(seconds) && seconds >= config.probeIntervalSeconds
        ? undefined
        : `accepted: whole seconds since the last push, at least one probe interval (${config.probeIntervalSeconds})`,
    summary: 'The web terminal probe has stopped running.',
    description:
      '{{ if lt $value 0.0 }}The Pushgateway holds no push of probe job {{ $labels.job }}.' +
      '{{ else }}Probe job {{ $labels.job }} last pushed {{ $value | humanizeDuration }} ago.{{ end }}',
    expr: (threshold) => `time() - max by (job) (${pushTime}) > ${threshold}\nor\n-1 * absent(${pushTime})`,
  };
}

/**
 * The `Webterminal` group: the token, WebSocket and ttyd checks, the per-replica route, the probe's
 * staleness and blindness, ttyd without header auth, and the route matrix (every route on every replica). Labels `severity`, `subsystem`
 * (`webterminal`), annotations `summary`, `description`, `runbook_url`.
 */
export function webterminalAlertGroup(props: WebterminalAlertsProps = {}): AlertGroup {
  return webterminalGroupOf(resolveWebterminalAlertsProps(props));
}

function webterminalGroupOf(config: ResolvedWebterminalAlertsProps): AlertGroup {
  const definitions = [
    ...DEGRADED_ALERTS.map((degraded) => degradedDefinition(config, degraded)),
    replicaRouteMissing(config),
    probeStale(config),
    probeBlind(config),
    ttydOpen(config),
    ...routeMatrixDefinitions(config),
  ];
  return new AlertGroup({
    name: WebterminalGroupName.webterminal,
    alerts: definitions.map((definition) => alertProps(definition, config, 'webterminal')),
  });
}
