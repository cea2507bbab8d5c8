import { Construct } from 'constructs';
import { escapeTemplates } from './private/templates';
import { IngressV1, Lazy, Manifest } from './private/cdktf';
import type { MiddlewareRef } from './traefik';
import type { RouteAuth } from './private/vocabulary';
import {
  AUTHENTIK_RESPONSE_HEADERS,
  AUTH_POSTURES,
  INGRESS_KINDS,
  TRAEFIK_API_VERSION,
  type AuthPosture,
  type IngressKind,
} from './private/vocabulary';
import { CARVE_OUT_PRIORITY, CATCH_ALL_PRIORITY, DEFAULT_AUTH_MIDDLEWARE, DEFAULT_LABELS } from './private/defaults';
import { Problems, checkDnsLabel, checkDnsName, checkHeaderName, checkOneOf, checkPort, checkMetadata } from './private/validation';
import { checkAnnotationSize, checkAuthReason, checkShellPosture, isGated, routeListProblems, routeMatchers, routeName } from './private/routes';
import { middlewareAnnotationValue, traefikObject } from './private/traefik';

export { AUTH_POSTURES, ROUTE_AUTHS, type AuthPosture, type MiddlewareChain, type RouteAuth, type RouteProbeOptions } from './private/vocabulary';

export type { IngressKind } from './private/vocabulary';

export type { ProtectedIngressProps, Route, RouteOptions, ServiceTarget } from './protected-ingress-props';
import type { ProtectedIngressProps, Route, RouteOptions, ServiceTarget } from './protected-ingress-props';

/** One path of a router: exact (`Path`) or a prefix (`PathPrefix`). */
interface Matcher {
  readonly path: string;
  readonly exact: boolean;
}

/** How a route's objects are marked: its auth, its reason, its explicit priority. */
interface RoutePosture {
  readonly auth: RouteAuth;
  readonly reason?: string;
  readonly priority?: number;
}

/** Annotation keys this library writes. */
export const Annotations = {
  /** Traefik middlewares of an `Ingress`' router, a comma list of `<namespace>-<name>@kubernetescrd`. */
  middlewares: 'traefik.ingress.kubernetes.io/router.middlewares',
  /** Traefik entry point of an `Ingress`' router (default `websecure`). */
  entrypoints: 'traefik.ingress.kubernetes.io/router.entrypoints',
  /** Serves an `Ingress`' router over TLS (always `"true"`). */
  tls: 'traefik.ingress.kubernetes.io/router.tls',
  /** The host's {@link AuthPosture}, on every ingress object. */
  authPosture: 'webterminal.dev/auth-posture',
  /** Why the host has its posture, when a reason was given. */
  authReason: 'webterminal.dev/auth-reason',
  /** The explicit Traefik priority of the catch-all `/` (the lowest) and of a public carve-out's routers. */
  priority: 'traefik.ingress.kubernetes.io/router.priority',
} as const;

export { DEFAULT_AUTH_MIDDLEWARE } from './private/defaults';

/** Annotations a user may not add to the terminal's ingress objects, with the reason. */
const REFUSED_ANNOTATIONS: Readonly<Record<string, string>> = {
  'kubernetes.io/ingress.class': 'the objects name their class in ingressClassName, and the two may disagree',
  'traefik.ingress.kubernetes.io/router.priority':
    'the library sets it: the lowest on the terminal\'s catch-all "/", so the outpost path and every route outrank it, and a ' +
    'fixed high one on a public carve-out, whose paths overlap nothing else',
};

/**
 * Routing for one host on Traefik behind Authentik forward-auth: the main route to a service, and
 * sibling path routes behind the same auth.
 *
 * Middlewares in other namespaces (the Authentik one lives in `traefik`) are referenced across
 * namespaces; for `IngressRoute` that needs Traefik's `providers.kubernetesCRD.allowCrossNamespace`.
 */
export class ProtectedIngress extends Construct {
  /** Main object name. */
  public readonly name: string;
  /** Namespace of the routing objects and of the services they name. */
  public readonly namespace: string;
  /** The host the router matches (and the TLS certificate is for). */
  public readonly host: string;
  public readonly ingressKind: IngressKind;
  public readonly auth: AuthPosture;
  /** Reason recorded for `app` / `none`. */
  public readonly authReason: string | undefined;
  /** Request headers removed before auth (empty when no header middleware was made). */
  public readonly removedClientHeaders: readonly string[];
  /** Middlewares of the main route, in order (the host's before auth, header removal, auth, the host's after auth). */
  public readonly middlewares: readonly MiddlewareRef[];
  /** Traefik entrypoint the routers listen on. */
  public readonly entryPoint: string;
  /** `ingressClassName` of the Ingress objects. */
  public readonly ingressClassName: string;
  public readonly tlsSecretName: string;
  /** Labels on every object. */
  public readonly labels: Record<string, string>;
  /** Further annotations on every ingress object. */
  public readonly extraAnnotations: Readonly<Record<string, string>>;
  /** The main `kubernetes_ingress_v1` or IngressRoute `kubernetes_manifest`. */
  public readonly resource: IngressV1 | Manifest;
  /** The `headers` Middleware that removes client-sent auth headers, when there is one. */
  public readonly clientHeadersMiddleware: Manifest | undefined;

