// @ts-check
/**
 * The probe's configuration. Every variable of a run is read by one loop, by the kind the contract gives
 * it (`contract.json` beside this file, which the construct reads too: names, defaults, limits, kinds),
 * and every problem is reported at once; then the few rules that join two variables. An empty value
 * counts as unset, because Kubernetes renders absent values as "". remediation.mjs and inventory.mjs,
 * loaded only when they are on, read their own variables. `probe-script.mjs` (the entry) documents what
 * each variable means.
 */

import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import net from 'node:net';
import { describeError } from './exchange.mjs';

/**
 * The contract, read with fs from this module's own folder (an import attribute would tie the probe to
 * the image's Node).
 * @type {typeof import('./contract.json')}
 */
// @ts-expect-error TS1343: tsc checks lib/ as CommonJS; Node runs this file as an ES module, which has import.meta
export const CONTRACT = JSON.parse(fs.readFileSync(new URL('contract.json', import.meta.url), 'utf8'));
const ENV = CONTRACT.env;
const DEFAULT = /** @type {Record<string, unknown>} */ (CONTRACT.defaults);
const KIND = /** @type {Partial<Record<Key, string>>} */ (CONTRACT.kind);
const LIMIT = /** @type {Record<string, number[]>} */ (CONTRACT.limits);

export class ConfigError extends Error {}

/**
 * @typedef {keyof typeof CONTRACT.env} Key
 * @typedef {{ kind: 'off' } | { kind: 'addresses', addresses: string[] } | { kind: 'name', name: string }} ReplicaSource
 * @typedef {{ cert: Buffer, key: Buffer, ca: Buffer | undefined }} TlsFiles
 *
 * @typedef {object} Settings  what the kinds give for a run's variables; all valid once no problem is left
 * @property {URL} edgeUrl
 * @property {URL} originUrl
 * @property {URL} pushgatewayUrl
 * @property {string} job
 * @property {ReplicaSource} replicas
 * @property {number} replicaPort
 * @property {number} maxReplicas
 * @property {number} samples
 * @property {string} authHeader
 * @property {string} authUser
 * @property {boolean} insecureTls
 * @property {string[] | undefined} dnsServers
 * @property {string} resolvConf  read when dnsServers is unset
 * @property {boolean} routerInventory
 * @property {number} traefikApiPort
 * @property {string | undefined} authentikHost  another host whose outpost redirects count as healthy
 * @property {string} remediate  a mode of the contract's remediationModes
 * @property {URL | undefined} mirrorEdgeUrl
 * @property {URL | undefined} mirrorOriginUrl
 *
 * @typedef {object} Consumed  read, and turned into the Derived settings below (which are what the other modules use)
 * @property {number} timeoutSeconds
 * @property {number} deadlineSeconds
 * @property {string | undefined} pushgatewayUsername
 * @property {string | undefined} pushgatewayPassword
 * @property {Buffer | undefined} originClientCertFile
 * @property {Buffer | undefined} originClientKeyFile
 * @property {Buffer | undefined} originCaFile
 *
 * @typedef {object} Derived
 * @property {number} timeoutMs
 * @property {number} deadlineMs
 * @property {Set<string>} [ownRouters]  the stack's routers, as Traefik's API names them
 * @property {Set<string>} [ttydRouters]  those of them that reach ttyd
 * @property {string | undefined} pushgatewayAuthorization  the Authorization header value, if any
 * @property {TlsFiles | undefined} originTls  client certificate (and CA) for an https origin
 * @property {import('./remediation.mjs').RemediationConfig | undefined} remediation  remediation.mjs's own settings, when remediate is not off
 * @property {import('./routes.mjs').Route[]} routes  PROBE_ROUTES as routes.mjs reads it (none when unset)
 *
 * @typedef {Settings & Consumed & Derived} Config
 */

/**
 * A variable's value, trimmed (a secret is taken as it is); undefined when unset or empty.
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @param {boolean} [secret]
 */
