/**
 * The words the constructs, their private checks and the app's configuration share, each written
 * once. This module imports nothing: public files re-export what is part of the package's API.
 */

/** API group/version of Traefik's CRDs (Traefik v2.10+ and v3). */
export const TRAEFIK_API_VERSION = 'traefik.io/v1alpha1';

/** A reference to a Traefik `Middleware` object. */
export interface MiddlewareRef {
  /** Namespace of the Traefik `Middleware` object. */
  readonly namespace: string;
  /** Name of the Traefik `Middleware` object (Traefik refers to it as `<namespace>-<name>@kubernetescrd`). */
  readonly name: string;
}

/** The header Authentik's outpost fills with the signed-in user: the one ttyd trusts by default. */
export const AUTHENTIK_USERNAME_HEADER = 'X-authentik-username';

/**
 * The headers Authentik's outpost returns and Traefik copies onto the request (the list in
 * Authentik's current Traefik middleware documentation).
 */
export const AUTHENTIK_RESPONSE_HEADERS: readonly string[] = [
  AUTHENTIK_USERNAME_HEADER,
  'X-authentik-groups',
  'X-authentik-email',
  'X-authentik-name',
  'X-authentik-uid',
  'X-authentik-entitlements',
  'X-authentik-jwt',
  'X-authentik-meta-jwks',
  'X-authentik-meta-outpost',
  'X-authentik-meta-provider',
  'X-authentik-meta-app',
  'X-authentik-meta-version',
];

/**
 * Every `X-authentik-*` header, for `forwardAuth.authResponseHeadersRegex`: Traefik deletes the
 * matching headers the client sent, then copies the matching headers of the auth answer. Go's HTTP
 * server canonicalizes header names (`X-Authentik-Username`) and Traefik matches the canonical
 * name, so the match must ignore case: `^X-authentik-` alone would match nothing.
 */
export const AUTHENTIK_HEADERS_REGEX = '(?i)^x-authentik-';

/**
 * An HTTP header name as this library accepts it (letters, digits and `-`): a subset of RFC 9110's
 * token, so every name it accepts is one Traefik, ttyd and the probe accept too.
 */
export const HTTP_HEADER_NAME = /^[A-Za-z0-9-]+$/;

/**
 * Who authenticates requests to an ingress.
 * - `required`: Authentik gates every request (the default; fails closed).
 * - `public`: Authentik still sees every request, through an anonymous binding.
 * - `app`: no auth middleware; the app authenticates by itself.
 * - `none`: no auth at all; deliberately public.
 *
 * `app` and `none` take no middleware and must be chosen on purpose, with a written reason.
 */
export type AuthPosture = 'required' | 'public' | 'app' | 'none';

/** The accepted postures, for validation and docs. */
export const AUTH_POSTURES: readonly AuthPosture[] = ['required', 'public', 'app', 'none'];

/**
 * Who may reach a sibling route on the terminal's host.
 * - `required`: Authentik gates every request, as on the rest of the host (the default).
 * - `public`: a carve-out: no forward-auth at all, for paths that never reach ttyd (a PWA manifest,
 *   icons, web fonts, which browsers fetch without cookies). It needs a written reason. Not the same
 *   as the host's `public` posture, where Authentik still sees every request.
 */
export type RouteAuth = 'required' | 'public';

/** The accepted {@link RouteAuth} values. */
export const ROUTE_AUTHS: readonly RouteAuth[] = ['required', 'public'];

/** Middlewares by reference, before the Authentik middleware and after it. */
export interface MiddlewareChain {
  /**
   * Applied before the Authentik middleware, in this order (the original's retry, error pages, rate
   * limit, CSP headers, CrowdSec bouncer).
   * @default []
   */
  readonly beforeAuth?: MiddlewareRef[];
  /**
   * Applied after the Authentik middleware (and after a route's strip-prefix), in this order.
   * @default []
   */
  readonly afterAuth?: MiddlewareRef[];
}

/** What the probe requests on a route, on every Traefik replica. */
export interface RouteProbeOptions {
  /**
   * The path requested.
   * @default - each exact path of the route, else each of its prefixes
   */
  readonly path?: string;
  /**
   * The status a public route must answer with (a gated one must redirect to the Authentik outpost).
   * @default - any answer but the redirect to the outpost and Traefik's own 404
   */
  readonly status?: number;
}

/** How the routing is expressed to Traefik. */
export type IngressKind = 'Ingress' | 'IngressRoute';

/** The accepted {@link IngressKind} values. */
export const INGRESS_KINDS: readonly IngressKind[] = ['Ingress', 'IngressRoute'];

/** Where Terraform keeps the stack's state. */
export type StateBackend = 'local' | 'pg';

/** The accepted {@link StateBackend} values. */
export const STATE_BACKENDS: readonly StateBackend[] = ['local', 'pg'];

/**
 * How a host is published in DNS.
 * - `proxied`: a proxied CNAME to the Cloudflare tunnel (`<tunnelId>.cfargotunnel.com`);
 * - `non-proxied`: A and/or AAAA records to the public addresses, not proxied;
 * - `none`: no records.
 */
export type DnsMode = 'proxied' | 'non-proxied' | 'none';

/** The accepted modes, for validation and docs. */
export const DNS_MODES: readonly DnsMode[] = ['proxied', 'non-proxied', 'none'];

