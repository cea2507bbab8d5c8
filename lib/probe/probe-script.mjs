// @ts-check
/**
 * Webterminal probe: one run of the checks that catch a Traefik replica missing the terminal route,
 * pushed to a Pushgateway. Runs as `node /probe/probe-script.mjs` on a stock `node:20-alpine` image
 * (read-only root filesystem, non-root): Node's standard library only, nothing installed, nothing
 * written to disk. The tests execute these exact bytes; the ConfigMap carries them unchanged.
 *
 * Configuration (environment; an empty value counts as unset):
 *   PROBE_EDGE_URL          required  public URL of the terminal, through the CDN (https://terminal.example.com)
 *   PROBE_ORIGIN_URL        required  in-cluster ttyd Service URL (http://terminal.terminal.svc.cluster.local)
 *   PROBE_PUSHGATEWAY_URL   required  Pushgateway base URL (userinfo, if any, is sent as basic auth; prefer the next two)
 *   PROBE_PUSHGATEWAY_USERNAME, PROBE_PUSHGATEWAY_PASSWORD  (none)  basic-auth credentials for the push, both or
 *                                     neither, never together with userinfo in the URL (from a Secret: secretKeyRef)
 *   PROBE_JOB               webterminal-probe  Pushgateway job name
 *   PROBE_REPLICAS          (off)     headless Service DNS name resolving to every Traefik replica, or a
 *                                     comma list of IP addresses; empty = per-replica checks off
 *   PROBE_REPLICA_PORT      8443      Traefik's TLS entrypoint port on the pods (`websecure` in the Helm chart)
 *   PROBE_MAX_REPLICAS      50        replicas checked per run (1-1000): past it the first ones (in address order)
 *                                     are checked and the rest counted in webterminal_probe_replicas_left_out;
 *                                     at most REPLICAS_IN_FLIGHT (8) are checked at a time
 *   PROBE_SAMPLES           6         requests per edge check per run (1-100), each on a fresh connection
 *   PROBE_TIMEOUT_SECONDS   10        per request: DNS + connect + TLS + answer
 *   PROBE_DEADLINE_SECONDS  60        whole run of checks; then what is known is pushed and the run exits
 *   PROBE_AUTH_HEADER       X-authentik-username  header ttyd trusts (ttyd -H)
 *   PROBE_AUTH_USER         probe     user the probe claims in-cluster
 *   PROBE_INSECURE_TLS      0         1 = skip certificate checks
 *   PROBE_DNS_SERVERS       (resolv.conf)  comma list of `ip[:port]` (IPv6 as `[ip]:port`): the name servers
 *                                     for every lookup, names taken as they are (no search list)
 *   PROBE_RESOLV_CONF       /etc/resolv.conf  read when PROBE_DNS_SERVERS is unset: `nameserver` (also `ip:port`),
 *                                     `search` and `options ndots:n`, applied as the system resolver would, so a
 *                                     short Service name (`prometheus-pushgateway.monitoring`) resolves
 *   PROBE_AUTHENTIK_HOST    (none)    another host whose /outpost.goauthentik.io/ redirects count as healthy
 *   PROBE_ORIGIN_CLIENT_CERT_FILE, PROBE_ORIGIN_CLIENT_KEY_FILE, PROBE_ORIGIN_CA_FILE  (none)  client certificate
 *                                     (both files) and CA the origin checks use when ttyd requires mutual TLS
 *                                     (https PROBE_ORIGIN_URL only)
 *   PROBE_ROUTER_INVENTORY  0         1 = also count each replica's routers from its Traefik API (needs PROBE_REPLICAS)
 *   PROBE_TRAEFIK_API_PORT  8080      port of Traefik's API on the pods: the Helm chart's `traefik` entrypoint
 *   PROBE_OWN_ROUTERS, PROBE_TTYD_ROUTERS  (none)  the stack's routers and those of them that reach ttyd, as
 *                                     Traefik's API names them (`name@provider`, comma-separated; both or
 *                                     neither; needs PROBE_ROUTER_INVENTORY=1): the foreign-router check below
 *   PROBE_REMEDIATE         off       off | dry-run | on: evict the lone replica that lost the route (section
 *                                     "Remediation" below: PROBE_REMEDIATE_AFTER_RUNS 3,
 *                                     PROBE_REMEDIATE_MIN_INTERVAL_SECONDS 3600, PROBE_REPLICA_NAMESPACE and
 *                                     PROBE_REPLICA_SELECTOR, and PROBE_REMEDIATE_LEASE <namespace>/<name>
 *                                     (the Lease holding its state) required when on; the API server from
 *                                     KUBERNETES_SERVICE_HOST/_PORT or PROBE_KUBE_API_URL, with
 *                                     PROBE_KUBE_TOKEN_FILE, PROBE_KUBE_CA_FILE, defaults: the pod's service account)
 *   PROBE_MIRROR_ORIGIN_URL (off)     the mirror's in-cluster ttyd Service URL (needs PROBE_MIRROR_EDGE_URL): its
 *                                     origin_open_token/origin_open_ws run too (host="<mirror host>"), and an open
 *                                     mirror ttyd sets ttyd_open=1
 *   PROBE_MIRROR_EDGE_URL   (off)     public URL of a second host (the read-only mirror): after the edge samples,
 *                                     the same edge_token/edge_ws samples against it, in the same run; its
 *                                     check_samples/check_failures series carry host="<its host>"
 *
 * Checks (each sample on its own connection, never reused):
 *   edge_token    GET <edge>/token?arg=probe, PROBE_SAMPLES times; healthy = a 3xx whose Location, resolved
 *                 against the request URL (WHATWG URL), is on the edge's scheme, host and port (or PROBE_AUTHENTIK_HOST
 *                 on https's default port) with a path starting `/outpost.goauthentik.io/`; anything else (a
 *                 downgrade to http:, another port, javascript:) fails with the reason on stderr. 302 and
 *                 307 are both seen in the wild.
 *   edge_ws       WebSocket upgrade to <edge>/ws (HTTP/1.1, ALPN http/1.1, subprotocol tty), PROBE_SAMPLES
 *                 times; healthy = the same auth redirect. Token and ws samples alternate on one sequential
 *                 chain, so behind a round-robin balancer over N replicas every replica sees both checks
 *                 whenever PROBE_SAMPLES >= N.
 *   origin_token  GET <origin>/token with the auth header, once; healthy = 200 with a JSON body holding `token`.
 *   origin_ws     WebSocket upgrade to <origin>/ws with the auth header, once; healthy = 101, correct
 *                 Sec-WebSocket-Accept, subprotocol tty. The socket is destroyed at once: no WebSocket frame is
 *                 ever sent, because ttyd spawns a shell on the client's first message.
 *   origin_open_token  GET <origin>/token WITHOUT the auth header, once; healthy = anything but 200 (ttyd: 407).
 *   origin_open_ws     WebSocket upgrade to <origin>/ws WITHOUT the auth header, once; healthy = anything but 101
 *                 (ttyd closes the connection with no answer). A 200 or 101 means ttyd runs without header
 *                 auth: ttyd_open=1 and the run is unhealthy.
 *   All four origin checks present the client certificate when PROBE_ORIGIN_CLIENT_CERT_FILE is set.
 *   origin_no_cert  with a client certificate set: GET <origin>/token with the auth header but WITHOUT the
 *                 certificate, once; healthy = anything but 200 (ttyd refuses the handshake). A 200 means ttyd
 *                 no longer requires it: ttyd_open=1 and the run is unhealthy.
 *   per replica   every address of PROBE_REPLICAS, on PROBE_REPLICA_PORT with TLS SNI and Host = the edge host:
 *                 edge_token and edge_ws once each. A replica without the route answers 404 every time.
 *                 A name that resolves to no address is a failed run (replicas=0, ok=0, a line on stderr):
 *                 the detector being blind must not look like health.
 *   inventory     with PROBE_ROUTER_INVENTORY=1: GET http://<replica>:<api port>/api/http/routers, following
 *                 Traefik's pagination (`page`, `per_page`, header X-Next-Page, which is 1 on the last page).
 *                 Informational: a failed inventory is reported (router_inventory_ok 0) and its count left out,
 *                 but does not make the run unhealthy (the alerts judge). All pages of all replicas share one
 *                 budget of INVENTORY_BUDGET_BYTES (4 MiB) a run, a page is at most INVENTORY_PAGE_BYTES
 *                 (512 KiB), and one replica is read at a time, so endless or huge pages cannot take the
 *                 pod's memory. Needs Traefik's API on the `traefik`
 *                 entrypoint (Helm: `api.insecure=true`, or the dashboard IngressRoute on that entrypoint).
 *   foreign       with PROBE_OWN_ROUTERS too: each page is parsed (not only counted), and a router that is not
 *                 the stack's is foreign when its service (through weighted, mirroring and failover services)
 *                 reaches a server that the stack's ttyd routers reach; /api/http/services is read only when
 *                 such candidates exist. Pushed as webterminal_probe_foreign_routers{replica} and one
 *                 webterminal_probe_foreign_router{replica,router} per router (10 named per replica at most).
 *
 * Name resolution: every lookup goes through c-ares (`dns.Resolver`) with the request timeout, and the
 * run deadline cancels what is still pending; never getaddrinfo, whose threads cannot be stopped.
 *
 * Metrics, PUT to <pushgateway>/metrics/job/<job> (the group is replaced, so a replica that is gone
 * disappears): webterminal_probe_{token,ws,ttyd,ttyd_ws}_status (first unexpected status of the run, else
 * the healthy one; 0 = no HTTP answer), webterminal_probe_check_{samples,failures}{check},
 * webterminal_probe_replica_status{replica,check}, webterminal_probe_replicas (only when PROBE_REPLICAS is
 * set), webterminal_probe_replica_ok{replica} (1 = both checks on the replica healthy),
 * webterminal_probe_replica_routers{replica} and webterminal_probe_router_inventory_ok{replica} (inventory),
 * webterminal_probe_ttyd_open (1 = ttyd answered without the auth header), webterminal_probe_duration_seconds.
 * Only a fully healthy run also PUTs webterminal_probe_last_success_timestamp to
 * <pushgateway>/metrics/job/<job>/kind/success, so it never drops to 0 and never moves on a failing run.
 *
 * Exit codes: 0 = pushed (even when checks failed: alerts judge); 1 = push failed; 2 = bad configuration.
 * Checks stop at the deadline; the push has its own timeout (PROBE_TIMEOUT_SECONDS, lookup included), so a
 * run ends within PROBE_DEADLINE_SECONDS + PROBE_TIMEOUT_SECONDS at worst, also when DNS black-holes, and
 * shortly after the deadline when the Pushgateway answers.
 * Output: `probe: token=302 ws=302 ttyd=200 ok=1 ...` then one `probe: replica <addr> ...` line per replica
 * on stdout; reasons for failures on stderr. A URL in a message shows its scheme and host only (`***@`
 * for userinfo); one that does not parse, or has an `@` outside its userinfo, shows nothing of itself.
 * Credentials are never printed.
 */

import { Buffer } from 'node:buffer';
import crypto from 'node:crypto';
import dns from 'node:dns';
import { setMaxListeners } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * Metric, label and check names: `probe-names.json` beside this file (the ConfigMap carries both; the
 * library reads the same file in lib/metrics.ts), so the names are written once. Read from the folder
 * of the script as run (`node /probe/probe-script.mjs`); a missing file stops the run with exit 1.
 * @type {typeof import('./probe-names.json')}
 */
const NAMES = JSON.parse(fs.readFileSync(`${process.argv[1].slice(0, process.argv[1].lastIndexOf('/') + 1)}probe-names.json`, 'utf8'));
const METRIC = NAMES.metric;
const CHECK = NAMES.check;
const DEFAULT_JOB = NAMES.defaultJob;
const SUCCESS_GROUP_KIND = NAMES.successGroupKind;
/** Where Authentik's outpost sends an unauthenticated browser; any redirect there means "auth is in place". */
const OUTPOST_PATH = '/outpost.goauthentik.io/';
/** RFC 6455 section 1.3. */
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const USER_AGENT = 'webterminal-probe/1';
/** Traefik's own default page size (pkg/api/criterion.go), asked for explicitly. */
const ROUTERS_PER_PAGE = 100;
/** A bound on pages followed, so a misbehaving API cannot keep the probe looping until the deadline. */
const MAX_ROUTER_PAGES = 100;
/** Bodies are read only where needed (ttyd's token, Traefik's router list, a push's error) and never beyond this. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;
/**
 * What the router inventory may read in one run, all pages of all replicas together. Traefik lists 100
 * routers per page at well under 1 KiB each, so this is room for thousands of routers per replica, and
 * it bounds the memory the inventory can take whatever an API sends (endless pages, huge pages).
 */
const INVENTORY_BUDGET_BYTES = 4 * 1024 * 1024;
/** One page of Traefik's router list: 100 routers are some 50 KiB; a page above this is not Traefik's. */
const INVENTORY_PAGE_BYTES = 512 * 1024;
/**
 * Replicas checked at the same time: each holds two sequential requests (and its inventory), so this
 * bounds the sockets and buffers in flight whatever the Service resolves to (a 128 MiB pod).
 */
