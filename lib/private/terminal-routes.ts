/** What `Webterminal` derives from its routes and chain: the host's middlewares, the probe's routes. */
import type { MiddlewareChain, Route } from '../protected-ingress';
import type { ProbeRoute } from '../webterminal-probe-props';
import type { TerminalRouteOptions, WebterminalProps } from '../webterminal-props';
import { ORIGINAL_BEFORE_AUTH_MIDDLEWARES } from './defaults';
import { routeName, routeProbePaths } from './routes';

/**
 * The host's middleware chain: as given, else with `adopt` the original's chain before auth (its
 * cluster put it on every router; a takeover that dropped it would drop the rate limit and CrowdSec).
 */
export function hostMiddlewares(props: WebterminalProps): MiddlewareChain {
  // An old array (refused by the renames) is not read.
  const given = Array.isArray(props.middlewares) ? undefined : props.middlewares;
  const original = (props.adopt ?? false) ? [...ORIGINAL_BEFORE_AUTH_MIDDLEWARES] : [];
  return { beforeAuth: given?.beforeAuth ?? original, afterAuth: given?.afterAuth ?? [] };
}

/**
 * What the probe requests on the routes that were made: one check per probe path (the declared one,
 * else each exact path, else each prefix), gated or public as the route is; `<name>-<n>` where a
 * route has more than one.
 */
export function probeRoutes(host: string, routes: readonly TerminalRouteOptions[], made: readonly Route[]): ProbeRoute[] {
  const names = new Set(made.map((route) => route.name));
  return routes
    .filter((route) => names.has(routeName(route)))
    .flatMap((route) => {
      const paths = routeProbePaths(route);
      return paths.map((path, i): ProbeRoute => ({
        name: paths.length === 1 ? routeName(route) : `${routeName(route)}-${i + 1}`,
        host,
        path,
        expect: route.auth === 'public' ? 'public' : 'gated',
        ...(route.probe?.status !== undefined ? { status: route.probe.status } : {}),
      }));
    });
}
