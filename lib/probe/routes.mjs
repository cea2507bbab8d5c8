// @ts-check
/**
 * The route matrix's rows of the check table (PROBE_ROUTES): each route's path requested on every
 * Traefik replica, and only there, with the route's host as TLS SNI and Host, in the runner's batches
 * and under its deadline and request timeout. A gated route must answer with the redirect to the
 * Authentik outpost; a public carve-out must not (and, when it declares a status, must answer with it).
 * Traefik's own 404 (no router matched: the body `404 page not found`) is told from a backend's 404.
 */

import { CONTRACT, ConfigError, isHostName, readVar } from './config.mjs';
import { judgeAuthRedirect } from './checks.mjs';
import { exchange } from './exchange.mjs';

const ENV = CONTRACT.env;
const REASON = CONTRACT.routeReason;
/** The body of Traefik's own 404 handler, with or without its newline. */
const TRAEFIK_NOT_FOUND = /^404 page not found\n?$/;
/** Read of a 404's body: Traefik's is 19 bytes; anything longer is a backend's. */
const NOT_FOUND_BODY_BYTES = 64;
/** The route names the construct allows: the `route` label's value. */
const ROUTE_NAME = new RegExp(CONTRACT.routeNamePattern);
const ROUTE_PATH = new RegExp(CONTRACT.routePathPattern);

/**
 * @typedef {import('./config.mjs').Config} Config
 * @typedef {import('./checks.mjs').Check} Check
 * @typedef {import('./checks.mjs').Outcome} Outcome
 * @typedef {import('./exchange.mjs').Answer} Answer
 *
 * @typedef {object} Route  one entry of PROBE_ROUTES
 * @property {string} name  the `route` label
 * @property {string} host
 * @property {string} path  absolute, as Traefik matches it
 * @property {'gated' | 'public'} expect
 * @property {number | undefined} status  the status a public route must answer with
 */

/**
 * One entry of PROBE_ROUTES, or what is wrong with it. Keys beyond the five are ignored.
 * @param {unknown} item
 * @param {number} i
 * @returns {Route | string}
 */
function parseRoute(item, i) {
  const at = `[${i}]`;
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return `${at} is not an object`;
  const { name, host, path, expect, status } = /** @type {Record<string, unknown>} */ (item);
  /** @type {string[]} */
  const wrong = [];
  if (typeof name !== 'string' || !ROUTE_NAME.test(name)) wrong.push(`.name ${JSON.stringify(name)} is not a route name (a-z, 0-9, '-', at most 63)`);
  if (typeof host !== 'string' || !isHostName(host)) wrong.push(`.host ${JSON.stringify(host)} is not a host name`);
  if (typeof path !== 'string' || !ROUTE_PATH.test(path)) wrong.push(`.path ${JSON.stringify(path)} is not an absolute path (printable ASCII)`);
  if (typeof expect !== 'string' || !CONTRACT.routeExpect.includes(expect)) {
    wrong.push(`.expect ${JSON.stringify(expect)} is not one of ${CONTRACT.routeExpect.join(', ')}`);
  }
  if (status !== undefined && !(Number.isInteger(status) && Number(status) >= 100 && Number(status) <= 599)) {
    wrong.push(`.status ${JSON.stringify(status)} is not an HTTP status (100-599)`);
  } else if (status !== undefined && expect === 'gated') {
    wrong.push('.status is for a public route; a gated route must redirect to the Authentik outpost');
  }
  if (wrong.length > 0) return wrong.map((w) => `${at}${w}`).join('; ');
  return {
    name: /** @type {string} */ (name),
    host: /** @type {string} */ (host),
    path: /** @type {string} */ (path),
    expect: /** @type {'gated' | 'public'} */ (expect),
    status: /** @type {number | undefined} */ (status),
  };
}

/**
 * PROBE_ROUTES: a JSON array of at most `maxRoutes` routes, names unique. Unset: no routes.
 * @param {NodeJS.ProcessEnv} env
 * @returns {Route[]}
 */