const REPLICAS_IN_FLIGHT = 8;
/** The most PROBE_MAX_REPLICAS may be: no run checks more replicas than this. */
const MAX_REPLICAS_LIMIT = 1000;
/** Where the name servers, `search` and `ndots` come from when PROBE_DNS_SERVERS is unset. */
const DEFAULT_RESOLV_CONF = '/etc/resolv.conf';
/** Time the run waits for in-flight work to settle after the deadline aborted it. */
const DEADLINE_GRACE_MS = 100;

class ConfigError extends Error {}

/**
 * @typedef {{ kind: 'off' } | { kind: 'addresses', addresses: string[] } | { kind: 'name', name: string }} ReplicaSource
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
 * @property {boolean} routerInventory
 * @property {Set<string> | undefined} ownRouters  PROBE_OWN_ROUTERS: the stack's routers, as Traefik's API names them
 * @property {Set<string> | undefined} ttydRouters  PROBE_TTYD_ROUTERS: those of them that reach ttyd
 * @property {number} traefikApiPort
 * @property {string | undefined} authentikHost  another host whose outpost redirects count as healthy
 * @property {string | undefined} pushgatewayAuthorization  the Authorization header value, if any
 * @property {TlsFiles | undefined} originTls  client certificate (and CA) for an https origin
 * @property {string} resolvConf  path of resolv.conf, read when dnsServers is unset
 * @property {RemediationConfig} remediation
 * @property {URL | undefined} mirrorEdgeUrl
 * @property {URL | undefined} mirrorOriginUrl
 *
 * @typedef {{ cert: Buffer, key: Buffer, ca: Buffer | undefined }} TlsFiles
 */

// ---------------------------------------------------------------------------------------------------
// Configuration

/**
 * A variable's value, trimmed; empty counts as unset because Kubernetes renders absent values as "".
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @returns {string | undefined}
 */
