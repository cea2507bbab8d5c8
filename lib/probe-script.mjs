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
 *   PROBE_PUSHGATEWAY_URL   required  Pushgateway base URL (userinfo, if any, is sent as basic auth)
 *   PROBE_JOB               webterminal-probe  Pushgateway job name
 *   PROBE_REPLICAS          (off)     headless Service DNS name resolving to every Traefik replica, or a
 *                                     comma list of IP addresses; empty = per-replica checks off
 *   PROBE_REPLICA_PORT      8443      Traefik's TLS entrypoint port on the pods (`websecure` in the Helm chart)
 *   PROBE_SAMPLES           6         requests per edge check per run (1-100), each on a fresh connection
 *   PROBE_TIMEOUT_SECONDS   10        per request: DNS + connect + TLS + answer
 *   PROBE_DEADLINE_SECONDS  60        whole run of checks; then what is known is pushed and the run exits
 *   PROBE_AUTH_HEADER       X-authentik-username  header ttyd trusts (ttyd -H)
 *   PROBE_AUTH_USER         probe     user the probe claims in-cluster
 *   PROBE_INSECURE_TLS      0         1 = skip certificate checks
 *   PROBE_DNS_SERVERS       (system)  comma list of `ip[:port]` (IPv6 as `[ip]:port`); when set, every name
 *                                     the probe looks up (edge host, replicas name, Pushgateway, origin) is
 *                                     resolved by these servers instead of the system resolver
 *   PROBE_ROUTER_INVENTORY  0         1 = also count each replica's routers from its Traefik API (needs PROBE_REPLICAS)
 *   PROBE_TRAEFIK_API_PORT  8080      port of Traefik's API on the pods: the Helm chart's `traefik` entrypoint
 *   PROBE_MIRROR_EDGE_URL   (off)     public URL of a second host (the read-only mirror): after the edge samples,
 *                                     the same edge_token/edge_ws samples against it, in the same run; its
 *                                     check_samples/check_failures series carry host="<its host>"
 *
 * Checks (each sample on its own connection, never reused):
 *   edge_token    GET <edge>/token?arg=probe, PROBE_SAMPLES times; healthy = 3xx with a Location that leads to
 *                 the Authentik outpost (`/outpost.goauthentik.io/`). 302 and 307 are both seen in the wild.
 *   edge_ws       WebSocket upgrade to <edge>/ws (HTTP/1.1, ALPN http/1.1, subprotocol tty), PROBE_SAMPLES
 *                 times; healthy = the same auth redirect. Token and ws samples alternate on one sequential
 *                 chain, so behind a round-robin balancer over N replicas every replica sees both checks
 *                 whenever PROBE_SAMPLES >= N.
 *   origin_token  GET <origin>/token with the auth header, once; healthy = 200 with a JSON body holding `token`.
 *   origin_ws     WebSocket upgrade to <origin>/ws with the auth header, once; healthy = 101, correct
 *                 Sec-WebSocket-Accept, subprotocol tty. The socket is destroyed at once: no WebSocket frame is
 *                 ever sent, because ttyd spawns a shell on the client's first message.
 *   per replica   every address of PROBE_REPLICAS, on PROBE_REPLICA_PORT with TLS SNI and Host = the edge host:
 *                 edge_token and edge_ws once each. A replica without the route answers 404 every time.
 *                 A name that resolves to no address is a failed run (replicas=0, ok=0, a line on stderr):
 *                 the detector being blind must not look like health.
 *   inventory     with PROBE_ROUTER_INVENTORY=1: GET http://<replica>:<api port>/api/http/routers, following
 *                 Traefik's pagination (`page`, `per_page`, header X-Next-Page, which is 1 on the last page).
 *                 Informational: a failed inventory is reported and its series left out, but does not make
 *                 the run unhealthy (the parity alert judges the counts).
 *
 * Metrics, PUT to <pushgateway>/metrics/job/<job> (the group is replaced, so a replica that is gone
 * disappears): webterminal_probe_{token,ws,ttyd,ttyd_ws}_status (first unexpected status of the run, else
 * the healthy one; 0 = no HTTP answer), webterminal_probe_check_{samples,failures}{check},
 * webterminal_probe_replica_status{replica,check}, webterminal_probe_replicas (only when PROBE_REPLICAS is
 * set), webterminal_probe_replica_routers{replica} (inventory), webterminal_probe_duration_seconds.
 * Only a fully healthy run also PUTs webterminal_probe_last_success_timestamp to
 * <pushgateway>/metrics/job/<job>/kind/success, so it never drops to 0 and never moves on a failing run.
 *
 * Exit codes: 0 = pushed (even when checks failed: alerts judge); 1 = push failed; 2 = bad configuration.
 * Checks stop at the deadline; the push has its own timeout (PROBE_TIMEOUT_SECONDS), so a run ends
 * within PROBE_DEADLINE_SECONDS + PROBE_TIMEOUT_SECONDS at worst, and shortly after the deadline when the
 * Pushgateway answers.
 * Output: `probe: token=302 ws=302 ttyd=200 ok=1 ...` then one `probe: replica <addr> ...` line per replica
 * on stdout; reasons for failures on stderr. URLs are never printed with userinfo or query.
 */

