import { Construct } from 'constructs';
import { Manifest } from './cdktf';
import type { ResolvedTraefikLocation, TraefikLocation } from '../traefik';
import { TRAEFIK_API_VERSION, type MiddlewareRef } from './vocabulary';
import { checkDnsLabel, checkPort, checkMetadata } from './validation';
import contract from '../probe/contract.json';

/**
 * How an Ingress annotation names a Middleware: `<namespace>-<name>@kubernetescrd`
 * (`traefik.ingress.kubernetes.io/router.middlewares`).
 */
export function middlewareAnnotationValue(ref: MiddlewareRef): string {
  return `${ref.namespace}-${ref.name}@kubernetescrd`;
}

/**
 * Creates a Traefik CRD object as a `kubernetes_manifest` (Traefik's CRDs have no typed Terraform
 * resource): a `Middleware`, or a `ServersTransport` (TLS settings towards a backend).
 */
export function traefikObject(
  scope: Construct,
  id: string,
  kind: 'Middleware' | 'ServersTransport',
  ref: MiddlewareRef,
  spec: Record<string, unknown>,
  labels: Record<string, string> = {},
): Manifest {
  return new Manifest(scope, id, {
    manifest: { apiVersion: TRAEFIK_API_VERSION, kind, metadata: { name: ref.name, namespace: ref.namespace, labels }, spec },
  });
}

/** The Traefik Helm chart's defaults; the ports are the probe contract's defaults, which the probe applies too. */
export const DEFAULT_TRAEFIK_LOCATION: ResolvedTraefikLocation = {
  namespace: 'traefik',
  podSelector: { 'app.kubernetes.io/name': 'traefik' },
  websecurePort: contract.defaults.replicaPort,
  apiPort: contract.defaults.traefikApiPort,
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
    Object.keys(location.podSelector).length > 0
      ? checkMetadata(`${field}.podSelector`, 'labels', location.podSelector)[0]
      : `${field}.podSelector must name at least one label (an empty selector matches every pod)`,
    checkPort(`${field}.websecurePort`, location.websecurePort),
    checkPort(`${field}.apiPort`, location.apiPort),
  ];
}
