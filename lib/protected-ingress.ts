import { Construct } from 'constructs';
import { escapeTemplates } from './private/templates';
import { IngressV1, Lazy, Manifest } from './private/cdktf';
import type { MiddlewareRef } from './traefik';
import {
  AUTHENTIK_RESPONSE_HEADERS,
  AUTH_POSTURES,
  INGRESS_KINDS,
  TRAEFIK_API_VERSION,
  type AuthPosture,
  type IngressKind,
} from './private/vocabulary';
import { DEFAULT_AUTH_MIDDLEWARE, DEFAULT_LABELS } from './private/defaults';
import { Problems, checkDnsLabel, checkDnsName, checkHeaderName, checkOneOf, checkPort, checkMetadata } from './private/validation';
import { checkAnnotationSize, checkAuthReason, checkShellPosture, isGated, routePathProblems, routeSlug } from './private/routes';
import { middlewareAnnotationValue, traefikObject } from './private/traefik';

export { AUTH_POSTURES, type AuthPosture } from './private/vocabulary';

export type { IngressKind } from './private/vocabulary';

/** A Service and port in the ingress's namespace. */
export interface ServiceTarget {
  /** Name of a Service in the ingress's namespace. */
  readonly name: string;
  /** The Service's port (not the pod's). */
  readonly port: number;
  /**
   * How Traefik speaks to the service (`https` for a TLS backend such as ttyd with mutual TLS).
   * @default "http"
   */
  readonly scheme?: 'http' | 'https';
  /**
   * Name of a Traefik `ServersTransport` in the same namespace, for an `IngressRoute` (an `Ingress`
   * reads it from the Service's annotation instead).
   * @default - none
   */
  readonly serversTransport?: string;
}

/** A sibling path on the same host, routed to another service, behind the same auth. */
export interface RouteOptions {
  /** Path prefix, starting and ending with '/' (`/clipboard/`). */
  readonly path: string;
  /** The Service that serves it (a TtydService or any `{ name, port }`). */
  readonly service: ServiceTarget;
  /**
   * Strip the prefix before the request reaches the service (a Traefik `stripPrefix` Middleware).
   * @default true
   */
  readonly stripPrefix?: boolean;
}

/** A route as it was added: the effective options and the Terraform resources it made. */
export interface Route {
  /** Path prefix, starting and ending with '/'. */
  readonly path: string;
  /** The Service the path is routed to. */
  readonly service: ServiceTarget;
  /** Whether the prefix is stripped. */
  readonly stripPrefix: boolean;
  /** Middlewares applied to this route, in order. */
  readonly middlewares: readonly MiddlewareRef[];
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
} as const;

export { DEFAULT_AUTH_MIDDLEWARE } from './private/defaults';

/** Annotations a user may not add to the terminal's ingress objects, with the reason. */
const REFUSED_ANNOTATIONS: Readonly<Record<string, string>> = {
  'kubernetes.io/ingress.class': 'the objects name their class in ingressClassName, and the two may disagree',
  'traefik.ingress.kubernetes.io/router.priority':
    'Traefik orders these routers by rule length, which keeps the outpost path above "/"; a priority on them would let the ' +
    'terminal outrank the login path',
};

