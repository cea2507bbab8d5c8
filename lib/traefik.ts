import { Construct } from 'constructs';
import { Manifest } from './cdktf';

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
