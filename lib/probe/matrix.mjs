// @ts-check
/**
 * What the route matrix found across the replicas of a run. Per route: the replicas it was checked on
 * and the ones it failed on, named only when failing, so 1,000 replicas × 20 routes stay small. With
 * the router inventory and the stack's router names (PROBE_OWN_ROUTERS): the routers a replica lacks
 * that at least half of the replicas list (sets, not counts), and the routers no replica lists, which
 * is a route problem (Traefik skips a router whose backend has no endpoints on every replica at once).
 *
 * And the strays remediation treats like a replica without the terminal's route: a replica that lacks
 * a router, or answers a route with Traefik's own 404, where a strict majority of three or more replicas
 * has it. All agreeing, two replicas, or a tie: reported, never a stray.
 */

import { CONTRACT } from './config.mjs';

const METRIC = CONTRACT.metric;
const REASON = CONTRACT.routeReason;
/** Router names per replica in `replica_missing_router`; the stderr line gives the count. */
const MAX_MISSING_NAMED = CONTRACT.maxRoutersNamedPerReplica;
/** stderr lines for failing (replica, route) pairs and for replicas lacking routers; then one line of the rest. */
const MAX_LINES = 50;

/**
 * @typedef {import('./checks.mjs').Check} Check
 * @typedef {import('./checks.mjs').Outcome} Outcome
 * @typedef {import('./run.mjs').ReplicaReport} ReplicaReport
 * @typedef {Array<[Record<string, string>, number]>} Samples
 *
 * @typedef {object} FailingPair
 * @property {string} replica
 * @property {string} code  the `reason` label
 * @property {string} reason  the stderr words
 *
 * @typedef {object} RouteTally
 * @property {string} route
 * @property {number} checked  replicas with an answer judged (a pair the deadline cut off is not counted)
 * @property {FailingPair[]} failing
 *
 * @typedef {object} Matrix
 * @property {boolean} on  routes to check, and replicas to check them on
 * @property {RouteTally[]} routes
 * @property {Array<{ replica: string, routers: string[] }>} missing  routers a replica lacks that at least half list
 * @property {number} listed  replicas whose router list was read whole (the base of the comparison)
 * @property {string[]} missingEverywhere  the stack's routers no replica lists
 * @property {Map<string, string[]>} strays  replica → why remediation may treat it as one that lost the route
 */

/** A strict majority, which makes the others strays: never with two replicas, never on a tie. @param {number} count @param {number} of */
const strictMajority = (count, of) => of >= 3 && count * 2 > of;

/**
 * @param {Check[]} routeRows  the table's route rows
 * @param {ReplicaReport[] | undefined} replicas  undefined when PROBE_REPLICAS is off
 * @param {Set<string> | undefined} ownRouters  PROBE_OWN_ROUTERS
 * @returns {Matrix}
 */
function findMatrix(routeRows, replicas, ownRouters) {
  const all = replicas ?? [];
  /** @type {Map<string, string[]>} */
  const strays = new Map();
  /** @param {string} replica @param {string} why */
  const stray = (replica, why) => strays.set(replica, [...(strays.get(replica) ?? []), why]);
  const routes = routeRows.map((check) => {
    /** @type {FailingPair[]} */
    const failing = [];
    let checked = 0;
    for (const { address, outcomes } of all) {
      const outcome = outcomes.get(check);
      // Not asked, or cut off by the deadline (a judged failure always has its code).
      if (outcome === undefined || (!outcome.healthy && outcome.code === undefined)) continue;
      checked += 1;
      if (!outcome.healthy) failing.push({ replica: address, code: String(outcome.code), reason: outcome.reason ?? '' });
    }
    const passing = checked - failing.length;
    if (strictMajority(passing, checked)) {
      for (const pair of failing.filter(({ code }) => code === REASON.notRouted)) {
        stray(pair.replica, `route ${check.name} not routed here, routed on ${passing} of ${checked} replicas`);
      }
    }
    return { route: check.name, checked, failing };
  });

  const read = all.flatMap(({ address, inventory }) => (inventory?.own === undefined ? [] : [{ address, own: inventory.own }]));
  /** @type {Map<string, string[]>} */
  const lacking = new Map();
  /** @type {string[]} */
  const missingEverywhere = [];
  for (const router of [...(read.length === 0 ? [] : (ownRouters ?? []))].sort()) {
    const listing = read.filter(({ own }) => own.has(router)).length;
    if (listing === 0) missingEverywhere.push(router);
    if (listing === 0 || listing === read.length || listing * 2 < read.length) continue;
    for (const { address, own } of read) {
      if (own.has(router)) continue;
      lacking.set(address, [...(lacking.get(address) ?? []), router]);
      if (strictMajority(listing, read.length)) stray(address, `lacks router ${router}, listed by ${listing} of ${read.length} replicas`);
    }
  }
  const missing = [...lacking].map(([replica, routers]) => ({ replica, routers }));
  return { on: routeRows.length > 0 && replicas !== undefined, routes, missing, listed: read.length, missingEverywhere, strays };
}

