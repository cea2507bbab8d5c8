// @ts-check
/**
 * The router inventory (PROBE_ROUTER_INVENTORY=1), loaded only when it is on: each replica's routers
 * counted from its Traefik API, following Traefik's pagination (`page`, `per_page`, X-Next-Page, which
 * is 1 on the last page), and with PROBE_OWN_ROUTERS the foreign routers that reach ttyd's servers.
 * Informational: a failed inventory is reported (router_inventory_ok 0) but does not make the run
 * unhealthy (the alerts judge). All pages of all replicas share one byte budget a run, a page has a
 * bound of its own, and one replica is read at a time, so endless or huge pages cannot take the pod's memory.
 */

import net from 'node:net';
import { CONTRACT, ConfigError, attempt, listOf, readVar } from './config.mjs';
import { exchange } from './exchange.mjs';
import { gauge } from './report.mjs';
import { jsonArrayCounter } from './json-count.mjs';

const METRIC = CONTRACT.metric;
/** Traefik's own default page size (pkg/api/criterion.go), asked for explicitly. */
const ROUTERS_PER_PAGE = 100;
/** A bound on pages followed, so a misbehaving API cannot keep the probe looping until the deadline. */
const MAX_ROUTER_PAGES = 100;
/** What the inventory may read in one run, all pages of all replicas: room for thousands of routers per replica. */
const INVENTORY_BUDGET_BYTES = 4 * 1024 * 1024;
/** One page of Traefik's router list: 100 routers are some 50 KiB; a page above this is not Traefik's. */
const INVENTORY_PAGE_BYTES = 512 * 1024;
/** How deep the foreign-router check follows services made of services (weighted, mirroring, failover). */
const MAX_SERVICE_DEPTH = 4;
/** ttyd's server URLs remembered across the replicas of one run (ttyd is a few pods, or one address). */
const MAX_TTYD_SERVERS = 64;
/** Foreign router names kept per replica; the count is always whole. */
const MAX_FOREIGN_NAMES = CONTRACT.maxRoutersNamedPerReplica;

/**
 * @typedef {import('./config.mjs').Config} Config
 * @typedef {import('./exchange.mjs').Context} Context
 * @typedef {(bytes: number) => string | undefined} Take
 *
 * @typedef {object} Found  what one replica's inventory found
 * @property {number | undefined} routers
 * @property {string | undefined} routersError
 * @property {string[] | undefined} foreign  routers not the stack's whose service reaches one of ttyd's servers, sorted
 * @property {string | undefined} foreignProblem  why the foreign routers could not be told
 * @property {Set<string> | undefined} own  the stack's routers (PROBE_OWN_ROUTERS) this replica lists, when its list was read whole
 */

const ROUTER_NAME = new RegExp(CONTRACT.routerNamePattern);

/**
 * A comma-separated list of router names (`<name>@<provider>`), at least one.
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 */
function routerNamesVar(env, name) {
  const raw = readVar(env, name);
  if (raw === undefined) return undefined;
  const items = listOf(raw);
  const bad = items.filter((item) => !ROUTER_NAME.test(item)).map((item) => JSON.stringify(item.slice(0, 80)));
  if (bad.length > 0) {
    throw new ConfigError(
      `${name}=${JSON.stringify(raw.slice(0, 200))}: ${bad.join(', ')} not a router name as Traefik's API gives it (<name>@<provider>)`,
    );
  }
  return items;
}

/**
 * PROBE_OWN_ROUTERS and PROBE_TTYD_ROUTERS: the stack's routers and those of them that reach ttyd, both or neither.
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ ownRouters: Set<string>, ttydRouters: Set<string> } | undefined}
 */
