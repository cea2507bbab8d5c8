/** The web terminal as one construct, for any stack: {@link Webterminal}. */
import { Construct } from 'constructs';
import { WebterminalAlertsProps } from './webterminal-alerts-props';
import { WebterminalRuleSet } from './webterminal-rule-set';
import { AuthentikForwardAuth } from './authentik-forward-auth';
import { AuthentikOutpostRoute, AuthentikOutpostService } from './authentik-outpost-route';
import { Annotations, NamespaceV1, TerraformResource, TerraformStack } from './private/cdktf';
import { DEFAULT_PROBE_JOB } from './metrics';
import { DnsOptions } from './dns-records';
import { ImportBlocks } from './import-blocks';
import { PrometheusRules, PrometheusRulesProps } from './prometheus-rules';
import { AuthPosture, IngressKind, ProtectedIngress, RouteOptions, ServiceTarget } from './protected-ingress';
import { TerminalHost } from './terminal-host';
import { MiddlewareRef, ResolvedTraefikLocation, TraefikLocation } from './traefik';
import { TtydNetworkPolicy } from './ttyd-network-policy';
import { TtydBackend, TtydService } from './ttyd-service';
import { DEFAULT_AUTH_MIDDLEWARE, DEFAULT_LABELS, DEFAULT_TTYD_SERVICE_NAME } from './private/defaults';
import { WebterminalDashboard, WebterminalDashboardProps } from './webterminal-dashboard';
import { WebterminalProbe, WebterminalProbeProps } from './webterminal-probe';
import { ProblemCollector, Problems, ValidationError, checkDnsLabel, checkMetadata } from './private/validation';
import { kubernetesImportId } from './private/import-ids';
import { checkShellPosture, routePathProblems, routeSlug } from './private/routes';
import { traefikLocationProblems, resolveTraefikLocation } from './private/traefik';
import { traefikRouters } from './private/traefik-routers';
import { treeProblems } from './private/tree-checks';
import { TERMINAL_PROP_RENAMES, renamedSentence } from './private/renames';

/**
 * A sibling path on the terminal host: to an existing Service, or to another port on the host that
 * runs ttyd (then the stack makes a selectorless Service for it, as for ttyd itself).
 */
export interface TerminalRouteOptions {
  /** Path prefix, starting and ending with '/' (`/clipboard/`). */
  readonly path: string;
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
   * Strip the prefix before the request reaches the service.
   * @default true
   */
  readonly stripPrefix?: boolean;
}

export { SYSTEM_NAMESPACES } from './private/vocabulary';
import { SYSTEM_NAMESPACES } from './private/vocabulary';
/** Namespace labels that make the API server enforce Pod Security "restricted" on every pod. */
export const POD_SECURITY_LABELS: Readonly<Record<string, string>> = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
};

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
   * Further Traefik middlewares after auth.
   * @default []
   */
  readonly middlewares?: MiddlewareRef[];
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
      'namespace' | 'edgeUrl' | 'originUrl' | 'mirrorEdgeUrl' | 'mirrorOriginUrl' | 'authHeader' | 'ownRouters' | 'ttydRouters'
    > {}

/** The alert settings and the rules' place; the probe's job and interval come from the probe. */
export interface TerminalAlertsOptions
  extends Toggle, Omit<WebterminalAlertsProps, 'probeJob' | 'probeIntervalSeconds'>, Omit<PrometheusRulesProps, 'ruleSet'> {}

/** The dashboard's settings; its `job` variable starts on the probe's job. */
export interface TerminalDashboardOptions extends Toggle, Omit<WebterminalDashboardProps, 'probeJob'> {}

/**
 * The whole web terminal in any `TerraformStack`: its namespace, ttyd's Service, the protected
 * ingress on Traefik behind Authentik, the probe, its alert groups and dashboard. The stack it is
 * put in brings the Kubernetes provider (and, with `dns`, the Cloudflare one) and the state backend.
 *
 * Instances are named after their id: the `Default` instance (what {@link TerminalStack} makes) has
 * the names it always had; any other id `x` gets namespace `terminal-x` and `-x` on every name it puts
 * in a shared namespace (the dashboard and rules in `monitoring`, the replica Service in Traefik's, the
 * probe's Pushgateway job), unless the props name them. Two instances can live in one stack or cluster.
 */
