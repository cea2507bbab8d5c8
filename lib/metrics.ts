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
  /**
   * Per Traefik replica, label `replica`: 1 when every check on it was healthy in the run (the auth
   * redirect to the Authentik outpost on the terminal host, for /token and the upgrade), else 0.
   */
  replicaOk: 'webterminal_probe_replica_ok',
  /** Per replica, label `replica`: 1 when its router inventory was read in full, else 0 (only with the inventory on). */
  routerInventoryOk: 'webterminal_probe_router_inventory_ok',
  /** 1 when ttyd answered without the auth header (token 200 or upgrade 101): it runs without header auth. */
  ttydOpen: 'webterminal_probe_ttyd_open',
  /** Remediation's decision for a failing replica this run (value 1), labels `replica`, `pod`, `result` ({@link RemediationResult}). */
  remediation: 'webterminal_probe_remediation',
  /** Unix time of the last eviction by the probe; in its own group (`kind="remediation"`), pushed only on an eviction. */
  remediationLastEvictionTimestamp: 'webterminal_probe_remediation_last_eviction_timestamp',
  /** Runs in a row a replica's pod has failed, this one included, labels `replica`, `pod`; remediation's memory. */
  replicaConsecutiveFailures: 'webterminal_probe_replica_consecutive_failures',
} as const;

/** The probe's metrics pushed only when remediation is on (lib/probe-script.mjs, remediation section). */
export const REMEDIATION_METRICS: readonly ProbeMetricName[] = [
  ProbeMetric.remediation,
  ProbeMetric.remediationLastEvictionTimestamp,
  ProbeMetric.replicaConsecutiveFailures,
];

/** Values of the `result` label of `webterminal_probe_remediation`. */
export const RemediationResult = {
  /** The pod was evicted (the API server answered 2xx). */
  evicted: 'evicted',
  /** Dry run: the pod would have been evicted. */
  dryRun: 'dry_run',
  /** The API server answered 429: a PodDisruptionBudget forbids it now; retried on a later run. */
  blockedByBudget: 'blocked_by_budget',
  /** The API call failed (403, 404, another status, no answer) or the token could not be read. */
  failed: 'failed',
  /** The pod has not failed enough runs in a row yet. */
  notConfirmed: 'not_confirmed',
  /** The pod is younger than that many intervals: it may still be loading routes. */
  tooYoung: 'too_young',
  /** More than one replica fails, or fewer than two are healthy: not a straggler. */
  notAlone: 'not_alone',
  /** An eviction happened less than the minimum interval ago: the fault recurs. */
  rateLimited: 'rate_limited',
  /** No pod, or more than one, has the replica's IP and matches the selector. */
  noPod: 'no_pod',
  /** The previous state could not be read from the Pushgateway: nothing done. */
  stateUnavailable: 'state_unavailable',
} as const;

/** Value of the `kind` grouping-key label of the group that holds the last eviction time. */
export const REMEDIATION_GROUP_KIND = 'remediation';

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
  /** The Traefik pod a remediation series is about. */
  pod: 'pod',
  /** Remediation's decision; values in {@link RemediationResult}. */
  result: 'result',
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
  /** `GET /token` on the in-cluster ttyd Service without the auth header: healthy unless 200. */
  originOpenToken: 'origin_open_token',
  /** WebSocket upgrade on the in-cluster ttyd Service without the auth header: healthy unless 101. */
  originOpenWs: 'origin_open_ws',
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
