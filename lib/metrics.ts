/**
 * The names the probe pushes and the alert rules read: the one place they are written in `lib/`.
 *
 * The probe script (`lib/probe-script.mjs`) runs in the cluster with nothing but Node's standard
 * library, so it cannot import this module; it writes the same names, and the probe's tests read
 * what it pushed to a real Pushgateway back and compare it with this list. A rename here without
 * the script (or the other way round) fails a test instead of silently blinding an alert.
 */
export const ProbeMetric = {
  /** HTTP status of `GET /token` via the public path: the first unexpected one in a run, else the healthy one; 0 = no answer. */
  tokenStatus: 'webterminal_probe_token_status',
  /** HTTP status of the WebSocket upgrade to `/ws` via the public path, same rule. */
  wsStatus: 'webterminal_probe_ws_status',
  /** HTTP status of `GET /token` on the in-cluster ttyd Service, same rule. */
  ttydStatus: 'webterminal_probe_ttyd_status',
  /** HTTP status of the WebSocket upgrade on the in-cluster ttyd Service (101 when healthy). */
  ttydWsStatus: 'webterminal_probe_ttyd_ws_status',
  /** Unix time of the last fully healthy run; pushed only on success, in its own group. */
  lastSuccessTimestamp: 'webterminal_probe_last_success_timestamp',
  /** Samples taken per check in the run, label `check`. */
  checkSamples: 'webterminal_probe_check_samples',
  /** Failed samples per check in the run, label `check`. */
  checkFailures: 'webterminal_probe_check_failures',
  /** Status per Traefik replica and check, labels `replica`, `check`; 0 = no answer. */
  replicaStatus: 'webterminal_probe_replica_status',
  /** Number of Traefik replica addresses resolved in the run. */
  replicas: 'webterminal_probe_replicas',
  /** Routers a replica's Traefik API lists (router inventory), label `replica`. */
  replicaRouters: 'webterminal_probe_replica_routers',
  /** Wall time of the run. */
  durationSeconds: 'webterminal_probe_duration_seconds',
} as const;

/** One of the probe's metric names. */
export type ProbeMetricName = (typeof ProbeMetric)[keyof typeof ProbeMetric];

/** Label names on the probe's metrics. */
export const ProbeLabel = {
  /** Which check a sample series belongs to; values in {@link ProbeCheck}. */
  check: 'check',
  /** The Traefik replica address a per-replica series is about. */
  replica: 'replica',
  /** Grouping-key label that keeps the last-success timestamp in a group of its own. */
  kind: 'kind',
  /** The host a second host's (the mirror's) edge check series are about; the main host's have none. */
  host: 'host',
} as const;

/** Values of the `check` label. */
export const ProbeCheck = {
  /** `GET /token` via the public path. */
  edgeToken: 'edge_token',
  /** WebSocket upgrade to `/ws` via the public path. */
  edgeWs: 'edge_ws',
  /** `GET /token` on the in-cluster ttyd Service. */
  originToken: 'origin_token',
  /** WebSocket upgrade on the in-cluster ttyd Service. */
  originWs: 'origin_ws',
} as const;

/** Value of the `kind` grouping-key label of the group that holds the last-success timestamp. */
export const SUCCESS_GROUP_KIND = 'success';

/** Default Pushgateway job name of the probe. */
export const DEFAULT_PROBE_JOB = 'webterminal-probe';

/** Metrics the Pushgateway adds to every group by itself (source: pushgateway README). */
export const PushgatewayMetric = {
  /** Unix time of the group's last successful push. */
  pushTime: 'push_time_seconds',
  /** Unix time of the group's last failed push. */
  pushFailureTime: 'push_failure_time_seconds',
} as const;