export class Webterminal extends Construct {
  /** The namespace name. */
  public readonly namespace: string;
  /** The namespace resource. */
  public readonly namespaceResource: NamespaceV1;
  /** The terminal's host: ttyd Service, ingress, DNS. */
  public readonly mainHost: TerminalHost;
  /** The read-only mirror's host, when `mirror` is given. */
  public readonly mirrorHost?: TerminalHost;
  /** The ttyd Service. */
  public readonly ttydService: TtydService;
  /** The main host's protected ingress, where routes are added. */
  public readonly ingress: ProtectedIngress;
  /** The import blocks, when `adopt` is set. */
  public readonly imports?: ImportBlocks;
  /** The probe, unless `probe.enabled` is false. */
  public readonly webterminalProbe?: WebterminalProbe;
  /** The alert groups, unless `alerts.enabled` is false. */
  public readonly ruleSet?: WebterminalRuleSet;
  /** The rules' Kubernetes objects, unless `alerts.enabled` is false. */
  public readonly prometheusRules?: PrometheusRules;
  /** The Grafana dashboard's ConfigMap, unless `dashboard.enabled` is false. */
  public readonly webterminalDashboard?: WebterminalDashboard;
  /** The created Authentik middleware, when `createAuthMiddleware` is set. */
  public readonly forwardAuth?: AuthentikForwardAuth;
  /** Where Traefik runs, defaults filled in. */
  public readonly traefikLocation: ResolvedTraefikLocation;
  /** The NetworkPolicy in front of an in-cluster ttyd. */
  public readonly networkPolicy?: TtydNetworkPolicy;
  /** The outpost route, when `authentikOutpost` is set. */
  public readonly outpostRoute?: AuthentikOutpostRoute;

  private readonly routeServices: TtydService[] = [];

  constructor(scope: Construct, id: string, given: WebterminalProps) {
    super(scope, id);
    const props = instanceDefaults(id, given);
    // Every problem of the tree at once: each construct records its own, led by its path, and the
    // build goes on; one ValidationError at the end (not only node.addValidation: cdktf's
    // Testing.synth skips validations, so a consumer's tests would pass on invalid props).
    const gathered = ProblemCollector.begin();
    try {
      // Resolve
      this.namespace = props.namespace ?? 'terminal';
      this.traefikLocation = resolveTraefikLocation(props.traefik);
      // Pod Security "restricted" is enforced, not only asked for: these labels win over namespaceLabels.
      const labels = { ...(props.namespaceLabels ?? DEFAULT_LABELS), ...POD_SECURITY_LABELS };

      // Validate: every problem at once, before anything is made
      validateTerminalProps(props, { namespace: this.namespace, traefik: this.traefikLocation, labels }, this);

      // The namespace
      const ignoreChanges = (props.namespaceIgnoredLabels ?? []).map((key) => `metadata[0].labels[${JSON.stringify(key)}]`);
      this.namespaceResource = new NamespaceV1(this, 'Namespace', {
        metadata: { name: this.namespace, labels },
        lifecycle: ignoreChanges.length > 0 ? { ignoreChanges } : undefined,
      });
      // Namespaced objects name the namespace through the resource, so Terraform creates it first.
      const namespace = this.namespaceResource.metadata.name;

      // The hosts: ttyd, ingress, DNS, and the routes beside ttyd
      const hosts = this.makeHosts(props, namespace);
      this.forwardAuth = hosts.forwardAuth;
      this.mainHost = hosts.mainHost;
      this.mirrorHost = hosts.mirrorHost;
      this.ttydService = this.mainHost.ttydService;
      this.ingress = this.mainHost.ingress;
      this.outpostRoute = this.mainHost.outpostRoute;
      for (const route of props.routes ?? []) this.ingress.addRoute(this.routeTarget(route, props.ttyd, namespace));

      // Watching: the probe, the boundary it is allowed through, alerts and dashboard
      if (props.probe?.enabled ?? true) this.webterminalProbe = this.makeProbe(props, namespace);
      const probe = this.webterminalProbe;
      if (this.ttydService.podSelector !== undefined) {
        this.networkPolicy = new TtydNetworkPolicy(this, 'NetworkPolicy', {
          namespace,
          name: this.ttydService.name,
          podSelector: { ...this.ttydService.podSelector },
          ports: [this.ttydService.targetPort],
          traefik: this.traefikLocation,
          allowPods: probe !== undefined ? [{ ...probe.podLabels }] : [],
        });
      }
      if (props.alerts?.enabled ?? probe !== undefined) {
        const {
          enabled: _on,
          namespace: rulesNamespace,
          name,
          labels: ruleLabels,
          prometheusRule,
          configMap,
          configMapKey,
          ...options
        } = props.alerts ?? {};
        // One source for the job and the interval: the probe (validation refuses alerts without it).
        // (an inventory parity source without the inventory is already recorded as the props' problem)
        const parity = options.paritySource === 'inventory' && probe?.routerInventory !== true ? { paritySource: undefined } : {};
        this.ruleSet = probe === undefined ? new WebterminalRuleSet(options) : WebterminalRuleSet.forProbe(probe, { ...options, ...parity });
        this.prometheusRules = new PrometheusRules(this, 'Alerts', {
          namespace: rulesNamespace,
          name,
          labels: ruleLabels,
          prometheusRule,
          configMap,
          configMapKey,
          ruleSet: this.ruleSet,
        });
      }
      if (props.dashboard?.enabled ?? probe !== undefined) {
        const { enabled: _on, ...options } = props.dashboard ?? {};
        this.webterminalDashboard = new WebterminalDashboard(this, 'Dashboard', { ...options, probeJob: probe?.job });
      }

      // Adoption of the original stack's objects
      if (props.adopt ?? false) this.imports = this.adoptOriginalObjects(props.adoptSkip ?? []);

      // The whole stack (other instances in it too): one resource per object, one router per (host, path), no open path to ttyd
      const backends = (props.routes ?? []).flatMap((route) =>
        route.service !== undefined ? [{ namespace: this.namespace, name: route.service.name }] : [],
      );
      const outposts = [this.mainHost.outpostRoute, this.mirrorHost?.outpostRoute].filter((o): o is AuthentikOutpostRoute => o !== undefined);
      const clashes = treeProblems(TerraformStack.of(this), TerraformStack.of(this), outposts, backends);
      if (clashes.length > 0) throw new ValidationError('terminal-stack', clashes);
    } catch (error) {
      gathered.end();
      throw gathered.failure(this.node.path, error);
    }
    gathered.end();
    gathered.throwIfAny();
  }

