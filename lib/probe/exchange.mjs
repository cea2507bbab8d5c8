// @ts-check
/**
 * One HTTP exchange: a request on a connection of its own, bounded by the request timeout and the run
 * deadline, that never rejects. Every call the probe makes (checks, inventory, push, API server) is one.
 */

import { Buffer } from 'node:buffer';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

const USER_AGENT = 'webterminal-probe/1';
/** Bodies are read only where needed (ttyd's token, Traefik's router list, a push's error) and never beyond this. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

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
 * @property {boolean | ((status: number) => boolean)} [readBody]  or only for the statuses this says (a route's 404)
 * @property {number} [maxBodyBytes]  default MAX_BODY_BYTES
 * @property {import('./config.mjs').TlsFiles} [clientTls]  client certificate to present (mutual TLS to ttyd)
 * @property {(bytes: number) => string | undefined} [take]  asked before each body chunk is kept; a refusal ends the exchange
 * @property {(chunk: Buffer) => void} [sink]  receives the body chunk by chunk instead of keeping it (body stays '')
 * @property {string | Buffer} [ca]  trust only this CA (PEM) instead of the system's
 *
 * @typedef {object} Context
 * @property {number} timeoutMs
 * @property {AbortSignal} signal  aborted at the run deadline
 * @property {import('node:net').LookupFunction} lookup
 * @property {boolean} insecureTls
 */

/** TLS contexts by what they hold ('' = the system's CAs). @type {Map<unknown, tls.SecureContext>} */
const contexts = new Map();

/**
 * One TLS context per set of certificates, shared by every connection of the run. A context made per
 * connection (what tls.connect does when given none) holds native memory until the GC collects it, which
 * with thousands of checks (every route on every replica) comes late: measured, some 100 MiB more at peak.
 * @param {import('./config.mjs').TlsFiles | undefined} clientTls
 * @param {string | Buffer | undefined} ca
 */
function secureContext(clientTls, ca) {
  const key = clientTls ?? ca ?? '';
  let context = contexts.get(key);
  if (context === undefined) {
    const trust = (clientTls?.ca ?? ca) === undefined ? {} : { ca: clientTls?.ca ?? ca };
    context = tls.createSecureContext({ ...trust, ...(clientTls === undefined ? {} : { cert: clientTls.cert, key: clientTls.key }) });
    contexts.set(key, context);
  }
  return context;
}

/**
 * One request on a connection of its own (agent: false), bounded by the request timeout and the run
 * deadline together. Never rejects: a missing answer is status 0 with a reason. A 101 answer's socket is
 * destroyed on the spot, so nothing is ever written after the handshake.
 * @param {Exchange} spec
 * @param {Context} ctx
 * @returns {Promise<Answer>}
 */
export function exchange(spec, ctx) {
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
    // URL hostnames keep IPv6 brackets; sockets and SNI want them off.
    const hostname = spec.url.hostname.replace(/^\[(.*)\]$/, '$1');
    // https.request hands its options on to tls.connect, which takes ALPNProtocols and a secure context; the types do not say so.
    /** @type {https.RequestOptions & { ALPNProtocols?: string[], secureContext?: import('node:tls').SecureContext }} */
    const options = {
      host: spec.connectAddress ?? hostname,
      port: spec.connectPort ?? Number(spec.url.port || (secure ? 443 : 80)),
      method: spec.method ?? 'GET',
      path: spec.url.pathname + spec.url.search,
      // Host carries the port when the URL has one: Traefik's Host() matches that too.
      headers: { Host: spec.url.host, 'User-Agent': USER_AGENT, ...spec.headers },
      agent: false,
      lookup: ctx.lookup,
      // The TLS options below are for https (http.request ignores them).
      // SNI must be a name; for an IP host there is none to send.
      ...(net.isIP(hostname) === 0 ? { servername: hostname } : {}),
      rejectUnauthorized: !ctx.insecureTls,
      // WebSocket needs HTTP/1.1; offering only it keeps a CDN from choosing h2.
      ALPNProtocols: ['http/1.1'],
      // One TLS context per set of certificates, shared by every request of the run (memory at 1,000 replicas).
      secureContext: secureContext(spec.clientTls, spec.ca),
    };
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
      const read = typeof spec.readBody === 'function' ? spec.readBody(status) : spec.readBody;
      if (!read) return finish({ status, headers: response.headers, body: '' });
      /** @type {Buffer[]} */
      const chunks = [];
      let size = 0;
      const limit = spec.maxBodyBytes ?? MAX_BODY_BYTES;
      response.on('data', (/** @type {Buffer} */ chunk) => {
        if (settled) return;
        size += chunk.length;
        const refusal = size > limit ? `body above ${limit} bytes` : spec.take?.(chunk.length);
        if (refusal !== undefined) return finish({ status, headers: response.headers, body: '', error: refusal });
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
export function describeError(error) {
  if (!(error instanceof Error)) return String(error);
  const code = /** @type {{ code?: unknown }} */ (error).code;
  return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}

/**
 * A URL below the base URL's path, so an edge published under a path prefix works too.
 * @param {URL} base
 * @param {string} relative
 */
export function below(base, relative) {
  // The origin and path only: no userinfo, query or fragment; `origin + path` keeps a path starting `//` a path.
  return new URL(relative, `${base.origin}${base.pathname.replace(/\/?$/, '/')}`);
}
