// @ts-check
/**
 * Name resolution for the whole run, requests included: c-ares (`dns.Resolver`), never the system's
 * getaddrinfo, so every lookup has a timeout and the run deadline can cancel it (a getaddrinfo stuck on
 * a black-holed server holds a thread, and the process, past any deadline).
 */

import dns from 'node:dns';
import fs from 'node:fs';
import net from 'node:net';
import { ConfigError, isServer } from './config.mjs';
import { describeError } from './exchange.mjs';

/**
 * @typedef {object} Resolution
 * @property {(hostname: string) => Promise<string[]>} resolveAll  every address of a name ([] when it has none)
 * @property {import('node:net').LookupFunction} lookup  for requests
 * @property {() => void} cancel
 *
 * @typedef {object} ResolverSettings
 * @property {string[]} servers  `ip[:port]` items for `dns.Resolver#setServers`
 * @property {string[]} search   domains tried for a name with fewer than `ndots` dots (resolv.conf `search`)
 * @property {number} ndots
 */

/**
 * Name servers, `search` and `ndots` from resolv.conf, as the system resolver would use them. A
 * `nameserver` may also be given as `ip:port` (`[ip]:port` for IPv6), which the tests use.
 * @param {string} path
 * @returns {ResolverSettings}
 */
function readResolvConf(path) {
  let text;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${path} for the name servers (or set PROBE_DNS_SERVERS): ${describeError(error)}`);
  }
  /** @type {ResolverSettings} */
  const settings = { servers: [], search: [], ndots: 1 };
  for (const line of text.split('\n')) {
    const [keyword, ...args] = line.replace(/[#;].*$/, '').match(/\S+/g) ?? [];
    if (keyword === 'nameserver' && args[0] !== undefined) {
      const server = args[0].replace(/%.*$/, '');
      if (isServer(server)) settings.servers.push(server);
    } else if (keyword === 'search' || keyword === 'domain') {
      settings.search = args.map((domain) => domain.replace(/\.$/, '')).filter((domain) => domain !== '');
    } else if (keyword === 'options') {
      for (const ndots of args.map((option) => /^ndots:([0-9]+)$/.exec(option)?.[1])) if (ndots) settings.ndots = Math.min(15, Number(ndots));
    }
  }
  // The system resolver's own fallback when resolv.conf names no server.
  if (settings.servers.length === 0) settings.servers.push('127.0.0.1');
  return settings;
}

/**
 * The names to try for `hostname`, in the system resolver's order: as given first when it has at
 * least `ndots` dots, else the search domains first; a trailing dot means "exactly this name".
 * @param {string} hostname
 * @param {ResolverSettings} settings
 */
function candidateNames(hostname, settings) {
  if (hostname.endsWith('.')) return [hostname.slice(0, -1)];
  const searched = settings.search.map((domain) => `${hostname}.${domain}`);
  const dots = hostname.split('.').length - 1;
  return dots >= settings.ndots ? [hostname, ...searched] : [...searched, hostname];
}

/**
 * Name resolution for the whole run, requests included: c-ares (`dns.Resolver`), never the system's
 * getaddrinfo, so every lookup has a timeout and the run deadline can cancel it (a getaddrinfo stuck on
 * a black-holed server holds a thread, and the process, past any deadline). The servers are
 * PROBE_DNS_SERVERS when set (no search list then), else resolv.conf's, with its `search` and `ndots`
 * applied, so a short Service name (`prometheus-pushgateway.monitoring`) resolves as it does for other
 * programs in the pod.
 * A resolv.conf that cannot be read is a ConfigError.
 * @param {import('./config.mjs').Config} config
 * @returns {Resolution}
 */
export function createResolution({ dnsServers, resolvConf, timeoutMs }) {
  /** @type {ResolverSettings} */
  const settings = dnsServers === undefined ? readResolvConf(resolvConf) : { servers: dnsServers, search: [], ndots: 1 };
  const resolver = new dns.promises.Resolver({ timeout: Math.max(1, Math.round(timeoutMs)), tries: 1 });
  resolver.setServers(settings.servers);
  /** @type {Map<string, Promise<string[]>>} */
  const cache = new Map();
  /** @param {string} name */
  const addressesOf = (name) =>
    Promise.all([resolver.resolve4(name).catch(noAddresses), resolver.resolve6(name).catch(noAddresses)]).then(([v4, v6]) => [...v4, ...v6]);
  /** @param {string} hostname */
  const resolveAll = (hostname) => {
    if (net.isIP(hostname) !== 0) return Promise.resolve([hostname]);
    if (hostname.toLowerCase() === 'localhost') return Promise.resolve(['127.0.0.1']);
    const known = cache.get(hostname);
    if (known !== undefined) return known;
    const pending = (async () => {
      /** @type {unknown} */
      let refused;
      for (const name of candidateNames(hostname, settings)) {
        try {
          const found = await addressesOf(name);
          if (found.length > 0) return found;
        } catch (error) {
          // A server that refuses or fails one candidate may know the next (as getaddrinfo goes on);
          // a timeout or the deadline's cancel ends the lookup at once, so the bounds hold.
          const code = /** @type {{ code?: unknown }} */ (error)?.code;
          if (code !== 'EREFUSED' && code !== 'ESERVFAIL') throw error;
          refused = error;
        }
      }
      if (refused !== undefined) throw refused;
      return [];
    })();
    cache.set(hostname, pending);
    // A failure (a timeout, a cancel at the deadline) is not remembered: the push may try again.
    pending.catch(() => cache.delete(hostname));
    return pending;
  };
  /** @type {import('node:net').LookupFunction} */
  const lookup = (hostname, options, callback) => {
    resolveAll(hostname).then(
      (addresses) => {
        const found = addresses.map((address) => ({ address, family: net.isIP(address) }));
        if (found.length === 0) callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
        else if (options.all) callback(null, found);
        else callback(null, found[0].address, found[0].family);
      },
      (error) => callback(error, '', 0),
    );
  };
  return { resolveAll, lookup, cancel: () => resolver.cancel() };
}

/**
 * A record type the name does not have is an empty answer, not a failure.
 * @param {unknown} error
 * @returns {string[]}
 */
function noAddresses(error) {
  const code = /** @type {{ code?: unknown }} */ (error)?.code;
  if (code === 'ENOTFOUND' || code === 'ENODATA' || code === 'EAI_NODATA' || code === 'EAI_NONAME') return [];
  throw error;
}

/**
 * `promise`, or a rejection after `ms`. AbortSignal.timeout's timer keeps no process alive.
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<T>}
 */
export function withTimeout(promise, ms, what) {
  const signal = AbortSignal.timeout(ms);
  const timeout = new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error(`${what}: no answer within ${ms / 1000}s`))));
  return /** @type {Promise<T>} */ (Promise.race([promise, timeout]));
}