export function parseRoutes(env) {
  const name = ENV.routes;
  const raw = readVar(env, name);
  if (raw === undefined) return [];
  /** @type {unknown} */
  let parsed;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`${name} is not JSON (want [{"name", "host", "path", "expect": "gated" | "public", "status"?}])`);
  }
  if (!Array.isArray(parsed)) throw new ConfigError(`${name} is not a JSON array of routes`);
  if (parsed.length > CONTRACT.maxRoutes) throw new ConfigError(`${name} holds ${parsed.length} routes; at most ${CONTRACT.maxRoutes}`);
  const routes = parsed.map(parseRoute);
  const problems = routes.filter((route) => typeof route === 'string');
  const names = parsed.flatMap((item) => (typeof item?.name === 'string' ? [item.name] : []));
  const twice = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  if (twice.length > 0) problems.push(`route names given twice: ${twice.map((n) => JSON.stringify(n)).join(', ')}`);
  if (problems.length > 0) throw new ConfigError(`${name}${problems.join(`; ${name}`)}`);
  return /** @type {Route[]} */ (routes);
}

/**
 * The URL a route is asked at: the edge's scheme and port, the route's host, its path as given (joined
 * to the origin as text, so a path such as `//x` stays a path).
 * @param {Config} config
 * @param {Route} route
 */
function routeUrl(config, route) {
  const base = new URL(config.edgeUrl.origin);
  base.hostname = route.host;
  return new URL(`${base.origin}${route.path}`);
}

/** @param {Answer} answer */
const isTraefikNotFound = (answer) => answer.status === 404 && answer.error === undefined && TRAEFIK_NOT_FOUND.test(answer.body);

/**
 * A route's answer judged: the outcome carries the `reason` label's value as `code` when it fails.
 * @param {Route} route
 * @param {Answer} answer
 * @param {URL} url
 * @param {string | undefined} authentikHost
 * @returns {Outcome}
 */
function judgeRoute(route, answer, url, authentikHost) {
  const status = answer.status;
  /** @param {string} code @param {string} reason @returns {Outcome} */
  const fail = (code, reason) => ({ status, healthy: false, code, reason: `${code}: ${reason}` });
  if (status === 0) return fail(REASON.noAnswer, answer.error ?? 'no answer');
  const toOutpost = judgeAuthRedirect(answer, url, url, authentikHost);
  const notRouted = "Traefik's own 404 (404 page not found): no router matched";
  if (route.expect === 'gated') {
    if (toOutpost.healthy) return { status, healthy: true };
    if (status >= 300 && status < 400) return fail(REASON.wrongRedirect, toOutpost.reason ?? `status ${status}`);
    if (isTraefikNotFound(answer)) return fail(REASON.notRouted, notRouted);
    const without = status >= 200 && status < 300 ? ': the route answers without auth' : '';
    return fail(REASON.ungated, `status ${status}, not the redirect to the Authentik outpost${without}`);
  }
  if (toOutpost.healthy) return fail(REASON.walledOff, `status ${status} to the Authentik outpost: the public route is gated`);
  if (isTraefikNotFound(answer)) return fail(REASON.notRouted, notRouted);
  if (route.status !== undefined && status !== route.status) return fail(REASON.wrongStatus, `status ${status}, want ${route.status}`);
  return { status, healthy: true };
}

/**
 * The check-table rows of the routes: one per route, run on every replica only (`on: 'replica'`).
 * Only a 404's body is read, at most NOT_FOUND_BODY_BYTES of it.
 * @param {Route[]} routes
 * @returns {Check[]}
 */
export function routeChecks(routes) {
  return routes.map((route) => ({
    name: route.name,
    on: 'replica',
    route,
    perReplica: true,
    sample: async (config, target, ctx) => {
      const url = routeUrl(config, route);
      const where = target.replica === undefined ? {} : { connectAddress: target.replica, connectPort: config.replicaPort };
      const readBody = (/** @type {number} */ status) => status === 404;
      const answer = await exchange({ url, readBody, maxBodyBytes: NOT_FOUND_BODY_BYTES, ...where }, ctx);
      // Cut off by the run's deadline: not judged (no `code`), so not counted as the route failing there.
      if (answer.status === 0 && ctx.signal.aborted) return { status: 0, healthy: false, reason: 'cut off by the run deadline' };
      return judgeRoute(route, answer, url, config.authentikHost);
    },
  }));
}
