// @ts-check
/**
 * The checks, as one table that the runner, the summary, the metrics and the printed lines all read.
 * Every check has one signature, `(config, target, ctx) => Promise<Outcome>`: one sample on a connection
 * of its own, never rejecting. A target is a host (the terminal's, or a second one such as the mirror,
 * whose series carry `host`), or one Traefik replica of the main host. Adding a check, or a host, is one
 * entry here (or in `targets`).
 */

import crypto from 'node:crypto';
import { CONTRACT } from './config.mjs';
import { below, exchange } from './exchange.mjs';

const CHECK = CONTRACT.check;
/** Where Authentik's outpost sends an unauthenticated browser; any redirect there means "auth is in place". */
const OUTPOST_PATH = CONTRACT.outpostPath;
/** RFC 6455 section 1.3. */
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * @typedef {import('./config.mjs').Config} Config
 * @typedef {import('./exchange.mjs').Context} Context
 * @typedef {import('./exchange.mjs').Answer} Answer
 *
 * @typedef {object} Outcome
 * @property {number} status  0 = no HTTP answer
 * @property {boolean} healthy
 * @property {string} [reason]  why it is not healthy
 * @property {string} [code]  a route row's failure: the `reason` label's value (contract routeReason)
 *
 * @typedef {object} Target
 * @property {string} name  '' for the terminal's host, 'mirror' for the mirror (a prefix of its printed lines)
 * @property {string} host  '' for the terminal's host, else the value of the `host` label
 * @property {URL} edgeUrl
 * @property {URL | undefined} originUrl
 * @property {string} [replica]  connect to this Traefik replica (on PROBE_REPLICA_PORT) instead of the edge
 *
 * @typedef {object} Check
 * @property {string} name  the `check` label
 * @property {'edge' | 'origin' | 'replica'} on  edge checks run PROBE_SAMPLES times on one sequential chain, origin checks
 *   once, together; replica checks (the routes) only on the Traefik replicas
 * @property {(config: Config, target: Target, ctx: Context) => Promise<Outcome>} sample
 * @property {(config: Config, target: Target) => boolean} [when]  whether it runs for a target (default: always)
 * @property {keyof typeof CONTRACT.metric} [statusMetric]  the status gauge of the terminal's host, named on the summary line by `field`
 * @property {string} [field]
 * @property {boolean} [perReplica]  also once on every Traefik replica
 * @property {number} [opensAt]  this status proves ttyd answers without its auth: ttyd_open=1
 * @property {import('./routes.mjs').Route} [route]  a row of the route matrix (routes.mjs): its own series, not replica_status
 */

/**
 * A healthy edge answer is the auth layer redirecting to the Authentik outpost, judged by meaning: a
 * 3xx whose Location, resolved against the request URL (WHATWG URL), has the edge's scheme, the edge
 * host and port (or PROBE_AUTHENTIK_HOST on the scheme's default port) and a path under the outpost's.
 * A substring match would take `https://evil.example/outpost.goauthentik.io/x` as healthy. Anything
 * else (404 from a replica without the route, 200 or 101 = auth bypassed, a redirect elsewhere) fails.
 * @param {Answer} answer
 * @param {URL} requestUrl
 * @param {URL} edgeUrl
 * @param {string | undefined} authentikHost
 * @returns {Outcome}
 */