  /** Header removal, when there is one. */
  private readonly removal: readonly MiddlewareRef[];
  private readonly authMiddleware: MiddlewareRef;
  private readonly beforeAuth: readonly MiddlewareRef[];
  private readonly afterAuth: readonly MiddlewareRef[];
  private readonly mainService: ServiceTarget;
  private readonly routeOptions: RouteOptions[] = [];
  private readonly routeList: Route[] = [];
  private readonly routeRules: Record<string, unknown>[] = [];

  constructor(scope: Construct, id: string, props: ProtectedIngressProps) {
    super(scope, id);
    this.name = props.name ?? 'terminal';
    this.namespace = props.namespace;
    this.host = props.host;
    this.ingressKind = props.ingressKind ?? 'Ingress';
    this.auth = props.auth ?? 'required';
    this.authReason = props.authReason?.trim() || undefined;
    this.entryPoint = props.entryPoint ?? 'websecure';
    this.ingressClassName = props.ingressClassName ?? 'traefik';
    this.tlsSecretName = props.tlsSecretName;
    this.labels = props.labels ?? { ...DEFAULT_LABELS };
    this.extraAnnotations = props.annotations ?? {};
    const authMiddleware = props.authMiddleware ?? DEFAULT_AUTH_MIDDLEWARE;
    this.removedClientHeaders = isGated(this.auth) ? [...new Set(props.removeClientHeaders ?? AUTHENTIK_RESPONSE_HEADERS)] : [];
    const headersRef: MiddlewareRef = { namespace: this.namespace, name: `${this.name}-client-headers` };
    const removal = this.removedClientHeaders.length > 0 ? [headersRef] : [];
    this.removal = removal;
    this.authMiddleware = authMiddleware;
    this.beforeAuth = props.middlewares?.beforeAuth ?? [];
    this.afterAuth = props.middlewares?.afterAuth ?? [];
    this.mainService = props.service;
    this.middlewares = [...this.beforeAuth, ...(isGated(this.auth) ? [...removal, authMiddleware] : []), ...this.afterAuth];

    const problems = new Problems('protected-ingress');
    problems.add(checkDnsLabel('name', this.name));
    problems.add(checkDnsLabel('namespace', this.namespace));
    problems.add(checkDnsName('host', this.host));
    problems.add(checkDnsLabel('service.name', props.service.name));
    problems.add(checkPort('service.port', props.service.port));
    problems.add(checkDnsName('tlsSecretName', this.tlsSecretName, 'object'));
    problems.addAll(checkMetadata('labels', 'labels', this.labels));
    problems.addAll(checkMetadata('annotations', 'annotations', this.extraAnnotations, Object.values(Annotations)));
    for (const [key, why] of Object.entries(REFUSED_ANNOTATIONS)) {
      if (key in this.extraAnnotations) problems.add(`annotations key ${JSON.stringify(key)} is refused: ${why}`);
    }
    problems.add(checkOneOf('ingressKind', this.ingressKind, INGRESS_KINDS));
    problems.add(
      AUTH_POSTURES.includes(this.auth)
        ? undefined
        : `auth ${JSON.stringify(this.auth)} is not one of ${AUTH_POSTURES.map((p) => JSON.stringify(p)).join(', ')}`,
    );
    problems.add(checkAuthReason(this.auth, this.authReason));
    if (props.servesShell ?? false) problems.add(checkShellPosture(this.auth));
    this.removedClientHeaders.forEach((h, i) => problems.add(checkHeaderName(`removeClientHeaders[${i}]`, h)));
    this.middlewares.forEach((m, i) => {
      problems.add(checkDnsLabel(`middlewares[${i}].namespace`, m.namespace));
      problems.add(checkDnsLabel(`middlewares[${i}].name`, m.name));
    });
    problems.add(checkAnnotationSize('annotations', this.annotations(this.middlewares, { auth: 'required', priority: CATCH_ALL_PRIORITY })));
    problems.throwIfAny(this);

    const blank = Object.fromEntries(this.removedClientHeaders.map((h) => [h, '']));
    this.clientHeadersMiddleware =
      removal.length > 0
        ? traefikObject(this, 'ClientHeaders', 'Middleware', headersRef, { headers: { customRequestHeaders: blank } }, this.labels)
        : undefined;
    const main: Matcher[] = [{ path: '/', exact: false }];
    // The catch-all yields to every other router of the host (see CATCH_ALL_PRIORITY).
    const catchAll: RoutePosture = { auth: 'required', priority: CATCH_ALL_PRIORITY };
    this.resource =
      this.ingressKind === 'Ingress' ? this.ingress('Resource', this.name, main, props.service, this.middlewares, catchAll) : this.ingressRoute();
    if (this.ingressKind === 'IngressRoute') this.routeRules.push(...this.routeRules_(main, props.service, this.middlewares, CATCH_ALL_PRIORITY));
    for (const route of props.routes ?? []) this.addRoute(route);
  }

