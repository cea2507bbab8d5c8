// @ts-check
/**
 * The probe's configuration: every PROBE_* variable read, checked and reported at once. The names, the
 * defaults and the limits are the contract's (`contract.json` beside this file, which the construct
 * reads too); an empty value counts as unset, because Kubernetes renders absent values as "".
 * `probe-script.mjs` (the entry) documents what each variable means.
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
const DEFAULT = CONTRACT.defaults;
const LIMIT = CONTRACT.limits;

export class ConfigError extends Error {}

/**
 * @typedef {{ kind: 'off' } | { kind: 'addresses', addresses: string[] } | { kind: 'name', name: string }} ReplicaSource
 * @typedef {{ cert: Buffer, key: Buffer, ca: Buffer | undefined }} TlsFiles
 *
 * @typedef {object} Config
 * @property {URL} edgeUrl
 * @property {URL} originUrl
 * @property {URL} pushgatewayUrl
 * @property {string} job
 * @property {ReplicaSource} replicas
 * @property {number} replicaPort
 * @property {number} maxReplicas
 * @property {number} samples
 * @property {number} timeoutMs
 * @property {number} deadlineMs
 * @property {string} authHeader
 * @property {string} authUser
 * @property {boolean} insecureTls
 * @property {string[] | undefined} dnsServers
 * @property {string} resolvConf  read when dnsServers is unset
 * @property {boolean} routerInventory
 * @property {Set<string> | undefined} ownRouters  the stack's routers, as Traefik's API names them
 * @property {Set<string> | undefined} ttydRouters  those of them that reach ttyd
 * @property {number} traefikApiPort
 * @property {string | undefined} authentikHost  another host whose outpost redirects count as healthy
 * @property {string | undefined} pushgatewayAuthorization  the Authorization header value, if any
 * @property {TlsFiles | undefined} originTls  client certificate (and CA) for an https origin
 * @property {string} remediate  a mode of the contract's remediationModes
 * @property {import('./remediation.mjs').RemediationConfig | undefined} remediation  remediation.mjs's own settings, when remediate is not off
 * @property {URL | undefined} mirrorEdgeUrl
 * @property {URL | undefined} mirrorOriginUrl
 */

/**
 * A variable's value, trimmed; undefined when unset or empty.
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 */
export function readVar(env, name) {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * A URL fit for an error message: scheme and host only, `***@` where userinfo was. A password holding
 * `/`, `?` or `#` ends WHATWG URL's authority early, so a value that does not parse shows nothing of
 * itself, and neither does one with an `@` outside its userinfo (its "host" may be the user name).
 * @param {string} value
 */
export function redact(value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    return '(a value that is not a URL; not shown, it may hold a credential)';
  }
  const userinfo = url.username !== '' || url.password !== '';
  if (!userinfo && value.includes('@')) return '(a URL with "@" outside its userinfo; not shown, it may hold a credential)';
  return JSON.stringify(`${url.protocol}//${userinfo ? '***@' : ''}${url.host}`);
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @returns {URL}
 */
export function requiredHttpUrl(env, name) {
  const raw = readVar(env, name);
  if (raw === undefined) throw new ConfigError(`${name} is required (an http:// or https:// URL)`);
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name}=${redact(raw)} is not a URL; want http(s)://host[:port][/path]`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new ConfigError(`${name}=${redact(raw)} must be an http:// or https:// URL with a host`);
  }
  return url;
}

/**
 * A number variable of the contract, its default and limits the contract's: an integer, or for the
 * run's times a number of seconds (fractions allowed) above the lower limit.
 * @param {NodeJS.ProcessEnv} env
 * @param {keyof typeof LIMIT} key
 */
export function numberVar(env, key) {
  const [name, [min, max]] = [ENV[key], LIMIT[key]];
  const raw = readVar(env, name);
  if (raw === undefined) return DEFAULT[key];
  const seconds = key === 'timeoutSeconds' || key === 'deadlineSeconds';
  const value = (seconds ? /^[0-9]+(\.[0-9]+)?$/ : /^[0-9]+$/).test(raw) ? Number(raw) : NaN;
  const want = seconds ? `a number of seconds above ${min} (at most ${max})` : `an integer from ${min} to ${max}`;
  if (!(value >= min && value <= max) || (seconds && value === min)) throw new ConfigError(`${name}=${JSON.stringify(raw)} is not ${want}`);
  return value;
}

/** @param {NodeJS.ProcessEnv} env @param {string} name */
function flagVar(env, name) {
  const raw = readVar(env, name);
  if (raw === undefined || raw === '0') return false;
  if (raw === '1') return true;
  throw new ConfigError(`${name}=${JSON.stringify(raw)} must be 0 or 1`);
}

