/** The `Traefik Router Parity` alert group: Traefik replicas that disagree on their routers. */
import { AlertGroup } from './alert-model';
import { ProbeLabel, ProbeMetric } from './metrics';
import { AlertDefinition, alertProps } from './private/alert-definitions';
import { eq, formatDuration, select } from './private/promql';
import { ResolvedWebterminalAlertsProps, WebterminalAlertName, WebterminalAlertsProps, WebterminalGroupName } from './webterminal-alerts-props';
import { resolveWebterminalAlertsProps } from './private/resolve-alerts';

/**
 * The probe could not read a replica's router list (API not served on the `traefik` entrypoint, a
 * byte budget exceeded, a timeout): the inventory-based parity alert cannot see that replica.
 * `for` three intervals: the inventory is informational, a slow API once is no news.
 */
function traefikRouterInventoryFailing(config: ResolvedWebterminalAlertsProps): AlertDefinition {
  return {
    alert: WebterminalAlertName.traefikRouterInventoryFailing,
    severity: 'warning',
    for: formatDuration(3 * config.probeIntervalSeconds),
    summary: 'The probe cannot read the router list of a Traefik replica.',
    description:
      `The router inventory of probe job {{ $labels.job }} failed on Traefik replica {{ $labels.${ProbeLabel.replica} }}; ` +
      'TraefikRouterCountSkew cannot judge it (the probe log says why).',
    expr: () => `min by (job, ${ProbeLabel.replica}) (${select(ProbeMetric.routerInventoryOk, eq('job', config.probeJob))}) == 0`,
  };
}

/**
 * A router that is not one of the stack's reaches one of ttyd's servers on a replica: another
 * IngressRoute or Ingress (any namespace, with Traefik's cross-namespace or ExternalName switches on)
 * that can send its own `X-authentik-*` headers and skip forward-auth. Nothing in the stack can
 * prevent it, so it is detected at once, with the router named. Needs the inventory and the
 * stack's router names (`TerminalStack` passes them); quiet otherwise.
 */
function foreignRoute(config: ResolvedWebterminalAlertsProps): AlertDefinition {
  return {
    alert: WebterminalAlertName.foreignRoute,
    severity: 'critical',
    for: '0m',
    summary: "A Traefik router that is not the stack's reaches ttyd.",
    description:
      `Router {{ $labels.${ProbeLabel.router} }} on Traefik replica {{ $labels.${ProbeLabel.replica} }} is not one of probe job ` +
      "{{ $labels.job }}'s stack and sends requests to one of ttyd's servers: a path to the shell the stack does not guard.",
    expr: () => `max by (job, ${ProbeLabel.router}, ${ProbeLabel.replica}) (${select(ProbeMetric.foreignRouter, eq('job', config.probeJob))}) > 0`,
  };
}

/** Router count per replica, as a PromQL expression labelled by `replicaLabel`. */
function routerCountPerReplica(config: ResolvedWebterminalAlertsProps): string {
  const by = config.parityReplicaLabel;
  switch (config.paritySource) {
    case 'inventory':
      return `max by (job, ${by}) (${select(ProbeMetric.replicaRouters, eq('job', config.probeJob))})`;
    case 'traefik-v2':
      return `count by (${by}) (count by (${by}, router) (traefik_router_open_connections))`;
    case 'traefik-v3':
      return `count by (${by}) (count by (${by}, router) (traefik_router_requests_total))`;
  }
}

/**
 * Fires per replica that has more than `threshold` routers fewer than the replica with most, so
 * max − min > threshold, with the lagging replica named and the gap as value (the runbook's fix is
 * to delete exactly that pod).
 */
function traefikRouterCountSkew(config: ResolvedWebterminalAlertsProps): AlertDefinition {
  const counts = routerCountPerReplica(config);
  // The inventory keeps the probe's job label (one probe, one set of replicas); the Traefik
  // metrics are compared across every series the selector finds.
  const per = config.paritySource === 'inventory' ? 'job' : '';
  const max = per === '' ? `max(${counts})` : `max by (${per}) (${counts})`;
  return {
    alert: WebterminalAlertName.traefikRouterCountSkew,
    severity: 'warning',
    for: '10m',
    threshold: 0,
    thresholdProblem: (gap) => (Number.isInteger(gap) && gap >= 0 ? undefined : 'accepted: a whole number of routers ≥ 0'),
    summary: 'Traefik replicas disagree on how many routers they have.',
    description:
      `Traefik replica {{ $labels.${config.parityReplicaLabel} }} lacks {{ $value }} of the routers ` +
      `the replica with most has (source: ${config.paritySource}).`,
    expr: (threshold) => `(\n  ${max}\n  - on (${per}) group_right ()\n  ${counts}\n) > ${threshold}`,
  };
}

/**
 * The `Traefik Router Parity` group: TraefikRouterCountSkew, from the source chosen with
 * `paritySource`; TraefikRouterInventoryFailing, which reads the probe's inventory and is quiet when
 * it is off; and WebterminalForeignRoute, quiet without the inventory and the stack's router names.
 * `subsystem` is `traefik`.
 */
export function traefikRouterParityAlertGroup(props: WebterminalAlertsProps = {}): AlertGroup {
  return routerParityGroupOf(resolveWebterminalAlertsProps(props));
}

function routerParityGroupOf(config: ResolvedWebterminalAlertsProps): AlertGroup {
  return new AlertGroup({
    name: WebterminalGroupName.traefikRouterParity,
    alerts: [
      alertProps(traefikRouterCountSkew(config), config, 'traefik'),
      alertProps(traefikRouterInventoryFailing(config), config, 'traefik'),
      alertProps(foreignRoute(config), config, 'traefik'),
    ],
  });
}