  /** The sibling routes added so far. */
  public get routes(): readonly Route[] {
    return this.routeList;
  }

  /**
   * Adds a route on the same host, to another service: behind the same auth, or a public carve-out.
   * Returns the effective route. A name, exact path or prefix given twice throws.
   */
  public addRoute(options: RouteOptions): Route {
    const problems = new Problems('protected-ingress');
    const all = [...this.routeOptions, options];
    const index = all.length - 1;
    const at = (i: number): string => `routes[${i}]`;
    for (const problem of routeListProblems(all, this.name, at).filter((p) => p.index === index)) problems.add(problem.message);
    problems.add(checkDnsLabel(`${at(index)}.service.name`, options.service.name));
    problems.add(checkPort(`${at(index)}.service.port`, options.service.port));
    const auth = options.auth ?? 'required';
    if (auth === 'public' && options.service.name === this.mainService.name && options.service.port === this.mainService.port)
      problems.add(
        `${at(index)}.auth "public" with the host's own service ${JSON.stringify(options.service.name)}: a carve-out must never reach ttyd`,
      );
    options.middlewares?.beforeAuth?.forEach((m, i) => problems.addAll(middlewareRefProblems(`${at(index)}.middlewares.beforeAuth[${i}]`, m)));
    options.middlewares?.afterAuth?.forEach((m, i) => problems.addAll(middlewareRefProblems(`${at(index)}.middlewares.afterAuth[${i}]`, m)));
    problems.throwIfAny(this);

    const name = routeName(options);
    const matchers: Matcher[] = routeMatchers(options).map((m) => ({ path: m.value, exact: m.exact }));
    const prefixes = matchers.filter((m) => !m.exact).map((m) => m.path);
    const stripPrefix = options.stripPrefix ?? true;
    const strip: MiddlewareRef[] = [];
    if (stripPrefix && prefixes.length > 0) {
      const ref = { namespace: this.namespace, name: `${this.name}-strip-${name}` };
      // Traefik strips the prefix without its trailing '/', so '/clipboard/x' reaches the service as '/x'.
      const spec = { stripPrefix: { prefixes: prefixes.map((p) => p.replace(/\/$/, '')) } };
      traefikObject(this, `Strip-${name}`, 'Middleware', ref, spec, this.labels);
      strip.push(ref);
    }
    const compress: MiddlewareRef[] = [];
    if (options.compress ?? false) {
      const ref = { namespace: this.namespace, name: `${this.name}-compress-${name}` };
      traefikObject(this, `Compress-${name}`, 'Middleware', ref, { compress: {} }, this.labels);
      compress.push(ref);
    }
    const gate = auth === 'public' ? this.publicHeaders() : isGated(this.auth) ? [...this.removal, this.authMiddleware] : [];
    const middlewares = [
      ...this.beforeAuth,
      ...(options.middlewares?.beforeAuth ?? []),
      ...gate,
      ...strip,
      ...this.afterAuth,
      ...(options.middlewares?.afterAuth ?? []),
      ...compress,
    ];
    const priority = auth === 'public' ? CARVE_OUT_PRIORITY : undefined;
    const route: Route = {
      name,
      paths: matchers.filter((m) => m.exact).map((m) => m.path),
      prefixes,
      service: options.service,
      stripPrefix,
      auth,
      ...(priority !== undefined ? { priority } : {}),
      middlewares,
    };
    const posture = { auth, reason: options.authReason?.trim() || undefined, priority };
    if (this.ingressKind === 'Ingress') this.ingress(`Route-${name}`, `${this.name}-${name}`, matchers, options.service, middlewares, posture);
    else this.routeRules.push(...this.routeRules_(matchers, options.service, middlewares, priority));
    this.routeOptions.push(options);
    this.routeList.push(route);
    return route;
  }