const DNS_NAME = /^(?=.{1,253}\.?$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*\.?$/i;

/** @param {NodeJS.ProcessEnv} env @returns {ReplicaSource} */
function replicasVar(env) {
  const name = ENV.replicas;
  const raw = readVar(env, name);
  if (raw === undefined) return { kind: 'off' };
  const items = raw.split(',').map((item) => item.trim());
  if (items.length === 1 && net.isIP(items[0]) === 0) {
    if (!DNS_NAME.test(items[0])) throw new ConfigError(`${name}=${JSON.stringify(raw)} is neither a DNS name nor a comma list of IP addresses`);
    return { kind: 'name', name: items[0] };
  }
  const bad = items.find((item) => net.isIP(item) === 0);
  if (bad !== undefined) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)}: ${JSON.stringify(bad)} is not an IP address (a list holds IP addresses only)`);
  }
  return { kind: 'addresses', addresses: [...new Set(items)] };
}

/**
 * `ip[:port]` items in the form `dns.Resolver#setServers` takes.
 * @param {NodeJS.ProcessEnv} env
 */
function dnsServersVar(env) {
  const name = ENV.dnsServers;
  const raw = readVar(env, name);
  return raw?.split(',').map((item) => {
    const server = item.trim();
    const match = /^\[([0-9a-f:.]+)\](?::([0-9]+))?$/i.exec(server) ?? /^([0-9.]+)(?::([0-9]+))?$/.exec(server);
    const port = match?.[2] === undefined ? 53 : Number(match[2]);
    if (net.isIP(match?.[1] ?? server) === 0 || !(port >= 1 && port <= 65535)) {
      throw new ConfigError(`${name}=${JSON.stringify(raw)}: ${JSON.stringify(server)} is not ip[:port] (IPv6 as [ip]:port)`);
    }
    return server;
  });
}

/** @param {string} user @param {string} pass */
const basic = (user, pass) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/**
 * Basic-auth credentials for the Pushgateway, from the variables (a Secret) or the URL's userinfo,
 * never both. No message here ever holds a credential's value.
 * @param {NodeJS.ProcessEnv} env
 * @param {URL} url
 */
function pushgatewayAuthorization(env, url) {
  const [USER, PASS] = [ENV.pushgatewayUsername, ENV.pushgatewayPassword];
  const [username, password] = [env[USER] ?? '', env[PASS] ?? ''];
  const fromUrl = url.username !== '' || url.password !== '';
  if (username === '' && password === '') {
    if (!fromUrl) return undefined;
    try {
      return basic(decodeURIComponent(url.username), decodeURIComponent(url.password));
    } catch {
      throw new ConfigError(`${ENV.pushgatewayUrl}: its userinfo holds a bad percent-escape (value not shown)`);
    }
  }
  if (fromUrl) throw new ConfigError(`${ENV.pushgatewayUrl} has userinfo and ${USER}/_PASSWORD are set too; give the credentials one way`);
  const [empty, set] = username === '' ? [USER, PASS] : [PASS, USER];
  if (username === '' || password === '') throw new ConfigError(`${empty} is empty while ${set} is set; give both`);
  if (username.includes(':')) throw new ConfigError(`${USER} holds ":", which basic auth cannot carry (value not shown)`);
  return basic(username, password);
}

/** @param {NodeJS.ProcessEnv} env @param {string} name */
function fileVar(env, name) {
  const path = readVar(env, name);
  if (path === undefined) return undefined;
  try {
    return fs.readFileSync(path);
  } catch (error) {
    throw new ConfigError(`${name}=${JSON.stringify(path)} cannot be read: ${describeError(error)}`);
  }
}

/**
 * The client certificate the origin checks present when ttyd requires mutual TLS.
 * @param {NodeJS.ProcessEnv} env
 * @param {URL} originUrl
 * @returns {TlsFiles | undefined}
 */
function originTlsVar(env, originUrl) {
  const [cert, key, ca] = [ENV.originClientCertFile, ENV.originClientKeyFile, ENV.originCaFile].map((name) => fileVar(env, name));
  if (cert === undefined && key === undefined && ca === undefined) return undefined;
  const need = originUrl.protocol !== 'https:' ? `need an https:// ${ENV.originUrl}` : undefined;
  if (need) throw new ConfigError(`${ENV.originClientCertFile}, _KEY_FILE and ${ENV.originCaFile} ${need}`);
  const missing = cert === undefined ? ENV.originClientCertFile : ENV.originClientKeyFile;
  if (cert === undefined || key === undefined) throw new ConfigError(`${missing} is missing; the client certificate needs both files`);
  return { cert, key, ca };
}

/**
 * Reads every variable and reports every problem at once (one ConfigError, one line each). The
 * remediation module is loaded, and reads its own variables, only when remediation is on.
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<Config>}
 */