export function parseRouterNames(env) {
  const [OWN, TTYD] = [CONTRACT.env.ownRouters, CONTRACT.env.ttydRouters];
  /** @type {string[]} */
  const problems = [];
  const [own, ttyd] = [OWN, TTYD].map((name) => attempt(() => routerNamesVar(env, name), problems));
  if (problems.length > 0) throw new ConfigError(problems.join('\nprobe: bad configuration: '));
  if ((own === undefined) !== (ttyd === undefined)) {
    throw new ConfigError(`${OWN} and ${TTYD} go together (the stack's routers, and those of them that reach ttyd)`);
  }
  if (own === undefined || ttyd === undefined) return undefined;
  const outside = ttyd.filter((name) => !own.includes(name)).map((name) => JSON.stringify(name));
  if (outside.length > 0) throw new ConfigError(`${TTYD} names ${outside.join(', ')}, not in ${OWN}`);
  return { ownRouters: new Set(own), ttydRouters: new Set(ttyd) };
}

/**
 * The inventory of a run: its byte budget, the ttyd servers seen so far, and its parts of the report.
 * @param {Config} config
 * @returns {import('./run.mjs').Inventory}
 */
export function createInventory(config) {
  let left = INVENTORY_BUDGET_BYTES;
  /** @type {Take} */
  const take = (bytes) => ((left -= bytes) >= 0 ? undefined : `the run's inventory budget of ${INVENTORY_BUDGET_BYTES} bytes is used up`);
  /** @type {Promise<unknown>} */
  let tail = Promise.resolve();
  /** ttyd's server URLs, gathered across replicas behind the stack's own ttyd routers. @type {Set<string>} */
  const ttydServers = new Set();
  /** @param {Context} ctx @param {string} replica @returns {Promise<Found>} */
  const inventory = async (ctx, replica) => {
    if (config.ownRouters === undefined) {
      const counted = await countRouters(config, ctx, replica, take);
      return typeof counted === 'string'
        ? { routers: undefined, routersError: counted, foreign: undefined, foreignProblem: undefined, own: undefined }
        : { routers: counted, routersError: undefined, foreign: undefined, foreignProblem: undefined, own: undefined };
    }
    return foreignRouters(config, ctx, replica, take, ttydServers);
  };
  /** @param {Found | undefined} found @returns {Found} */
  const read = (found) => found ?? { routers: undefined, routersError: undefined, foreign: undefined, foreignProblem: undefined, own: undefined };
  return {
    // One replica at a time, so at most one page is held (and parsed) at once whatever the number of replicas.
    take: (ctx, replica) => {
      const turn = tail.then(() => inventory(ctx, replica));
      tail = turn.catch(() => undefined);
      return turn;
    },
    fields: (found) => [
      `routers=${read(found).routers ?? '?'}`,
      ...(config.ownRouters === undefined ? [] : [`foreign=${read(found).foreign?.length ?? '?'}`]),
    ],
    problems: (address, found) => {
      const { routersError, foreignProblem, foreign = [] } = read(found);
      const more = foreign.length > MAX_FOREIGN_NAMES ? ` and ${foreign.length - MAX_FOREIGN_NAMES} more` : '';
      return [
        ...(routersError === undefined ? [] : [`replica ${address} router inventory: ${routersError}`]),
        ...(foreignProblem === undefined ? [] : [`replica ${address} foreign routers: not told: ${foreignProblem}`]),
        ...(foreign.length === 0 ? [] : [`replica ${address} foreign routers reach ttyd: ${foreign.slice(0, MAX_FOREIGN_NAMES).join(', ')}${more}`]),
      ];
    },
    metrics: (replicas) => {
      const found = replicas.map(({ address, inventory: f }) => ({ replica: address, ...read(f) }));
      const routers = found.filter((f) => f.routers !== undefined);
      const told = found.filter((f) => f.foreign !== undefined);
      const named = told.flatMap(({ replica, foreign = [] }) => foreign.slice(0, MAX_FOREIGN_NAMES).map((router) => ({ replica, router })));
      return [
        ...(found.length === 0
          ? []
          : [
              gauge(
                METRIC.routerInventoryOk,
                found.map((f) => [{ replica: f.replica }, f.routers === undefined ? 0 : 1]),
              ),
            ]),
        ...(routers.length === 0
          ? []
          : [
              gauge(
                METRIC.replicaRouters,
                routers.map((f) => [{ replica: f.replica }, Number(f.routers)]),
              ),
            ]),
        ...(told.length === 0
          ? []
          : [
              gauge(
                METRIC.foreignRouters,
                told.map((f) => [{ replica: f.replica }, f.foreign?.length ?? 0]),
              ),
            ]),
        ...(named.length === 0
          ? []
          : [
              gauge(
                METRIC.foreignRouter,
                named.map((labels) => [labels, 1]),
              ),
            ]),
      ];
    },
  };
}

