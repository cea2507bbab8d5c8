/** The props of {@link Webterminal}, and the options of its parts. */
import type { AuthentikOutpostService } from './authentik-outpost-route';
import type { DnsOptions } from './dns-records';
import type { PrometheusRulesProps } from './prometheus-rules';
import type { AuthPosture, IngressKind, MiddlewareChain, RouteAuth, RouteProbeOptions, ServiceTarget } from './protected-ingress';
import type { MiddlewareRef, TraefikLocation } from './traefik';
import type { TtydBackend } from './ttyd-backend';
import type { WebterminalAlertsProps } from './webterminal-alerts-props';
import type { WebterminalDashboardProps } from './webterminal-dashboard';
import type { WebterminalProbeProps } from './webterminal-probe';

export { POD_SECURITY_LABELS, SYSTEM_NAMESPACES } from './private/vocabulary';

/**
 * A sibling route on the terminal host: to an existing Service, or to another port on the host that
 * runs ttyd (then the stack makes a selectorless Service for it, as for ttyd itself). Behind Authentik
 * like the rest of the host, or a public carve-out for paths that never reach ttyd.
 */
export interface TerminalRouteOptions {
  /**
   * The route's name (a lower-case DNS label): in its object names (`terminal-<name>`,
   * `terminal-strip-<name>`) and the probe's `route` label.
   * @default - made from `path` (`/api/sessions/` -> `api-sessions`), so a route of 0.1 keeps its objects; required without `path`
   */
  readonly name?: string;
  /**
   * One path prefix, starting and ending with '/' (`/clipboard/`): the same as `prefixes: [path]`.
   * @default - none; give `paths` or `prefixes`
   */
  readonly path?: string;
  /**
   * Exact paths (`/skills`, `/manifest.webmanifest`): Traefik's `Path`.
   * @default []
   */
  readonly paths?: string[];
  /**
   * Path prefixes, each starting and ending with '/' (`/skills/`): Traefik's `PathPrefix`. Give
   * `paths: ['/skills']` as well where the bare path must reach the route too.
   * @default []
   */
  readonly prefixes?: string[];
  /**
   * Port on the external ttyd host (the original `/clipboard/` is 7683, `/api/sessions/` 7684).
   * @default - none; give `service` instead
   */
  readonly hostPort?: number;
  /**
   * An existing Service in the namespace.
   * @default - none; give `hostPort` instead
   */
  readonly service?: ServiceTarget;
  /**
   * Strip the route's prefixes (each without its trailing '/') before the request reaches the
   * service; a route without prefixes strips nothing.
   * @default true
   */
  readonly stripPrefix?: boolean;
  /**
   * `required` (Authentik gates it), or `public`: a carve-out without forward-auth, only for paths
   * that never reach ttyd (refused for ttyd's port or Service, `/`, `/token`, `/ws`, the outpost's
   * path and any other route's paths), with an explicit Traefik priority.
   * @default "required"
   */
  readonly auth?: RouteAuth;
  /**
   * Why a `public` route must load without a session (icon fetchers carry no cookies); required for it.
   * @default - none
   */
  readonly authReason?: string;
  /**
   * The route's own middlewares, after the host's on each side of auth.
   * @default - none
   */
  readonly middlewares?: MiddlewareChain;
  /**
   * Compress answers (a Traefik `compress` Middleware the stack makes, `terminal-compress-<name>`).
   * @default false
   */
  readonly compress?: boolean;
  /**
   * What the probe requests on every Traefik replica: a gated route must answer with the redirect to
   * the Authentik outpost, a public one must not.
   * @default - each exact path, else each prefix, with the posture's expectation
   */
  readonly probe?: RouteProbeOptions;
}

