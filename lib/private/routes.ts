import { AUTH_POSTURES, ROUTE_AUTHS, type AuthPosture, type RouteAuth, type RouteProbeOptions } from './vocabulary';
import { checkPathPrefix } from './validation';
import contract from '../probe/contract.json';

/** A route's name, the `route` label of the probe's series and part of object names (a DNS label): the contract says how. */
const ROUTE_NAME = new RegExp(contract.routeNamePattern);

/** Authentik's outpost path, which its own route serves without forward-auth. */
const AUTHENTIK_OUTPOST_PATH: string = contract.outpostPath;

/** Whether a posture puts the Authentik middleware in front of the app. */

export function isGated(auth: AuthPosture): boolean {
  return auth === 'required' || auth === 'public';
}

/** The one rule for an ungated posture: it must come with a written reason. */
export function checkAuthReason(auth: AuthPosture, reason: string | undefined): string | undefined {
  if (!AUTH_POSTURES.includes(auth) || isGated(auth) || (reason?.trim() ?? '') !== '') return undefined;
  return `auth ${JSON.stringify(auth)} leaves the host without Authentik: give authReason to say why`;
}

/**
 * The rule for a host that serves a shell trusting a header (ttyd): only the gated postures. ttyd's
 * only check is a header any client can send, so without the Authentik middleware anyone gets a shell.
 */
export function checkShellPosture(auth: AuthPosture): string | undefined {
  if (!AUTH_POSTURES.includes(auth) || isGated(auth)) return undefined;
  return (
    `auth ${JSON.stringify(auth)} is refused for a shell host: ttyd trusts a header that any client can send, so only Authentik in ` +
    `front keeps the shell closed; use "required" (or "public", where the Authentik middleware still runs)`
  );
}