function readVar(env, name) {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * A URL fit for an error message: scheme and host only, `***@` where userinfo was. Userinfo, path,
 * query and fragment may all carry a credential: a password holding `/`, `?` or `#` ends WHATWG URL's
 * authority early, so the rest of it lands in the path, or the URL does not parse at all. So: a value
 * that does not parse shows nothing of itself, and one with an `@` outside the userinfo shows nothing
 * either (its "host" may be the user name).
 * @param {string} value
 */
function redact(value) {
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
function requiredHttpUrl(env, name) {
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
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @param {number} fallback
 * @param {number} min
 * @param {number} max
 */
function integerVar(env, name, fallback, min, max) {
  const raw = readVar(env, name);
  if (raw === undefined) return fallback;
  const value = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is not an integer from ${min} to ${max}`);
  }
  return value;
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @param {number} fallback
 */
function secondsVar(env, name, fallback) {
  const raw = readVar(env, name);
  if (raw === undefined) return fallback;
  const value = /^[0-9]+(\.[0-9]+)?$/.test(raw) ? Number(raw) : NaN;
  if (!(value > 0 && value <= 86400)) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is not a number of seconds above 0 (at most 86400)`);
  }
  return value;
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 */
function flagVar(env, name) {
  const raw = readVar(env, name);
  if (raw === undefined || raw === '0') return false;
  if (raw === '1') return true;
  throw new ConfigError(`${name}=${JSON.stringify(raw)} must be 0 or 1`);
}

/** A router as Traefik's API names it: `<name>@<provider>`. */
const ROUTER_NAME = new RegExp(NAMES.routerNamePattern);

/**
 * A comma-separated list of router names (`<name>@<provider>`), at least one.
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @returns {string[] | undefined}
 */
function routerNamesVar(env, name) {
  const raw = readVar(env, name);
  if (raw === undefined) return undefined;
  const items = raw.split(',').map((item) => item.trim());
  const bad = items.filter((item) => !ROUTER_NAME.test(item));
  if (bad.length > 0) {
    const listed = bad.map((item) => JSON.stringify(item.slice(0, 80))).join(', ');
    throw new ConfigError(`${name}=${JSON.stringify(raw.slice(0, 200))}: ${listed} not a router name as Traefik's API gives it (<name>@<provider>)`);
  }
  return items;
}

const DNS_NAME = /^(?=.{1,253}\.?$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*\.?$/i;

/**
 * @param {NodeJS.ProcessEnv} env
 * @returns {ReplicaSource}
 */
function replicasVar(env) {
  const name = 'PROBE_REPLICAS';
  const raw = readVar(env, name);
  if (raw === undefined) return { kind: 'off' };
  const items = raw.split(',').map((item) => item.trim());
  if (items.length === 1 && net.isIP(items[0]) === 0) {
    if (!DNS_NAME.test(items[0])) {
      throw new ConfigError(`${name}=${JSON.stringify(raw)} is neither a DNS name nor a comma list of IP addresses`);
    }
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
 * @returns {string[] | undefined}
 */
function dnsServersVar(env) {
  const name = 'PROBE_DNS_SERVERS';
  const raw = readVar(env, name);
  if (raw === undefined) return undefined;
  return raw.split(',').map((item) => {
    const server = item.trim();
    const match = /^\[([0-9a-f:.]+)\](?::([0-9]+))?$/i.exec(server) ?? /^([0-9.]+)(?::([0-9]+))?$/.exec(server);
    const address = match?.[1] ?? server;
    const port = match?.[2] === undefined ? 53 : Number(match[2]);
    if (net.isIP(address) === 0 || !(port >= 1 && port <= 65535)) {
      throw new ConfigError(`${name}=${JSON.stringify(raw)}: ${JSON.stringify(server)} is not ip[:port] (IPv6 as [ip]:port)`);
    }
    return server;
  });
}

/**
 * Basic-auth credentials for the Pushgateway: PROBE_PUSHGATEWAY_USERNAME/_PASSWORD (from a Secret), or
 * the URL's userinfo; never both. No message here ever holds a credential's value.
 * @param {NodeJS.ProcessEnv} env
 * @param {URL} url
 * @returns {string | undefined} the Authorization header value
 */
function pushgatewayAuthorization(env, url) {
  const username = env.PROBE_PUSHGATEWAY_USERNAME ?? '';
  const password = env.PROBE_PUSHGATEWAY_PASSWORD ?? '';
  const fromUrl = url.username !== '' || url.password !== '';
  if (username === '' && password === '') {
    if (!fromUrl) return undefined;
    let user;
    let pass;
    try {
      user = decodeURIComponent(url.username);
      pass = decodeURIComponent(url.password);
    } catch {
      throw new ConfigError('PROBE_PUSHGATEWAY_URL: its userinfo holds a bad percent-escape (value not shown)');
    }
    return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
  if (fromUrl) {
    throw new ConfigError('PROBE_PUSHGATEWAY_URL has userinfo and PROBE_PUSHGATEWAY_USERNAME/_PASSWORD are set too; give the credentials one way');
  }
  if (username === '' || password === '') {
    throw new ConfigError(
      `PROBE_PUSHGATEWAY_${username === '' ? 'USERNAME' : 'PASSWORD'} is empty while ` +
        `PROBE_PUSHGATEWAY_${username === '' ? 'PASSWORD' : 'USERNAME'} is set; give both`,
    );
  }
  if (username.includes(':')) throw new ConfigError('PROBE_PUSHGATEWAY_USERNAME holds ":", which basic auth cannot carry (value not shown)');
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @returns {Buffer | undefined}
 */
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
  const cert = fileVar(env, 'PROBE_ORIGIN_CLIENT_CERT_FILE');
  const key = fileVar(env, 'PROBE_ORIGIN_CLIENT_KEY_FILE');
  const ca = fileVar(env, 'PROBE_ORIGIN_CA_FILE');
  if (cert === undefined && key === undefined && ca === undefined) return undefined;
  if (originUrl.protocol !== 'https:') {
    throw new ConfigError('PROBE_ORIGIN_CLIENT_CERT_FILE, _KEY_FILE and PROBE_ORIGIN_CA_FILE need an https:// PROBE_ORIGIN_URL');
  }
  if (cert === undefined || key === undefined) {
    throw new ConfigError(`PROBE_ORIGIN_CLIENT_${cert === undefined ? 'CERT' : 'KEY'}_FILE is missing; the client certificate needs both files`);
  }
  return { cert, key, ca };
}

/**
 * Reads every variable and reports every problem at once (one ConfigError, one line each).
 * @param {NodeJS.ProcessEnv} env
 * @returns {Config}
 */
function parseConfig(env) {
  /** @type {string[]} */
  const problems = [];
  /**
   * The value of `read`, or `fallback` with its problem noted.
   * @template T
   * @param {() => T} read
   * @param {T} fallback
   * @returns {T}
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
  /** @param {string} message */
  const problem = (message) => problems.push(message);
  const placeholder = new URL('http://unset.invalid');

  const edgeUrl = get(() => requiredHttpUrl(env, 'PROBE_EDGE_URL'), placeholder);
  const originUrl = get(() => requiredHttpUrl(env, 'PROBE_ORIGIN_URL'), undefined);
  const pushgatewayUrl = get(() => requiredHttpUrl(env, 'PROBE_PUSHGATEWAY_URL'), undefined);
  const pushgatewayAuth = pushgatewayUrl === undefined ? undefined : get(() => pushgatewayAuthorization(env, pushgatewayUrl), undefined);
  const originTls = originUrl === undefined ? undefined : get(() => originTlsVar(env, originUrl), undefined);
  const authentikHost = readVar(env, 'PROBE_AUTHENTIK_HOST')?.toLowerCase();
  if (authentikHost !== undefined && (!DNS_NAME.test(authentikHost) || authentikHost.endsWith('.'))) {
    problem(`PROBE_AUTHENTIK_HOST=${JSON.stringify(authentikHost)} is not a host name (e.g. auth.example.com)`);
  }

  const job = readVar(env, 'PROBE_JOB') ?? DEFAULT_JOB;
  if (!/^[^/\s]+$/.test(job)) problem(`PROBE_JOB=${JSON.stringify(job)} must be one path segment (no "/" or spaces)`);

  const authHeader = readVar(env, 'PROBE_AUTH_HEADER') ?? 'X-authentik-username';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(authHeader)) {
    problem(`PROBE_AUTH_HEADER=${JSON.stringify(authHeader)} is not an HTTP header name`);
  }
  const authUser = readVar(env, 'PROBE_AUTH_USER') ?? 'probe';
  if (!/^[\x20-\x7e]+$/.test(authUser)) {
    problem(`PROBE_AUTH_USER=${JSON.stringify(authUser)} must be printable ASCII`);
  }

  const timeoutSeconds = get(() => secondsVar(env, 'PROBE_TIMEOUT_SECONDS', 10), undefined);
  const deadlineSeconds = get(() => secondsVar(env, 'PROBE_DEADLINE_SECONDS', 60), undefined);
  if (timeoutSeconds !== undefined && deadlineSeconds !== undefined && timeoutSeconds > deadlineSeconds) {
    problem(`PROBE_TIMEOUT_SECONDS=${timeoutSeconds} is above PROBE_DEADLINE_SECONDS=${deadlineSeconds}; a request cannot outlast the run`);
  }

  /** @type {ReplicaSource} */
  const replicas = get(() => replicasVar(env), { kind: 'off' });
  const routerInventory = get(() => flagVar(env, 'PROBE_ROUTER_INVENTORY'), false);
  if (routerInventory && replicas.kind === 'off' && readVar(env, 'PROBE_REPLICAS') === undefined) {
    problem('PROBE_ROUTER_INVENTORY=1 needs PROBE_REPLICAS (the replicas whose Traefik API to ask)');
  }
  const ownRouters = get(() => routerNamesVar(env, 'PROBE_OWN_ROUTERS'), undefined);
  const ttydRouters = get(() => routerNamesVar(env, 'PROBE_TTYD_ROUTERS'), undefined);
  if ((ownRouters === undefined) !== (ttydRouters === undefined)) {
    problem("PROBE_OWN_ROUTERS and PROBE_TTYD_ROUTERS go together (the stack's routers, and those of them that reach ttyd)");
  } else if (ownRouters !== undefined && ttydRouters !== undefined) {
    if (!routerInventory) problem('PROBE_OWN_ROUTERS needs PROBE_ROUTER_INVENTORY=1 (the foreign-router check reads the router list)');
    const outside = ttydRouters.filter((name) => !ownRouters.includes(name));
    if (outside.length > 0) problem(`PROBE_TTYD_ROUTERS names ${outside.map((n) => JSON.stringify(n)).join(', ')}, not in PROBE_OWN_ROUTERS`);
  }
  const replicaPort = get(() => integerVar(env, 'PROBE_REPLICA_PORT', 8443, 1, 65535), 0);
  const maxReplicas = get(() => integerVar(env, 'PROBE_MAX_REPLICAS', 50, 1, MAX_REPLICAS_LIMIT), 0);
  const samples = get(() => integerVar(env, 'PROBE_SAMPLES', 6, 1, 100), 0);
  const insecureTls = get(() => flagVar(env, 'PROBE_INSECURE_TLS'), false);
  const dnsServers = get(() => dnsServersVar(env), undefined);
  const traefikApiPort = get(() => integerVar(env, 'PROBE_TRAEFIK_API_PORT', 8080, 1, 65535), 0);
  const remediation = get(() => parseRemediationConfig(env, replicas), undefined);
  const mirrorOriginUrl =
    readVar(env, 'PROBE_MIRROR_ORIGIN_URL') === undefined ? undefined : get(() => requiredHttpUrl(env, 'PROBE_MIRROR_ORIGIN_URL'), undefined);
  if (mirrorOriginUrl !== undefined && readVar(env, 'PROBE_MIRROR_EDGE_URL') === undefined) {
    problem("PROBE_MIRROR_ORIGIN_URL needs PROBE_MIRROR_EDGE_URL (the mirror's checks are reported under its public host)");
  }
  const mirrorEdgeUrl =
    readVar(env, 'PROBE_MIRROR_EDGE_URL') === undefined ? undefined : get(() => requiredHttpUrl(env, 'PROBE_MIRROR_EDGE_URL'), undefined);

  if (
    problems.length > 0 ||
    originUrl === undefined ||
    pushgatewayUrl === undefined ||
    timeoutSeconds === undefined ||
    deadlineSeconds === undefined ||
    remediation === undefined
  ) {
    throw new ConfigError(problems.join('\nprobe: bad configuration: '));
  }
  return {
    edgeUrl,
    originUrl,
    pushgatewayUrl,
    job,
    replicas,
    replicaPort,
    maxReplicas,
    samples,
    timeoutMs: timeoutSeconds * 1000,
    deadlineMs: deadlineSeconds * 1000,
    authHeader,
    authUser,
    insecureTls,
    dnsServers,
    routerInventory,
    ownRouters: ownRouters === undefined ? undefined : new Set(ownRouters),
    ttydRouters: ttydRouters === undefined ? undefined : new Set(ttydRouters),
    traefikApiPort,
    authentikHost,
    pushgatewayAuthorization: pushgatewayAuth,
    originTls,
    resolvConf: readVar(env, 'PROBE_RESOLV_CONF') ?? DEFAULT_RESOLV_CONF,
    remediation,
    mirrorEdgeUrl,
    mirrorOriginUrl,
  };
}

// ---------------------------------------------------------------------------------------------------
// Name resolution

/**
 * @typedef {object} Resolution
 * @property {(hostname: string) => Promise<string[]>} resolveAll  every address of a name ([] when it has none)
 * @property {import('node:net').LookupFunction} lookup  for requests
 * @property {() => void} cancel
 */

/**
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
  for (const raw of text.split('\n')) {
    const words = raw
      .replace(/[#;].*$/, '')
      .trim()
      .split(/\s+/);
    if (words[0] === 'nameserver' && words[1] !== undefined) {
      const server = words[1].replace(/%.*$/, '');
      const bare = /^\[(.*)\](?::[0-9]+)?$/.exec(server)?.[1] ?? /^([0-9.]+):[0-9]+$/.exec(server)?.[1] ?? server;
      if (net.isIP(bare) !== 0) settings.servers.push(server);
    } else if (words[0] === 'search' || words[0] === 'domain') {
      settings.search = words
        .slice(1)
        .map((domain) => domain.replace(/\.$/, ''))
        .filter((domain) => domain !== '');
    } else if (words[0] === 'options') {
      for (const option of words.slice(1)) {
        const ndots = /^ndots:([0-9]+)$/.exec(option);
        if (ndots !== null) settings.ndots = Math.min(15, Number(ndots[1]));
      }
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
 * @param {ResolverSettings} settings
 * @param {number} timeoutMs
 * @returns {Resolution}
 */
function createResolution(settings, timeoutMs) {
  const resolver = new dns.promises.Resolver({ timeout: Math.max(1, Math.round(timeoutMs)), tries: 1 });
  resolver.setServers(settings.servers);
  /** @type {Map<string, Promise<string[]>>} */
  const cache = new Map();
  /** @param {string} name */
  const addressesOf = (name) =>
    Promise.all([resolver.resolve4(name).catch(noAddresses), resolver.resolve6(name).catch(noAddresses)]).then(([v4, v6]) => [...v4, ...v6]);
  /** @param {string} hostname */
  const resolveAll = (hostname) => {
    const bare = hostname.replace(/^\[(.*)\]$/, '$1');
    if (net.isIP(bare) !== 0) return Promise.resolve([bare]);
    if (bare.toLowerCase() === 'localhost') return Promise.resolve(['127.0.0.1']);
    const known = cache.get(bare);
    if (known !== undefined) return known;
    const pending = (async () => {
      /** @type {unknown} */
      let refused;
      for (const name of candidateNames(bare, settings)) {
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
    cache.set(bare, pending);
    // A failure (a timeout, a cancel at the deadline) is not remembered: the push may try again.
    pending.catch(() => cache.delete(bare));
    return pending;
  };
  /** @type {import('node:net').LookupFunction} */
  const lookup = (hostname, options, callback) => {
    resolveAll(hostname).then(
      (addresses) => {
        if (addresses.length === 0) {
          callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
        } else if (options.all) {
          callback(
            null,
            addresses.map((address) => ({ address, family: net.isIP(address) })),
          );
        } else {
          callback(null, addresses[0], net.isIP(addresses[0]));
        }
      },
      (error) => callback(error, '', 0),
    );
  };
  return { resolveAll, lookup, cancel: () => resolver.cancel() };
}

/** @param {unknown} error */
function isNoAddressError(error) {
  const code = /** @type {{ code?: unknown }} */ (error)?.code;
  return code === 'ENOTFOUND' || code === 'ENODATA' || code === 'EAI_NODATA' || code === 'EAI_NONAME';
}

/**
 * A record type the name does not have is an empty answer, not a failure.
 * @param {unknown} error
 * @returns {string[]}
 */
function noAddresses(error) {
  if (isNoAddressError(error)) return [];
  throw error;
}

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<T>}
 */
function withTimeout(promise, ms, what) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000}s`)), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, timeout])).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------------
// One HTTP exchange

/**
 * @typedef {object} Answer
 * @property {number} status  0 = no HTTP answer
 * @property {http.IncomingHttpHeaders} headers
 * @property {string} body  read only when asked for
 * @property {string} [error]  why there was no answer
 *
 * @typedef {object} Exchange
 * @property {URL} url  scheme, host (Host header and TLS SNI), path
 * @property {string} [method]
 * @property {Record<string, string>} [headers]
 * @property {string} [connectAddress]  connect here instead of the URL's host (per-replica checks)
 * @property {number} [connectPort]
 * @property {string} [body]
 * @property {boolean} [readBody]
 * @property {number} [maxBodyBytes]  default MAX_BODY_BYTES
 * @property {TlsFiles} [clientTls]  client certificate to present (mutual TLS to ttyd)
 * @property {(bytes: number) => boolean} [take]  asked before each body chunk is kept; false ends the exchange
 * @property {(chunk: Buffer) => void} [sink]  receives the body chunk by chunk instead of keeping it (body stays '')
 * @property {string | Buffer} [ca]  trust only this CA (PEM) instead of the system's
 *
 * @typedef {object} Context
 * @property {number} timeoutMs
 * @property {AbortSignal} signal  aborted at the run deadline
 * @property {import('node:net').LookupFunction} lookup
 * @property {boolean} insecureTls
 */

/** @param {URL} url */
function defaultPort(url) {
  return url.protocol === 'https:' ? 443 : 80;
}

/** URL hostnames keep IPv6 brackets; sockets and SNI want them off. @param {URL} url */
function bareHostname(url) {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * One request on a connection of its own (agent: false), bounded by the request timeout and the run
 * deadline together. Never rejects: a missing answer is status 0 with a reason. A 101 answer's socket is
 * destroyed on the spot, so nothing is ever written after the handshake.
 * @param {Exchange} spec
 * @param {Context} ctx
 * @returns {Promise<Answer>}
 */
function exchange(spec, ctx) {
  return new Promise((resolve) => {
    /** @type {http.ClientRequest | undefined} */
    let request;
    let settled = false;
    /** @param {Answer} answer */
    const finish = (answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onDeadline);
      resolve(answer);
      request?.destroy();
    };
    /** @param {string} reason */
    const fail = (reason) => finish({ status: 0, headers: {}, body: '', error: reason });
    const onDeadline = () => fail('run deadline reached');
    const timer = setTimeout(() => fail(`no answer within ${ctx.timeoutMs / 1000}s`), ctx.timeoutMs);
    if (ctx.signal.aborted) return onDeadline();
    ctx.signal.addEventListener('abort', onDeadline, { once: true });

    const secure = spec.url.protocol === 'https:';
    const hostname = bareHostname(spec.url);
    // https.request hands its options on to tls.connect, which takes ALPNProtocols; the types do not say so.
    /** @type {https.RequestOptions & { ALPNProtocols?: string[] }} */
    const options = {
      host: spec.connectAddress ?? hostname,
      port: spec.connectPort ?? (spec.url.port === '' ? defaultPort(spec.url) : Number(spec.url.port)),
      method: spec.method ?? 'GET',
      path: spec.url.pathname + spec.url.search,
      // Host carries the port when the URL has one: Traefik's Host() matches that too.
      headers: { Host: spec.url.host, 'User-Agent': USER_AGENT, ...spec.headers },
      agent: false,
      lookup: ctx.lookup,
    };
    if (secure) {
      // SNI must be a name; for an IP host there is none to send.
      if (net.isIP(hostname) === 0) options.servername = hostname;
      options.rejectUnauthorized = !ctx.insecureTls;
      if (spec.ca !== undefined) options.ca = spec.ca;
      // WebSocket needs HTTP/1.1; offering only it keeps a CDN from choosing h2.
      options.ALPNProtocols = ['http/1.1'];
      if (spec.clientTls !== undefined) {
        options.cert = spec.clientTls.cert;
        options.key = spec.clientTls.key;
        if (spec.clientTls.ca !== undefined) options.ca = spec.clientTls.ca;
      }
    }
    try {
      request = (secure ? https : http).request(options);
    } catch (error) {
      return fail(describeError(error));
    }
    request.on('error', (error) => fail(describeError(error)));
    request.on('upgrade', (response, socket) => {
      socket.destroy();
      finish({ status: response.statusCode ?? 101, headers: response.headers, body: '' });
    });
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      if (!spec.readBody) {
        finish({ status, headers: response.headers, body: '' });
        return;
      }
      /** @type {Buffer[]} */
      const chunks = [];
      let size = 0;
      const limit = spec.maxBodyBytes ?? MAX_BODY_BYTES;
      response.on('data', (/** @type {Buffer} */ chunk) => {
        if (settled) return;
        size += chunk.length;
        if (size > limit) {
          chunks.length = 0;
          finish({ status, headers: response.headers, body: '', error: `body above ${limit} bytes` });
          return;
        }
        if (spec.take !== undefined && !spec.take(chunk.length)) {
          chunks.length = 0;
          finish({ status, headers: response.headers, body: '', error: `the run's inventory budget of ${INVENTORY_BUDGET_BYTES} bytes is used up` });
          return;
        }
        if (spec.sink !== undefined) spec.sink(chunk);
        else chunks.push(chunk);
      });
      response.on('end', () => finish({ status, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', (error) => finish({ status, headers: response.headers, body: '', error: describeError(error) }));
    });
    request.end(spec.body);
  });
}

/** @param {unknown} error */
function describeError(error) {
  if (error instanceof Error) {
    const code = /** @type {{ code?: unknown }} */ (error).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

// ---------------------------------------------------------------------------------------------------
// Checks

/**
 * @typedef {object} Outcome
 * @property {number} status
 * @property {boolean} healthy
 * @property {string} [reason]  why it is not healthy
 */

/**
 * A URL below the base URL's path, so an edge published under a path prefix works too.
 * @param {URL} base
 * @param {string} relative
 */
function below(base, relative) {
  const url = new URL(base.href);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return new URL(relative, url);
}

function newWebSocketKey() {
  return crypto.randomBytes(16).toString('base64');
}

/** @param {string} key */
function expectedAccept(key) {
  return crypto
    .createHash('sha1')
    .update(key + WEBSOCKET_GUID)
    .digest('base64');
}

/**
 * The headers of a WebSocket opening handshake (RFC 6455 section 4.1) with ttyd's subprotocol.
 * @param {string} key
 * @param {URL} site
 * @returns {Record<string, string>}
 */
function webSocketHeaders(key, site) {
  return {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Key': key,
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Protocol': 'tty',
    Origin: site.origin,
  };
}

/**
 * Healthy edge answer: the auth layer redirecting to the Authentik outpost, judged by meaning: a 3xx
 * whose Location, resolved against the request URL (WHATWG URL), has the edge's scheme, the edge host
 * and port (or PROBE_AUTHENTIK_HOST on the scheme's default port) and a path starting with
 * `/outpost.goauthentik.io/`: no downgrade to http:, no other port, no javascript: or ftp:. A substring match would
 * take `https://evil.example/outpost.goauthentik.io/x` or `/?next=/outpost.goauthentik.io/` as healthy.
 * Anything else (404 from a replica without the route, 5xx, 200 = auth bypassed, 101 = auth bypassed
 * on /ws, a redirect elsewhere) is a failure, with the reason.
 * @param {Answer} answer
 * @param {URL} requestUrl
 * @param {Config} config
 * @returns {Outcome}
 */
function judgeAuthRedirect(answer, requestUrl, config) {
  const status = answer.status;
  if (status === 0) return { status: 0, healthy: false, reason: answer.error ?? 'no answer' };
  const want = `want a 3xx to ${OUTPOST_PATH} on ${[config.edgeUrl.hostname, config.authentikHost].filter(Boolean).join(' or ')}`;
  if (status < 300 || status >= 400) return { status, healthy: false, reason: `status ${status}, ${want}` };
  const location = answer.headers.location;
  if (location === undefined || location === '') return { status, healthy: false, reason: `status ${status} without Location, ${want}` };
  let target;
  try {
    target = new URL(location, requestUrl);
  } catch {
    return { status, healthy: false, reason: `status ${status} with a Location that is not a URL, ${want}` };
  }
  // The edge's own scheme (no downgrade to http:, no javascript: or ftp:) and port; Authentik's host on https's.
  if (target.protocol !== config.edgeUrl.protocol) {
    return { status, healthy: false, reason: `status ${status} to scheme ${JSON.stringify(target.protocol)}, ${want}` };
  }
  const onAuthentik = config.authentikHost !== undefined && target.hostname === config.authentikHost;
  const hostOk = target.hostname === requestUrl.hostname || onAuthentik;
  if (!hostOk) return { status, healthy: false, reason: `status ${status} to host ${JSON.stringify(target.hostname)}, ${want}` };
  if (target.port !== (onAuthentik ? '' : config.edgeUrl.port)) {
    return { status, healthy: false, reason: `status ${status} to port ${target.port === '' ? '(the default)' : target.port}, ${want}` };
  }
  if (!target.pathname.startsWith(OUTPOST_PATH)) {
    return { status, healthy: false, reason: `status ${status} to path ${JSON.stringify(target.pathname.slice(0, 100))}, ${want}` };
  }
  return { status, healthy: true };
}

/**
 * @param {Config} config
 * @param {Context} ctx
 * @param {string} [replica]  connect to this replica address instead of the edge
 */
async function edgeTokenSample(config, ctx, replica) {
  const url = below(config.edgeUrl, 'token?arg=probe');
  const answer = await exchange({ url, ...replicaTarget(config, replica) }, ctx);
  return judgeAuthRedirect(answer, url, config);
}

/**
 * @param {Config} config
 * @param {Context} ctx
 * @param {string} [replica]
 */
async function edgeWsSample(config, ctx, replica) {
  const url = below(config.edgeUrl, 'ws');
  const headers = webSocketHeaders(newWebSocketKey(), config.edgeUrl);
  const answer = await exchange({ url, headers, ...replicaTarget(config, replica) }, ctx);
  return judgeAuthRedirect(answer, url, config);
}

/**
 * @param {Config} config
 * @param {string | undefined} replica
 * @returns {{ connectAddress?: string, connectPort?: number }}
 */
function replicaTarget(config, replica) {
  return replica === undefined ? {} : { connectAddress: replica, connectPort: config.replicaPort };
}

/**
 * @param {Config} config
 * @param {Context} ctx
 * @returns {Promise<Outcome>}
 */
async function originTokenSample(config, ctx) {
  const url = below(config.originUrl, 'token');
  const answer = await exchange({ url, headers: { [config.authHeader]: config.authUser }, readBody: true, clientTls: config.originTls }, ctx);
  if (answer.status !== 200) {
    return { status: answer.status, healthy: false, reason: answer.error ?? `status ${answer.status}, want 200` };
  }
  return hasTokenKey(answer.body) ? { status: 200, healthy: true } : { status: 200, healthy: false, reason: 'body is not JSON with a "token" key' };
}

/** @param {string} body */
function hasTokenKey(body) {
  try {
    const parsed = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null && Object.prototype.hasOwnProperty.call(parsed, 'token');
  } catch {
    return false;
  }
}

/**
 * @param {Config} config
 * @param {Context} ctx
 * @returns {Promise<Outcome>}
 */
async function originWsSample(config, ctx) {
  const url = below(config.originUrl, 'ws');
  const key = newWebSocketKey();
  const headers = { ...webSocketHeaders(key, config.originUrl), [config.authHeader]: config.authUser };
  const answer = await exchange({ url, headers, clientTls: config.originTls }, ctx);
  if (answer.status !== 101) {
    return { status: answer.status, healthy: false, reason: answer.error ?? `status ${answer.status}, want 101` };
  }
  if (answer.headers['sec-websocket-accept'] !== expectedAccept(key)) {
    return { status: 101, healthy: false, reason: 'wrong Sec-WebSocket-Accept' };
  }
  if (answer.headers['sec-websocket-protocol'] !== 'tty') {
    return { status: 101, healthy: false, reason: 'subprotocol is not tty' };
  }
  return { status: 101, healthy: true };
}

/**
 * The boundary: `GET /token` without the auth header must not get 200 (real ttyd answers 407). A 200
 * means ttyd runs without header auth: anyone who reaches it gets a shell.
 * @param {Config} config
 * @param {Context} ctx
 * @returns {Promise<Outcome>}
 */
async function originOpenTokenSample(config, ctx) {
  const answer = await exchange({ url: below(config.originUrl, 'token'), clientTls: config.originTls }, ctx);
  return answer.status === 200
    ? { status: 200, healthy: false, reason: 'GET /token without the auth header got 200: ttyd runs without header auth' }
    : { status: answer.status, healthy: true };
}

/**
 * The boundary with mutual TLS: ttyd must refuse a client without the certificate (the TLS handshake
 * fails), even with the auth header. A 200 means ttyd no longer requires the certificate.
 * @param {Config} config
 * @param {Context} ctx
 * @returns {Promise<Outcome>}
 */
async function originNoCertSample(config, ctx) {
  const headers = { [config.authHeader]: config.authUser };
  const ca = config.originTls?.ca;
  const answer = await exchange({ url: below(config.originUrl, 'token'), headers, ...(ca === undefined ? {} : { ca }) }, ctx);
  return answer.status === 200
    ? { status: 200, healthy: false, reason: 'GET /token without the client certificate got 200: ttyd no longer requires it' }
    : { status: answer.status, healthy: true };
}

/**
 * The boundary, WebSocket side: an upgrade without the auth header must not get 101 (real ttyd closes
 * the connection without an HTTP answer). A 101 socket is destroyed at once, as in every check.
 * @param {Config} config
 * @param {Context} ctx
 * @returns {Promise<Outcome>}
 */
async function originOpenWsSample(config, ctx) {
  const headers = webSocketHeaders(newWebSocketKey(), config.originUrl);
  const answer = await exchange({ url: below(config.originUrl, 'ws'), headers, clientTls: config.originTls }, ctx);
  return answer.status === 101
    ? { status: 101, healthy: false, reason: 'WebSocket upgrade without the auth header got 101: ttyd runs without header auth' }
    : { status: answer.status, healthy: true };
}

/**
 * @typedef {object} InventoryBudget
 * @property {(bytes: number) => boolean} take  false once the run's byte budget is used up
 * @property {<T>(work: () => Promise<T>) => Promise<T>} inTurn  one replica's inventory at a time, so
 *   at most one page is held (and parsed) at once whatever the number of replicas
 */

/**
 * A byte budget shared by every page of every replica's inventory in the run.
 * @returns {InventoryBudget}
 */
function inventoryBudget() {
  let left = INVENTORY_BUDGET_BYTES;
  /** @type {Promise<unknown>} */
  let tail = Promise.resolve();
  return {
    take: (bytes) => {
      left -= bytes;
      return left >= 0;
    },
    inTurn: (work) => {
      const turn = tail.then(work);
      tail = turn.catch(() => undefined);
      return turn;
    },
  };
}

/**
 * What one replica's router inventory found: the number of routers and, with PROBE_OWN_ROUTERS, the
 * foreign routers (or why they could not be told).
 * @typedef {object} Inventory
 * @property {number} routers
 * @property {string[] | undefined} foreign  routers not the stack's whose service reaches one of ttyd's servers, sorted
 * @property {string | undefined} foreignProblem
 */

/**
 * The inventory of one replica's Traefik API, page after page, within the run's shared budget.
 * `ttydServers` gathers ttyd's server URLs across replicas, as seen behind the stack's own ttyd routers.
 * @param {Config} config
 * @param {Context} ctx
 * @param {string} replica
 * @param {InventoryBudget} budget
 * @param {Set<string>} ttydServers
 * @returns {Promise<Inventory | { error: string }>}
 */
function takeInventory(config, ctx, replica, budget, ttydServers) {
  return budget.inTurn(async () => {
    if (config.ownRouters === undefined) {
      const counted = await countRoutersNow(config, ctx, replica, budget.take);
      return 'error' in counted ? counted : { routers: counted.routers, foreign: undefined, foreignProblem: undefined };
    }
    return foreignRoutersNow(config, ctx, replica, budget.take, ttydServers);
  });
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
 * @param {(bytes: number) => boolean} take
 * @returns {Promise<{ routers: number } | { error: string }>}
 */
async function countRoutersNow(config, ctx, replica, take) {
  let routers = 0;
  for (let page = 1; page <= MAX_ROUTER_PAGES; page += 1) {
    const url = apiPageUrl(config, replica, 'routers', page);
    // The page is counted as it streams in, never held or parsed whole: memory stays at one chunk.
    const counter = jsonArrayCounter();
    const answer = await exchange(
      { url, headers: { Accept: 'application/json' }, readBody: true, maxBodyBytes: INVENTORY_PAGE_BYTES, take, sink: counter.feed },
      ctx,
    );
    if (answer.error !== undefined) return { error: `page ${page}: ${answer.error}` };
    if (answer.status !== 200) return { error: `page ${page}: status ${answer.status}` };
    const count = counter.end();
    if (typeof count === 'string') return { error: `page ${page}: ${count}` };
    routers += count;
    // Traefik sets X-Next-Page to page+1 while more follow, and to 1 on the last page.
    const next = Number(answer.headers['x-next-page']);
    if (!(Number.isInteger(next) && next > page)) return { routers };
  }
  return { error: `more than ${MAX_ROUTER_PAGES} pages` };
}

/**
 * Every element of a Traefik API list, page after page; each page is held (at most
 * INVENTORY_PAGE_BYTES) and parsed, one at a time, and `keep` takes what it needs from each element.
 * @param {Config} config
 * @param {Context} ctx
 * @param {string} replica
 * @param {'routers' | 'services'} list
 * @param {(bytes: number) => boolean} take
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

/** How deep the foreign-router check follows services made of services (weighted, mirroring, failover). */
const MAX_SERVICE_DEPTH = 4;
/** ttyd's server URLs remembered across the replicas of one run (ttyd is a few pods, or one address). */
const MAX_TTYD_SERVERS = 64;
/** Foreign router names kept per replica; the count is always whole. */
const MAX_FOREIGN_NAMES = 10;

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
 * @param {(bytes: number) => boolean} take
 * @param {Set<string>} ttydServers
 * @returns {Promise<Inventory | { error: string }>}
 */
async function foreignRoutersNow(config, ctx, replica, take, ttydServers) {
  const own = /** @type {Set<string>} */ (config.ownRouters);
  const ttyd = /** @type {Set<string>} */ (config.ttydRouters);
  /** @type {Array<{ name: string, service: string }>} */
  const others = [];
  /** @type {string[]} */
  const ttydServices = [];
  const routers = await readApiList(config, ctx, replica, 'routers', take, (router) => {
    const name = String(router.name ?? '');
    const service = qualified(router.service, router.provider);
    if (ttyd.has(name)) ttydServices.push(service);
    else if (!own.has(name)) others.push({ name, service });
  });
  if (typeof routers === 'string') return { error: routers };
  if (others.length === 0) return { routers, foreign: [], foreignProblem: undefined };

  /** @type {Map<string, { servers: string[], children: string[] }>} */
  const services = new Map();
  const listed = await readApiList(config, ctx, replica, 'services', take, (service) => {
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
  if (typeof listed === 'string') return { routers, foreign: undefined, foreignProblem: listed };

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
    return { routers, foreign: undefined, foreignProblem: "no ttyd router of the stack here or on a replica before it: ttyd's servers are unknown" };
  }
  const foreign = others
    .filter(({ service }) => serversOf(service).some((server) => ttydServers.has(server)))
    .map(({ name }) => name)
    .sort();
  return { routers, foreign, foreignProblem: undefined };
}

/**
 * Counts the elements of a top-level JSON array fed in chunks, without building it: tracks nesting,
 * strings and escapes, and checks the shape (`[` ... `]`, balanced, nothing after). Not a full JSON
 * validator; enough to count Traefik's router objects and refuse what is plainly not such a list.
 * @returns {{ feed: (chunk: Buffer) => void, end: () => number | string }}  end: the count, or what is wrong
 */
function jsonArrayCounter() {
  let depth = 0;
  let started = false;
  let closed = false;
  let inString = false;
  let escaped = false;
  let elements = 0;
  let sawValue = false;
  /** @type {string | undefined} */
  let problem;
  const OPEN = new Set([0x5b, 0x7b]);
  const CLOSE = new Set([0x5d, 0x7d]);
  return {
    feed: (chunk) => {
      for (let i = 0; i < chunk.length && problem === undefined; i += 1) {
        const c = chunk[i];
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 0x5c) escaped = true;
          else if (c === 0x22) inString = false;
          continue;
        }
        const space = c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
        if (space) continue;
        if (closed) {
          problem = 'body is not a JSON array (data after its end)';
        } else if (!started) {
          if (c === 0x5b) {
            started = true;
            depth = 1;
          } else {
            problem = 'body is not a JSON array';
          }
        } else if (c === 0x22) {
          inString = true;
          if (depth === 1) sawValue = true;
        } else if (OPEN.has(c)) {
          if (depth === 1) sawValue = true;
          depth += 1;
        } else if (CLOSE.has(c)) {
          depth -= 1;
          if (depth === 0) {
            if (c !== 0x5d) problem = 'body is not JSON (unbalanced brackets)';
            closed = true;
            if (sawValue) elements += 1;
          }
        } else if (c === 0x2c && depth === 1) {
          if (!sawValue) problem = 'body is not JSON (empty array element)';
          elements += 1;
          sawValue = false;
        } else if (depth === 1) {
          sawValue = true;
        }
      }
    },
    end: () => problem ?? (closed && !inString ? elements : 'body is not JSON (a truncated array)'),
  };
}

// ---------------------------------------------------------------------------------------------------
// The run

/**
 * What the run learned; `undefined` outcomes are samples the deadline cut off.
 * @typedef {object} ReplicaReport
 * @property {Outcome | undefined} token
 * @property {Outcome | undefined} ws
 * @property {number | undefined} routers
 * @property {string | undefined} routersError
 * @property {string[] | undefined} foreign  foreign routers that reach ttyd (with PROBE_OWN_ROUTERS)
 * @property {string | undefined} foreignProblem  why the foreign routers could not be told
 *
 * @typedef {object} Report
 * @property {(Outcome | undefined)[]} edgeToken
 * @property {(Outcome | undefined)[]} edgeWs
 * @property {(Outcome | undefined)[]} mirrorToken  [] when PROBE_MIRROR_EDGE_URL is off
 * @property {(Outcome | undefined)[]} mirrorWs
 * @property {(Outcome | undefined)[]} mirrorOpenToken  [] when PROBE_MIRROR_ORIGIN_URL is off
 * @property {(Outcome | undefined)[]} mirrorOpenWs
 * @property {(Outcome | undefined)[]} originToken
 * @property {(Outcome | undefined)[]} originWs
 * @property {(Outcome | undefined)[]} originOpenToken
 * @property {(Outcome | undefined)[]} originNoCert  [] unless the origin is https with a client certificate
 * @property {(Outcome | undefined)[]} originOpenWs
 * @property {boolean} replicasEnabled
 * @property {boolean} routerInventory
 * @property {string[] | undefined} replicaAddresses  undefined until resolved
 * @property {string | undefined} replicasProblem
 * @property {number} replicasLeftOut  resolved, past PROBE_MAX_REPLICAS, not checked
 * @property {Map<string, ReplicaReport>} replicas
 */

/**
 * @param {Config} config
 * @returns {Report}
 */
function emptyReport(config) {
  return {
    edgeToken: new Array(config.samples).fill(undefined),
    edgeWs: new Array(config.samples).fill(undefined),
    mirrorToken: new Array(config.mirrorEdgeUrl === undefined ? 0 : config.samples).fill(undefined),
    mirrorWs: new Array(config.mirrorEdgeUrl === undefined ? 0 : config.samples).fill(undefined),
    originToken: [undefined],
    originWs: [undefined],
    originOpenToken: [undefined],
    originNoCert: config.originTls === undefined ? [] : [undefined],
    originOpenWs: [undefined],
    mirrorOpenToken: config.mirrorOriginUrl === undefined ? [] : [undefined],
    mirrorOpenWs: config.mirrorOriginUrl === undefined ? [] : [undefined],
    replicasEnabled: config.replicas.kind !== 'off',
    routerInventory: config.routerInventory,
    replicaAddresses: undefined,
    replicasProblem: undefined,
    replicasLeftOut: 0,
    replicas: new Map(),
  };
}

/**
 * Edge samples one after another, token and ws alternating: behind a round-robin balancer over N
 * replicas, consecutive requests visit every replica, so each check reaches each one when samples >= N.
 * @param {Config} config
 * @param {Context} ctx
 * @param {Report} report
 */
async function runEdgeSamples(config, ctx, report) {
  for (let i = 0; i < config.samples && !ctx.signal.aborted; i += 1) {
    report.edgeToken[i] = await edgeTokenSample(config, ctx);
    if (ctx.signal.aborted) return;
    report.edgeWs[i] = await edgeWsSample(config, ctx);
  }
  // The mirror after the main host, on the same sequential chain, so each host's samples still
  // visit every replica behind a round-robin balancer.
  if (config.mirrorEdgeUrl === undefined) return;
  const mirror = { ...config, edgeUrl: config.mirrorEdgeUrl };
  for (let i = 0; i < config.samples && !ctx.signal.aborted; i += 1) {
    report.mirrorToken[i] = await edgeTokenSample(mirror, ctx);
    if (ctx.signal.aborted) return;
    report.mirrorWs[i] = await edgeWsSample(mirror, ctx);
  }
}

/**
 * @param {Config} config
 * @param {Context} ctx
 * @param {Report} report
 */
async function runOriginSamples(config, ctx, report) {
  await Promise.all([
    originTokenSample(config, ctx).then((outcome) => (report.originToken[0] = outcome)),
    originWsSample(config, ctx).then((outcome) => (report.originWs[0] = outcome)),
    originOpenTokenSample(config, ctx).then((outcome) => (report.originOpenToken[0] = outcome)),
    ...(config.originTls === undefined ? [] : [originNoCertSample(config, ctx).then((outcome) => (report.originNoCert[0] = outcome))]),
    ...(config.mirrorOriginUrl === undefined
      ? []
      : [
          originOpenTokenSample({ ...config, originUrl: config.mirrorOriginUrl }, ctx).then((outcome) => (report.mirrorOpenToken[0] = outcome)),
          originOpenWsSample({ ...config, originUrl: config.mirrorOriginUrl }, ctx).then((outcome) => (report.mirrorOpenWs[0] = outcome)),
        ]),
    originOpenWsSample(config, ctx).then((outcome) => (report.originOpenWs[0] = outcome)),
  ]);
}

/**
 * @param {Config} config
 * @param {Context} ctx
 * @param {Resolution} resolution
 * @returns {Promise<string[]>}
 */
async function replicaAddresses(config, ctx, resolution) {
  const source = config.replicas;
  if (source.kind === 'off') return [];
  if (source.kind === 'addresses') return source.addresses;
  const found = await withTimeout(resolution.resolveAll(source.name), ctx.timeoutMs, `resolving ${source.name}`);
  return [...new Set(found)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/**
 * @param {Config} config
 * @param {Context} ctx
 * @param {Resolution} resolution
 * @param {Report} report
 */
async function runReplicaChecks(config, ctx, resolution, report) {
  if (config.replicas.kind === 'off') return;
  let addresses;
  try {
    addresses = await replicaAddresses(config, ctx, resolution);
  } catch (error) {
    report.replicaAddresses = [];
    report.replicasProblem = `PROBE_REPLICAS: ${describeError(error)}`;
    return;
  }
  report.replicaAddresses = addresses.slice(0, config.maxReplicas);
  report.replicasLeftOut = addresses.length - report.replicaAddresses.length;
  const budget = inventoryBudget();
  /** @type {Set<string>} */
  const ttydServers = new Set();
  if (addresses.length === 0) {
    const name = config.replicas.kind === 'name' ? config.replicas.name : '';
    report.replicasProblem = `PROBE_REPLICAS: ${JSON.stringify(name)} resolved to no address`;
    return;
  }
  await inBatches(
    report.replicaAddresses,
    REPLICAS_IN_FLIGHT,
    async (address) => {
      /** @type {ReplicaReport} */
      const entry = { token: undefined, ws: undefined, routers: undefined, routersError: undefined, foreign: undefined, foreignProblem: undefined };
      report.replicas.set(address, entry);
      const inventory = config.routerInventory ? takeInventory(config, ctx, address, budget, ttydServers) : undefined;
      entry.token = await edgeTokenSample(config, ctx, address);
      entry.ws = await edgeWsSample(config, ctx, address);
      const taken = await inventory;
      if (taken !== undefined) {
        if ('error' in taken) {
          entry.routersError = taken.error;
        } else {
          entry.routers = taken.routers;
          entry.foreign = taken.foreign;
          entry.foreignProblem = taken.foreignProblem;
        }
      }
    },
    ctx.signal,
  );
}

/**
 * Runs `work` on every item, at most `width` at a time, in order; stops starting new ones on `signal`.
 * @template T
 * @param {T[]} items
 * @param {number} width
 * @param {(item: T) => Promise<void>} work
 * @param {AbortSignal} signal
 */
async function inBatches(items, width, work, signal) {
  let next = 0;
  const lane = async () => {
    while (next < items.length && !signal.aborted) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
}

/**
 * Runs every check until done or until the deadline, whichever comes first.
 * @param {Config} config
 * @param {Resolution} resolution
 * @returns {Promise<Report>}
 */
async function runChecks(config, resolution) {
  const report = emptyReport(config);
  const deadline = new AbortController();
  // Every request in flight listens for the deadline (edge, origin, each replica and its inventory).
  setMaxListeners(0, deadline.signal);
  const deadlineTimer = setTimeout(() => deadline.abort(), config.deadlineMs);
  /** @type {Context} */
  const ctx = { timeoutMs: config.timeoutMs, signal: deadline.signal, lookup: resolution.lookup, insecureTls: config.insecureTls };
  const work = Promise.allSettled([
    runEdgeSamples(config, ctx, report),
    runOriginSamples(config, ctx, report),
    runReplicaChecks(config, ctx, resolution, report),
  ]);
  // Every request honours the abort, so work settles right after it; the grace bound covers anything
  // that does not (a system getaddrinfo cannot be cancelled).
  const cutOff = new Promise((resolve) => deadline.signal.addEventListener('abort', () => setTimeout(resolve, DEADLINE_GRACE_MS), { once: true }));
  await Promise.race([work, cutOff]);
  clearTimeout(deadlineTimer);
  if (deadline.signal.aborted) resolution.cancel();
  if (report.replicasEnabled && report.replicaAddresses === undefined) {
    report.replicaAddresses = [];
    report.replicasProblem = 'PROBE_REPLICAS: not resolved before the run deadline';
  }
  return report;
}

// ---------------------------------------------------------------------------------------------------
// Summary and metrics

/**
 * @typedef {object} CheckSummary
 * @property {number} status  first unexpected status, else the healthy one; 0 = no answer
 * @property {number} samples
 * @property {number} failures
 * @property {string | undefined} reason  of the first failure
 */

/**
 * @param {(Outcome | undefined)[]} outcomes
 * @returns {CheckSummary}
 */
function summarizeCheck(outcomes) {
  const resolved = outcomes.map((outcome) => outcome ?? { status: 0, healthy: false, reason: 'cut off by the run deadline' });
  const firstBad = resolved.find((outcome) => !outcome.healthy);
  return {
    status: (firstBad ?? resolved[0])?.status ?? 0,
    samples: resolved.length,
    failures: resolved.filter((outcome) => !outcome.healthy).length,
    reason: firstBad?.reason,
  };
}

/** @param {Outcome | undefined} outcome */
function statusOf(outcome) {
  return outcome?.status ?? 0;
}

/**
 * @param {Report} report
 */
function summarize(report) {
  const checks = {
    [CHECK.edgeToken]: summarizeCheck(report.edgeToken),
    [CHECK.edgeWs]: summarizeCheck(report.edgeWs),
    [CHECK.originToken]: summarizeCheck(report.originToken),
    [CHECK.originWs]: summarizeCheck(report.originWs),
    [CHECK.originOpenToken]: summarizeCheck(report.originOpenToken),
    [CHECK.originOpenWs]: summarizeCheck(report.originOpenWs),
    ...(report.originNoCert.length === 0 ? {} : { [CHECK.originNoCert]: summarizeCheck(report.originNoCert) }),
  };
  // Open only on proof: 200 to the token request or 101 to the upgrade without the header, or 200
  // without the client certificate that mutual TLS requires.
  const ttydOpen =
    report.originOpenToken[0]?.status === 200 ||
    report.originOpenWs[0]?.status === 101 ||
    report.originNoCert[0]?.status === 200 ||
    report.mirrorOpenToken[0]?.status === 200 ||
    report.mirrorOpenWs[0]?.status === 101;
  const replicas = [...(report.replicaAddresses ?? [])].map((address) => {
    const entry = report.replicas.get(address);
    const healthy = entry?.token?.healthy === true && entry.ws?.healthy === true;
    return { address, entry, healthy };
  });
  /** The mirror's edge checks, apart from `checks`: their series carry a `host` label. */
  const mirrorChecks =
    report.mirrorToken.length === 0
      ? {}
      : {
          [CHECK.edgeToken]: summarizeCheck(report.mirrorToken),
          [CHECK.edgeWs]: summarizeCheck(report.mirrorWs),
          ...(report.mirrorOpenToken.length === 0
            ? {}
            : { [CHECK.originOpenToken]: summarizeCheck(report.mirrorOpenToken), [CHECK.originOpenWs]: summarizeCheck(report.mirrorOpenWs) }),
        };
  const checksHealthy = [...Object.values(checks), ...Object.values(mirrorChecks)].every((check) => check.failures === 0);
  const replicasHealthy = !report.replicasEnabled || (replicas.length > 0 && replicas.every((replica) => replica.healthy));
  return { checks, mirrorChecks, replicas, ttydOpen, ok: checksHealthy && replicasHealthy };
}

/** @param {string} value */
function escapeLabelValue(value) {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/**
 * One metric family in the text exposition format.
 * @param {string} name
 * @param {Array<[Record<string, string>, number]>} samples
 */
function gauge(name, samples) {
  const lines = [`# TYPE ${name} gauge`];
  for (const [labels, value] of samples) {
    const pairs = Object.entries(labels).map(([label, labelValue]) => `${label}="${escapeLabelValue(labelValue)}"`);
    lines.push(`${name}${pairs.length === 0 ? '' : `{${pairs.join(',')}}`} ${formatValue(value)}`);
  }
  return lines.join('\n');
}

/** @param {number} value */
function formatValue(value) {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}

/**
 * @param {ReturnType<typeof summarize>} summary
 * @param {Report} report
 * @param {number} durationSeconds
 * @param {Config} config
 */
function renderRunMetrics(summary, report, durationSeconds, config) {
  const { checks, mirrorChecks } = summary;
  const checkNames = Object.keys(checks);
  const mirrorHost = config.mirrorEdgeUrl?.hostname ?? '';
  /** @type {(field: 'samples' | 'failures') => Array<[Record<string, string>, number]>} */
  const mirrorSeries = (field) => Object.entries(mirrorChecks).map(([check, result]) => [{ check, host: mirrorHost }, result[field]]);
  const families = [
    gauge(METRIC.tokenStatus, [[{}, checks[CHECK.edgeToken].status]]),
    gauge(METRIC.wsStatus, [[{}, checks[CHECK.edgeWs].status]]),
    gauge(METRIC.ttydStatus, [[{}, checks[CHECK.originToken].status]]),
    gauge(METRIC.ttydWsStatus, [[{}, checks[CHECK.originWs].status]]),
    gauge(METRIC.checkSamples, [
      ...checkNames.map((check) => /** @type {[Record<string, string>, number]} */ ([{ check }, checks[check].samples])),
      ...mirrorSeries('samples'),
    ]),
    gauge(METRIC.checkFailures, [
      ...checkNames.map((check) => /** @type {[Record<string, string>, number]} */ ([{ check }, checks[check].failures])),
      ...mirrorSeries('failures'),
    ]),
    gauge(METRIC.ttydOpen, [[{}, summary.ttydOpen ? 1 : 0]]),
  ];
  if (report.replicasEnabled) {
    families.push(gauge(METRIC.replicas, [[{}, summary.replicas.length]]));
    families.push(gauge(METRIC.replicasLeftOut, [[{}, report.replicasLeftOut]]));
    if (summary.replicas.length > 0) {
      families.push(
        gauge(
          METRIC.replicaOk,
          summary.replicas.map(({ address, healthy }) => [{ replica: address }, healthy ? 1 : 0]),
        ),
      );
      if (report.routerInventory) {
        families.push(
          gauge(
            METRIC.routerInventoryOk,
            summary.replicas.map(({ address, entry }) => [{ replica: address }, entry?.routers !== undefined ? 1 : 0]),
          ),
        );
      }
      families.push(
        gauge(
          METRIC.replicaStatus,
          summary.replicas.flatMap(({ address, entry }) => [
            [{ replica: address, check: CHECK.edgeToken }, statusOf(entry?.token)],
            [{ replica: address, check: CHECK.edgeWs }, statusOf(entry?.ws)],
          ]),
        ),
      );
    }
    /** @type {Array<[Record<string, string>, number]>} */
    const routers = [];
    for (const { address, entry } of summary.replicas) {
      if (entry?.routers !== undefined) routers.push([{ replica: address }, entry.routers]);
    }
    if (routers.length > 0) families.push(gauge(METRIC.replicaRouters, routers));
    // With PROBE_OWN_ROUTERS: a count per replica where it could be told, a series per foreign router.
    const told = summary.replicas.filter(({ entry }) => entry?.foreign !== undefined);
    if (told.length > 0) {
      families.push(
        gauge(
          METRIC.foreignRouters,
          told.map(({ address, entry }) => [{ replica: address }, entry?.foreign?.length ?? 0]),
        ),
      );
      const named = told.flatMap(({ address, entry }) =>
        (entry?.foreign ?? [])
          .slice(0, MAX_FOREIGN_NAMES)
          .map((router) => /** @type {[Record<string, string>, number]} */ ([{ replica: address, router }, 1])),
      );
      if (named.length > 0) families.push(gauge(METRIC.foreignRouter, named));
    }
  }
  families.push(gauge(METRIC.durationSeconds, [[{}, Number(durationSeconds.toFixed(3))]]));
  return `${families.join('\n')}\n`;
}

/**
 * @param {ReturnType<typeof summarize>} summary
 * @param {Config} config
 * @param {number} durationSeconds
 */
function printReport(summary, config, durationSeconds) {
  const { checks } = summary;
  const edge = checks[CHECK.edgeToken].failures + checks[CHECK.edgeWs].failures;
  const edgeSamples = checks[CHECK.edgeToken].samples + checks[CHECK.edgeWs].samples;
  const origin = checks[CHECK.originToken].failures + checks[CHECK.originWs].failures;
  const originSamples = checks[CHECK.originToken].samples + checks[CHECK.originWs].samples;
  const fields = [
    `token=${checks[CHECK.edgeToken].status}`,
    `ws=${checks[CHECK.edgeWs].status}`,
    `ttyd=${checks[CHECK.originToken].status}`,
    `ok=${summary.ok ? 1 : 0}`,
    `ttyd_ws=${checks[CHECK.originWs].status}`,
    `ttyd_open=${summary.ttydOpen ? 1 : 0}`,
    ...(config.replicas.kind === 'off' ? [] : [`replicas=${summary.replicas.length}`]),
    `edge_failures=${edge}/${edgeSamples}`,
    ...(Object.keys(summary.mirrorChecks).length === 0
      ? []
      : [
          `mirror_failures=${Object.values(summary.mirrorChecks).reduce((n, c) => n + c.failures, 0)}/` +
            `${Object.values(summary.mirrorChecks).reduce((n, c) => n + c.samples, 0)}`,
        ]),
    `origin_failures=${origin}/${originSamples}`,
    `duration=${durationSeconds.toFixed(3)}s`,
  ];
  process.stdout.write(`probe: ${fields.join(' ')}\n`);
  for (const { address, entry, healthy } of summary.replicas) {
    const routers = config.routerInventory ? [`routers=${entry?.routers ?? '?'}`] : [];
    if (config.ownRouters !== undefined) routers.push(`foreign=${entry?.foreign?.length ?? '?'}`);
    const line = [`replica=${address}`, `token=${statusOf(entry?.token)}`, `ws=${statusOf(entry?.ws)}`, ...routers, `ok=${healthy ? 1 : 0}`];
    process.stdout.write(`probe: ${line.join(' ')}\n`);
  }
}

/**
 * Reasons, on stderr, so a failing run says why without anyone reading the metrics.
 * @param {ReturnType<typeof summarize>} summary
 * @param {Report} report
 */
function printProblems(summary, report) {
  for (const [check, result] of Object.entries(summary.checks)) {
    if (result.failures > 0) process.stderr.write(`probe: ${check}: ${result.failures}/${result.samples} failed, first: ${result.reason}\n`);
  }
  for (const [check, result] of Object.entries(summary.mirrorChecks)) {
    if (result.failures > 0) process.stderr.write(`probe: mirror ${check}: ${result.failures}/${result.samples} failed, first: ${result.reason}\n`);
  }
  if (report.replicasProblem !== undefined) process.stderr.write(`probe: ${report.replicasProblem}\n`);
  if (report.replicasLeftOut > 0) {
    const checked = report.replicaAddresses?.length ?? 0;
    const resolved = report.replicasLeftOut + checked;
    process.stderr.write(
      `probe: PROBE_REPLICAS: ${resolved} addresses; checked the first ${checked} (PROBE_MAX_REPLICAS), left out ${report.replicasLeftOut}\n`,
    );
  }
  for (const { address, entry } of summary.replicas) {
    for (const [check, outcome] of [
      [CHECK.edgeToken, entry?.token],
      [CHECK.edgeWs, entry?.ws],
    ]) {
      const result = /** @type {Outcome | undefined} */ (outcome);
      if (result?.healthy !== true) process.stderr.write(`probe: replica ${address} ${check}: ${result?.reason ?? 'cut off by the run deadline'}\n`);
    }
    if (entry?.routersError !== undefined) process.stderr.write(`probe: replica ${address} router inventory: ${entry.routersError}\n`);
    if (entry?.foreignProblem !== undefined) process.stderr.write(`probe: replica ${address} foreign routers: not told: ${entry.foreignProblem}\n`);
    if ((entry?.foreign?.length ?? 0) > 0) {
      const names = /** @type {string[]} */ (entry?.foreign);
      const more = names.length > MAX_FOREIGN_NAMES ? ` and ${names.length - MAX_FOREIGN_NAMES} more` : '';
      process.stderr.write(`probe: replica ${address} foreign routers reach ttyd: ${names.slice(0, MAX_FOREIGN_NAMES).join(', ')}${more}\n`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Push

/**
 * @param {Config} config
 * @param {string[]} grouping  extra label/value path segments after the job
 */
function groupUrl(config, grouping) {
  const segments = ['metrics', 'job', config.job, ...grouping].map(encodeURIComponent).join('/');
  return below(config.pushgatewayUrl, segments);
}

/**
 * PUT replaces the whole group (pushgateway README), so series of a replica that is gone disappear.
 * @param {Config} config
 * @param {Context} ctx
 * @param {string[]} grouping
 * @param {string} body
 * @returns {Promise<string | undefined>}  the failure, if any
 */
async function pushGroup(config, ctx, grouping, body) {
  /** @type {Record<string, string>} */
  const headers = { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) };
  if (config.pushgatewayAuthorization !== undefined) headers.Authorization = config.pushgatewayAuthorization;
  const answer = await exchange({ url: groupUrl(config, grouping), method: 'PUT', headers, body, readBody: true }, ctx);
  if (answer.status >= 200 && answer.status < 300) return undefined;
  const where = `PUT /metrics/job/${[config.job, ...grouping].join('/')}`;
  if (answer.status === 0) return `${where}: ${answer.error}`;
  return `${where}: status ${answer.status} (${pushRefusal(answer.status)})`;
}

/**
 * Why a push was refused, in the probe's own words. The server's body is never printed: a server or a
 * proxy in front of it may echo the request, Authorization header included.
 * @param {number} status
 */
function pushRefusal(status) {
  if (status === 400) return 'the Pushgateway refused the push as malformed or inconsistent with what it holds';
  if (status === 401 || status === 403) return 'the credentials were refused';
  if (status === 404 || status === 405) return 'no Pushgateway push API at that URL';
  if (status >= 500) return 'the server failed';
  return 'unexpected answer';
}

// ---------------------------------------------------------------------------------------------------
// Remediation (opt-in, issue 13): evict the one Traefik replica that lost the route.
//
// Everything remediation does lives in this section; the main flow calls `remediate` once, after the
// per-replica checks, and appends what it returns to the pushed group. Rules, in the order applied to
// each failing replica:
//   state     the previous run time, the last eviction time and the failing runs in a row of each
//             (replica, pod) live in one annotation of the Lease PROBE_REMEDIATE_LEASE, which only the
//             probe's ServiceAccount may update (the Pushgateway takes pushes from anyone who reaches
//             it, so nothing is read back from it). Every run, failing replicas or not, reads the Lease
//             and writes it back with the resourceVersion it read: a Lease missing or unreadable, an
//             annotation not of the expected shape, or a write refused (409: someone else wrote) means
//             nothing is done (state_unavailable).
//   pod       the pod with the replica's IP in PROBE_REPLICA_NAMESPACE matching PROBE_REPLICA_SELECTOR
//             (checked again here, not only by the API server); none or several: no_pod.
//   alone     exactly one replica failing and at least two healthy, else not_alone (a route missing
//             everywhere is configuration, which an eviction cannot fix).
//   confirmed the same pod failed PROBE_REMEDIATE_AFTER_RUNS consecutive runs, else not_confirmed; and
//             the pod is older than that many intervals (age from metadata.creationTimestamp, which the
//             API server sets; interval = time since the previous run), else too_young.
//   rate      at most one eviction per PROBE_REMEDIATE_MIN_INTERVAL_SECONDS, else rate_limited.
//   act       dry-run: dry_run. on: the eviction time is written to the Lease first (no write, no
//             eviction), then POST .../pods/<pod>/eviction (policy/v1): 2xx evicted, 429
//             blocked_by_budget, anything else failed, and on either the previous time is written back
//             (best effort). There is no fallback to a delete.
// Every API call has the request timeout and stops at the run's deadline. Remediation never throws
// into the main flow, so the push always happens. The token is read from its file, sent only in the
// Authorization header to the API server, and never printed; of the API's answers only the status and
// the Status `reason` are printed.

const REMEDIATION_MODES = ['off', 'dry-run', 'on'];
const EVICTION_GROUP_KIND = NAMES.remediationGroupKind;
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const RESULT = NAMES.remediationResult;
/** The Lease annotation holding the state; the construct sets no annotation, so nothing else writes it. */
const STATE_ANNOTATION = NAMES.remediationStateAnnotation;
const STATE_VERSION = 1;
/** A bound on the entries read back: one per failing replica, and no run checks more than this many. */
const MAX_STATE_ENTRIES = MAX_REPLICAS_LIMIT;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * @typedef {object} RemediationConfig
 * @property {'off' | 'dry-run' | 'on'} mode
 * @property {number} afterRuns
 * @property {number} minIntervalSeconds
 * @property {string} namespace
 * @property {Array<[string, string]>} selector  equality requirements, `key=value`
 * @property {{ namespace: string, name: string }} lease  where the state lives
 * @property {URL | undefined} apiUrl
 * @property {string} tokenFile
 * @property {string} caFile
 */

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {ReplicaSource} replicas
 * @returns {RemediationConfig}
 */
function parseRemediationConfig(env, replicas) {
  const mode = readVar(env, 'PROBE_REMEDIATE') ?? 'off';
  if (!REMEDIATION_MODES.includes(mode)) {
    throw new ConfigError(`PROBE_REMEDIATE=${JSON.stringify(mode)} must be one of ${REMEDIATION_MODES.join(', ')}`);
  }
  const afterRuns = integerVar(env, 'PROBE_REMEDIATE_AFTER_RUNS', 3, 1, 100);
  const minIntervalSeconds = integerVar(env, 'PROBE_REMEDIATE_MIN_INTERVAL_SECONDS', 3600, 60, 7 * 86400);
  const off = /** @type {RemediationConfig} */ ({
    mode: 'off',
    afterRuns,
    minIntervalSeconds,
    namespace: '',
    selector: [],
    lease: { namespace: '', name: '' },
    apiUrl: undefined,
    tokenFile: '',
    caFile: '',
  });
  if (mode === 'off') return off;
  if (replicas.kind === 'off')
    throw new ConfigError(`PROBE_REMEDIATE=${mode} needs PROBE_REPLICAS (the per-replica checks name the replica to evict)`);
  const namespace = readVar(env, 'PROBE_REPLICA_NAMESPACE');
  if (namespace === undefined || !DNS_LABEL.test(namespace)) {
    throw new ConfigError(
      `PROBE_REPLICA_NAMESPACE=${JSON.stringify(namespace ?? '')} must be the Traefik namespace (a DNS label) when PROBE_REMEDIATE=${mode}`,
    );
  }
  const rawSelector = readVar(env, 'PROBE_REPLICA_SELECTOR');
  const selector = (rawSelector ?? '').split(',').map((item) => /** @type {[string, string]} */ (item.trim().split('=')));
  const labelKey = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
  const labelValue = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
  if (rawSelector === undefined || selector.some((pair) => pair.length !== 2 || !labelKey.test(pair[0]) || !labelValue.test(pair[1]))) {
    throw new ConfigError(
      `PROBE_REPLICA_SELECTOR=${JSON.stringify(rawSelector ?? '')} must be key=value[,key=value...] (the Traefik pods' labels) when ` +
        `PROBE_REMEDIATE=${mode}`,
    );
  }
  const rawLease = readVar(env, 'PROBE_REMEDIATE_LEASE');
  const [leaseNamespace, leaseName, ...rest] = (rawLease ?? '').split('/');
  const objectName = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  if (rest.length > 0 || !DNS_LABEL.test(leaseNamespace) || !objectName.test(leaseName ?? '')) {
    throw new ConfigError(
      `PROBE_REMEDIATE_LEASE=${JSON.stringify(rawLease ?? '')} must be <namespace>/<name> of the Lease holding remediation's state ` +
        `when PROBE_REMEDIATE=${mode}`,
    );
  }
  const explicit = readVar(env, 'PROBE_KUBE_API_URL');
  let apiUrl;
  if (explicit !== undefined) {
    apiUrl = requiredHttpUrl(env, 'PROBE_KUBE_API_URL');
    if (apiUrl.protocol !== 'https:') throw new ConfigError(`PROBE_KUBE_API_URL=${redact(explicit)} must be https:// (the token is sent to it)`);
  } else {
    const host = readVar(env, 'KUBERNETES_SERVICE_HOST');
    const port = readVar(env, 'KUBERNETES_SERVICE_PORT') ?? '443';
    if (host === undefined)
      throw new ConfigError(`PROBE_REMEDIATE=${mode} needs the API server: KUBERNETES_SERVICE_HOST (set in every pod) or PROBE_KUBE_API_URL`);
    try {
      apiUrl = new URL(`https://${net.isIPv6(host) ? `[${host}]` : host}:${port}/`);
    } catch {
      throw new ConfigError(`KUBERNETES_SERVICE_HOST=${JSON.stringify(host)} and KUBERNETES_SERVICE_PORT=${JSON.stringify(port)} do not make a URL`);
    }
  }
  return {
    mode: /** @type {'dry-run' | 'on'} */ (mode),
    afterRuns,
    minIntervalSeconds,
    namespace,
    selector,
    lease: { namespace: leaseNamespace, name: leaseName },
    apiUrl,
    tokenFile: readVar(env, 'PROBE_KUBE_TOKEN_FILE') ?? `${SERVICE_ACCOUNT_DIR}/token`,
    caFile: readVar(env, 'PROBE_KUBE_CA_FILE') ?? `${SERVICE_ACCOUNT_DIR}/ca.crt`,
  };
}

/**
 * @typedef {object} RemediationState
 * @property {Map<string, number>} consecutive  failing runs in a row, by `replica pod`
 * @property {number | undefined} lastEviction  Unix seconds
 * @property {number | undefined} previousRun  when the previous run decided, Unix seconds
 *
 * @typedef {object} StateLease  the Lease as the API server last returned it, and the state it holds
 * @property {Record<string, any>} object
 * @property {RemediationState} state
 *
 * @typedef {object} Decision
 * @property {string} replica
 * @property {string} pod  '' when not known
 * @property {number} consecutive  failing runs of this pod in a row, this one included (0 when unknown)
 * @property {string} result
 * @property {string | undefined} reason
 */

/** @param {RemediationConfig} rc */
function leasePath(rc) {
  return `apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(rc.lease.namespace)}/leases/${encodeURIComponent(rc.lease.name)}`;
}

/**
 * The state in the Lease's annotation. No annotation is a fresh state: removing it is how a person
 * resets remediation's memory. What the probe did not write is refused, never repaired.
 * @param {unknown} text
 * @returns {RemediationState | string}  the state, or why the annotation is not one
 */
function parseState(text) {
  if (text === undefined) return { consecutive: new Map(), lastEviction: undefined, previousRun: undefined };
  /** @type {any} */
  let parsed;
  try {
    parsed = JSON.parse(String(text));
  } catch {
    return 'not JSON';
  }
  if (parsed?.version !== STATE_VERSION) return `not version ${STATE_VERSION}`;
  /** @param {unknown} value */
  const time = (value) => value === null || (typeof value === 'number' && Number.isFinite(value) && value > 0);
  if (!time(parsed.previousRun) || !time(parsed.lastEviction)) return 'previousRun and lastEviction must each be a Unix time or null';
  const counts = parsed.consecutive;
  const entries = typeof counts === 'object' && counts !== null && !Array.isArray(counts) ? Object.entries(counts) : undefined;
  if (entries === undefined || entries.length > MAX_STATE_ENTRIES || entries.some(([, count]) => !Number.isInteger(count) || count < 1)) {
    return `consecutive must map "<replica> <pod>" to failing runs in a row, at most ${MAX_STATE_ENTRIES} entries`;
  }
  return {
    consecutive: new Map(/** @type {Array<[string, number]>} */ (entries)),
    lastEviction: parsed.lastEviction ?? undefined,
    previousRun: parsed.previousRun ?? undefined,
  };
}

/** @param {RemediationState} state */
function renderState(state) {
  return JSON.stringify({
    version: STATE_VERSION,
    previousRun: state.previousRun ?? null,
    lastEviction: state.lastEviction ?? null,
    consecutive: Object.fromEntries(state.consecutive),
  });
}

/**
 * Reads the Lease (PROBE_REMEDIATE_LEASE) and the state in its annotation.
 * @param {RemediationConfig} rc
 * @param {{ token: string, ca: string }} credentials
 * @param {Context} ctx
 * @returns {Promise<StateLease | string>}  the Lease, or why it could not be read
 */
async function readLease(rc, credentials, ctx) {
  const answer = await kubeCall(rc, credentials, ctx, 'GET', leasePath(rc));
  if (answer.status === 404) return `${answer.problem} (the stack creates the Lease; the probe may not)`;
  const where = `GET /${leasePath(rc)}`;
  if (answer.status !== 200) return answer.problem;
  const object = answer.json;
  if (object?.kind !== 'Lease' || typeof object?.metadata?.resourceVersion !== 'string') return `${where}: not a Lease`;
  const state = parseState(object.metadata.annotations?.[STATE_ANNOTATION]);
  if (typeof state === 'string') return `${where}: annotation ${STATE_ANNOTATION} is not the probe's state (${state}); remove it to reset`;
  return { object, state };
}

/**
 * Writes `state` into the Lease as it was read, resourceVersion included, so the API server refuses
 * the write (409) when anyone else wrote the Lease since.
 * @param {RemediationConfig} rc
 * @param {{ token: string, ca: string }} credentials
 * @param {Context} ctx
 * @param {StateLease} lease
 * @param {RemediationState} state
 * @returns {Promise<StateLease | string>}  the Lease as written, or why it was not
 */
async function writeLease(rc, credentials, ctx, lease, state) {
  const metadata = lease.object.metadata;
  const annotations = { ...(metadata.annotations ?? {}), [STATE_ANNOTATION]: renderState(state) };
  const answer = await kubeCall(rc, credentials, ctx, 'PUT', leasePath(rc), { ...lease.object, metadata: { ...metadata, annotations } });
  if (answer.status === 409) return `${answer.problem} (the Lease changed since it was read: another writer)`;
  if (answer.status !== 200 || typeof answer.json?.metadata?.resourceVersion !== 'string') return answer.problem;
  return { object: answer.json, state };
}

/**
 * One call to the API server: https verified against the cluster CA, the bearer token, JSON.
 * @param {RemediationConfig} rc
 * @param {{ token: string, ca: string }} credentials
 * @param {Context} ctx
 * @param {string} method
 * @param {string} pathAndQuery
 * @param {unknown} [body]
 */
async function kubeCall(rc, credentials, ctx, method, pathAndQuery, body) {
  const url = below(/** @type {URL} */ (rc.apiUrl), pathAndQuery.replace(/^\//, ''));
  const text = body === undefined ? undefined : JSON.stringify(body);
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json', Authorization: `Bearer ${credentials.token}` };
  if (text !== undefined) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) });
  const answer = await exchange({ url, method, headers, body: text, readBody: true, ca: credentials.ca }, { ...ctx, insecureTls: false });
  /** @type {any} */
  let parsed;
  try {
    parsed = answer.body === '' ? undefined : JSON.parse(answer.body);
  } catch {
    parsed = undefined;
  }
  const where = `${method} ${url.pathname}`;
  // Of the API's answer only its Status `reason`, one CamelCase word (Forbidden, TooManyRequests): a
  // message may echo the request, and a server that is not the API server may send anything.
  const reason = typeof parsed?.reason === 'string' && /^[A-Z][A-Za-z]{0,39}$/.test(parsed.reason) ? ` ${parsed.reason}` : '';
  const problem = answer.status === 0 ? `${where}: ${answer.error}` : `${where}: status ${answer.status}${reason}`;
  return { status: answer.status, json: parsed, problem };
}

/**
 * The one pod behind a replica address, or why there is none to act on.
 * @param {RemediationConfig} rc
 * @param {{ token: string, ca: string }} credentials
 * @param {Context} ctx
 * @param {string} address
 * @returns {Promise<{ pod: { name: string, createdAt: number } } | { result: string, reason: string }>}
 */
async function findPod(rc, credentials, ctx, address) {
  const labelSelector = rc.selector.map(([key, value]) => `${key}=${value}`).join(',');
  const query = new URLSearchParams({ labelSelector, fieldSelector: `status.podIP=${address}` });
  const answer = await kubeCall(rc, credentials, ctx, 'GET', `api/v1/namespaces/${encodeURIComponent(rc.namespace)}/pods?${query}`);
  if (answer.status !== 200 || !Array.isArray(answer.json?.items))
    return { result: RESULT.failed, reason: answer.status === 200 ? 'pod list: not a PodList' : answer.problem };
  // The API server filtered already; the probe checks again, because the Role would allow more.
  /** @type {Array<any>} */
  const items = answer.json.items;
  const matching = items.filter(
    (pod) =>
      pod?.status?.podIP === address &&
      pod?.metadata?.deletionTimestamp == null &&
      rc.selector.every(([key, value]) => pod?.metadata?.labels?.[key] === value) &&
      (pod?.metadata?.namespace ?? rc.namespace) === rc.namespace,
  );
  if (matching.length !== 1) {
    return {
      result: RESULT.noPod,
      reason: `${matching.length} running pods in ${rc.namespace} match ${labelSelector} with IP ${address}; want exactly 1`,
    };
  }
  const name = String(matching[0].metadata?.name ?? '');
  // Set by the API server when the pod is made; status.startTime is written by the kubelet (or
  // anyone allowed to update pods/status) and says nothing a writer cannot choose.
  const createdAt = Date.parse(matching[0].metadata?.creationTimestamp ?? '') / 1000;
  if (name === '') return { result: RESULT.noPod, reason: `the pod with IP ${address} has no name` };
  return { pod: { name, createdAt } };
}

/**
 * The remediation decision for this run, the eviction when it is due, and the state written back.
 * @param {Config} config
 * @param {Array<{ address: string, healthy: boolean }>} replicas
 * @param {number} startedMs  performance.now() at the start of the run (the deadline counts from it)
 * @param {Context} baseCtx
 * @returns {Promise<{ decisions: Decision[], notes: string[], evictedAt: number | undefined, metrics: string }>}
 */
async function remediate(config, replicas, startedMs, baseCtx) {
  const rc = config.remediation;
  /** @type {Decision[]} */
  const decisions = [];
  /** What went wrong on a run with no failing replica, so no decision to carry it. @type {string[]} */
  const notes = [];
  /** @type {number | undefined} */
  let evictedAt;
  const done = () => ({ decisions, notes, evictedAt, metrics: decisions.length === 0 ? '' : renderRemediation(decisions) });
  if (rc.mode === 'off') return done();
  const failing = replicas.filter((replica) => !replica.healthy);

  const remainingMs = config.deadlineMs - (performance.now() - startedMs);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), Math.max(0, remainingMs));
  /** @type {Context} */
  const ctx = { ...baseCtx, signal: deadline.signal };
  /** Nothing done, for every failing replica (or a note when none fails). @param {string} result @param {string} reason */
  const nothingDone = (result, reason) => {
    if (failing.length === 0) notes.push(reason);
    decisions.splice(0, decisions.length, ...failing.map(({ address }) => ({ replica: address, pod: '', consecutive: 0, result, reason })));
  };
  try {
    let credentials;
    try {
      credentials = { token: fs.readFileSync(rc.tokenFile, 'utf8').trim(), ca: fs.readFileSync(rc.caFile, 'utf8') };
    } catch (error) {
      const code = /** @type {{ code?: unknown }} */ (error)?.code;
      nothingDone(RESULT.failed, `service-account token or CA not readable (${String(code ?? 'error')}; is remediation's RBAC deployed?)`);
      return done();
    }
    const lease = await readLease(rc, credentials, ctx);
    if (typeof lease === 'string') {
      nothingDone(RESULT.stateUnavailable, `state not readable, nothing done: ${lease}`);
      return done();
    }
    const { state } = lease;
    const now = Date.now() / 1000;
    const alone = failing.length === 1 && replicas.length - failing.length >= 2;
    // Time since the previous run; one not in the past says nothing (and must not make a pod look old).
    const interval = state.previousRun === undefined || state.previousRun >= now ? undefined : now - state.previousRun;
    /** @type {{ replica: string, pod: string, consecutive: number } | undefined} */
    let due;
    for (const { address } of failing) {
      const found = await findPod(rc, credentials, ctx, address);
      if ('result' in found) {
        decisions.push({ replica: address, pod: '', consecutive: 0, result: found.result, reason: found.reason });
        continue;
      }
      const { name, createdAt } = found.pod;
      const consecutive = (state.consecutive.get(`${address} ${name}`) ?? 0) + 1;
      /** @param {string} result @param {string} [reason] */
      const decide = (result, reason) => decisions.push({ replica: address, pod: name, consecutive, result, reason });
      if (!alone) {
        decide(RESULT.notAlone, `${failing.length} of ${replicas.length} replicas failing; eviction only for a lone one with at least 2 healthy`);
      } else if (consecutive < rc.afterRuns) {
        decide(RESULT.notConfirmed, `failed ${consecutive} of ${rc.afterRuns} runs in a row`);
      } else if (interval === undefined || !(now - createdAt > rc.afterRuns * interval)) {
        decide(
          RESULT.tooYoung,
          `pod created ${Number.isFinite(createdAt) ? `${Math.round(now - createdAt)}s` : 'at an unknown time'} ago, want over ` +
            `${rc.afterRuns} intervals (${Math.round(rc.afterRuns * (interval ?? NaN))}s)`,
        );
      } else if (state.lastEviction !== undefined && now - state.lastEviction < rc.minIntervalSeconds) {
        decide(
          RESULT.rateLimited,
          `last eviction ${Math.round(now - state.lastEviction)}s ago, at most one per ${rc.minIntervalSeconds}s: the fault recurs`,
        );
      } else if (rc.mode === 'dry-run') {
        decide(RESULT.dryRun, `would evict ${rc.namespace}/${name}`);
      } else {
        due = { replica: address, pod: name, consecutive };
      }
    }
    /** @type {RemediationState} */
    const next = {
      previousRun: now,
      lastEviction: state.lastEviction,
      consecutive: new Map(decisions.filter((d) => d.consecutive > 0).map((d) => [`${d.replica} ${d.pod}`, d.consecutive])),
    };
    if (due === undefined) {
      const written = await writeLease(rc, credentials, ctx, lease, next);
      if (typeof written === 'string') {
        const reason = `state not written, nothing done: ${written}`;
        if (failing.length === 0) notes.push(reason);
        for (const decision of decisions) Object.assign(decision, { result: RESULT.stateUnavailable, reason });
      }
      return done();
    }
    decisions.push(await evict(rc, credentials, ctx, lease, next, due, now));
    if (decisions.at(-1)?.result === RESULT.evicted) evictedAt = now;
    return done();
  } catch (error) {
    nothingDone(RESULT.failed, `internal error: ${describeError(error)}`);
    return done();
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The eviction, its time written to the Lease first: a run that fails part-way, or a write that is
 * refused, can never leave an eviction unrecorded (the rate limit's memory). When the eviction is
 * refused, the previous time and the pod's count are written back (best effort), so it is retried.
 * @param {RemediationConfig} rc
 * @param {{ token: string, ca: string }} credentials
 * @param {Context} ctx
 * @param {StateLease} lease
 * @param {RemediationState} next  the state after this run, without the pod to evict
 * @param {{ replica: string, pod: string, consecutive: number }} due
 * @param {number} now
 * @returns {Promise<Decision>}
 */
async function evict(rc, credentials, ctx, lease, next, due, now) {
  /** @param {string} result @param {string} [reason] */
  const decision = (result, reason) => ({ ...due, result, reason });
  const intent = await writeLease(rc, credentials, ctx, lease, { ...next, lastEviction: now });
  if (typeof intent === 'string') return decision(RESULT.stateUnavailable, `state not written, nothing evicted: ${intent}`);
  const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: due.pod, namespace: rc.namespace } };
  const path = `api/v1/namespaces/${encodeURIComponent(rc.namespace)}/pods/${encodeURIComponent(due.pod)}/eviction`;
  const answer = await kubeCall(rc, credentials, ctx, 'POST', path, eviction);
  if (answer.status >= 200 && answer.status < 300) return decision(RESULT.evicted);
  const consecutive = new Map([...next.consecutive, [`${due.replica} ${due.pod}`, due.consecutive]]);
  const restored = await writeLease(rc, credentials, ctx, intent, { ...next, consecutive });
  const kept =
    typeof restored === 'string' ? `; the eviction time stays recorded (${restored}), so the next eviction waits ${rc.minIntervalSeconds}s` : '';
  if (answer.status === 429) return decision(RESULT.blockedByBudget, `${answer.problem} (a PodDisruptionBudget; retried on a later run)${kept}`);
  return decision(RESULT.failed, `${answer.problem}${kept}`);
}

/**
 * The run group's remediation series. The last eviction time is not among them: it has its own group.
 * @param {Decision[]} decisions
 */
function renderRemediation(decisions) {
  const families = [
    gauge(
      METRIC.remediation,
      decisions.map(({ replica, pod, result }) => [{ replica, pod, result }, 1]),
    ),
  ];
  const counted = decisions.filter((decision) => decision.consecutive > 0 && decision.result !== RESULT.evicted);
  if (counted.length > 0)
    families.push(
      gauge(
        METRIC.replicaConsecutiveFailures,
        counted.map(({ replica, pod, consecutive }) => [{ replica, pod }, consecutive]),
      ),
    );
  return `${families.join('\n')}\n`;
}

/**
 * The decisions on stdout, their reasons and the notes on stderr.
 * @param {{ decisions: Decision[], notes: string[] }} remediation
 */
function printRemediation({ decisions, notes }) {
  for (const { replica, pod, consecutive, result, reason } of decisions) {
    process.stdout.write(`probe: remediation replica=${replica} pod=${pod === '' ? '?' : pod} consecutive=${consecutive} result=${result}\n`);
    if (reason !== undefined) process.stderr.write(`probe: remediation replica ${replica}: ${result}: ${reason}\n`);
  }
  for (const note of notes) process.stderr.write(`probe: remediation: ${note}\n`);
}

/**
 * The eviction group, PUT only when an eviction succeeded, for the dashboards and alerts; nothing reads
 * it back (the rate limit's memory is the Lease).
 * @param {Config} config
 * @param {Context} ctx
 * @param {number} evictedAt
 */
function pushEviction(config, ctx, evictedAt) {
  const metric = METRIC.remediationLastEvictionTimestamp;
  return pushGroup(config, ctx, ['kind', EVICTION_GROUP_KIND], `# TYPE ${metric} gauge\n${metric} ${evictedAt.toFixed(3)}\n`);
}

// ---------------------------------------------------------------------------------------------------
// Main

/**
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<number>} the exit code
 */
async function main(env) {
  const started = performance.now();
  /** @type {Config} */
  let config;
  try {
    config = parseConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`probe: bad configuration: ${error.message}\n`);
    return 2;
  }
  /** @type {ResolverSettings} */
  let settings;
  try {
    settings = config.dnsServers === undefined ? readResolvConf(config.resolvConf) : { servers: config.dnsServers, search: [], ndots: 1 };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`probe: bad configuration: ${error.message}\n`);
    return 2;
  }
  const resolution = createResolution(settings, config.timeoutMs);
  const report = await runChecks(config, resolution);
  const durationSeconds = (performance.now() - started) / 1000;
  const summary = summarize(report);
  printReport(summary, config, durationSeconds);
  printProblems(summary, report);

  // The push gets a fresh signal: the deadline bounds the checks, the timeout bounds the push.
  /** @type {Context} */
  const pushCtx = { timeoutMs: config.timeoutMs, signal: new AbortController().signal, lookup: resolution.lookup, insecureTls: config.insecureTls };
  const remediation = await remediate(config, summary.replicas, started, pushCtx);
  printRemediation(remediation);
  const pushes = [pushGroup(config, pushCtx, [], renderRunMetrics(summary, report, durationSeconds, config) + remediation.metrics)];
  if (remediation.evictedAt !== undefined) pushes.push(pushEviction(config, pushCtx, remediation.evictedAt));
  if (summary.ok) {
    const now = (Date.now() / 1000).toFixed(3);
    pushes.push(
      pushGroup(
        config,
        pushCtx,
        ['kind', SUCCESS_GROUP_KIND],
        `# TYPE ${METRIC.lastSuccessTimestamp} gauge\n${METRIC.lastSuccessTimestamp} ${now}\n`,
      ),
    );
  }
  const failures = (await Promise.all(pushes)).filter((failure) => failure !== undefined);
  for (const failure of failures) process.stderr.write(`probe: push failed: ${failure}\n`);
  return failures.length === 0 ? 0 : 1;
}

main(process.env).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`probe: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