export function judgeAuthRedirect(answer, requestUrl, edgeUrl, authentikHost) {
  const status = answer.status;
  /** @param {string} what */
  const fail = (what) => ({ status, healthy: false, reason: `status ${status}${what}, want a 3xx to ${OUTPOST_PATH} on ${want}` });
  const want = [edgeUrl.hostname, authentikHost].filter(Boolean).join(' or ');
  if (status === 0) return { status: 0, healthy: false, reason: answer.error ?? 'no answer' };
  if (status < 300 || status >= 400) return fail('');
  const location = answer.headers.location;
  if (location === undefined || location === '') return fail(' without Location');
  if (!URL.canParse(location, requestUrl.href)) return fail(' with a Location that is not a URL');
  const target = new URL(location, requestUrl);
  const onAuthentik = authentikHost !== undefined && target.hostname === authentikHost;
  if (target.protocol !== edgeUrl.protocol) return fail(` to scheme ${JSON.stringify(target.protocol)}`);
  if (target.hostname !== requestUrl.hostname && !onAuthentik) return fail(` to host ${JSON.stringify(target.hostname)}`);
  if (target.port !== (onAuthentik ? '' : edgeUrl.port)) return fail(` to port ${target.port === '' ? '(the default)' : target.port}`);
  if (!target.pathname.startsWith(OUTPOST_PATH)) return fail(` to path ${JSON.stringify(target.pathname.slice(0, 100))}`);
  return { status, healthy: true };
}

/**
 * The headers of a WebSocket opening handshake (RFC 6455 section 4.1) with ttyd's subprotocol, and
 * the Sec-WebSocket-Accept a server must answer with.
 * @param {URL} site
 */
function webSocket(site) {
  const key = crypto.randomBytes(16).toString('base64');
  const sha1 = crypto.createHash('sha1').update(key + WEBSOCKET_GUID);
  const accept = sha1.digest('base64');
  const headers = {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Key': key,
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Protocol': 'tty',
    Origin: site.origin,
  };
  return { headers, accept };
}

/**
 * A request to the target's edge (or, for a replica, to that replica with the edge's Host and SNI),
 * judged as an auth redirect.
 * @param {'token?arg=probe' | 'ws'} path
 * @returns {Check['sample']}
 */
const edgeSample = (path) => async (config, target, ctx) => {
  const url = below(target.edgeUrl, path);
  const headers = path === 'ws' ? webSocket(target.edgeUrl).headers : {};
  const replica = target.replica === undefined ? {} : { connectAddress: target.replica, connectPort: config.replicaPort };
  return judgeAuthRedirect(await exchange({ url, headers, ...replica }, ctx), url, target.edgeUrl, config.authentikHost);
};

/** @param {Answer} answer @param {number} want */
const unexpected = (answer, want) => ({ status: answer.status, healthy: false, reason: answer.error ?? `status ${answer.status}, want ${want}` });

/**
 * A request to the target's ttyd, with or without the auth header and the client certificate (with
 * mutual TLS; ttyd's CA is trusted either way); for `ws`, a WebSocket upgrade and the
 * Sec-WebSocket-Accept its answer must carry.
 * @param {Config} config
 * @param {Target} target
 * @param {Context} ctx
 * @param {'token' | 'ws'} path
 * @param {{ header: boolean, cert: boolean, readBody?: boolean }} presents
 */
async function askOrigin(config, target, ctx, path, { header, cert, readBody }) {
  const origin = /** @type {URL} */ (target.originUrl);
  const ws = path === 'ws' ? webSocket(origin) : undefined;
  const headers = { ...ws?.headers, ...(header ? { [config.authHeader]: config.authUser } : {}) };
  const tls = cert ? { clientTls: config.originTls } : { ca: config.originTls?.ca };
  return { answer: await exchange({ url: below(origin, path), headers, readBody, ...tls }, ctx), accept: ws?.accept };
}

/**
 * A boundary check: a request to the target's ttyd that must never get 200 (token) or 101 (upgrade),
 * made without the auth header or without the client certificate mutual TLS requires. That answer
 * means anyone who reaches ttyd gets a shell: ttyd_open=1.
 * @param {string} name
 * @param {'token' | 'ws'} path
 * @param {'header' | 'cert'} presents  what the request does present
 * @param {string} proof  what the forbidden answer means
 * @param {Check['when']} [when]
 * @returns {Check}
 */
function boundary(name, path, presents, proof, when) {
  const opensAt = path === 'ws' ? 101 : 200;
  /** @type {Check['sample']} */
  const sample = async (config, target, ctx) => {
    const { answer } = await askOrigin(config, target, ctx, path, { header: presents === 'header', cert: presents === 'cert' });
    return answer.status === opensAt ? { status: opensAt, healthy: false, reason: proof } : { status: answer.status, healthy: true };
  };
  return { name, on: 'origin', sample, when, opensAt };
}

