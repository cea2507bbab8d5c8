/**
 * The names Traefik's API gives the routers this library's objects make, so the probe can tell the
 * stack's routers from any other router on a replica. Traefik v3.7's rules, default ("legacy") naming:
 * - an `IngressRoute` route: `<namespace>-<name>-<the first 10 bytes of sha256(match), hex>`,
 *   normalized, `@kubernetescrd` (pkg/provider/kubernetes/crd/name_builder.go, `httpRouter`);
 * - an `Ingress` path: `<namespace>-<name>-<host><path>`, normalized, a leading `-` trimmed,
 *   `@kubernetes` (pkg/provider/kubernetes/ingress/kubernetes.go); where two paths of one Ingress give
 *   the same key (`/skills` exact and `/skills/` as a prefix), each gets `-<the first 10 bytes of
 *   sha256(its rule)>` (`makeRouterKeyWithHash`), the rule being `Host("<host>") && Path("<path>")`.
 * Normalized is Traefik's `provider.Normalize`: every run of characters that are not letters or
 * digits becomes one `-`, and none is left at either end. With the CRD provider's `safeNaming` on,
 * names differ and the probe would find every router of the stack foreign: that option is not supported.
 */
import { createHash } from 'node:crypto';
import type { IConstruct } from 'constructs';
import type { TerraformStack } from './cdktf';
import { madeObjects } from './tree-checks';

/** Traefik's `provider.Normalize`. */
export function normalize(name: string): string {
  return name
    .split(/[^\p{L}\p{N}]+/u)
    .filter((part) => part !== '')
    .join('-');
}

/** Traefik's matcher for an Ingress path type. */
const matcher = (pathType: string | undefined): string => (pathType === 'Exact' ? 'Path' : 'PathPrefix');

/** A router this library's objects make. */
export interface TraefikRouter {
  /** As Traefik's API names it (`name@provider`). */
  readonly name: string;
  /** Path of the construct whose resource makes it. */
  readonly source: string;
  /** Whether it routes a whole host (`/` as a prefix): the terminal's own route, on a ttyd host. */
  readonly wholeHost: boolean;
}

/** The routers of the objects under `scope`, named as Traefik's API lists them. */
export function traefikRouters(stack: TerraformStack, scope: IConstruct): TraefikRouter[] {
  return madeObjects(stack, scope).flatMap((object): TraefikRouter[] => {
    const spec = object.config.spec as unknown as { routes?: unknown; rule?: unknown } | undefined;
    if (object.kind.endsWith('/IngressRoute')) {
      const routes = (spec?.routes ?? []) as readonly { match?: string }[];
      return routes.map((route) => {
        const match = String(route.match ?? '');
        const hash = createHash('sha256').update(match).digest('hex').slice(0, 20);
        const wholeHost = /^Host\(`[^`]+`\)(?: && PathPrefix\(`\/`\))?$/.test(match);
        return { name: `${normalize(`${object.namespace}-${object.name}-${hash}`)}@kubernetescrd`, source: object.source, wholeHost };
      });
    }
    if (object.kind === 'networking.k8s.io/v1/Ingress') {
      const rules = (spec?.rule ?? []) as readonly { host?: string; http?: { path?: readonly { path?: string; path_type?: string }[] } }[];
      const routers = rules.flatMap((rule) =>
        (rule.http?.path ?? []).map((path) => ({
          key: normalize(`${object.namespace}-${object.name}-${rule.host ?? ''}${path.path ?? ''}`),
          // The rule Traefik writes (Go's %q quoting, the same as JSON's for the paths this library accepts).
          rule: `Host(${JSON.stringify(rule.host ?? '')}) && ${matcher(path.path_type)}(${JSON.stringify(path.path ?? '/')})`,
          wholeHost: (path.path ?? '/') === '/' && path.path_type !== 'Exact',
        })),
      );
      // Paths of one Ingress whose keys collide (`/skills` and `/skills/`) get `-<first 10 bytes of sha256(rule)>` each.
      return routers.map((router) => {
        const shared = routers.filter((other) => other.key === router.key).length > 1;
        const hash = createHash('sha256').update(router.rule).digest('hex').slice(0, 20);
        return { name: `${shared ? `${router.key}-${hash}` : router.key}@kubernetes`, source: object.source, wholeHost: router.wholeHost };
      });
    }
    return [];
  });
}