export function readVar(env, name, secret = false) {
  const value = secret ? env[name] : env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * A URL fit for an error message: scheme and host only, `***@` where userinfo was. A password holding
 * `/`, `?` or `#` ends WHATWG URL's authority early, so a value that does not parse shows nothing of
 * itself, and neither does one with an `@` outside its userinfo (its "host" may be the user name).
 * @param {string} value
 */
export function redact(value) {
  if (!URL.canParse(value)) return '(a value that is not a URL; not shown, it may hold a credential)';
  const url = new URL(value);
  const userinfo = url.username !== '' || url.password !== '';
  if (!userinfo && value.includes('@')) return '(a URL with "@" outside its userinfo; not shown, it may hold a credential)';
  return JSON.stringify(`${url.protocol}//${userinfo ? '***@' : ''}${url.host}`);
}

const DNS_NAME = /^(?=.{1,253}\.?$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*\.?$/i;

/** A host name as a URL, SNI and `Host` carry it (no trailing dot). @param {string} value */
export function isHostName(value) {
  return DNS_NAME.test(value) && !value.endsWith('.');
}

/**
 * What a `text` variable must be, and the message when it is not; one without a rule (a path) is free.
 * @type {Partial<Record<Key, [(value: string) => boolean, string]>>}
 */
const TEXT = {
  job: [(value) => /^[^/\s]+$/.test(value), 'must be one path segment (no "/" or spaces)'],
  authHeader: [(value) => new RegExp(CONTRACT.headerNamePattern).test(value), 'is not an HTTP header name (letters, digits and -)'],
  authUser: [(value) => /^[\x20-\x7e]+$/.test(value), 'must be printable ASCII'],
  authentikHost: [isHostName, 'is not a host name (e.g. auth.example.com)'],
  pushgatewayUsername: [(value) => !value.includes(':'), 'holds ":", which basic auth cannot carry'],
  remediate: [(value) => CONTRACT.remediationModes.includes(value), `must be one of ${CONTRACT.remediationModes.join(', ')}`],
};

/**
 * Whether `server` is `ip[:port]` as `dns.Resolver#setServers` takes it (IPv6 bare or as `[ip]:port`).
 * @param {string} server
 */
export function isServer(server) {
  const match = /^\[([0-9a-f:.]+)\](?::([0-9]+))?$/i.exec(server) ?? /^([0-9.]+)(?::([0-9]+))?$/.exec(server);
  const port = Number(match?.[2] ?? 53);
  return net.isIP(match?.[1] ?? server) !== 0 && port >= 1 && port <= 65535;
}

/** @param {string} raw */
export const listOf = (raw) => raw.split(',').map((item) => item.trim());

/**
 * A number within the contract's limits, else undefined: an integer, or for the run's times a number of
 * seconds (fractions allowed) above the lower limit.
 * @param {string} raw
 * @param {Key} key
 * @param {boolean} seconds
 */
function numberOf(raw, key, seconds) {
  const [min, max] = LIMIT[key];
  const value = (seconds ? /^[0-9]+(\.[0-9]+)?$/ : /^[0-9]+$/).test(raw) ? Number(raw) : NaN;
  return value >= min && value <= max && !(seconds && value === min) ? value : undefined;
}

/**
 * The reader of each kind: a set value in, its meaning out; or `fail` with what is accepted, which
 * throws the ConfigError that names the variable and shows its value.
 * @type {Record<string, (raw: string, key: Key, fail: (message: string) => never) => unknown>}
 */
const READ = {
  url: (raw, _key, fail) => {
    const url = URL.canParse(raw) ? new URL(raw) : undefined;
    return url !== undefined && /^https?:$/.test(url.protocol) && url.hostname !== '' ? url : fail('is not an http:// or https:// URL with a host');
  },
  integer: (raw, key, fail) => numberOf(raw, key, false) ?? fail(`is not an integer from ${LIMIT[key][0]} to ${LIMIT[key][1]}`),
  seconds: (raw, key, fail) => numberOf(raw, key, true) ?? fail(`is not a number of seconds above ${LIMIT[key][0]} (at most ${LIMIT[key][1]})`),
  flag: (raw, _key, fail) => (raw === '0' || raw === '1' ? raw === '1' : fail('must be 0 or 1')),
  text: (raw, key, fail) => {
    const [valid, message] = TEXT[key] ?? [() => true, ''];
    return valid(raw) ? raw : fail(message);
  },
  file: (raw, _key, fail) => {
    try {
      return fs.readFileSync(raw);
    } catch (error) {
      return fail(`cannot be read: ${describeError(error)}`);
    }
  },
  servers: (raw, _key, fail) => {
    const bad = listOf(raw).find((server) => !isServer(server));
    return bad === undefined ? listOf(raw) : fail(`holds ${JSON.stringify(bad)}, which is not ip[:port] (IPv6 as [ip]:port)`);
  },
  replicas: (raw, _key, fail) => {
    const items = listOf(raw);
    if (items.length === 1 && net.isIP(items[0]) === 0) {
      return DNS_NAME.test(items[0]) ? { kind: 'name', name: items[0] } : fail('is neither a DNS name nor a comma list of IP addresses');
    }
    const bad = items.find((item) => net.isIP(item) === 0);
    if (bad !== undefined) fail(`holds ${JSON.stringify(bad)}, which is not an IP address (a list holds IP addresses only)`);
    return { kind: 'addresses', addresses: [...new Set(items)] };
  },
};

/**
 * One variable read by its kind: unset, the contract's default (replicas off; a required URL is a
 * problem); set, its meaning. A secret is taken as it is and never shown, a URL only redacted.
 * @param {NodeJS.ProcessEnv} env
 * @param {Key} key
 * @param {string} kind
 */
export function readVariable(env, key, kind) {
  const [name, raw] = [ENV[key], readVar(env, ENV[key], kind === 'secret')];
  if (raw === undefined) {
    if (CONTRACT.required.includes(key)) throw new ConfigError(`${name} is required (an http:// or https:// URL)`);
    return kind === 'replicas' ? { kind: 'off' } : DEFAULT[key];
  }
  const shown = kind === 'secret' ? ' (value not shown)' : `=${kind === 'url' ? redact(raw) : JSON.stringify(raw)}`;
  return READ[kind === 'secret' ? 'text' : kind](raw, key, (message) => {
    throw new ConfigError(`${name}${shown} ${message}`);
  });
}

/**
 * The value of `read`, or undefined with its problem noted, so one bad variable hides no other.
 * @template T
 * @param {() => T} read
 * @param {string[]} problems
 */
export function attempt(read, problems) {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(error.message);
    return undefined;
  }
}

/**
 * The Pushgateway's Authorization header: basic auth from the variables (a Secret, both or neither: the
 * contract's `needs`) or from the URL's userinfo, never both. No message here holds a credential.
 * @param {Settings & Consumed} settings
 */
function pushgatewayAuthorization({ pushgatewayUrl: url, pushgatewayUsername: username, pushgatewayPassword: password }) {
  let credentials = [username, password];
  if (url.username !== '' || url.password !== '') {
    const given = `${ENV.pushgatewayUsername}/_PASSWORD`;
    if (username !== undefined || password !== undefined)
      throw new ConfigError(`${ENV.pushgatewayUrl} has userinfo and ${given} are set too; give them one way`);
    try {
      credentials = [decodeURIComponent(url.username), decodeURIComponent(url.password)];
    } catch {
      throw new ConfigError(`${ENV.pushgatewayUrl}: its userinfo holds a bad percent-escape (value not shown)`);
    }
  }
  const [user, pass] = credentials;
  return user === undefined || pass === undefined ? undefined : `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

/**
 * Reads every variable and reports every problem at once (one ConfigError, one line each). The
 * routes, inventory and remediation modules are loaded, and read their own variables, only when they are on.
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<Config>}
 */
export async function parseConfig(env) {
  /** @type {string[]} */
  const problems = [];
  const kinds = /** @type {Array<[Key, string]>} */ (Object.entries(KIND));
  const read = Object.fromEntries(kinds.map(([key, kind]) => [key, attempt(() => readVariable(env, key, kind), problems)]));
  const settings = /** @type {Settings & Consumed} */ (read);
  /** @param {Key} key  a flag when 1, any other variable when set */
  const on = (key) => (KIND[key] === 'flag' ? readVar(env, ENV[key]) === '1' : readVar(env, ENV[key], KIND[key] === 'secret') !== undefined);
  /** @param {Key} key */
  const named = (key) => `${ENV[key]}${KIND[key] === 'flag' ? '=1' : ''}`;
  for (const [key, needed, why] of /** @type {Array<[Key, Key, string]>} */ (CONTRACT.needs)) {
    if (on(key) && !on(needed)) problems.push(`${named(key)} needs ${named(needed)} (${why})`);
  }
  const { timeoutSeconds, deadlineSeconds, originClientCertFile: cert, originClientKeyFile: key } = settings;
  if (timeoutSeconds > deadlineSeconds) {
    problems.push(`${ENV.timeoutSeconds}=${timeoutSeconds} is above ${ENV.deadlineSeconds}=${deadlineSeconds}; a request cannot outlast the run`);
  }
  if (settings.originUrl?.protocol === 'http:' && (on('originClientCertFile') || on('originClientKeyFile') || on('originCaFile'))) {
    problems.push(`${ENV.originClientCertFile}, _KEY_FILE and ${ENV.originCaFile} need an https:// ${ENV.originUrl}`);
  }
  const pushAuth = settings.pushgatewayUrl && attempt(() => pushgatewayAuthorization(settings), problems);
  const { parseRoutes } = readVar(env, ENV.routes) !== undefined ? await import('./routes.mjs') : {};
  const routes = parseRoutes && attempt(() => parseRoutes(env), problems);
  const { parseRouterNames } = settings.routerInventory ? await import('./inventory.mjs') : {};
  const routers = parseRouterNames && attempt(() => parseRouterNames(env), problems);
  const { parseRemediationConfig } = settings.remediate === 'dry-run' || settings.remediate === 'on' ? await import('./remediation.mjs') : {};
  const remediation = parseRemediationConfig && attempt(() => parseRemediationConfig(env, settings.remediate, settings.replicas), problems);
  if (problems.length > 0) throw new ConfigError(problems.join('\nprobe: bad configuration: '));
  return {
    ...settings,
    authentikHost: settings.authentikHost?.toLowerCase(),
    timeoutMs: timeoutSeconds * 1000,
    deadlineMs: deadlineSeconds * 1000,
    ...routers,
    pushgatewayAuthorization: pushAuth,
    originTls: cert && key ? { cert, key, ca: settings.originCaFile } : undefined,
    remediation,
    routes: routes ?? [],
  };
}