/**
 * The URL of one page of a Traefik API list.
 * @param {Config} config
 * @param {string} replica
 * @param {'routers' | 'services'} list
 * @param {number} page
 */
function apiPageUrl(config, replica, list, page) {
  const host = net.isIPv6(replica) ? `[${replica}]` : replica;
  return new URL(`http://${host}:${config.traefikApiPort}/api/http/${list}?page=${page}&per_page=${ROUTERS_PER_PAGE}`);
}

/**
 * @param {Config} config
 * @param {Context} ctx
 * @param {string} replica
 * @param {Take} take
 * @returns {Promise<number | string>}  the routers, or what went wrong
 */
async function countRouters(config, ctx, replica, take) {
  let routers = 0;
  for (let page = 1; page <= MAX_ROUTER_PAGES; page += 1) {
    const url = apiPageUrl(config, replica, 'routers', page);
    // The page is counted as it streams in, never held or parsed whole: memory stays at one chunk.
    const counter = jsonArrayCounter();
    const answer = await exchange(
      { url, headers: { Accept: 'application/json' }, readBody: true, maxBodyBytes: INVENTORY_PAGE_BYTES, take, sink: counter.feed },
      ctx,
    );
    if (answer.error !== undefined) return `page ${page}: ${answer.error}`;
    if (answer.status !== 200) return `page ${page}: status ${answer.status}`;
    const count = counter.end();
    if (typeof count === 'string') return `page ${page}: ${count}`;
    routers += count;
    // Traefik sets X-Next-Page to page+1 while more follow, and to 1 on the last page.
    const next = Number(answer.headers['x-next-page']);
    if (!(Number.isInteger(next) && next > page)) return routers;
  }
  return `more than ${MAX_ROUTER_PAGES} pages`;
}

/**
 * Every element of a Traefik API list, page after page; each page is held (at most
 * INVENTORY_PAGE_BYTES) and parsed, one at a time, and `keep` takes what it needs from each element.
 * @param {Config} config
 * @param {Context} ctx
 * @param {string} replica
 * @param {'routers' | 'services'} list
 * @param {Take} take
 * @param {(element: Record<string, any>) => void} keep
 * @returns {Promise<number | string>}  the number of elements, or what went wrong
 */
async function readApiList(config, ctx, replica, list, take, keep) {
  let elements = 0;
  for (let page = 1; page <= MAX_ROUTER_PAGES; page += 1) {
    const url = apiPageUrl(config, replica, list, page);
    const answer = await exchange({ url, headers: { Accept: 'application/json' }, readBody: true, maxBodyBytes: INVENTORY_PAGE_BYTES, take }, ctx);
    if (answer.error !== undefined) return `${list} page ${page}: ${answer.error}`;
    if (answer.status !== 200) return `${list} page ${page}: status ${answer.status}`;
    /** @type {unknown} */
    let parsed;
    try {
      parsed = JSON.parse(answer.body);
    } catch {
      return `${list} page ${page}: not JSON`;
    }
    if (!Array.isArray(parsed)) return `${list} page ${page}: not a JSON list`;
    for (const element of parsed) if (element !== null && typeof element === 'object') keep(element);
    elements += parsed.length;
    const next = Number(answer.headers['x-next-page']);
    if (!(Number.isInteger(next) && next > page)) return elements;
  }
  return `${list}: more than ${MAX_ROUTER_PAGES} pages`;
}

/**
 * A service reference as the API lists it: `name@provider`; a bare name is in the referrer's provider.
 * @param {unknown} name
 * @param {unknown} provider
 */
