import contract from './probe/contract.json';
import { TraefikLocation } from './traefik';

/** What the probe does about a Traefik replica that lost the route: nothing, report, or evict it. */
export type RemediationMode = 'off' | 'dry-run' | 'on';

/** The accepted {@link RemediationMode} values. */
export const REMEDIATION_MODES: readonly RemediationMode[] = contract.remediationModes as RemediationMode[];

/**
 * Opt-in self-healing: evict the one Traefik replica (pod) that fails the per-replica checks while at
 * least two others pass, once it failed `afterRuns` runs in a row and is older than that many
 * intervals, through the Eviction API (a PodDisruptionBudget is respected; never a delete), at most
 * once per `minIntervalSeconds`. Needs per-replica checks (`replicas` or `createReplicaService`).
 */
export interface ProbeRemediation {
  /**
   * `off`; `dry-run` (decide and report what it would evict); `on`.
   * @default "off"
   */
  readonly mode?: RemediationMode;
  /**
   * Consecutive failing runs of the same pod before it is evicted.
   * @default 3
   */
  readonly afterRuns?: number;
  /**
   * At most one eviction per this many seconds, for the whole probe; a replica failing again within
   * it is reported as a recurring fault instead.
   * @default 3600
   */
  readonly minIntervalSeconds?: number;
}

/** A route the probe checks on every replica. */
export interface ProbeRoute {
  /** The route's name: the `route` label of its series (lower-case letters, digits and '-', at most 63). */
  readonly name: string;
  /** The host it is on (the terminal's or the mirror's). */
  readonly host: string;
  /** The path requested, starting with '/' (an exact path of the route, or one under its prefix). */
  readonly path: string;
  /** `gated`: must answer with the redirect to the Authentik outpost; `public`: must not. */
  readonly expect: 'gated' | 'public';
  /**
   * The status a public route must answer with.
   * @default - any answer but the redirect to the outpost and Traefik's own 404
   */
  readonly status?: number;
}