  /**
   * What removes client-sent `X-authentik-*` headers on a carve-out, which runs no forward-auth: the
   * host's header middleware when it removes them all, else one of its own (`<name>-public-headers`, made
   * once), so a carve-out's backend never sees a forged identity either.
   */
  private publicHeaders(): MiddlewareRef[] {
    const all = [...new Set([...AUTHENTIK_RESPONSE_HEADERS, ...this.removedClientHeaders])];
    if (all.every((h) => this.removedClientHeaders.includes(h))) return [...this.removal];
    const ref = { namespace: this.namespace, name: `${this.name}-public-headers` };
    if (this.node.tryFindChild('PublicHeaders') === undefined) {
      const blank = Object.fromEntries(all.map((h) => [h, '']));
      traefikObject(this, 'PublicHeaders', 'Middleware', ref, { headers: { customRequestHeaders: blank } }, this.labels);
    }
    return [ref];
  }

  /** The annotations of an Ingress; a carve-out's `posture` (no forward-auth: the hosts' word for it is `none`) and priority. */
  private annotations(middlewares: readonly MiddlewareRef[], posture?: RoutePosture): Record<string, string> {
    const carveOut = posture?.auth === 'public';
    const reason = carveOut ? posture?.reason : this.authReason;
    // The user's text is escaped for Terraform's templates; the library's values are its own.
    const annotations: Record<string, string> = {
      ...escapeTemplates(this.extraAnnotations),
      [Annotations.entrypoints]: this.entryPoint,
      [Annotations.tls]: 'true',
      [Annotations.authPosture]: carveOut ? 'none' : this.auth,
    };
    if (middlewares.length > 0) annotations[Annotations.middlewares] = middlewares.map(middlewareAnnotationValue).join(',');
    if (reason !== undefined) annotations[Annotations.authReason] = escapeTemplates(reason);
    if (posture?.priority !== undefined) annotations[Annotations.priority] = String(posture.priority);
    return annotations;
  }

  private ingress(
    id: string,
    name: string,
    matchers: readonly Matcher[],
    service: ServiceTarget,
    middlewares: readonly MiddlewareRef[],
    posture?: RoutePosture,
  ): IngressV1 {
    const backend = { service: { name: service.name, port: { number: service.port } } };
    return new IngressV1(this, id, {
      metadata: { name, namespace: this.namespace, labels: this.labels, annotations: this.annotations(middlewares, posture) },
      spec: {
        ingressClassName: this.ingressClassName,
        tls: [{ hosts: [this.host], secretName: this.tlsSecretName }],
        rule: [
          {
            host: this.host,
            http: { path: matchers.map((m) => ({ path: m.path, pathType: m.exact ? 'Exact' : 'Prefix', backend })) },
          },
        ],
      },
    });
  }

  /** One IngressRoute rule per matcher: `Path` or `PathPrefix`, the whole host for `/`. */
  private routeRules_(
    matchers: readonly Matcher[],
    service: ServiceTarget,
    middlewares: readonly MiddlewareRef[],
    priority?: number,
  ): Record<string, unknown>[] {
    return matchers.map((m) => ({
      kind: 'Rule',
      match: m.path === '/' && !m.exact ? `Host(\`${this.host}\`)` : `Host(\`${this.host}\`) && ${m.exact ? 'Path' : 'PathPrefix'}(\`${m.path}\`)`,
      ...(priority !== undefined ? { priority } : {}),
      middlewares: middlewares.map((ref) => ({ name: ref.name, namespace: ref.namespace })),
      services: [
        {
          name: service.name,
          port: service.port,
          ...(service.scheme === 'https' ? { scheme: 'https' } : {}),
          ...(service.serversTransport !== undefined ? { serversTransport: service.serversTransport } : {}),
        },
      ],
    }));
  }

  private ingressRoute(): Manifest {
    const annotations: Record<string, string> = { ...this.extraAnnotations, [Annotations.authPosture]: this.auth };
    if (this.authReason !== undefined) annotations[Annotations.authReason] = this.authReason;
    return new Manifest(this, 'Resource', {
      manifest: {
        apiVersion: TRAEFIK_API_VERSION,
        kind: 'IngressRoute',
        metadata: { name: this.name, namespace: this.namespace, labels: this.labels, annotations },
        spec: {
          entryPoints: [this.entryPoint],
          // Routes can be added after construction; the list is read when the stack is synthesized.
          routes: Lazy.anyValue({ produce: () => this.routeRules }),
          tls: { secretName: this.tlsSecretName },
        },
      },
    });
  }
}

function middlewareRefProblems(field: string, ref: MiddlewareRef): (string | undefined)[] {
  return [checkDnsLabel(`${field}.namespace`, ref.namespace), checkDnsLabel(`${field}.name`, ref.name)];
}