/** The read-only mirror: a second ttyd on the terminal's host, on its own public host name. */
export interface TerminalMirrorOptions {
  /** Public host name of the mirror (`terminal-ro.example.org`). */
  readonly host: string;
  /** Port of the mirror's ttyd on the external ttyd host (the original: 7682). */
  readonly hostPort: number;
  /**
   * Name of the mirror's Service and ingress.
   * @default - the ttyd Service's name with `-ro` (`terminal-ro`)
   */
  readonly name?: string;
  /**
   * TLS Secret with the mirror host's certificate, in the namespace.
   * @default - the mirror's name with `-tls` (`terminal-ro-tls`)
   */
  readonly tlsSecretName?: string;
}

/** Props of {@link Webterminal}: only `host` and `ttyd` are required. */
export interface WebterminalProps {
  /** Public host name of the terminal (`terminal.example.com`). */
  readonly host: string;
  /** Where ttyd runs: `TtydBackend.externalHost({...})` or `TtydBackend.inCluster({...})`. */
  readonly ttyd: TtydBackend;
  /**
   * Namespace created for the stack.
   * @default "terminal"
   */
  readonly namespace?: string;
  /**
   * Labels on the namespace.
   * @default - `app.kubernetes.io/part-of: webterminal`
   */
  readonly namespaceLabels?: Record<string, string>;
  /**
   * Namespace label keys owned by someone else (a cluster policy), so a plan does not fight over
   * them: they become `lifecycle.ignore_changes` on the namespace.
   * @default []
   */
  readonly namespaceIgnoredLabels?: string[];
  /**
   * A read-only mirror on its own host, with everything the main host gets (TLS, posture,
   * annotations, DNS). The probe checks it in the same run.
   * @default - none
   */
  readonly mirror?: TerminalMirrorOptions;
  /**
   * Further annotations on every ingress object of both hosts (`gethomepage.dev/*`).
   * @default {}
   */
  readonly annotations?: Record<string, string>;
  /**
   * Cloudflare DNS records for each host (needs the optional `@cdktf/provider-cloudflare`).
   * @default - no DNS records
   */
  readonly dns?: DnsOptions;
  /**
   * Take over the objects the original stack has (namespace, Services and Endpoints, Ingresses,
   * strip-prefix Middlewares and IngressRoutes, the probe's CronJob, and DNS records whose ids are
   * in `dns.recordIds`) through Terraform `import` blocks, so the first deploy recreates nothing.
   * Importing an object that does not exist fails the plan.
   * @default false
   */
  readonly adopt?: boolean;
  /**
   * Imports to leave out when adopting, each `"<resource type> <import id>"`
   * (`"kubernetes_ingress_v1 terminal/terminal-clipboard"`): objects the original has under another
   * kind than this stack makes (its sibling routes as IngressRoutes), which cannot be imported.
   * Each must name an import the stack would emit.
   * @default []
   */
  readonly adoptSkip?: string[];
  /**
   * Name of the TLS Secret with the host's certificate, in the namespace.
   * @default "terminal-tls"
   */
  readonly tlsSecretName?: string;
  /**
   * How routing is expressed: `Ingress` or Traefik `IngressRoute`.
   * @default "Ingress"
   */
  readonly ingressKind?: IngressKind;
  /**
   * Auth posture of the host: `required` or `public`. `app` and `none` are refused: ttyd trusts a
   * header any client can send, so only Authentik in front keeps the shell closed.
   * @default "required"
   */
  readonly auth?: AuthPosture;
  /**
   * A reason recorded with the posture.
   * @default - none
   */
  readonly authReason?: string;
  /**
   * The Authentik forward-auth middleware the ingress uses. In another namespace than the stack's,
   * an `IngressRoute` can only name it with Traefik's `providers.kubernetesCRD.allowCrossNamespace`.
   * @default - `authentik-forward-auth` in the stack's namespace with `createAuthMiddleware`, else
   *   DEFAULT_AUTH_MIDDLEWARE (traefik/authentik-forward-auth)
   */
  readonly authMiddleware?: MiddlewareRef;
  /**
   * Create the Authentik forward-auth Middleware (named by `authMiddleware`, by default
   * `authentik-forward-auth` in the stack's namespace), for clusters that lack it.
   * @default false
   */
  readonly createAuthMiddleware?: boolean;
  /**
   * The outpost URL for a created middleware.
   * @default - AuthentikForwardAuth's default
   */
  readonly authOutpostUrl?: string;
  /**
   * Authentik's outpost Service: routes `/outpost.goauthentik.io/` on the host to it, without
   * forward-auth (see {@link AuthentikOutpostRoute} for the Traefik switch each `ingressKind` needs).
   * @default - no route: Authentik's Kubernetes integration must create it, or the login callback fails
   */
  readonly authentikOutpost?: AuthentikOutpostService;
  /**
   * Where Traefik runs: the replica Service and the ttyd NetworkPolicy find its pods here. On k3s:
   * `{ namespace: 'kube-system' }`.
   * @default - DEFAULT_TRAEFIK_LOCATION (the Traefik Helm chart's)
   */
  readonly traefik?: TraefikLocation;
  /**
   * The host's middlewares before auth and after it, on every router of the host (a public route's
   * too, without the auth between them). The 0.1 list of middlewares is `afterAuth`.
   * @default - with `adopt`, the original's chain before auth (Middlewares `retry`, `error-pages`, `rate-limit`,
   *   `csp-headers`, `crowdsec` in namespace `traefik`) and none after; else none
   */
  readonly middlewares?: MiddlewareChain;
  /**
   * Sibling routes on the same host.
   * @default []
   */
  readonly routes?: TerminalRouteOptions[];
  /**
   * The probe CronJob in the namespace (public path, in-cluster ttyd, every Traefik replica); its
   * namespace, URLs and auth header come from the terminal.
   * @default - on, with WebterminalProbe's defaults
   */
  readonly probe?: TerminalProbeOptions;
  /**
   * The alert groups (`Webterminal`, `Traefik Router Parity`) and where their rules go. They are on
   * with the probe, so they live and die with it (the Pushgateway never forgets a retired probe's
   * series); the probe's job and interval come from the probe. The parity source defaults to the
   * probe's router inventory when it is on, else the Traefik v3 metrics.
   * @default - with the probe: a PrometheusRule `webterminal` in `monitoring`, labelled `release: prometheus`
   */
  readonly alerts?: TerminalAlertsOptions;
  /**
   * The Grafana dashboard (a ConfigMap for Grafana's dashboard sidecar), on with the probe: it charts
   * nothing without the probe's series. Its `job` variable starts on the probe's job.
   * @default - with the probe: WebterminalDashboard's defaults (`monitoring`, label `grafana_dashboard: "1"`)
   */
  readonly dashboard?: TerminalDashboardOptions;
}

/** Whether a part of the terminal is made. */
export interface Toggle {
  /**
   * Make the part.
   * @default - the probe: true; alerts and dashboard: whether the probe is made
   */
  readonly enabled?: boolean;
}

/** The probe's settings the terminal does not decide itself (the auth header is ttyd's: `ttyd`'s `authHeader`). */
export interface TerminalProbeOptions
  extends
    Toggle,
    Omit<
      WebterminalProbeProps,
      'namespace' | 'edgeUrl' | 'originUrl' | 'mirrorEdgeUrl' | 'mirrorOriginUrl' | 'authHeader' | 'ownRouters' | 'ttydRouters' | 'routes'
    > {}

/** The alert settings and the rules' place; the probe's job and interval come from the probe. */
export interface TerminalAlertsOptions
  extends Toggle, Omit<WebterminalAlertsProps, 'probeJob' | 'probeIntervalSeconds'>, Omit<PrometheusRulesProps, 'ruleSet'> {}

/** The dashboard's settings; its `job` variable starts on the probe's job. */
export interface TerminalDashboardOptions extends Toggle, Omit<WebterminalDashboardProps, 'probeJob'> {}