/** DNS record types this construct makes. */
export type DnsRecordType = 'CNAME' | 'A' | 'AAAA';

/** Where and how a host's records are made: everything but the host itself, shared by every host of a stack. */
export interface DnsOptions {
  /** Cloudflare zone id (32 hex digits). */
  readonly zoneId: string;
  /** How the host is published. */
  readonly mode: DnsMode;
  /**
   * Cloudflare tunnel id (a UUID); required for `proxied`.
   * @default - none
   */
  readonly tunnelId?: string;
  /**
   * Public IPv4 address for an A record (`non-proxied`).
   * @default - no A record
   */
  readonly publicIp?: string;
  /**
   * Public IPv6 address for an AAAA record (`non-proxied`).
   * @default - no AAAA record
   */
  readonly publicIpv6?: string;
  /**
   * Record TTL in seconds. Cloudflare requires 1 ("automatic") for proxied records.
   * @default - 1 for `proxied`, 300 for `non-proxied`
   */
  readonly ttl?: number;
  /**
   * Existing records to adopt, by host and record type: `{ "terminal.example.org": { "CNAME": "<record id>" } }`.
   * The provider's import id is `<zone id>/<record id>`, which the configuration cannot derive.
   * @default - no record is adopted
   */
  readonly recordIds?: Readonly<Record<string, Readonly<Partial<Record<DnsRecordType, string>>>>>;
}

/** Namespace labels that make the API server enforce Pod Security "restricted" on every pod. */
export const POD_SECURITY_LABELS: Readonly<Record<string, string>> = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
};

/** Namespaces that belong to the cluster: a stack must not create (or delete) them. */
export const SYSTEM_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Names of the alerts the factories make (also the runbook file names under `docs/runbooks/`). */
export const WebterminalAlertName = {
  /** The public `/token` request fails in two or more probe runs of the last three intervals. */
  tokenDegraded: 'WebterminalTokenDegraded',
  /** The public WebSocket upgrade fails in two or more probe runs of the last three intervals. */
  websocketDegraded: 'WebterminalWebsocketDegraded',
  /** The in-cluster checks of ttyd fail in two or more probe runs of the last three intervals. */
  ttydUnreachable: 'WebterminalTtydUnreachable',
  /** A Traefik replica does not answer the terminal host with the auth redirect to the outpost. */
  replicaRouteMissing: 'WebterminalReplicaRouteMissing',
  /** Per-replica checks are configured but the probe found no replica: the detector is blind. */
  probeBlind: 'WebterminalProbeBlind',
  /** ttyd answered without the auth header: anyone who reaches it gets a shell. */
  ttydOpen: 'WebterminalTtydOpen',
  /** A route of the terminal host fails on a replica (or on all of them), or a replica lacks a router most replicas have. */
  routeMissing: 'WebterminalRouteMissing',
  /** A public carve-out answers with the redirect to Authentik: walled off again. */
  carveOutWalledOff: 'WebterminalCarveOutWalledOff',
  /** A gated route answers without the redirect to Authentik: auth is bypassed. */
  routeUngated: 'WebterminalRouteUngated',
  /** The probe has not pushed for too long, or never did. */
  probeStale: 'WebterminalProbeStale',
  /** Traefik replicas disagree on how many routers they have. */
  traefikRouterCountSkew: 'TraefikRouterCountSkew',
  /** The probe's router inventory fails on a replica: the parity alert is blind there. */
  traefikRouterInventoryFailing: 'TraefikRouterInventoryFailing',
  /** A router that is not the stack's reaches ttyd on a Traefik replica. */
  foreignRoute: 'WebterminalForeignRoute',
} as const;

/**
 * Where `TraefikRouterCountSkew` gets the router count of each Traefik replica.
 * - `inventory`: the probe's `webterminal_probe_replica_routers{replica}`, read from each replica's
 *   Traefik API. Counts configured routers, so it works on Traefik v3 and without traffic; needs the
 *   probe's router inventory switched on.
 * - `traefik-v2`: distinct `router` values of `traefik_router_open_connections` per replica (the
 *   original rule). The metric exists in Traefik v2.5–v2.11 only, and a router has a series only
 *   once it has served traffic on that replica.
 * - `traefik-v3`: distinct `router` values of `traefik_router_requests_total` per replica. Needs
 *   `addRoutersLabels: true`. Caveat: a router appears on a replica only after that replica served it
 *   a request, and the series stay until the replica restarts, so a fresh or idle replica counts
 *   fewer routers than it has; use a `for` longer than the time every router needs to see traffic.
 */
export type ParitySource = 'inventory' | 'traefik-v2' | 'traefik-v3';

/** The accepted {@link ParitySource} values. */
export const PARITY_SOURCES: readonly ParitySource[] = ['inventory', 'traefik-v2', 'traefik-v3'];

/** Metrics the Pushgateway adds to every group by itself (source: pushgateway README). */
export const PushgatewayMetric = {
  /** Unix time of the group's last successful push. */
  pushTime: 'push_time_seconds',
  /** Unix time of the group's last failed push. */
  pushFailureTime: 'push_failure_time_seconds',
} as const;

/** Default matchers of the Prometheus server's own metrics (prometheus-community chart). */
export const DEFAULT_RESTART_GUARD_SELECTOR = 'job="prometheus"';
