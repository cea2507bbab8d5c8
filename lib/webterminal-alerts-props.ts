/** What configures the web terminal's alert groups: alert and group names, props, overrides, and their defaults. */
import type { Severity } from './alert-model';
import type { ParitySource } from './private/vocabulary';

export { DEFAULT_RESTART_GUARD_SELECTOR, PARITY_SOURCES, WebterminalAlertName, type ParitySource } from './private/vocabulary';

/** Group names the factories use. */
export const WebterminalGroupName = {
  /** The group of {@link webterminalAlertGroup}. */
  webterminal: 'Webterminal',
  /** The group of {@link traefikRouterParityAlertGroup}. */
  traefikRouterParity: 'Traefik Router Parity',
} as const;

/** Overrides for one alert of the factories. */
export interface AlertOverride {
  /**
   * `for` of the alert (a Prometheus duration).
   * @default - the alert's own (see {@link WebterminalAlertName})
   */
  readonly for?: string;
  /**
   * Severity of the alert.
   * @default - the alert's own
   */
  readonly severity?: Severity;
  /**
   * Labels added to this alert (after the labels for all alerts).
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Overrides for an alert that compares against a threshold. */
export interface ThresholdAlertOverride extends AlertOverride {
  /**
   * The alert's threshold; what it means is documented per alert in {@link WebterminalAlertOverrides}.
   * @default - the alert's own
   */
  readonly threshold?: number;
}

/**
 * Per-alert overrides, keyed by alert name; each alert's own severity, `for` and threshold are in its
 * definition (the docs' alert tables are generated from it).
 */
export interface WebterminalAlertOverrides {
  /**
   * Threshold: probe runs with edge `/token` failures among the runs of the last three intervals (a whole number, 1 to 3).
   * @default - the alert's own
   */
  readonly WebterminalTokenDegraded?: ThresholdAlertOverride;
  /**
   * Threshold: as for the token alert, for the edge WebSocket check.
   * @default - the alert's own
   */
  readonly WebterminalWebsocketDegraded?: ThresholdAlertOverride;
  /**
   * Threshold: as for the token alert, for the in-cluster ttyd checks.
   * @default - the alert's own
   */
  readonly WebterminalTtydUnreachable?: ThresholdAlertOverride;
  /**
   * No threshold: a replica whose latest run was not healthy (wrong status or a redirect elsewhere).
   * @default - the alert's own
   */
  readonly WebterminalReplicaRouteMissing?: AlertOverride;
  /**
   * No threshold: per-replica checks on, no replica found.
   * @default - the alert's own
   */
  readonly WebterminalProbeBlind?: AlertOverride;
  /**
   * No threshold: ttyd answered without the auth header.
   * @default - the alert's own
   */
  readonly WebterminalTtydOpen?: AlertOverride;
  /**
   * Threshold: failing probe runs in the last three intervals, per route and replica (or per route, or router).
   * @default - the alert's own
   */
  readonly WebterminalRouteMissing?: ThresholdAlertOverride;
  /**
   * Threshold: failing probe runs in the last three intervals, per carve-out route.
   * @default - the alert's own
   */
  readonly WebterminalCarveOutWalledOff?: ThresholdAlertOverride;
  /**
   * No threshold: a gated route answered without the redirect to Authentik.
   * @default - the alert's own
   */
  readonly WebterminalRouteUngated?: AlertOverride;
  /**
   * No threshold: a replica's router inventory failed.
   * @default - the alert's own
   */
  readonly TraefikRouterInventoryFailing?: AlertOverride;
  /**
   * No threshold: a router that is not the stack's reaches ttyd.
   * @default - the alert's own
   */
  readonly WebterminalForeignRoute?: AlertOverride;
  /**
   * Threshold: seconds since the probe's last push.
   * @default - the alert's own
   */
  readonly WebterminalProbeStale?: ThresholdAlertOverride;
  /**
   * Threshold: routers a replica may lack compared with the replica that has most.
   * @default - the alert's own
   */
  readonly TraefikRouterCountSkew?: ThresholdAlertOverride;
}

/** Configuration of the web terminal's alert groups. Every prop is optional. */
export interface WebterminalAlertsProps {
  /**
   * Pushgateway job name the probe pushes under.
   * @default "webterminal-probe"
   */
  readonly probeJob?: string;
  /**
   * Seconds between probe runs. Windows scale with it: the probe is stale after 2 intervals, and the
   * degraded and route alerts count the failing runs of the last 3.
   * @default 300
   */
  readonly probeIntervalSeconds?: number;
  /**
   * Base of every `runbook_url` (where `docs/runbooks/` is published); the alert name and `.md` are
   * appended.
   * @default - no `runbook_url`: each alert carries its runbook's first steps in `runbook_first_steps`
   */
  readonly runbookBaseUrl?: string;
  /**
   * Keep the token, WebSocket and ttyd alerts quiet while Prometheus has been up for less than
   * {@link restartGuardSeconds}, as the original rules did.
   * @default true
   */
  readonly restartGuard?: boolean;
  /**
   * Label matchers that select the Prometheus server's own `process_start_time_seconds`.
   * @default 'job="prometheus"'
   */
  readonly restartGuardSelector?: string;
  /**
   * How long after a Prometheus start the guarded alerts stay quiet.
   * @default 900
   */
  readonly restartGuardSeconds?: number;
  /**
   * Where `TraefikRouterCountSkew` gets router counts; see {@link ParitySource}.
   * @default "inventory"
   */
  readonly paritySource?: ParitySource;
  /**
   * The label that tells Traefik replicas apart in the router counts.
   * @default - "replica" (the probe's label) for the inventory, "pod" for the Traefik metrics
   */
  readonly parityReplicaLabel?: string;
  /**
   * Labels added to every alert; `subsystem` here replaces the per-group default.
   * @default - subsystem "webterminal" on the Webterminal group, "traefik" on the parity group
   */
  readonly alertLabels?: Readonly<Record<string, string>>;
  /**
   * Per-alert `for`, severity, labels and threshold.
   * @default {}
   */
  readonly overrides?: WebterminalAlertOverrides;
}

/** {@link WebterminalAlertsProps} with every default filled in. */
export interface ResolvedWebterminalAlertsProps {
  /** Pushgateway job name the probe pushes under. */
  readonly probeJob: string;
  /** Seconds between probe runs (at least 60). */
  readonly probeIntervalSeconds: number;
  /** Base of every `runbook_url`, always ending in `/`; undefined: first steps instead. */
  readonly runbookBaseUrl: string | undefined;
  /** Whether the token, WebSocket and ttyd alerts stay quiet after a Prometheus start. */
  readonly restartGuard: boolean;
  /** Label matchers that select the Prometheus server's own `process_start_time_seconds`. */
  readonly restartGuardSelector: string;
  /** Seconds after a Prometheus start during which the guarded alerts stay quiet. */
  readonly restartGuardSeconds: number;
  /** Where `TraefikRouterCountSkew` gets router counts. */
  readonly paritySource: ParitySource;
  /** The label that tells Traefik replicas apart in the router counts. */
  readonly parityReplicaLabel: string;
  /** Labels added to every alert. */
  readonly alertLabels: Readonly<Record<string, string>>;
  /** Per-alert overrides (validated: keys are alert names). */
  readonly overrides: WebterminalAlertOverrides;
}
