import { Construct } from 'constructs';
import { Manifest } from './cdktf';
import { checkDnsLabel, checkLabels, checkPort } from './validation';

/**
 * Traefik CRD plumbing shared by the constructs that route through Traefik.
 *
 * Traefik's CRDs (Middleware, IngressRoute) have no typed Terraform resource, so they go through
 * `kubernetes_manifest`, which needs the cluster's API (and the CRD installed) at plan time.
 */

/** A reference to a Traefik `Middleware` object. */
export interface MiddlewareRef {
  /** Namespace of the Middleware. */
  readonly namespace: string;
  /** Name of the Middleware. */
  readonly name: string;
}

/** API group/version of Traefik's CRDs (Traefik v2.10+ and v3). */
export const TRAEFIK_API_VERSION = 'traefik.io/v1alpha1';

/**
 * How an Ingress annotation names a Middleware: `<namespace>-<name>@kubernetescrd`
 * (`traefik.ingress.kubernetes.io/router.middlewares`).
 */
export function middlewareAnnotationValue(ref: MiddlewareRef): string {
  return `${ref.namespace}-${ref.name}@kubernetescrd`;
}

/** Creates a Traefik `Middleware` with the given spec as a `kubernetes_manifest`. */
export function traefikMiddleware(scope: Construct, id: string, ref: MiddlewareRef, spec: Record<string, unknown>, labels: Record<string, string> = {}): Manifest {
  return new Manifest(scope, id, {
    manifest: {
      apiVersion: TRAEFIK_API_VERSION,
      kind: 'Middleware',
      metadata: { name: ref.name, namespace: ref.namespace, labels },
      spec,
    },
  });
}

/**
 * Where Traefik runs: the one setting the replica Service, the ttyd NetworkPolicy and anything else
 * that must find the Traefik pods read. Defaults fit the Traefik Helm chart; on k3s, Traefik runs in
 * `kube-system` (`{ namespace: 'kube-system' }`).
 */
export interface TraefikLocation {
  /**
   * Namespace of the Traefik pods.
   * @default "traefik"
   */
  readonly namespace?: string;
  /**
   * Labels that select the Traefik pods.
   * @default { "app.kubernetes.io/name": "traefik" }
   */
  readonly podSelector?: Record<string, string>;
  /**
   * Port of the `websecure` entrypoint on the pods (the chart's container port, not the Service's 443).
   * @default 8443
   */
  readonly websecurePort?: number;
  /**
   * Port of the `traefik` entrypoint (API, ping) on the pods.
   * @default 8080
   */
  readonly apiPort?: number;
}

/** A {@link TraefikLocation} with every default filled in. */
export type ResolvedTraefikLocation = Required<TraefikLocation>;

/** The Traefik Helm chart's defaults. */
export const DEFAULT_TRAEFIK_LOCATION: ResolvedTraefikLocation = {
  namespace: 'traefik',
  podSelector: { 'app.kubernetes.io/name': 'traefik' },
  websecurePort: 8443,
  apiPort: 8080,
};

/** Fills in the defaults of a {@link TraefikLocation}. */
export function resolveTraefikLocation(location: TraefikLocation = {}): ResolvedTraefikLocation {
  return {
    namespace: location.namespace ?? DEFAULT_TRAEFIK_LOCATION.namespace,
    podSelector: location.podSelector ?? { ...DEFAULT_TRAEFIK_LOCATION.podSelector },
    websecurePort: location.websecurePort ?? DEFAULT_TRAEFIK_LOCATION.websecurePort,
    apiPort: location.apiPort ?? DEFAULT_TRAEFIK_LOCATION.apiPort,
  };
}

/** Problems of a resolved {@link TraefikLocation}, each naming `<field>.<key>`. */
export function traefikLocationProblems(field: string, location: ResolvedTraefikLocation): (string | undefined)[] {
  return [
    checkDnsLabel(`${field}.namespace`, location.namespace),
    Object.keys(location.podSelector).length > 0 ? checkLabels(`${field}.podSelector`, location.podSelector) : `${field}.podSelector must name at least one label (an empty selector matches every pod)`,
    checkPort(`${field}.websecurePort`, location.websecurePort),
    checkPort(`${field}.apiPort`, location.apiPort),
  ];
}

/** Annotations Traefik's Kubernetes Ingress provider reads on a Service. */
export const ServiceAnnotations = {
  /** How Traefik speaks to the Service's endpoints (`https` for a TLS backend). */
  serversScheme: 'traefik.ingress.kubernetes.io/service.serversscheme',
  /** The ServersTransport Traefik uses for the Service, as `<namespace>-<name>@kubernetescrd`. */
  serversTransport: 'traefik.ingress.kubernetes.io/service.serverstransport',
} as const;

/** Creates a Traefik `ServersTransport` (TLS settings towards a backend) as a `kubernetes_manifest`. */
export function traefikServersTransport(scope: Construct, id: string, ref: MiddlewareRef, spec: Record<string, unknown>, labels: Record<string, string> = {}): Manifest {
  return new Manifest(scope, id, {
    manifest: {
      apiVersion: TRAEFIK_API_VERSION,
      kind: 'ServersTransport',
      metadata: { name: ref.name, namespace: ref.namespace, labels },
      spec,
    },
  });
}