/** `/api/sessions/` -> `api-sessions`: a stable piece of construct ids and object names. */
function routeSlug(path: string): string {
  return path
    .replace(/^\/|\/$/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .toLowerCase();
}

/** A problem of one route in a list: which entry, and the sentence. */
export interface RoutePathProblem {
  /** Index of the route in the list. */
  readonly index: number;
  /** The sentence, naming the field. */
  readonly message: string;
}

/** What the route rules read of a route: the keys `TerminalRouteOptions` and `RouteOptions` share. */
export interface RouteShape {
  readonly name?: string;
  readonly path?: string;
  readonly paths?: readonly string[];
  readonly prefixes?: readonly string[];
  readonly stripPrefix?: boolean;
  readonly auth?: RouteAuth;
  readonly authReason?: string;
  readonly compress?: boolean;
  readonly probe?: RouteProbeOptions;
}

/** A route's name: given, or made from its `path` (`/api/sessions/` -> `api-sessions`), as before names existed. */
export function routeName(route: RouteShape): string {
  return route.name ?? routeSlug(route.path ?? '');
}

/** One matcher of a route with the field it was given in. */
export interface RouteMatcher {
  readonly field: string;
  readonly value: string;
  readonly exact: boolean;
}

/** A route's exact paths and prefixes (its `path` first among the prefixes), each with its field under `at`. */
export function routeMatchers(route: RouteShape, at = 'route'): RouteMatcher[] {
  return [
    ...(route.paths ?? []).map((value, j) => ({ field: `${at}.paths[${j}]`, value, exact: true })),
    ...(route.path !== undefined ? [{ field: `${at}.path`, value: route.path, exact: false }] : []),
    ...(route.prefixes ?? []).map((value, j) => ({ field: `${at}.prefixes[${j}]`, value, exact: false })),
  ];
}

/** The paths the probe requests on a route: the declared one, else each exact path, else each prefix. */
export function routeProbePaths(route: RouteShape): string[] {
  if (route.probe?.path !== undefined) return [route.probe.path];
  const matchers = routeMatchers(route);
  const exact = matchers.filter((m) => m.exact);
  return (exact.length > 0 ? exact : matchers).map((m) => m.value);
}

/** Paths on a ttyd host that only ttyd (or Authentik's outpost, for the last) may answer. */
const TTYD_PATHS: readonly string[] = ['/', '/token', '/ws'];

/** An exact path: absolute, unreserved characters and '/', no dot segments. */
function checkExactPath(field: string, value: string): string | undefined {
  if (!/^\/[A-Za-z0-9._~/-]*$/.test(value) || value.includes('//'))
    return `${field} ${JSON.stringify(value)} is not an exact path (it must start with '/', like /favicon.ico)`;
  return value.split('/').some((segment) => segment === '.' || segment === '..')
    ? `${field} ${JSON.stringify(value)} has a "." or ".." segment, which clients resolve away`
    : undefined;
}

/** Whether a request path matches a matcher as Traefik's `Path` or (character-wise) `PathPrefix` does. */
function matches(matcher: RouteMatcher, path: string): boolean {
  return matcher.exact ? matcher.value === path : path.startsWith(matcher.value);
}

/** Whether two matchers can match one request path. */
function overlap(a: RouteMatcher, b: RouteMatcher): boolean {
  if (a.exact && b.exact) return a.value === b.value;
  if (a.exact) return matches(b, a.value);
  if (b.exact) return matches(a, b.value);
  return a.value.startsWith(b.value) || b.value.startsWith(a.value);
}

/**
 * Problems of a list of routes on one host (`baseName` is the main object's name): each has a name
 * (given, or made from its `path`) that is unique and short enough for the objects made from it, at
 * least one exact path or prefix, none routed twice, a known posture; and a public carve-out has a
 * reason, covers none of ttyd's paths (`/`, `/token`, `/ws`) nor the Authentik outpost's, and overlaps
 * no other route. `at(i)` is how the i-th route is named in the messages (`routes[0]`).
 */
export function routeListProblems(
  routes: readonly RouteShape[],
  baseName: string,
  at: (index: number) => string = (i) => `routes[${i}]`,
): RoutePathProblem[] {
  const out: RoutePathProblem[] = [];
  const names = new Map<string, number>();
  const all = routes.map((route, i) => routeMatchers(route, at(i)));
  routes.forEach((route, index) => {
    const add = (message: string | undefined): void => void (message !== undefined && out.push({ index, message }));
    const field = at(index);
    const matchers = all[index];
    if (matchers.length === 0) add(`${field} needs paths (exact) or prefixes`);
    for (const m of matchers) {
      if (m.exact) add(m.value === '/' ? `${m.field} "/" is the main route's; give a longer path` : checkExactPath(m.field, m.value));
      else add(m.value === '/' ? `${m.field} "/" is the main route; give a longer prefix` : checkPathPrefix(m.field, m.value));
    }
    if (matchers.length > 0) add(nameProblem(route, field, baseName));
    const name = routeName(route);
    const other = names.get(name);
    if (name !== '' && other !== undefined) {
      const them = routes[other];
      if (route.name === undefined && them.name === undefined)
        add(
          them.path === route.path
            ? `${field}.path ${JSON.stringify(route.path)} is given twice`
            : `${field}.path ${JSON.stringify(route.path)} makes the same object names as ${JSON.stringify(them.path)} ` +
                `(both become "${name}"); give ` +
                `paths that differ in more than case and punctuation`,
        );
      else add(`${field}.name ${JSON.stringify(name)} is also the name of ${at(other)}; give each route its own name`);
    } else if (name !== '') names.set(name, index);
    // The same exact path or prefix in two routes: Traefik would pick one.
    for (const m of matchers) {
      for (let j = 0; j < index; j++) {
        const same = all[j].find((o) => o.exact === m.exact && o.value === m.value);
        if (same !== undefined && !(m.field.endsWith('.path') && same.field.endsWith('.path')))
          add(`${m.field} ${JSON.stringify(m.value)} is also ${same.field}: Traefik would pick one`);
      }
    }
    const auth = route.auth ?? 'required';
    if (!ROUTE_AUTHS.includes(auth))
      add(`${field}.auth ${JSON.stringify(auth)} is not one of ${ROUTE_AUTHS.map((a) => JSON.stringify(a)).join(', ')}`);
    const reason = route.authReason?.trim() ?? '';
    if (auth === 'public' && reason === '')
      add(`${field}.auth "public" turns Authentik off for the route's paths: give authReason to say why they must load without a session`);
    if (auth === 'required' && route.authReason !== undefined)
      add(`${field}.authReason ${JSON.stringify(route.authReason)} is for auth "public"; a route behind Authentik needs none`);
    if (auth === 'public') carveOutProblems(matchers, all, index).forEach(add);
    add(probeProblem(route, field, matchers));
  });
  // The probe's name of a route with several probe paths is `<name>-<n>`: it must not be another route's.
  const probeNames = new Map<string, number>();
  routes.forEach((route, index) => {
    const paths = routeProbePaths(route);
    paths.forEach((_, n) => {
      const name = paths.length === 1 ? routeName(route) : `${routeName(route)}-${n + 1}`;
      const other = probeNames.get(name);
      if (other !== undefined && routeName(routes[other]) !== routeName(route) && name !== '')
        out.push({ index, message: `${at(index)}: the probe would check it as ${JSON.stringify(name)}, as it checks ${at(other)}; rename one` });
      probeNames.set(name, index);
    });
  });
  return out;
}

function nameProblem(route: RouteShape, field: string, baseName: string): string | undefined {
  if (route.name === undefined && route.path === undefined) return `${field}.name is required without path: give a lower-case DNS label (\`assets\`)`;
  const name = routeName(route);
  if (route.name !== undefined && !ROUTE_NAME.test(route.name))
    return `${field}.name ${JSON.stringify(route.name)} is not a lower-case DNS label (letters, digits and '-', at most 63)`;
  const longest = `${baseName}-${route.compress === true ? 'compress' : 'strip'}-${name}`;
  if (ROUTE_NAME.test(longest)) return undefined;
  const [what, value] = route.name !== undefined ? ['name', route.name] : ['path', route.path ?? ''];
  return (
    `${field}.${what} ${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)} is too long for the object names made from it ` +
    `("${baseName}-${route.compress === true ? 'compress' : 'strip'}-<name>" would have ${longest.length} characters; ` +
    'Kubernetes allows 63)'
  );
}

/** A carve-out covers none of ttyd's paths, nothing of the outpost's, and nothing another route matches. */
function carveOutProblems(matchers: readonly RouteMatcher[], all: readonly RouteMatcher[][], index: number): string[] {
  const out: string[] = [];
  const outpost: RouteMatcher = { field: 'the Authentik outpost route', value: AUTHENTIK_OUTPOST_PATH, exact: false };
  for (const m of matchers) {
    const ttyd = TTYD_PATHS.filter((p) => matches(m, p));
    if (ttyd.length > 0)
      out.push(
        `${m.field} ${JSON.stringify(m.value)} would make ttyd's ${ttyd.map((p) => JSON.stringify(p)).join(', ')} public; ` +
          'a carve-out is only for paths that never reach ttyd',
      );
    if (overlap(m, outpost))
      out.push(
        `${m.field} ${JSON.stringify(m.value)} overlaps the Authentik outpost's ${JSON.stringify(AUTHENTIK_OUTPOST_PATH)}, which is routed by itself`,
      );
    all.forEach((others, j) => {
      if (j === index) return;
      const hit = others.find((o) => overlap(m, o) && !(o.exact && m.exact));
      if (hit !== undefined)
        out.push(
          `${m.field} ${JSON.stringify(m.value)} overlaps ${hit.field} ${JSON.stringify(hit.value)}: ` +
            'a carve-out must cover nothing another route serves',
        );
    });
  }
  return out;
}

function probeProblem(route: RouteShape, field: string, matchers: readonly RouteMatcher[]): string | undefined {
  const probe = route.probe;
  if (probe === undefined) return undefined;
  if (probe.status !== undefined && (route.auth ?? 'required') !== 'public')
    return `${field}.probe.status ${probe.status} is for a public route; a gated route must redirect to the Authentik outpost`;
  if (probe.status !== undefined && !(Number.isInteger(probe.status) && probe.status >= 100 && probe.status <= 599))
    return `${field}.probe.status ${probe.status} is not an HTTP status (100-599)`;
  if (probe.path !== undefined && !matchers.some((m) => matches(m, probe.path ?? '')))
    return (
      `${field}.probe.path ${JSON.stringify(probe.path)} is not one of the route's paths nor under its prefixes, ` +
      'so it would not check this route'
    );
  return undefined;
}

/** Kubernetes' limit on the total size of an object's annotations (keys and values). */
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** Annotations within {@link MAX_ANNOTATIONS_BYTES} in all. */
export function checkAnnotationSize(field: string, annotations: Readonly<Record<string, string>>): string | undefined {
  const sizes = Object.entries(annotations).map(([k, v]) => [k, Buffer.byteLength(k) + Buffer.byteLength(v)] as const);
  const total = sizes.reduce((sum, [, n]) => sum + n, 0);
  if (total <= MAX_ANNOTATIONS_BYTES) return undefined;
  const [largest] = [...sizes].sort((a, b) => b[1] - a[1])[0];
  return `${field} total ${total} bytes, above Kubernetes' limit of ${MAX_ANNOTATIONS_BYTES} (262144); the largest is ${JSON.stringify(largest)}`;
}