  /** The Authentik middleware (when created), the terminal's host and the mirror's. */
  private makeHosts(
    props: WebterminalProps,
    namespace: string,
  ): { forwardAuth?: AuthentikForwardAuth; mainHost: TerminalHost; mirrorHost?: TerminalHost } {
    const create = props.createAuthMiddleware ?? false;
    // A created Middleware sits beside the routes that use it, so an IngressRoute names it without
    // Traefik's allowCrossNamespace; an existing one is where the cluster keeps it.
    const authMiddleware = props.authMiddleware ?? (create ? { ...DEFAULT_AUTH_MIDDLEWARE, namespace: this.namespace } : DEFAULT_AUTH_MIDDLEWARE);
    const forwardAuth = create
      ? new AuthentikForwardAuth(this, 'AuthMiddleware', { ...authMiddleware, outpostUrl: props.authOutpostUrl })
      : undefined;
    const hostProps = {
      namespace,
      ingressKind: props.ingressKind,
      auth: props.auth,
      authReason: props.authReason,
      authMiddleware,
      middlewares: props.middlewares,
      annotations: props.annotations,
      dns: props.dns,
      authentikOutpost: props.authentikOutpost,
      authMiddlewareCreated: forwardAuth !== undefined,
    };
    // Id `Default` keeps the main host's resources at the Terraform addresses they always had.
    const mainHost = new TerminalHost(this, 'Default', {
      ...hostProps,
      host: props.host,
      outpostRouteName: `${this.namespace}-terminal`,
      ttyd: props.ttyd,
      tlsSecretName: props.tlsSecretName ?? 'terminal-tls',
    });
    if (props.mirror === undefined || props.ttyd.externalAddress === undefined) return { forwardAuth, mainHost };
    const name = props.mirror.name ?? `${mainHost.ttydService.name}-ro`;
    const mirrorHost = new TerminalHost(this, 'Mirror', {
      ...hostProps,
      name,
      host: props.mirror.host,
      outpostRouteName: `${this.namespace}-${name}`,
      // The mirror is a second ttyd on the same host: the same boundary (mutual TLS) applies.
      ttyd: TtydBackend.externalHost({
        address: props.ttyd.externalAddress,
        port: props.mirror.hostPort,
        mutualTls: mainHost.ttydService.mutualTls,
      }),
      tlsSecretName: props.mirror.tlsSecretName ?? `${name}-tls`,
    });
    return { forwardAuth, mainHost, mirrorHost };
  }