export async function parseConfig(env) {
  /** @type {string[]} */
  const problems = [];
  /**
   * The value of `read`, or `fallback` with its problem noted.
   * @template T
   * @param {() => T} read
   * @param {T} fallback
   */
  const get = (read, fallback) => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(error.message);
      return fallback;
    }
  };
  /** @param {string} name */
  const optionalUrl = (name) => (readVar(env, name) === undefined ? undefined : get(() => requiredHttpUrl(env, name), undefined));

  const edgeUrl = get(() => requiredHttpUrl(env, ENV.edgeUrl), new URL('http://unset.invalid'));
  const originUrl = get(() => requiredHttpUrl(env, ENV.originUrl), undefined);
  const pushgatewayUrl = get(() => requiredHttpUrl(env, ENV.pushgatewayUrl), undefined);
  const pushgatewayAuth = pushgatewayUrl && get(() => pushgatewayAuthorization(env, pushgatewayUrl), undefined);
  const originTls = originUrl && get(() => originTlsVar(env, originUrl), undefined);
  const authentikHost = readVar(env, ENV.authentikHost)?.toLowerCase();
  if (authentikHost !== undefined && (!DNS_NAME.test(authentikHost) || authentikHost.endsWith('.'))) {
    problems.push(`${ENV.authentikHost}=${JSON.stringify(authentikHost)} is not a host name (e.g. auth.example.com)`);
  }
  const job = readVar(env, ENV.job) ?? DEFAULT.job;
  if (!/^[^/\s]+$/.test(job)) problems.push(`${ENV.job}=${JSON.stringify(job)} must be one path segment (no "/" or spaces)`);
  const authHeader = readVar(env, ENV.authHeader) ?? DEFAULT.authHeader;
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(authHeader)) problems.push(`${ENV.authHeader}=${JSON.stringify(authHeader)} is not an HTTP header name`);
  const authUser = readVar(env, ENV.authUser) ?? DEFAULT.authUser;
  if (!/^[\x20-\x7e]+$/.test(authUser)) problems.push(`${ENV.authUser}=${JSON.stringify(authUser)} must be printable ASCII`);

  const timeoutSeconds = get(() => numberVar(env, 'timeoutSeconds'), undefined);
  const deadlineSeconds = get(() => numberVar(env, 'deadlineSeconds'), undefined);
  if (timeoutSeconds !== undefined && deadlineSeconds !== undefined && timeoutSeconds > deadlineSeconds) {
    problems.push(`${ENV.timeoutSeconds}=${timeoutSeconds} is above ${ENV.deadlineSeconds}=${deadlineSeconds}; a request cannot outlast the run`);
  }
  /** @type {ReplicaSource} */
  const replicas = get(() => replicasVar(env), { kind: 'off' });
  const routerInventory = get(() => flagVar(env, ENV.routerInventory), false);
  if (routerInventory && replicas.kind === 'off' && readVar(env, ENV.replicas) === undefined) {
    problems.push(`${ENV.routerInventory}=1 needs ${ENV.replicas} (the replicas whose Traefik API to ask)`);
  }
  let routers;
  if (routerInventory) {
    const { parseRouterNames } = await import('./inventory.mjs');
    routers = get(() => parseRouterNames(env), undefined);
  } else if (readVar(env, ENV.ownRouters) !== undefined || readVar(env, ENV.ttydRouters) !== undefined) {
    problems.push(`${ENV.ownRouters} needs ${ENV.routerInventory}=1 (the foreign-router check reads the router list)`);
  }
  const remediate = readVar(env, ENV.remediate) ?? DEFAULT.remediate;
  let remediation;
  if (!CONTRACT.remediationModes.includes(remediate)) {
    problems.push(`${ENV.remediate}=${JSON.stringify(remediate)} must be one of ${CONTRACT.remediationModes.join(', ')}`);
  } else if (remediate !== 'off') {
    const { parseRemediationConfig } = await import('./remediation.mjs');
    remediation = get(() => parseRemediationConfig(env, remediate, replicas), undefined);
  }
  const mirrorOriginUrl = optionalUrl(ENV.mirrorOriginUrl);
  if (mirrorOriginUrl !== undefined && readVar(env, ENV.mirrorEdgeUrl) === undefined) {
    problems.push(`${ENV.mirrorOriginUrl} needs ${ENV.mirrorEdgeUrl} (the mirror's checks are reported under its public host)`);
  }
  const config = {
    edgeUrl,
    job,
    replicas,
    replicaPort: get(() => numberVar(env, 'replicaPort'), 0),
    maxReplicas: get(() => numberVar(env, 'maxReplicas'), 0),
    samples: get(() => numberVar(env, 'samples'), 0),
    authHeader,
    authUser,
    insecureTls: get(() => flagVar(env, ENV.insecureTls), false),
    dnsServers: get(() => dnsServersVar(env), undefined),
    resolvConf: readVar(env, ENV.resolvConf) ?? DEFAULT.resolvConf,
    routerInventory,
    ownRouters: routers?.own,
    ttydRouters: routers?.ttyd,
    traefikApiPort: get(() => numberVar(env, 'traefikApiPort'), 0),
    authentikHost,
    pushgatewayAuthorization: pushgatewayAuth,
    originTls,
    remediate,
    remediation,
    mirrorEdgeUrl: optionalUrl(ENV.mirrorEdgeUrl),
    mirrorOriginUrl,
  };
  if (problems.length > 0 || !originUrl || !pushgatewayUrl || !timeoutSeconds || !deadlineSeconds || (remediate !== 'off' && !remediation)) {
    throw new ConfigError(problems.join('\nprobe: bad configuration: '));
  }
  return { ...config, originUrl, pushgatewayUrl, timeoutMs: timeoutSeconds * 1000, deadlineMs: deadlineSeconds * 1000 };
}