import { Buffer } from 'node:buffer';
import crypto from 'node:crypto';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

/** Metric names: the same strings as `ProbeMetric` in lib/metrics.ts (tests compare them). */
const METRIC = {
  tokenStatus: 'webterminal_probe_token_status',
  wsStatus: 'webterminal_probe_ws_status',
  ttydStatus: 'webterminal_probe_ttyd_status',
  ttydWsStatus: 'webterminal_probe_ttyd_ws_status',
  lastSuccessTimestamp: 'webterminal_probe_last_success_timestamp',
  checkSamples: 'webterminal_probe_check_samples',
  checkFailures: 'webterminal_probe_check_failures',
  replicaStatus: 'webterminal_probe_replica_status',
  replicas: 'webterminal_probe_replicas',
  replicaRouters: 'webterminal_probe_replica_routers',
  durationSeconds: 'webterminal_probe_duration_seconds',
};

/** Values of the `check` label: the same strings as `ProbeCheck` in lib/metrics.ts. */
const CHECK = {
  edgeToken: 'edge_token',
  edgeWs: 'edge_ws',
  originToken: 'origin_token',
  originWs: 'origin_ws',
};

const DEFAULT_JOB = 'webterminal-probe';
const SUCCESS_GROUP_KIND = 'success';
/** Where Authentik's outpost sends an unauthenticated browser; any redirect there means "auth is in place". */
const OUTPOST_PATH = '/outpost.goauthentik.io/';
/** RFC 6455 section 1.3. */
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const USER_AGENT = 'webterminal-probe/1';
/** Traefik's own default page size (pkg/api/criterion.go), asked for explicitly. */
const ROUTERS_PER_PAGE = 100;
/** A bound on pages followed, so a misbehaving API cannot keep the probe looping until the deadline. */
const MAX_ROUTER_PAGES = 100;
/** Bodies are read only where needed (ttyd's token, Traefik's router list) and never beyond this. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
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
 * @property {number} samples
 * @property {number} timeoutMs
 * @property {number} deadlineMs
 * @property {string} authHeader
 * @property {string} authUser
 * @property {boolean} insecureTls
 * @property {string[] | undefined} dnsServers
 * @property {boolean} routerInventory
 * @property {number} traefikApiPort
 * @property {URL | undefined} mirrorEdgeUrl
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
 * A value fit for an error message: no userinfo and no query, which may carry credentials.
 * @param {string} value
 */