  /** The probe, pointed at this stack's hosts and ttyd. */
  private makeProbe(props: WebterminalProps, namespace: string): WebterminalProbe {
    const routers = traefikRouters(TerraformStack.of(this), this);
    const ttydIngresses = [this.mainHost.ingress, this.mirrorHost?.ingress].flatMap((ingress) => (ingress === undefined ? [] : [ingress.node.path]));
    const { enabled: _on, ...options } = props.probe ?? {};
    // The per-replica check, the reason the project exists, is on unless turned off: a replica Service
    // at the Traefik location (the Helm chart's by default), unless replicas are named.
    const createReplicaService = options.createReplicaService ?? options.replicas === undefined;
    if (!createReplicaService && options.replicas === undefined) {
      Annotations.of(this).addWarning(
        'probe.createReplicaService is false and no replicas are named: the per-replica check is off, so a Traefik replica ' +
          'that lost the route (the incident this probe exists for) is not seen',
      );
    }
    return new WebterminalProbe(this, 'Probe', {
      ...options,
      createReplicaService,
      namespace,
      edgeUrl: `https://${props.host}`,
      originUrl: this.ttydService.url,
      // The header ttyd trusts, decided once by its backend: the probe sends that one.
      authHeader: this.ttydService.authHeader,
      traefik: options.traefik ?? props.traefik,
      originClientCertSecret: this.ttydService.mutualTls?.clientCertSecret ?? options.originClientCertSecret,
      mirrorEdgeUrl: this.mirrorHost !== undefined ? `https://${this.mirrorHost.host}` : undefined,
      mirrorOriginUrl: this.mirrorHost?.ttydService.url,
      // Every router the stack's objects make, and the ttyd hosts' own: the probe tells foreign ones by them.
      ownRouters: routers.map((router) => router.name),
      ttydRouters: routers
        .filter((router) => router.wholeHost && ttydIngresses.some((path) => router.source.startsWith(`${path}/`)))
        .map((router) => router.name),
    });
  }

  /**
   * Import blocks for what the original stack has: the namespace, each host's Service, Endpoints
   * and ingress objects, the routes' Services, Endpoints, Ingresses and strip-prefix Middlewares,
   * the probe's CronJob, and DNS records whose ids are given.
   */
  private adoptOriginalObjects(skip: readonly string[]): ImportBlocks {
    const imports = new ImportBlocks(this, 'Adopt');
    const wanted: [TerraformResource, string][] = [];
    const add = (resource: TerraformResource, id: string): void => {
      wanted.push([resource, id]);
    };
    add(this.namespaceResource, kubernetesImportId(this.namespaceResource, this.namespace));
    const adoptedTypes = ['kubernetes_service_v1', 'kubernetes_endpoints_v1', 'kubernetes_ingress_v1', 'kubernetes_manifest'];
    const scopes = [this.mainHost.ttydService, this.mainHost.ingress, ...this.routeServices];
    if (this.mirrorHost !== undefined) scopes.push(this.mirrorHost.ttydService, this.mirrorHost.ingress);
    // Objects of this version the original never had (the client-headers Middleware, the mutual-TLS
    // ServersTransport): importing an object that does not exist would fail the plan, so they are created.
    const hosts = [this.mainHost, this.mirrorHost].filter((h): h is TerminalHost => h !== undefined);
    const created = new Set<TerraformResource | undefined>([
      ...hosts.flatMap((h) => [h.ingress.clientHeadersMiddleware, h.ttydService.serversTransportResource]),
      ...this.routeServices.map((s) => s.serversTransportResource),
    ]);
    const isNew = (resource: TerraformResource): boolean => created.has(resource);
    for (const scope of scopes) {
      for (const resource of scope.node.findAll().filter(isResource)) {
        if (adoptedTypes.includes(resource.terraformResourceType) && !isNew(resource)) add(resource, kubernetesImportId(resource, this.namespace));
      }
    }
    const probe = this.webterminalProbe;
    if (probe !== undefined) add(probe.resource, kubernetesImportId(probe.resource, this.namespace));
    for (const host of [this.mainHost, this.mirrorHost]) {
      for (const record of host?.dns?.records ?? []) {
        if (record.recordId !== undefined) add(record.resource, `${host?.dns?.zoneId}/${record.recordId}`);
      }
    }
    const key = ([resource, id]: [TerraformResource, string]): string => `${resource.terraformResourceType} ${id}`;
    const keys = wanted.map(key);
    const unknown = skip.filter((entry) => !keys.includes(entry));
    if (unknown.length > 0) {
      throw new ValidationError(
        'terminal-stack',
        unknown.map(
          (entry) => `adoptSkip ${JSON.stringify(entry)} is not an import of this stack (accepted: ${keys.map((k) => JSON.stringify(k)).join(', ')})`,
        ),
      );
    }
    for (const entry of wanted) if (!skip.includes(key(entry))) imports.add(...entry);
    return imports;
  }

