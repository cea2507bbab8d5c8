/** The props of {@link ProtectedIngress}, and its routes' options. */
import type { MiddlewareRef } from './traefik';
import type { AuthPosture, IngressKind, MiddlewareChain, RouteAuth } from './private/vocabulary';

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

/** A sibling route on the same host, to another service: behind the same auth, or a public carve-out. */
export interface RouteOptions {
  /**
   * The route's name (a lower-case DNS label): in its object names (`<name>-<route>`,
   * `<name>-strip-<route>`) and the probe's `route` label.
   * @default - made from `path` (`/api/sessions/` -> `api-sessions`); required without `path`
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
  /** The Service that serves it (a TtydService or any `{ name, port }`). */
  readonly service: ServiceTarget;
  /**
   * Strip the route's prefixes before the request reaches the service (a Traefik `stripPrefix`
   * Middleware, each prefix without its trailing '/'); a route without prefixes strips nothing.
   * @default true
   */
  readonly stripPrefix?: boolean;
  /**
   * `required` (Authentik gates it), or `public`: a carve-out without forward-auth, for paths that
   * never reach ttyd, with an explicit Traefik priority (see {@link RouteAuth}).
   * @default "required"
   */
  readonly auth?: RouteAuth;
  /**
   * Why a `public` route must load without a session; required for it, recorded as an annotation.
   * @default - none
   */
  readonly authReason?: string;
  /**
   * The route's own middlewares, after the host's on each side of auth.
   * @default - none
   */
  readonly middlewares?: MiddlewareChain;
  /**
   * Compress answers (a Traefik `compress` Middleware the stack makes, `<name>-compress-<route>`).
   * @default false
   */
  readonly compress?: boolean;
}

/** A route as it was added: the effective options and the Terraform resources it made. */
export interface Route {
  /** The route's name. */
  readonly name: string;
  /** Exact paths. */
  readonly paths: readonly string[];
  /** Path prefixes (`path` first). */
  readonly prefixes: readonly string[];
  /** The Service the route reaches. */
  readonly service: ServiceTarget;
  /** Whether the prefixes are stripped. */
  readonly stripPrefix: boolean;
  /** Who may reach it. */
  readonly auth: RouteAuth;
  /** The explicit Traefik priority of its routers (a public carve-out's), else Traefik's rule length. */
  readonly priority?: number;
  /** Middlewares applied to this route, in order. */
  readonly middlewares: readonly MiddlewareRef[];
}

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
   * The host's middlewares before auth and after it (after a route's strip-prefix), on every router.
   * @default - none
   */
  readonly middlewares?: MiddlewareChain;
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
