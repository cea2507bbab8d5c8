/**
 * Traefik CRD plumbing shared by the constructs that route through Traefik.
 *
 * Traefik's CRDs (Middleware, IngressRoute) have no typed Terraform resource, so they go through
 * `kubernetes_manifest`, which needs the cluster's API (and the CRD installed) at plan time.
 */

export { TRAEFIK_API_VERSION, type MiddlewareRef } from './private/vocabulary';

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

/** Annotations Traefik's Kubernetes Ingress provider reads on a Service. */
export const ServiceAnnotations = {
  /** How Traefik speaks to the Service's endpoints (`https` for a TLS backend). */
  serversScheme: 'traefik.ingress.kubernetes.io/service.serversscheme',
  /** The ServersTransport Traefik uses for the Service, as `<namespace>-<name>@kubernetescrd`. */
  serversTransport: 'traefik.ingress.kubernetes.io/service.serverstransport',
} as const;
