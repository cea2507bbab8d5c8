/**
 * The route matrix's alerts in the `Webterminal` group: every route of the terminal host checked on
 * every Traefik replica (`webterminal_probe_route_ok`, pushed for failing pairs only, with a reason),
 * and the stack's routers compared across replicas (router inventory).
 */
import names from '../probe/contract.json';
import type { ResolvedWebterminalAlertsProps } from '../webterminal-alerts-props';
import { type AlertDefinition, runsProblem } from './alert-definitions';
import { eq, failingRuns, formatDuration, oneOf, select } from './promql';
import { WebterminalAlertName } from './vocabulary';

const { metric, label, routeReason: reason } = names;

/** The reasons that mean "this route does not reach its backend here"; walled off and ungated have alerts of their own. */
const MISSING_REASONS: readonly string[] = [reason.notRouted, reason.wrongRedirect, reason.wrongStatus, reason.noAnswer];

/** `webterminal_probe_route_ok{job, reason...} == 0`, one series per failing (replica, route). */
function failingPairs(config: ResolvedWebterminalAlertsProps, reasons: readonly string[]): string {
  const matcher = reasons.length === 1 ? eq(label.reason, reasons[0]) : oneOf(label.reason, reasons);
  return `max by (job, ${label.replica}, ${label.route}) (${select(metric.routeOk, eq('job', config.probeJob), matcher)} == 0)`;
}

/**
 * Four shapes, one alert: a route failing on some replicas (labels `replica`, `route`); the same
 * route failing on every replica checked (label `route` only: a route problem, said once, not once
 * per replica); a replica lacking a router that at least half of the replicas list (`replica`,
 * `router`); a router no replica lists (`router`). Each needs two failing runs in the last three
 * intervals, like the degraded alerts: a replica caught loading its configuration once does not
 * page, and a sustained fault fires with the second failing run (5 minutes at the default
 * schedule). No restart guard: the runs counted are the probe's, and a Prometheus that has only
 * just started simply has fewer of them.
 */
function routeMissing(config: ResolvedWebterminalAlertsProps): AlertDefinition {
  const job = eq('job', config.probeJob);
  const pairs = failingPairs(config, MISSING_REASONS);
  const replicasChecked = `max by (job, ${label.route}) (${select(metric.routeReplicas, job)})`;
  const everywhere = `count by (job, ${label.route}) (${pairs})\n>= on (job, ${label.route}) ${replicasChecked}`;
  const somewhere = `${pairs}\nunless on (job, ${label.route}) (${everywhere.replace('\n', ' ')})`;
  const lacking = `max by (job, ${label.replica}, ${label.router}) (${select(metric.replicaMissingRouter, job)} == 1)`;
  const nowhere = `max by (job, ${label.router}) (${select(metric.routerMissingEverywhere, job)} == 1)`;
  const window = formatDuration(3 * config.probeIntervalSeconds);
  return {
    alert: WebterminalAlertName.routeMissing,
    severity: 'critical',
    for: '0m',
    threshold: 2,
    thresholdProblem: runsProblem,
    summary: 'A route of the web terminal host is missing on a Traefik replica, or on all of them.',
    description:
      `{{ if $labels.${label.router} }}{{ if $labels.${label.replica} }}` +
      `Traefik replica {{ $labels.${label.replica} }} lacks router {{ $labels.${label.router} }}, which at least half of the replicas list` +
      `{{ else }}No Traefik replica lists router {{ $labels.${label.router} }}: a route problem (its object, or a backend without ` +
      'endpoints, which Traefik skips everywhere), not a replica problem; replacing replicas will not help{{ end }}' +
      `{{ else if $labels.${label.replica} }}Route {{ $labels.${label.route} }} does not reach its backend on Traefik replica ` +
      `{{ $labels.${label.replica} }} (no router matched, no answer, or a wrong redirect or status: the reason label of ` +
      `${metric.routeOk} says which)` +
      `{{ else }}Route {{ $labels.${label.route} }} fails on every Traefik replica checked: a route problem (its object, its ` +
      'backend, its middlewares), not a replica problem; replacing replicas will not help{{ end }}, ' +
      `in {{ $value }} probe runs of the last ${window}.`,
    expr: (threshold) => [somewhere, everywhere, lacking, nowhere].map((failing) => `${failingRuns(config, failing)} >= ${threshold}`).join('\nor\n'),
  };
}

/**
 * A public carve-out (icons, the manifest, fonts: fetched without cookies) answered with the
 * redirect to Authentik: walled off again. Per route, over the replicas; two failing runs, as above.
 * A warning: assets fail to load, nothing is exposed.
 */
function carveOutWalledOff(config: ResolvedWebterminalAlertsProps): AlertDefinition {
  const walledOff = `count by (job, ${label.route}) (${failingPairs(config, [reason.walledOff])})`;
  const window = formatDuration(3 * config.probeIntervalSeconds);
  return {
    alert: WebterminalAlertName.carveOutWalledOff,
    severity: 'warning',
    for: '0m',
    threshold: 2,
    thresholdProblem: runsProblem,
    summary: 'A public carve-out of the web terminal host is walled off behind Authentik.',
    description:
      `Public route {{ $labels.${label.route} }} of probe job {{ $labels.job }} answered with the redirect to the Authentik ` +
      `outpost in {{ $value }} probe runs of the last ${window}: clients without a session (icon fetchers, the PWA manifest) ` +
      'no longer get its files.',
    expr: (threshold) => `${failingRuns(config, walledOff)} >= ${threshold}`,
  };
}

/**
 * A gated route answered without the redirect to Authentik: whoever reaches it is past auth.
 * Critical and fast, like WebterminalTtydOpen: one run is proof (its value stays for the whole
 * interval), `for` one minute rides out a scrape. Per route; the value is the replicas affected.
 */
function routeUngated(config: ResolvedWebterminalAlertsProps): AlertDefinition {
  return {
    alert: WebterminalAlertName.routeUngated,
    severity: 'critical',
    for: '1m',
    summary: 'A gated route of the web terminal host answers without Authentik.',
    description:
      `Gated route {{ $labels.${label.route} }} of probe job {{ $labels.job }} answered without the redirect to the Authentik ` +
      'outpost on {{ $value }} Traefik replica(s) in the latest probe run: its backend is reachable without signing in.',
    expr: () => `count by (job, ${label.route}) (${failingPairs(config, [reason.ungated])})`,
  };
}

/** The route matrix's alerts, in the order the group lists them. */
export function routeMatrixDefinitions(config: ResolvedWebterminalAlertsProps): AlertDefinition[] {
  return [routeMissing(config), carveOutWalledOff(config), routeUngated(config)];
}