function redact(value) {
  return JSON.stringify(value.replace(/\/\/[^/?#@]*@/, '//***@').replace(/[?#].*$/, '?***'));
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
 * @param {NodeJS.ProcessEnv} env
 * @returns {Config}
 */
function parseConfig(env) {
  const edgeUrl = requiredHttpUrl(env, 'PROBE_EDGE_URL');
  const originUrl = requiredHttpUrl(env, 'PROBE_ORIGIN_URL');
  const pushgatewayUrl = requiredHttpUrl(env, 'PROBE_PUSHGATEWAY_URL');

  const job = readVar(env, 'PROBE_JOB') ?? DEFAULT_JOB;
  if (!/^[^/\s]+$/.test(job)) throw new ConfigError(`PROBE_JOB=${JSON.stringify(job)} must be one path segment (no "/" or spaces)`);

  const authHeader = readVar(env, 'PROBE_AUTH_HEADER') ?? 'X-authentik-username';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(authHeader)) {
    throw new ConfigError(`PROBE_AUTH_HEADER=${JSON.stringify(authHeader)} is not an HTTP header name`);
  }
  const authUser = readVar(env, 'PROBE_AUTH_USER') ?? 'probe';
  if (!/^[\x20-\x7e]+$/.test(authUser)) {
    throw new ConfigError(`PROBE_AUTH_USER=${JSON.stringify(authUser)} must be printable ASCII`);
  }

  const timeoutSeconds = secondsVar(env, 'PROBE_TIMEOUT_SECONDS', 10);
  const deadlineSeconds = secondsVar(env, 'PROBE_DEADLINE_SECONDS', 60);
  if (timeoutSeconds > deadlineSeconds) {
    throw new ConfigError(`PROBE_TIMEOUT_SECONDS=${timeoutSeconds} is above PROBE_DEADLINE_SECONDS=${deadlineSeconds}; a request cannot outlast the run`);
  }

  const replicas = replicasVar(env);
  const routerInventory = flagVar(env, 'PROBE_ROUTER_INVENTORY');
  if (routerInventory && replicas.kind === 'off') {
    throw new ConfigError('PROBE_ROUTER_INVENTORY=1 needs PROBE_REPLICAS (the replicas whose Traefik API to ask)');
  }

  return {
    edgeUrl,
    originUrl,
    pushgatewayUrl,
    job,
    replicas,
    replicaPort: integerVar(env, 'PROBE_REPLICA_PORT', 8443, 1, 65535),
    samples: integerVar(env, 'PROBE_SAMPLES', 6, 1, 100),
    timeoutMs: timeoutSeconds * 1000,
    deadlineMs: deadlineSeconds * 1000,
    authHeader,
    authUser,
    insecureTls: flagVar(env, 'PROBE_INSECURE_TLS'),
    dnsServers: dnsServersVar(env),
    routerInventory,
    traefikApiPort: integerVar(env, 'PROBE_TRAEFIK_API_PORT', 8080, 1, 65535),
    mirrorEdgeUrl: readVar(env, 'PROBE_MIRROR_EDGE_URL') === undefined ? undefined : requiredHttpUrl(env, 'PROBE_MIRROR_EDGE_URL'),
  };
}

// ---------------------------------------------------------------------------------------------------
// Name resolution

/**
 * @typedef {object} Resolution
 * @property {(hostname: string) => Promise<string[]>} resolveAll  every address of a name ([] when it has none)
 * @property {import('node:net').LookupFunction | undefined} lookup  for requests; undefined = the system's
 * @property {() => void} cancel
 */

/**
 * Name resolution for the whole run: the system resolver, or a `dns.Resolver` bound to PROBE_DNS_SERVERS
 * for every lookup, requests included (so tests and split-horizon setups see the same answers).
 * @param {string[] | undefined} servers
 * @param {number} timeoutMs
 * @returns {Resolution}
 */
function createResolution(servers, timeoutMs) {
  if (servers === undefined) {
    return {
      resolveAll: async (hostname) => {
        try {
          const found = await dns.promises.lookup(hostname, { all: true });
          return found.map((entry) => entry.address);
        } catch (error) {
          if (isNoAddressError(error)) return [];
          throw error;
        }
      },
      lookup: undefined,
      cancel: () => {},
    };
  }
  const resolver = new dns.promises.Resolver({ timeout: Math.max(1, Math.round(timeoutMs)), tries: 1 });
  resolver.setServers(servers);
  /** @type {Map<string, Promise<string[]>>} */
  const cache = new Map();
  /** @param {string} hostname */
  const resolveAll = (hostname) => {
    const known = cache.get(hostname);
    if (known !== undefined) return known;
    const pending = Promise.all([resolver.resolve4(hostname).catch(noAddresses), resolver.resolve6(hostname).catch(noAddresses)]).then(
      ([v4, v6]) => [...v4, ...v6],
    );
    cache.set(hostname, pending);
    return pending;
  };
  /** @type {import('node:net').LookupFunction} */
  const lookup = (hostname, options, callback) => {
    resolveAll(hostname).then(
      (addresses) => {
        if (addresses.length === 0) {
          callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
        } else if (options.all) {
          callback(null, addresses.map((address) => ({ address, family: net.isIP(address) })));
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
 *
 * @typedef {object} Context
 * @property {number} timeoutMs
 * @property {AbortSignal} signal  aborted at the run deadline
 * @property {import('node:net').LookupFunction | undefined} lookup
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
      // WebSocket needs HTTP/1.1; offering only it keeps a CDN from choosing h2.
      options.ALPNProtocols = ['http/1.1'];
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
      response.on('data', (/** @type {Buffer} */ chunk) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          finish({ status, headers: response.headers, body: '', error: `body above ${MAX_BODY_BYTES} bytes` });
          return;
        }
        chunks.push(chunk);
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
  return crypto.createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
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
 * Healthy edge answer: the auth layer redirecting to the Authentik outpost. Anything else (404 from a
 * replica without the route, 5xx, 200 = auth bypassed, 101 = auth bypassed on /ws) is a failure.
 * @param {Answer} answer
 * @returns {Outcome}
 */
function judgeAuthRedirect(answer) {
  if (answer.status === 0) return { status: 0, healthy: false, reason: answer.error ?? 'no answer' };
  const location = answer.headers.location ?? '';
  const healthy = answer.status >= 300 && answer.status < 400 && location.includes(OUTPOST_PATH);
  return healthy
    ? { status: answer.status, healthy }
    : { status: answer.status, healthy, reason: `status ${answer.status}${location === '' ? '' : ' to another location'}, want a 3xx to ${OUTPOST_PATH}` };
}

/**
 * @param {Config} config
 * @param {Context} ctx
 * @param {string} [replica]  connect to this replica address instead of the edge
 */
async function edgeTokenSample(config, ctx, replica) {
  const url = below(config.edgeUrl, 'token?arg=probe');
  const answer = await exchange({ url, ...replicaTarget(config, replica) }, ctx);
  return judgeAuthRedirect(answer);
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
  return judgeAuthRedirect(answer);
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
  const answer = await exchange({ url, headers: { [config.authHeader]: config.authUser }, readBody: true }, ctx);
  if (answer.status !== 200) {
    return { status: answer.status, healthy: false, reason: answer.error ?? `status ${answer.status}, want 200` };
  }
  return hasTokenKey(answer.body)
    ? { status: 200, healthy: true }
    : { status: 200, healthy: false, reason: 'body is not JSON with a "token" key' };
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
  const answer = await exchange({ url, headers }, ctx);
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
 * Counts the routers of one replica's Traefik API, page after page.
 * @param {Config} config
 * @param {Context} ctx
 * @param {string} replica
 * @returns {Promise<{ routers: number } | { error: string }>}
 */
async function countRouters(config, ctx, replica) {
  const host = net.isIPv6(replica) ? `[${replica}]` : replica;
  let routers = 0;
  for (let page = 1; page <= MAX_ROUTER_PAGES; page += 1) {
    const url = new URL(`http://${host}:${config.traefikApiPort}/api/http/routers?page=${page}&per_page=${ROUTERS_PER_PAGE}`);
    const answer = await exchange({ url, headers: { Accept: 'application/json' }, readBody: true }, ctx);
    if (answer.status !== 200) return { error: answer.error ?? `page ${page}: status ${answer.status}` };
    let list;
    try {
      list = JSON.parse(answer.body);
    } catch {
      return { error: `page ${page}: body is not JSON` };
    }
    if (!Array.isArray(list)) return { error: `page ${page}: body is not a JSON array` };
    routers += list.length;
    // Traefik sets X-Next-Page to page+1 while more follow, and to 1 on the last page.
    const next = Number(answer.headers['x-next-page']);
    if (!(Number.isInteger(next) && next > page)) return { routers };
  }
  return { error: `more than ${MAX_ROUTER_PAGES} pages` };
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
 *
 * @typedef {object} Report
 * @property {(Outcome | undefined)[]} edgeToken
 * @property {(Outcome | undefined)[]} edgeWs
 * @property {(Outcome | undefined)[]} mirrorToken  [] when PROBE_MIRROR_EDGE_URL is off
 * @property {(Outcome | undefined)[]} mirrorWs
 * @property {(Outcome | undefined)[]} originToken
 * @property {(Outcome | undefined)[]} originWs
 * @property {boolean} replicasEnabled
 * @property {string[] | undefined} replicaAddresses  undefined until resolved
 * @property {string | undefined} replicasProblem
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
    replicasEnabled: config.replicas.kind !== 'off',
    replicaAddresses: undefined,
    replicasProblem: undefined,
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
  report.replicaAddresses = addresses;
  if (addresses.length === 0) {
    const name = config.replicas.kind === 'name' ? config.replicas.name : '';
    report.replicasProblem = `PROBE_REPLICAS: ${JSON.stringify(name)} resolved to no address`;
    return;
  }
  await Promise.all(
    addresses.map(async (address) => {
      /** @type {ReplicaReport} */
      const entry = { token: undefined, ws: undefined, routers: undefined, routersError: undefined };
      report.replicas.set(address, entry);
      const inventory = config.routerInventory ? countRouters(config, ctx, address) : undefined;
      entry.token = await edgeTokenSample(config, ctx, address);
      entry.ws = await edgeWsSample(config, ctx, address);
      const counted = await inventory;
      if (counted !== undefined) {
        if ('routers' in counted) entry.routers = counted.routers;
        else entry.routersError = counted.error;
      }
    }),
  );
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
  };
  const replicas = [...(report.replicaAddresses ?? [])].map((address) => {
    const entry = report.replicas.get(address);
    const healthy = entry?.token?.healthy === true && entry.ws?.healthy === true;
    return { address, entry, healthy };
  });
  /** The mirror's edge checks, apart from `checks`: their series carry a `host` label. */
  const mirrorChecks = report.mirrorToken.length === 0 ? {} : {
    [CHECK.edgeToken]: summarizeCheck(report.mirrorToken),
    [CHECK.edgeWs]: summarizeCheck(report.mirrorWs),
  };
  const checksHealthy = [...Object.values(checks), ...Object.values(mirrorChecks)].every((check) => check.failures === 0);
  const replicasHealthy = !report.replicasEnabled || (replicas.length > 0 && replicas.every((replica) => replica.healthy));
  return { checks, mirrorChecks, replicas, ok: checksHealthy && replicasHealthy };
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
    gauge(METRIC.checkSamples, [...checkNames.map((check) => /** @type {[Record<string, string>, number]} */ ([{ check }, checks[check].samples])), ...mirrorSeries('samples')]),
    gauge(METRIC.checkFailures, [...checkNames.map((check) => /** @type {[Record<string, string>, number]} */ ([{ check }, checks[check].failures])), ...mirrorSeries('failures')]),
  ];
  if (report.replicasEnabled) {
    families.push(gauge(METRIC.replicas, [[{}, summary.replicas.length]]));
    if (summary.replicas.length > 0) {
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
    ...(config.replicas.kind === 'off' ? [] : [`replicas=${summary.replicas.length}`]),
    `edge_failures=${edge}/${edgeSamples}`,
    ...Object.keys(summary.mirrorChecks).length === 0 ? [] : [`mirror_failures=${Object.values(summary.mirrorChecks).reduce((n, c) => n + c.failures, 0)}/${Object.values(summary.mirrorChecks).reduce((n, c) => n + c.samples, 0)}`],
    `origin_failures=${origin}/${originSamples}`,
    `duration=${durationSeconds.toFixed(3)}s`,
  ];
  process.stdout.write(`probe: ${fields.join(' ')}\n`);
  for (const { address, entry, healthy } of summary.replicas) {
    const routers = config.routerInventory ? [`routers=${entry?.routers ?? '?'}`] : [];
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
  for (const { address, entry } of summary.replicas) {
    for (const [check, outcome] of [[CHECK.edgeToken, entry?.token], [CHECK.edgeWs, entry?.ws]]) {
      const result = /** @type {Outcome | undefined} */ (outcome);
      if (result?.healthy !== true) process.stderr.write(`probe: replica ${address} ${check}: ${result?.reason ?? 'cut off by the run deadline'}\n`);
    }
    if (entry?.routersError !== undefined) process.stderr.write(`probe: replica ${address} router inventory: ${entry.routersError}\n`);
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
  const { username, password } = config.pushgatewayUrl;
  if (username !== '' || password !== '') {
    const credentials = `${decodeURIComponent(username)}:${decodeURIComponent(password)}`;
    headers.Authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  const answer = await exchange({ url: groupUrl(config, grouping), method: 'PUT', headers, body, readBody: true }, ctx);
  if (answer.status >= 200 && answer.status < 300) return undefined;
  const where = `PUT /metrics/job/${[config.job, ...grouping].join('/')}`;
  if (answer.status === 0) return `${where}: ${answer.error}`;
  return `${where}: status ${answer.status} ${answer.body.trim().slice(0, 200)}`;
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
  const resolution = createResolution(config.dnsServers, config.timeoutMs);
  const report = await runChecks(config, resolution);
  const durationSeconds = (performance.now() - started) / 1000;
  const summary = summarize(report);
  printReport(summary, config, durationSeconds);
  printProblems(summary, report);

  // The push gets a fresh signal: the deadline bounds the checks, the timeout bounds the push.
  /** @type {Context} */
  const pushCtx = { timeoutMs: config.timeoutMs, signal: new AbortController().signal, lookup: resolution.lookup, insecureTls: config.insecureTls };
  const pushes = [pushGroup(config, pushCtx, [], renderRunMetrics(summary, report, durationSeconds, config))];
  if (summary.ok) {
    const now = (Date.now() / 1000).toFixed(3);
    pushes.push(pushGroup(config, pushCtx, ['kind', SUCCESS_GROUP_KIND], `# TYPE ${METRIC.lastSuccessTimestamp} gauge\n${METRIC.lastSuccessTimestamp} ${now}\n`));
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