  /** Resolves a route to its Service, making a selectorless one for a port on the ttyd host. */
  private routeTarget(route: TerminalRouteOptions, ttyd: TtydBackend, namespace: string): RouteOptions {
    const { path, hostPort, service, stripPrefix } = route;
    if ((hostPort === undefined) === (service === undefined)) {
      throw new ValidationError('terminal-stack', [`route ${JSON.stringify(path)} needs exactly one of hostPort and service`]);
    }
    if (service !== undefined) return { path, service, stripPrefix };
    const address = ttyd.externalAddress;
    if (address === undefined) {
      throw new ValidationError('terminal-stack', [
        `route ${JSON.stringify(path)} has hostPort ${hostPort}, which needs ttyd on an external host; give service instead`,
      ]);
    }
    const slug = routeSlug(path);
    const sibling = new TtydService(this, `Route-${slug}`, {
      name: `${this.ttydService.name}-${slug}`,
      namespace,
      // The same treatment as ttyd: the same host, the same client certificate when mutual TLS is on.
      ttyd: TtydBackend.externalHost({ address, port: hostPort, authHeader: ttyd.authHeader, mutualTls: ttyd.mutualTls }),
    });
    this.routeServices.push(sibling);
    return { path, service: sibling, stripPrefix };
  }
}

function isResource(c: unknown): c is TerraformResource {
  return TerraformResource.isTerraformResource(c);
}

/** The suffix of names an instance puts in shared places: none for `Default`, else `-<id in kebab case>`. */
function instanceSuffix(id: string): string {
  if (id === 'Default') return '';
  const kebab = id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `-${kebab}`;
}

/**
 * The props with the names an instance takes from its id where the user named nothing: the namespace,
 * and what it puts in shared namespaces (probe job and replica Service, rules, dashboard).
 */
function instanceDefaults(id: string, props: WebterminalProps): WebterminalProps {
  const suffix = instanceSuffix(id);
  if (suffix === '') return props;
  return {
    ...props,
    namespace: props.namespace ?? `terminal${suffix}`,
    probe: {
      ...props.probe,
      name: props.probe?.name ?? `webterminal-probe${suffix}`,
      job: props.probe?.job ?? `${DEFAULT_PROBE_JOB}${suffix}`,
      replicaServiceName: props.probe?.replicaServiceName ?? `traefik-replicas${suffix}`,
    },
    alerts: { ...props.alerts, name: props.alerts?.name ?? `webterminal${suffix}` },
    dashboard: { ...props.dashboard, name: props.dashboard?.name ?? `webterminal-dashboard${suffix}` },
  };
}

/** What the terminal resolved before it validates. */
interface ResolvedTerminalProps {
  readonly namespace: string;
  readonly traefik: ResolvedTraefikLocation;
  readonly labels: Readonly<Record<string, string>>;
}

