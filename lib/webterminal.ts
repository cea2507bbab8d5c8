/** The web terminal as one construct, for any stack: {@link Webterminal}. */
import { Construct } from 'constructs';
import { WebterminalRuleSet } from './webterminal-rule-set';
import { AuthentikForwardAuth } from './authentik-forward-auth';
import { AuthentikOutpostRoute } from './authentik-outpost-route';
import { Annotations, NamespaceV1, TerraformResource, TerraformStack } from './private/cdktf';
import { DEFAULT_PROBE_JOB } from './metrics';
import { ImportBlocks } from './import-blocks';
import { PrometheusRules } from './prometheus-rules';
import type { ProtectedIngress, RouteOptions } from './protected-ingress';
import { TerminalHost } from './terminal-host';
import type { ResolvedTraefikLocation } from './traefik';
import { TtydNetworkPolicy } from './ttyd-network-policy';
import { TtydBackend } from './ttyd-backend';
import { TtydService } from './ttyd-service';
import { WebterminalDashboard } from './webterminal-dashboard';
import { WebterminalProbe } from './webterminal-probe';
import type { TerminalRouteOptions, WebterminalProps } from './webterminal-props';
import { DEFAULT_AUTH_MIDDLEWARE, DEFAULT_LABELS, DEFAULT_NAMESPACE } from './private/defaults';
import { kubernetesImportId } from './private/import-ids';
import { TERMINAL_PROP_RENAMES, renamedSentence } from './private/renames';
import { routeListProblems, routeName } from './private/routes';
import { hostMiddlewares, probeRoutes } from './private/terminal-routes';
import { terminalRuleProblems } from './private/terminal-rules';
import { traefikLocationProblems, resolveTraefikLocation } from './private/traefik';
import { traefikRouters } from './private/traefik-routers';
import { treeProblems } from './private/tree-checks';
import { ProblemCollector, Problems, ValidationError, checkDnsLabel, checkMetadata } from './private/validation';
import { POD_SECURITY_LABELS } from './private/vocabulary';

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
  public readonly namespace: string;
  public readonly namespaceResource: NamespaceV1;
  /** The terminal's host: ttyd Service, ingress, DNS. */
  public readonly mainHost: TerminalHost;
  /** The read-only mirror's host, when `mirror` is given. */
  public readonly mirrorHost?: TerminalHost;
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
      this.namespace = props.namespace ?? DEFAULT_NAMESPACE;
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
      // A route the rules refused is left out, so its problems are told once, in the configuration's words.
      const refused = new Set(routeListProblems(props.routes ?? [], 'terminal').map((p) => p.index));
      (props.routes ?? []).forEach((route, i) => {
        const target = refused.has(i) ? undefined : this.routeTarget(route, props.ttyd, namespace);
        if (target !== undefined) this.ingress.addRoute(target);
      });

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
      middlewares: hostMiddlewares(props),
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
      routes: probeRoutes(props.host, props.routes ?? [], this.ingress.routes),
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
    // Compress and the carve-outs' header removal are this version's too.
    const newMiddlewares = (h: TerminalHost) =>
      h.ingress.node.children.filter((c): c is TerraformResource => isResource(c) && /^(Compress-|PublicHeaders$)/.test(c.node.id));
    const created = new Set<TerraformResource | undefined>([
      ...hosts.flatMap((h) => [h.ingress.clientHeadersMiddleware, h.ttydService.serversTransportResource, ...newMiddlewares(h)]),
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

  /**
   * Resolves a route to its Service, making a selectorless one for a port on the ttyd host; undefined
   * for a route the rules refuse (needs exactly one of hostPort and service, a hostPort an external ttyd).
   */
  private routeTarget(route: TerminalRouteOptions, ttyd: TtydBackend, namespace: string): RouteOptions | undefined {
    const { hostPort, service, ...options } = route;
    const name = routeName(route);
    if (service !== undefined) return hostPort === undefined ? { ...options, name, service } : undefined;
    const address = ttyd.externalAddress;
    if (hostPort === undefined || address === undefined) return undefined;
    const sibling = new TtydService(this, `Route-${name}`, {
      name: `${this.ttydService.name}-${name}`,
      namespace,
      // The same treatment as ttyd: the same host, the same client certificate when mutual TLS is on.
      ttyd: TtydBackend.externalHost({ address, port: hostPort, authHeader: ttyd.authHeader, mutualTls: ttyd.mutualTls }),
    });
    this.routeServices.push(sibling);
    return { ...options, name, service: sibling };
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

/** Records every problem of the terminal's own props (the constructs check theirs); the rules the app shares are {@link terminalRuleProblems}. */
function validateTerminalProps(props: WebterminalProps, r: ResolvedTerminalProps, scope: Construct): void {
  const problems = new Problems('terminal-stack');
  // Without a compiler (JavaScript) an old prop would be ignored silently: refused, naming the new one.
  for (const rename of TERMINAL_PROP_RENAMES) {
    // `x[]`: the key stays, its list became an object (`middlewares` -> `middlewares.afterAuth`).
    const list = rename.from.endsWith('[]') ? rename.from.slice(0, -2) : undefined;
    const old = list !== undefined ? Array.isArray((props as unknown as Record<string, unknown>)[list]) : rename.from in props;
    if (old) problems.add(renamedSentence(rename.from, rename.to, rename.release));
  }
  problems.add(checkDnsLabel('namespace', r.namespace));
  problems.addAll(checkMetadata('namespaceLabels', 'labels', r.labels));
  problems.addAll(traefikLocationProblems('traefik', r.traefik));
  (props.namespaceIgnoredLabels ?? []).forEach((key, i) => problems.addAll(checkMetadata(`namespaceIgnoredLabels[${i}]`, 'labels', { [key]: '' })));
  problems.addAll(terminalRuleProblems({ ...props, namespace: r.namespace }));
  problems.throwIfAny(scope);
}
