import names from './probe/contract.json';

/**
 * The names the probe pushes and the alert rules read. The names are written once, in the probe's
 * contract (`lib/probe/contract.json`): the probe's ConfigMap carries that file beside the modules,
 * which read it at run time, and this module exports it typed; the interfaces at the end say what each
 * one means.
 */

/** The probe's metric names. */
export const ProbeMetric: ProbeMetricNames = names.metric;

/** The probe's metrics pushed only when remediation is on (lib/probe/remediation.mjs). */
export const REMEDIATION_METRICS: readonly string[] = [
  ProbeMetric.remediation,
  ProbeMetric.remediationLastEvictionTimestamp,
  ProbeMetric.replicaConsecutiveFailures,
];

/** Values of the `result` label of `webterminal_probe_remediation`. */
export const RemediationResult: RemediationResultValues = names.remediationResult;

/** Value of the `kind` grouping-key label of the group that holds the last eviction time. */
export const REMEDIATION_GROUP_KIND: string = names.remediationGroupKind;

/**
 * The annotation of the probe's Lease (`WebterminalProbe.remediationLease`) holding remediation's
 * memory: a small versioned JSON the probe rewrites every run. Removing it resets that memory.
 */
export const REMEDIATION_STATE_ANNOTATION: string = names.remediationStateAnnotation;

/** Values of the `reason` label of `webterminal_probe_route_ok`. */
export const RouteReason: RouteReasonValues = names.routeReason;

/** Label names on the probe's metrics. */
export const ProbeLabel: ProbeLabelNames = names.label;

/** Values of the `check` label. */
export const ProbeCheck: ProbeCheckValues = names.check;

/** Value of the `kind` grouping-key label of the group that holds the last-success timestamp. */
export const SUCCESS_GROUP_KIND: string = names.successGroupKind;

/**
 * The probe's default image: a Node release line still supported (24, LTS) on a supported Alpine line,
 * pinned. The tests run the probe under this exact Node version (tools/build.sh reads it here).
 */
export const PROBE_NODE_IMAGE: string = names.probeImage;

/** Default Pushgateway job name of the probe. */
export const DEFAULT_PROBE_JOB: string = names.defaults.job;

export { PushgatewayMetric } from './private/vocabulary';

/** The probe's metric names, by meaning. */
export interface ProbeMetricNames {
  /** HTTP status of `GET /token` via the public path: the first unexpected one in a run, else the healthy one; 0 = no answer. */
  readonly tokenStatus: string;
  /** HTTP status of the WebSocket upgrade to `/ws` via the public path, same rule. */
  readonly wsStatus: string;
  /** HTTP status of `GET /token` on the in-cluster ttyd Service, same rule. */
  readonly ttydStatus: string;
  /** HTTP status of the WebSocket upgrade on the in-cluster ttyd Service (101 when healthy). */
  readonly ttydWsStatus: string;
  /** Unix time of the last fully healthy run; pushed only on success, in its own group. */
  readonly lastSuccessTimestamp: string;
  /** Samples taken per check in the run, label `check`. */
  readonly checkSamples: string;
  /** Failed samples per check in the run, label `check`. */
  readonly checkFailures: string;
  /** Status per Traefik replica and check, labels `replica`, `check`; 0 = no answer. */
  readonly replicaStatus: string;
  /** Number of Traefik replica addresses checked in the run (at most PROBE_MAX_REPLICAS). */
  readonly replicas: string;
  /** Replica addresses resolved but not checked in the run: those past PROBE_MAX_REPLICAS. */
  readonly replicasLeftOut: string;
  /** Routers a replica's Traefik API lists (router inventory), label `replica`. */
  readonly replicaRouters: string;
  /** Wall time of the run. */
  readonly durationSeconds: string;
  /**
   * Per Traefik replica, label `replica`: 1 when every check on it was healthy in the run (the auth
   * redirect to the Authentik outpost on the terminal host, for /token and the upgrade), else 0.
   */
  readonly replicaOk: string;
  /** Per replica, label `replica`: 1 when its router inventory was read in full, else 0 (only with the inventory on). */
  readonly routerInventoryOk: string;
  /**
   * Per replica, label `replica`: how many routers that are not the stack's reach one of ttyd's
   * servers (only with the stack's router names given, and where ttyd's servers could be told).
   */
  readonly foreignRouters: string;
  /** One series (value 1) per such router, labels `replica` and `router` (at most 10 per replica). */
  readonly foreignRouter: string;
  /** 1 when ttyd answered without the auth header (token 200 or upgrade 101): it runs without header auth. */
  readonly ttydOpen: string;
  /** Remediation's decision for a failing replica this run (value 1), labels `replica`, `pod`, `result` ({@link RemediationResult}). */
  readonly remediation: string;
  /** Unix time of the last eviction by the probe; in its own group (`kind="remediation"`), pushed only on an eviction. */
  readonly remediationLastEvictionTimestamp: string;
  /** Runs in a row a replica's pod has failed, this one included, labels `replica`, `pod`; remediation's memory. */
  readonly replicaConsecutiveFailures: string;
  /**
   * One series (value 0) per route that failed on a replica this run, labels `replica`, `route`, `reason`
   * ({@link RouteReason}); pairs that pass push nothing, so 1,000 replicas × 20 routes stay small.
   */
  readonly routeOk: string;
  /** Per route, label `route`: the replicas it was checked on this run (a pair the run deadline cut off is not counted). */
  readonly routeReplicas: string;
  /** Per route, label `route`: the replicas it failed on this run (0 when it passed on all). */
  readonly routeFailingReplicas: string;
  /**
   * With the router inventory: one series (value 1) per router of the stack that at least half of the
   * replicas list and this one lacks, labels `replica`, `router` (at most 10 routers per replica). Only
   * against more than half, and with three replicas or more, does remediation treat the replica as one
   * without the route; a tie, or two replicas, is reported only.
   */
  readonly replicaMissingRouter: string;
  /** With the router inventory: one series (value 1) per router of the stack that no replica lists (a route problem), label `router`. */
  readonly routerMissingEverywhere: string;
}