/** @type {Check['sample']} */
async function originToken(config, target, ctx) {
  const { answer } = await askOrigin(config, target, ctx, 'token', { header: true, cert: true, readBody: true });
  if (answer.status !== 200) return unexpected(answer, 200);
  let parsed;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    // not JSON: unhealthy below
  }
  if (typeof parsed === 'object' && parsed !== null && Object.hasOwn(parsed, 'token')) return { status: 200, healthy: true };
  return { status: 200, healthy: false, reason: 'body is not JSON with a "token" key' };
}

/**
 * The upgrade with the auth header: 101, the right Sec-WebSocket-Accept, subprotocol tty. The socket is
 * destroyed at once (exchange does): no frame is ever sent, because ttyd spawns a shell on the first one.
 * @type {Check['sample']}
 */
async function originWs(config, target, ctx) {
  const { answer, accept } = await askOrigin(config, target, ctx, 'ws', { header: true, cert: true });
  if (answer.status !== 101) return unexpected(answer, 101);
  if (answer.headers['sec-websocket-accept'] !== accept) return { status: 101, healthy: false, reason: 'wrong Sec-WebSocket-Accept' };
  if (answer.headers['sec-websocket-protocol'] !== 'tty') return { status: 101, healthy: false, reason: 'subprotocol is not tty' };
  return { status: 101, healthy: true };
}

/** @param {Config} _config @param {Target} target */
const mainHost = (_config, target) => target.host === '';
/** @param {Config} config @param {Target} target */
const mutualTls = (config, target) => mainHost(config, target) && config.originTls !== undefined;

/** The fixed rows; the routes' rows (routes.mjs) join them for a run. @type {Check[]} */
export const CHECKS = [
  { name: CHECK.edgeToken, on: 'edge', sample: edgeSample('token?arg=probe'), statusMetric: 'tokenStatus', field: 'token', perReplica: true },
  { name: CHECK.edgeWs, on: 'edge', sample: edgeSample('ws'), statusMetric: 'wsStatus', field: 'ws', perReplica: true },
  { name: CHECK.originToken, on: 'origin', sample: originToken, when: mainHost, statusMetric: 'ttydStatus', field: 'ttyd' },
  { name: CHECK.originWs, on: 'origin', sample: originWs, when: mainHost, statusMetric: 'ttydWsStatus', field: 'ttyd_ws' },
  boundary(CHECK.originOpenToken, 'token', 'cert', 'GET /token without the auth header got 200: ttyd runs without header auth'),
  boundary(CHECK.originOpenWs, 'ws', 'cert', 'WebSocket upgrade without the auth header got 101: ttyd runs without header auth'),
  boundary(CHECK.originNoCert, 'token', 'header', 'GET /token without the client certificate got 200: ttyd no longer requires it', mutualTls),
];

/**
 * The hosts checked in a run: the terminal's, then the mirror's (after it on the same sequential
 * chain, so each host's samples still visit every replica behind a round-robin balancer).
 * @param {Config} config
 * @returns {Target[]}
 */
export function targets(config) {
  const main = { name: '', host: '', edgeUrl: config.edgeUrl, originUrl: config.originUrl };
  if (config.mirrorEdgeUrl === undefined) return [main];
  return [main, { name: 'mirror', host: config.mirrorEdgeUrl.hostname, edgeUrl: config.mirrorEdgeUrl, originUrl: config.mirrorOriginUrl }];
}

/**
 * Whether `check` runs on `target` (a host): an origin check needs the target's ttyd URL; a replica
 * check runs on the replicas only.
 * @param {Config} config
 * @param {Check} check
 * @param {Target} target
 */
export function applies(config, check, target) {
  if (check.on === 'replica') return false;
  return (check.on === 'edge' || target.originUrl !== undefined) && (check.when?.(config, target) ?? true);
}