/**
 * The matrix's metric families, as [name, samples]: per route its counts, and only what fails.
 * @param {Matrix} matrix
 * @returns {Array<[string, Samples]>}
 */
function matrixSeries(matrix) {
  /** @type {Array<[string, Samples]>} */
  const families = [];
  if (matrix.on) {
    families.push([METRIC.routeReplicas, matrix.routes.map(({ route, checked }) => [{ route }, checked])]);
    families.push([METRIC.routeFailingReplicas, matrix.routes.map(({ route, failing }) => [{ route }, failing.length])]);
    /** @type {Samples} */
    const failing = matrix.routes.flatMap(({ route, failing: pairs }) =>
      pairs.map(({ replica, code }) => /** @type {[Record<string, string>, number]} */ ([{ replica, route, reason: code }, 0])),
    );
    if (failing.length > 0) families.push([METRIC.routeOk, failing]);
  }
  /** @type {Samples} */
  const missing = matrix.missing.flatMap(({ replica, routers }) =>
    routers.slice(0, MAX_MISSING_NAMED).map((router) => /** @type {[Record<string, string>, number]} */ ([{ replica, router }, 1])),
  );
  if (missing.length > 0) families.push([METRIC.replicaMissingRouter, missing]);
  if (matrix.missingEverywhere.length > 0) {
    families.push([METRIC.routerMissingEverywhere, matrix.missingEverywhere.map((router) => [{ router }, 1])]);
  }
  return families;
}

/**
 * The summary line's field: failing (replica, route) pairs over those judged.
 * @param {Matrix} matrix
 */
function matrixFields(matrix) {
  if (!matrix.on) return [];
  const failing = matrix.routes.reduce((sum, { failing: pairs }) => sum + pairs.length, 0);
  const checked = matrix.routes.reduce((sum, { checked: n }) => sum + n, 0);
  return [`route_failures=${failing}/${checked}`];
}

/**
 * A replica line's field: the routes that failed on it.
 * @param {Matrix} matrix
 * @param {ReplicaReport} replica
 */
function replicaFields(matrix, { outcomes }) {
  if (!matrix.on) return [];
  let failed = 0;
  for (const [check, outcome] of outcomes) if (check.route !== undefined && outcome?.code !== undefined) failed += 1;
  return [`routes_failed=${failed}`];
}

/**
 * The stderr lines: one per failing (replica, route) pair, one per route that failed (saying when it
 * failed everywhere), one per replica lacking routers, one for the routers no replica lists; the
 * per-pair and per-replica lines bounded, the rest counted.
 * @param {Matrix} matrix
 * @returns {string[]}
 */
function matrixProblems(matrix) {
  /** @type {string[]} */
  const lines = [];
  let left = MAX_LINES;
  let untold = 0;
  /** @param {string} line */
  const bounded = (line) => (left-- > 0 ? lines.push(line) : (untold += 1));
  for (const { route, failing } of matrix.routes) for (const { replica, reason } of failing) bounded(`replica ${replica} route ${route}: ${reason}`);
  for (const { route, checked, failing } of matrix.routes) {
    if (failing.length === 0) continue;
    const everywhere = failing.length === checked ? ': on every replica, a route problem, not a replica problem' : '';
    lines.push(`route ${route}: failed on ${failing.length} of ${checked} replicas${everywhere}`);
  }
  for (const { replica, routers } of matrix.missing) {
    const more = routers.length > MAX_MISSING_NAMED ? ` and ${routers.length - MAX_MISSING_NAMED} more` : '';
    bounded(
      `replica ${replica} lacks ${routers.length} of the stack's routers that at least half of ${matrix.listed} replicas list: ` +
        `${routers.slice(0, MAX_MISSING_NAMED).join(', ')}${more}`,
    );
  }
  for (const [replica, whys] of matrix.strays) {
    const more = whys.length > 2 ? `; and ${whys.length - 2} more` : '';
    bounded(`replica ${replica} differs from the majority: ${whys.slice(0, 2).join('; ')}${more}`);
  }
  if (untold > 0) lines.push(`route matrix: ${untold} more lines like the above not printed`);
  if (matrix.missingEverywhere.length > 0) {
    lines.push(`routers no replica lists (a route problem, e.g. a backend without endpoints): ${matrix.missingEverywhere.join(', ')}`);
  }
  return lines;
}

/**
 * The matrix as the report reads it, like the inventory: this module is loaded, and the view made, only
 * when there are routes or the stack's router names to compare.
 * @param {Check[]} routeRows
 * @param {ReplicaReport[] | undefined} replicas
 * @param {Set<string> | undefined} ownRouters
 */
export function matrixView(routeRows, replicas, ownRouters) {
  const matrix = findMatrix(routeRows, replicas, ownRouters);
  return {
    strays: matrix.strays,
    series: () => matrixSeries(matrix),
    fields: () => matrixFields(matrix),
    /** @param {ReplicaReport} replica */
    replicaFields: (replica) => replicaFields(matrix, replica),
    problems: () => matrixProblems(matrix),
  };
}