/** Throws one {@link ValidationError} with every problem of the terminal's own props (the constructs check theirs). */
function validateTerminalProps(props: WebterminalProps, r: ResolvedTerminalProps, scope: Construct): void {
  const problems = new Problems('terminal-stack');
  // Without a compiler (JavaScript) an old prop would be ignored silently: refused, naming the new one.
  for (const r0 of TERMINAL_PROP_RENAMES) if (r0.from in props) problems.add(renamedSentence(r0.from, r0.to, r0.release));
  problems.add(checkDnsLabel('namespace', r.namespace));
  problems.addAll(checkMetadata('namespaceLabels', 'labels', r.labels));
  problems.add(
    SYSTEM_NAMESPACES.includes(r.namespace)
      ? `namespace ${JSON.stringify(r.namespace)} belongs to the cluster; the stack creates (and on destroy deletes) its namespace, so give ` +
          `one of its own`
      : undefined,
  );
  problems.add(
    props.alerts?.enabled === true && props.probe?.enabled === false
      ? 'alerts.enabled is true with probe.enabled false: the staleness alert would fire forever; turn both on or both off'
      : undefined,
  );
  for (const p of routePathProblems(
    (props.routes ?? []).map((route) => route.path),
    'terminal',
  ))
    problems.add(p.message);
  problems.add(checkShellPosture(props.auth ?? 'required'));
  problems.addAll(traefikLocationProblems('traefik', r.traefik));
  (props.namespaceIgnoredLabels ?? []).forEach((key, i) => problems.addAll(checkMetadata(`namespaceIgnoredLabels[${i}]`, 'labels', { [key]: '' })));
  const dnsHosts = [props.host, ...(props.mirror !== undefined ? [props.mirror.host] : [])];
  for (const host of Object.keys(props.dns?.recordIds ?? {})) {
    problems.add(
      dnsHosts.includes(host)
        ? undefined
        : `dns.recordIds host ${JSON.stringify(host)} is not one of this stack's hosts (${dnsHosts.map((h) => JSON.stringify(h)).join(', ')})`,
    );
  }
  if (props.mirror !== undefined && props.mirror.hostPort === props.ttyd.targetPort && props.ttyd.externalAddress !== undefined) {
    problems.add(
      `mirror.hostPort ${props.mirror.hostPort} is ttyd's own port: the read-only host would serve the writable shell; ` +
        "give the port of the mirror's ttyd",
    );
  }
  const external = props.ttyd.externalAddress !== undefined;
  (props.routes ?? []).forEach((route, i) => {
    if (external && route.hostPort === props.ttyd.targetPort) {
      problems.add(`routes[${i}].hostPort ${route.hostPort} is ttyd's own port: the route would serve the shell under a second path`);
    }
    if (route.service?.name === DEFAULT_TTYD_SERVICE_NAME) {
      problems.add(
        `routes[${i}].service.name ${JSON.stringify(route.service.name)} is ttyd's own Service: the route would serve the shell under a second path`,
      );
    }
    if (props.mirror !== undefined && route.hostPort !== undefined && route.hostPort === props.mirror.hostPort) {
      problems.add(`mirror.hostPort ${props.mirror.hostPort} is also routes[${i}].hostPort: one port cannot be both the mirror and a route`);
    }
  });
  for (const [key, value] of Object.entries(props.namespaceLabels ?? {})) {
    const enforced = POD_SECURITY_LABELS[key];
    if (enforced !== undefined && value !== enforced) {
      problems.add(
        `namespaceLabels ${JSON.stringify(key)} ${JSON.stringify(value)}: the stack enforces Pod Security ${JSON.stringify(enforced)} ` +
          'and would drop it; leave the label out',
      );
    }
  }
  if (props.authOutpostUrl !== undefined && props.createAuthMiddleware !== true) {
    problems.add(
      `authOutpostUrl ${JSON.stringify(props.authOutpostUrl)} is set with createAuthMiddleware off, so nothing would use it; ` +
        'turn createAuthMiddleware on, or leave authOutpostUrl out',
    );
  }
  (props.namespaceIgnoredLabels ?? []).forEach((key, i) => {
    if (key in POD_SECURITY_LABELS) {
      problems.add(
        `namespaceIgnoredLabels[${i}] ${JSON.stringify(key)} is a Pod Security label the stack enforces; it cannot be left to someone else`,
      );
    }
  });
  const alertsOn = props.alerts?.enabled ?? props.probe?.enabled ?? true;
  if (alertsOn && props.alerts?.prometheusRule === false && props.alerts.configMap !== true) {
    problems.add(
      'alerts.prometheusRule and alerts.configMap are both off with alerts on: the rules would go nowhere; turn one on, or set alerts.enabled false',
    );
  }
  if (alertsOn && props.alerts?.paritySource === 'inventory' && props.probe?.routerInventory !== true) {
    problems.add(
      'alerts.paritySource "inventory" needs probe.routerInventory true: without it TraefikRouterCountSkew reads series nobody pushes ' +
        'and can never fire',
    );
  }
  if (props.mirror !== undefined && props.ttyd.externalAddress === undefined) {
    problems.add(`mirror.hostPort ${props.mirror.hostPort} needs ttyd on an external host (the mirror is a second ttyd there)`);
  }
  problems.throwIfAny(scope);
}