/** Props of {@link WebterminalProbe}. */
export interface WebterminalProbeProps {
  /** Namespace of the CronJob and its ConfigMap. */
  readonly namespace: string;
  /** Public URL of the terminal, through the CDN (`https://terminal.example.com`). */
  readonly edgeUrl: string;
  /** In-cluster URL of the ttyd Service (`TtydService.url`). */
  readonly originUrl: string;
  /**
   * Public URL of a second host checked in the same run (the read-only mirror); its series carry
   * a `host` label.
   * @default - none
   */
  readonly mirrorEdgeUrl?: string;
  /**
   * In-cluster URL of the mirror's ttyd Service: checked, like ttyd's own, for answering without the
   * auth header. Needs `mirrorEdgeUrl`.
   * @default - none
   */
  readonly mirrorOriginUrl?: string;
  /**
   * The stack's Traefik routers, as Traefik's API names them (`name@provider`), with `routerInventory`:
   * any other router on a replica whose service reaches one of ttyd's servers is reported as foreign
   * (`WebterminalForeignRoute`). `TerminalStack` passes its own; needs `ttydRouters` with it.
   * @default - no foreign-router check
   */
  readonly ownRouters?: readonly string[];
  /**
   * Those of `ownRouters` that reach ttyd: the servers behind them are what a foreign router must not reach.
   * @default - no foreign-router check
   */
  readonly ttydRouters?: readonly string[];
  /**
   * Routes of the terminal's hosts the probe requests on every Traefik replica, with the host's SNI and
   * `Host`: a gated route must answer with the redirect to the Authentik outpost, a public carve-out must
   * not (and, when it declares one, with its status). `Webterminal` passes its routes.
   * @default []
   */
  readonly routes?: readonly ProbeRoute[];
  /**
   * Pushgateway base URL.
   * @default "http://prometheus-pushgateway.monitoring.svc.cluster.local:9091"
   */
  readonly pushgatewayUrl?: string;
  /**
   * A Secret in the probe's namespace with basic-auth credentials for the Pushgateway; the probe
   * gets them as `PROBE_PUSHGATEWAY_USERNAME` / `PROBE_PUSHGATEWAY_PASSWORD` through
   * `secretKeyRef`, so they never enter the synthesized JSON.
   * @default - no credentials
   */
  readonly pushgatewayCredentialsSecret?: PushgatewayCredentialsSecret;
  /**
   * Name of the CronJob and ConfigMap.
   * @default "webterminal-probe"
   */
  readonly name?: string;
  /**
   * Pushgateway job name; the alert rules must use the same.
   * @default DEFAULT_PROBE_JOB ("webterminal-probe")
   */
  readonly job?: string;
  /**
   * Cron schedule.
   * @default "*\/5 * * * *"
   */
  readonly schedule?: string;
  /**
   * Requests per edge check per run, each on a fresh connection. With N Traefik replicas behind a
   * round-robin balancer, N or more samples reach every replica.
   * @default 6
   */
  readonly samples?: number;
  /**
   * Time limit of one request (connect + answer), seconds.
   * @default 10
   */
  readonly timeoutSeconds?: number;
  /**
   * Time limit of the whole run of checks, seconds; then what is known is pushed. Must end (with
   * the push's own timeout) well before the next run.
   * @default 60
   */
  readonly deadlineSeconds?: number;
  /**
   * Headless Service name resolving to every Traefik replica, or a comma list of IPs, for the
   * per-replica checks.
   * @default - the replica Service's name when `createReplicaService` is set, else per-replica checks are off
   */
  readonly replicas?: string;
  /**
   * Traefik's TLS entrypoint port on the pods.
   * @default 8443
   */
  readonly replicaPort?: number;
  /**
   * Replicas checked per run (1-1000), 8 at a time: past it the first ones (in address order) are
   * checked and the rest counted (`webterminal_probe_replicas_left_out`), so a Service that resolves
   * to a thousand addresses cannot take the pod's memory or run past its deadline.
   * @default 50
   */
  readonly maxReplicas?: number;
  /**
   * Count each replica's routers from its Traefik API (what the parity alert reads on Traefik v3).
   * Needs the API served on Traefik's `traefik` entrypoint, which a default Helm install does not do:
   * set the chart value `api.insecure=true`, or `ingressRoute.dashboard.enabled=true` with
   * `ingressRoute.dashboard.entryPoints=[traefik]`. Without it the inventory fails and
   * `TraefikRouterInventoryFailing` fires. The probe reads at most 4 MiB of router lists per run (512 KiB a page).
   * @default false
   */
  readonly routerInventory?: boolean;
  /**
   * Port of Traefik's API on the pods (the Helm chart's `traefik` entrypoint).
   * @default 8080
   */
  readonly traefikApiPort?: number;
  /**
   * Header ttyd trusts, and the user the probe claims on the in-cluster checks.
   * @default "X-authentik-username"
   */
  readonly authHeader?: string;
  /** @default "probe" */
  readonly authUser?: string;
  /**
   * Host of Authentik, when its outpost redirects browsers to a host of its own rather than the
   * terminal host's `/outpost.goauthentik.io/` path: redirects to `/outpost.goauthentik.io/` on that
   * host count as healthy too (`PROBE_AUTHENTIK_HOST`). A redirect anywhere else fails the check.
   * @default - only the terminal host
   */
  readonly authentikHost?: string;
  /**
   * Skip TLS certificate checks (the original did). Leave off where the certificate is public.
   * @default false
   */
  readonly insecureTls?: boolean;
  /**
   * Image: a stock Node.js alpine image, pinned. Nothing is installed at run time.
   * Pin it by digest as well where the registry may move a tag: `node:24.22.3-alpine3.23@sha256:<digest>`
   * (`docker buildx imagetools inspect node:24.22.3-alpine3.23` prints it).
   * @default PROBE_NODE_IMAGE (Node 24, an LTS line, on Alpine 3.23)
   */
  readonly image?: string;
  /**
   * Non-root uid (the `node` user of the official image).
   * @default 1000
   */
  readonly runAsUser?: number;
  /**
   * Create a headless Service that resolves to every Traefik replica.
   * @default false (`Webterminal` and `TerminalStack` turn it on unless `replicas` is given)
   */
  readonly createReplicaService?: boolean;
  /**
   * Name, namespace, selector of that Service; defaults fit the Traefik Helm chart.
   * @default "traefik-replicas"
   */
  readonly replicaServiceName?: string;
  /** @default "traefik" */
  readonly replicaServiceNamespace?: string;
  /** @default { "app.kubernetes.io/name": "traefik" } */
  readonly replicaServiceSelector?: Record<string, string>;
  /**
   * Self-healing; the Traefik pods are found in `replicaServiceNamespace` by `replicaServiceSelector`.
   * When not off: a ServiceAccount, and a Role and RoleBinding in that namespace allowing only get/list
   * pods and create pods/eviction; a Lease named `name` in `namespace`, where the probe keeps its memory
   * (failing runs in a row, the last eviction), with a Role and RoleBinding allowing get/update on that
   * one Lease; the token is mounted into the probe pod only then.
   * @default - off
   */
  readonly remediation?: ProbeRemediation;
  /**
   * Labels on every object.
   * @default - `app.kubernetes.io/part-of: webterminal`, `app.kubernetes.io/component: probe`
   */
  readonly labels?: Record<string, string>;
  /**
   * Where Traefik runs: the defaults of `replicaServiceNamespace`, `replicaServiceSelector`,
   * `replicaPort` and `traefikApiPort` come from it.
   * @default - DEFAULT_TRAEFIK_LOCATION
   */
  readonly traefik?: TraefikLocation;
  /**
   * Secret (in `namespace`) with the client certificate for ttyd's mutual TLS (`tls.crt`, `tls.key`,
   * `ca.crt`): mounted read-only into the pod, its files named in `PROBE_ORIGIN_CLIENT_CERT_FILE`,
   * `PROBE_ORIGIN_CLIENT_KEY_FILE`, `PROBE_ORIGIN_CA_FILE` for the origin checks.
   * @default - none; the origin checks use plain HTTP or server-only TLS
   */
  readonly originClientCertSecret?: string;
}

/** Where the probe finds its Pushgateway credentials. */
export interface PushgatewayCredentialsSecret {
  /** Secret name, in the probe's namespace. */
  readonly name: string;
  /**
   * Key of the user name.
   * @default "username"
   */
  readonly usernameKey?: string;
  /**
   * Key of the password.
   * @default "password"
   */
  readonly passwordKey?: string;
}

/** Where the probe pod mounts {@link WebterminalProbeProps.originClientCertSecret}. */
export const PROBE_ORIGIN_TLS_DIR = '/etc/webterminal/origin-tls';