/** Props of {@link ProtectedIngress}. */
export interface ProtectedIngressProps {
  /** Namespace of the ingress objects and of the services they route to. */
  readonly namespace: string;
  /** Host name the ingress answers (`terminal.example.com`). */
  readonly host: string;
  /** The Service behind `/` (a TtydService or any `{ name, port }`). */
  readonly service: ServiceTarget;
  /** Name of the TLS Secret (in `namespace`) with the host's certificate. */
  readonly tlsSecretName: string;
  /**
   * Name of the main ingress object; routes and middlewares derive theirs from it.
   * @default "terminal"
   */
  readonly name?: string;
  /**
   * `Ingress` (typed, plan works without the Traefik CRDs) or Traefik's `IngressRoute` (a
   * `kubernetes_manifest`: the CRD must exist at plan time).
   * @default "Ingress"
   */
  readonly ingressKind?: IngressKind;
  /**
   * Who authenticates requests.
   * @default "required"
   */
  readonly auth?: AuthPosture;
  /**
   * Why `app` or `none` was chosen; required for those two, recorded as an annotation.
   * @default - none; an error for `app` and `none`
   */
  readonly authReason?: string;
  /**
   * The forward-auth middleware used by `required` and `public`.
   * @default DEFAULT_AUTH_MIDDLEWARE (traefik/authentik-forward-auth)
   */
  readonly authMiddleware?: MiddlewareRef;
  /**
   * The host serves a shell that trusts a header (ttyd): `app` and `none` are refused.
   * @default false
   */
  readonly servesShell?: boolean;
  /**
   * Request headers removed before the auth middleware runs, by a Traefik `headers` Middleware
   * placed first in the chain (`customRequestHeaders` with an empty value deletes a header), so a
   * client cannot send what only the auth answer may set. An empty list adds no such middleware:
   * right when the auth middleware removes them itself (`AuthentikForwardAuth` does).
   * @default AUTHENTIK_RESPONSE_HEADERS, for `required` and `public`
   */
  readonly removeClientHeaders?: string[];
  /**
   * Further middlewares, applied after auth (and after a route's strip-prefix), in this order.
   * @default []
   */
  readonly middlewares?: MiddlewareRef[];
  /**
   * Traefik entrypoint.
   * @default "websecure"
   */
  readonly entryPoint?: string;
  /**
   * Ingress class.
   * @default "traefik"
   */
  readonly ingressClassName?: string;
  /**
   * Sibling routes on the same host; shorthand for calling {@link ProtectedIngress.addRoute}.
   * @default []
   */
  readonly routes?: RouteOptions[];
  /**
   * Labels on every object.
   * @default - `app.kubernetes.io/part-of: webterminal`
   */
  readonly labels?: Record<string, string>;
  /**
   * Further annotations on every ingress object (the homepage dashboard's `gethomepage.dev/*`).
   * Keys this library writes ({@link Annotations}) cannot be given.
   * @default {}
   */
  readonly annotations?: Record<string, string>;
}

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
  /** Middlewares of the main route, in order (header removal, then auth, then the rest). */
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

  private readonly authMiddlewares: readonly MiddlewareRef[];
  private readonly extraMiddlewares: readonly MiddlewareRef[];
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
    this.authMiddlewares = isGated(this.auth) ? [...removal, authMiddleware] : [];
    this.extraMiddlewares = props.middlewares ?? [];
    this.middlewares = [...this.authMiddlewares, ...this.extraMiddlewares];

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
    problems.add(checkAnnotationSize('annotations', this.annotations(this.middlewares)));
    problems.throwIfAny(this);

    const blank = Object.fromEntries(this.removedClientHeaders.map((h) => [h, '']));
    this.clientHeadersMiddleware =
      removal.length > 0
        ? traefikObject(this, 'ClientHeaders', 'Middleware', headersRef, { headers: { customRequestHeaders: blank } }, this.labels)
        : undefined;
    this.resource = this.ingressKind === 'Ingress' ? this.ingress('Resource', this.name, '/', props.service, this.middlewares) : this.ingressRoute();
    if (this.ingressKind === 'IngressRoute') this.routeRules.push(this.routeRule('/', props.service, this.middlewares));
    for (const route of props.routes ?? []) this.addRoute(route);
  }

  /** The sibling routes added so far. */
  public get routes(): readonly Route[] {
    return this.routeList;
  }

  /**
   * Adds a path on the same host, routed to another service behind the same auth. Returns the
   * effective route. A path given twice throws.
   */
  public addRoute(options: RouteOptions): Route {
    const problems = new Problems('protected-ingress');
    const paths = [...this.routeList.map((r) => r.path), options.path];
    for (const problem of routePathProblems(paths, this.name).filter((p) => p.index === paths.length - 1)) problems.add(problem.message);
    problems.add(checkDnsLabel(`route ${options.path} service.name`, options.service.name));
    problems.add(checkPort(`route ${options.path} service.port`, options.service.port));
    problems.throwIfAny(this);

    const stripPrefix = options.stripPrefix ?? true;
    const slug = routeSlug(options.path);
    const strip: MiddlewareRef[] = [];
    if (stripPrefix) {
      const ref = { namespace: this.namespace, name: `${this.name}-strip-${slug}` };
      // Traefik strips the prefix without its trailing '/', so '/clipboard/x' reaches the service as '/x'.
      traefikObject(this, `Strip-${slug}`, 'Middleware', ref, { stripPrefix: { prefixes: [options.path.replace(/\/$/, '')] } }, this.labels);
      strip.push(ref);
    }
    const middlewares = [...this.authMiddlewares, ...strip, ...this.extraMiddlewares];
    const route: Route = { path: options.path, service: options.service, stripPrefix, middlewares };

    if (this.ingressKind === 'Ingress') this.ingress(`Route-${slug}`, `${this.name}-${slug}`, options.path, options.service, route.middlewares);
    else this.routeRules.push(this.routeRule(options.path, options.service, route.middlewares));
    this.routeList.push(route);
    return route;
  }

  private annotations(middlewares: readonly MiddlewareRef[]): Record<string, string> {
    // The user's text is escaped for Terraform's templates; the library's values are its own.
    const annotations: Record<string, string> = {
      ...escapeTemplates(this.extraAnnotations),
      [Annotations.entrypoints]: this.entryPoint,
      [Annotations.tls]: 'true',
      [Annotations.authPosture]: this.auth,
    };
    if (middlewares.length > 0) annotations[Annotations.middlewares] = middlewares.map(middlewareAnnotationValue).join(',');
    if (this.authReason !== undefined) annotations[Annotations.authReason] = escapeTemplates(this.authReason);
    return annotations;
  }

  private ingress(id: string, name: string, path: string, service: ServiceTarget, middlewares: readonly MiddlewareRef[]): IngressV1 {
    return new IngressV1(this, id, {
      metadata: { name, namespace: this.namespace, labels: this.labels, annotations: this.annotations(middlewares) },
      spec: {
        ingressClassName: this.ingressClassName,
        tls: [{ hosts: [this.host], secretName: this.tlsSecretName }],
        rule: [
          {
            host: this.host,
            http: { path: [{ path, pathType: 'Prefix', backend: { service: { name: service.name, port: { number: service.port } } } }] },
          },
        ],
      },
    });
  }

  private routeRule(path: string, service: ServiceTarget, middlewares: readonly MiddlewareRef[]): Record<string, unknown> {
    const match = path === '/' ? `Host(\`${this.host}\`)` : `Host(\`${this.host}\`) && PathPrefix(\`${path}\`)`;
    return {
      kind: 'Rule',
      match,
      middlewares: middlewares.map((m) => ({ name: m.name, namespace: m.namespace })),
      services: [
        {
          name: service.name,
          port: service.port,
          ...(service.scheme === 'https' ? { scheme: 'https' } : {}),
          ...(service.serversTransport !== undefined ? { serversTransport: service.serversTransport } : {}),
        },
      ],
    };
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