function qualified(name, provider) {
  const text = String(name ?? '');
  return text.includes('@') ? text : `${text}@${String(provider ?? '')}`;
}

/**
 * Counts the routers of one replica and finds the foreign ones: any router that is not one of the
 * stack's (PROBE_OWN_ROUTERS) and whose service, followed through weighted, mirroring and failover
 * services, reaches a server that the stack's ttyd routers (PROBE_TTYD_ROUTERS) reach. Traefik names a
 * route's service after the route, so the servers, not the names, tell what a router reaches.
 * @param {Config} config
 * @param {Context} ctx
 * @param {string} replica
 * @param {Take} take
 * @param {Set<string>} ttydServers
 * @returns {Promise<Found>}
 */
async function foreignRouters(config, ctx, replica, take, ttydServers) {
  const own = /** @type {Set<string>} */ (config.ownRouters);
  const ttyd = /** @type {Set<string>} */ (config.ttydRouters);
  /** @type {Array<{ name: string, service: string }>} */
  const others = [];
  /** @type {string[]} */
  const ttydServices = [];
  /** The stack's routers listed here, which the route matrix compares across replicas. @type {Set<string>} */
  const listed = new Set();
  const routers = await readApiList(config, ctx, replica, 'routers', take, (router) => {
    const name = String(router.name ?? '');
    const service = qualified(router.service, router.provider);
    if (own.has(name)) listed.add(name);
    if (ttyd.has(name)) ttydServices.push(service);
    else if (!own.has(name)) others.push({ name, service });
  });
  if (typeof routers === 'string') {
    return { routers: undefined, routersError: routers, foreign: undefined, foreignProblem: undefined, own: undefined };
  }
  const counted = { routers, routersError: undefined, own: listed };
  if (others.length === 0) return { ...counted, foreign: [], foreignProblem: undefined };

  /** @type {Map<string, { servers: string[], children: string[] }>} */
  const services = new Map();
  const servicesRead = await readApiList(config, ctx, replica, 'services', take, (service) => {
    const provider = service.provider;
    const children = [
      ...(Array.isArray(service.weighted?.services) ? service.weighted.services.map((/** @type {any} */ c) => c?.name) : []),
      service.mirroring?.service,
      ...(Array.isArray(service.mirroring?.mirrors) ? service.mirroring.mirrors.map((/** @type {any} */ c) => c?.name) : []),
      service.failover?.service,
      service.failover?.fallback,
    ]
      .filter((child) => typeof child === 'string' && child !== '')
      .map((child) => qualified(child, provider));
    const servers = Array.isArray(service.loadBalancer?.servers)
      ? service.loadBalancer.servers
          .map((/** @type {any} */ server) => String(server?.url ?? server?.address ?? ''))
          .filter((/** @type {string} */ url) => url !== '')
      : [];
    services.set(String(service.name ?? ''), { servers, children });
  });
  if (typeof servicesRead === 'string') return { ...counted, foreign: undefined, foreignProblem: servicesRead };

  /** @param {string} name @returns {string[]} */
  const serversOf = (name) => {
    /** @type {string[]} */
    const found = [];
    const visit = (/** @type {string} */ current, /** @type {number} */ depth) => {
      const service = services.get(current);
      if (service === undefined || depth > MAX_SERVICE_DEPTH) return;
      found.push(...service.servers);
      for (const child of service.children) visit(child, depth + 1);
    };
    visit(name, 0);
    return found;
  };
  for (const service of ttydServices) {
    for (const server of serversOf(service)) if (ttydServers.size < MAX_TTYD_SERVERS) ttydServers.add(server);
  }
  if (ttydServers.size === 0) {
    return {
      ...counted,
      foreign: undefined,
      foreignProblem: "no ttyd router of the stack here or on a replica before it: ttyd's servers are unknown",
    };
  }
  const foreign = others
    .filter(({ service }) => serversOf(service).some((server) => ttydServers.has(server)))
    .map(({ name }) => name)
    .sort();
  return { ...counted, foreign, foreignProblem: undefined };
}