/** Values of the `reason` label of `webterminal_probe_route_ok`. */
export interface RouteReasonValues {
  /** Traefik's own 404 (`404 page not found`): no router on that replica matched the path. */
  readonly notRouted: string;
  /** A public carve-out answered with a redirect to the Authentik outpost: walled off again. */
  readonly walledOff: string;
  /** A gated route answered without the redirect to the Authentik outpost (auth bypassed). */
  readonly ungated: string;
  /** A gated route redirected somewhere that is not the Authentik outpost. */
  readonly wrongRedirect: string;
  /** A public carve-out answered with another status than the one it declares. */
  readonly wrongStatus: string;
  /** No answer in time (connection refused, reset, timeout). */
  readonly noAnswer: string;
}

/** Values of the `result` label of `webterminal_probe_remediation`. */
export interface RemediationResultValues {
  /** The pod was evicted (the API server answered 2xx). */
  readonly evicted: string;
  /** Dry run: the pod would have been evicted. */
  readonly dryRun: string;
  /** The API server answered 429: a PodDisruptionBudget forbids it now; retried on a later run. */
  readonly blockedByBudget: string;
  /** The API call failed (403, 404, another status, no answer) or the token could not be read. */
  readonly failed: string;
  /** The pod has not failed enough runs in a row yet. */
  readonly notConfirmed: string;
  /** The pod is younger than that many intervals: it may still be loading routes. */
  readonly tooYoung: string;
  /** More than one replica fails, or fewer than two are healthy: not a straggler. */
  readonly notAlone: string;
  /** An eviction happened less than the minimum interval ago: the fault recurs. */
  readonly rateLimited: string;
  /** No pod, or more than one, has the replica's IP and matches the selector. */
  readonly noPod: string;
  /** The previous state could not be read from the Pushgateway: nothing done. */
  readonly stateUnavailable: string;
}

/** Label names on the probe's metrics. */
export interface ProbeLabelNames {
  /** Which check a sample series belongs to; values in {@link ProbeCheck}. */
  readonly check: string;
  /** The Traefik replica address a per-replica series is about. */
  readonly replica: string;
  /** Grouping-key label that keeps the last-success timestamp in a group of its own. */
  readonly kind: string;
  /** The Traefik pod a remediation series is about. */
  readonly pod: string;
  /** Remediation's decision; values in {@link RemediationResult}. */
  readonly result: string;
  /** The host a second host's (the mirror's) edge check series are about; the main host's have none. */
  readonly host: string;
  /** A Traefik router, as its API names it (`name@provider`). */
  readonly router: string;
  /** A route of the terminal host, by its `name`. */
  readonly route: string;
  /** Why a route failed on a replica; values in {@link RouteReason}. */
  readonly reason: string;
}

/** Values of the `check` label. */
export interface ProbeCheckValues {
  /** `GET /token` via the public path. */
  readonly edgeToken: string;
  /** WebSocket upgrade to `/ws` via the public path. */
  readonly edgeWs: string;
  /** `GET /token` on the in-cluster ttyd Service. */
  readonly originToken: string;
  /** WebSocket upgrade on the in-cluster ttyd Service. */
  readonly originWs: string;
  /** `GET /token` on the in-cluster ttyd Service without the auth header: healthy unless 200. */
  readonly originOpenToken: string;
  /** WebSocket upgrade on the in-cluster ttyd Service without the auth header: healthy unless 101. */
  readonly originOpenWs: string;
  /** With mutual TLS: `GET /token` with the auth header but without the client certificate: healthy unless 200. */
  readonly originNoCert: string;
}

/** Fails to compile when the contract and the interfaces above do not have the same keys. */
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : never) : never;
const sameKeys: [
  SameKeys<typeof names.metric, ProbeMetricNames>,
  SameKeys<typeof names.label, ProbeLabelNames>,
  SameKeys<typeof names.check, ProbeCheckValues>,
  SameKeys<typeof names.remediationResult, RemediationResultValues>,
  SameKeys<typeof names.routeReason, RouteReasonValues>,
] = [true, true, true, true, true];
void sameKeys;
