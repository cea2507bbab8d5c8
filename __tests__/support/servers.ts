/**
 * Small in-process servers for what is not packaged here: a ttyd stand-in and a black hole.
 */
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * A server on 127.0.0.1 (or a lab address of the cluster tier) whose `stop()` also ends open
 * connections (`close()` alone waits for them).
 */
export class LoopbackServer {
  private readonly sockets = new Set<net.Socket>();

  /** `port` 0: any free port, known once started (`port`). */
  constructor(
    protected readonly server: net.Server,
    private readonly requestedPort: number,
    readonly host = '127.0.0.1',
  ) {
    server.on('connection', (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /** The port listened on (the requested one until started). */
  get port(): number {
    const address = this.server.address();
    return address !== null && typeof address === 'object' ? address.port : this.requestedPort;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: this.host, port: this.requestedPort }, () => resolve());
    });
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * ttyd 1.7.7 as measured (started with `-H X-authentik-username`), reproduced for the probe:
 * - `GET /token` without the auth header: 407; with it: 200 `{"token": ""}`;
 * - `GET /` with the header: 200 html; without: 407;
 * - upgrade of `/ws` with subprotocol `tty` and the header: 101 with the correct accept and `tty`,
 *   then ttyd's first server messages; without the header: the connection is closed with no HTTP
 *   answer at all, about 10 ms after the request (measured);
 * - `openMode` = ttyd started without `-H`: every request and upgrade is served as if authenticated
 *   (the hole the probe's origin_open checks look for).
 * - the path is decoded and its dot segments resolved before it is routed, as libwebsockets does:
 *   `/outpost.goauthentik.io/..%2fws` is `/ws` to ttyd.
 * It records every request (path as sent, headers) and every byte a client sends after a handshake:
 * a WebSocket frame from the probe would be the first message on which real ttyd spawns a shell.
 */
export class TtydStandIn extends LoopbackServer {
  /** Every request and upgrade, as it arrived. */
  readonly requests: { readonly path: string; readonly headers: http.IncomingHttpHeaders }[] = [];
  /** Completed WebSocket handshakes. */
  handshakes = 0;
  /** Bytes clients sent after a completed handshake (any WebSocket frame). */
  bytesAfterHandshake = 0;
  /** When true, every upgrade is refused with 403, as a misconfigured ttyd/origin check would. */
  refuseUpgrades = false;
  /** When true, ttyd runs without header auth: no header needed for /token or the upgrade. */
  openMode = false;

  /** `tls`: serve https with these options (e.g. `requestCert` + `ca`: ttyd's `--ssl-ca`, mutual TLS). */
  constructor(
    port: number,
    readonly authHeader = 'X-authentik-username',
    tls?: https.ServerOptions,
    host?: string,
  ) {
    super(tls === undefined ? http.createServer() : https.createServer(tls), port, host);
    this.server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => this.answer(request, response));
    this.server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(request, socket, head));
  }

  private authenticated(request: http.IncomingMessage): boolean {
    return this.openMode || typeof request.headers[this.authHeader.toLowerCase()] === 'string';
  }

  private answer(request: http.IncomingMessage, response: http.ServerResponse): void {
    this.requests.push({ path: request.url ?? '/', headers: request.headers });
    const path = resolvedPath(request.url);
    if (path !== '/token' && path !== '/') {
      response.writeHead(404).end();
      return;
    }
    if (!this.authenticated(request)) {
      response.writeHead(407).end();
      return;
    }
    if (path === '/token') {
      response.writeHead(200, { 'Content-Type': 'application/json;charset=utf-8' }).end('{"token": ""}');
    } else {
      response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!DOCTYPE html><html><body>ttyd</body></html>');
    }
  }

  private upgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    this.requests.push({ path: request.url ?? '/', headers: request.headers });
    const path = resolvedPath(request.url);
    const protocols = String(request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    const key = request.headers['sec-websocket-key'];
    if (!this.authenticated(request)) {
      // Real ttyd (libwebsockets) drops the connection without writing an HTTP answer.
      setTimeout(() => socket.destroy(), 10);
      return;
    }
    if (
      this.refuseUpgrades ||
      path !== '/ws' ||
      !protocols.includes('tty') ||
      typeof key !== 'string' ||
      request.headers['sec-websocket-version'] !== '13'
    ) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const accept = createHash('sha1')
      .update(key + WEBSOCKET_GUID)
      .digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: tty\r\n\r\n`,
    );
    this.handshakes += 1;
    this.bytesAfterHandshake += head.length;
    socket.on('data', (chunk: Buffer) => {
      this.bytesAfterHandshake += chunk.length;
    });
    // ttyd sends its window title ('1' + title) right after the handshake, before any client message.
    const title = Buffer.from('1probe-host (ttyd)');
    socket.write(Buffer.concat([Buffer.from([0x81, title.length]), title]));
  }
}

/** A request path as libwebsockets routes it: percent-decoded, dot segments resolved. */
function resolvedPath(url: string | undefined): string {
  let raw = (url ?? '/').split('?')[0] ?? '/';
  try {
    raw = decodeURIComponent(raw);
  } catch {
    return raw;
  }
  return new URL(raw, 'http://ttyd').pathname;
}

/** Accepts TCP connections and never answers anything (not even a TLS handshake), never closes them. */
export class BlackHole extends LoopbackServer {
  constructor(port: number, host?: string) {
    super(net.createServer(), port, host);
  }
}

/** A UDP "name server" that reads every query and never answers: a black-holed DNS server. */
export class DnsBlackHole {
  private readonly socket = dgram.createSocket('udp4');
  /** Queries received. */
  queries = 0;

  constructor(readonly port: number) {
    this.socket.on('message', () => {
      this.queries += 1;
    });
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(this.port, '127.0.0.1', () => resolve());
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/**
 * A Traefik API gone wrong, on several loopback addresses at once (one per "replica"): every
 * `/api/http/routers` page is `pageBytes` of router objects and `X-Next-Page` never ends.
 */
export class EndlessRouterApi {
  private readonly servers: http.Server[];
  private readonly page: Buffer;
  /** Pages requested, over all addresses. */
  pagesRequested = 0;

  constructor(
    readonly addresses: string[],
    readonly port: number,
    pageBytes: number,
  ) {
    const router = JSON.stringify({ name: 'router-x@kubernetes', rule: 'Host(`x.example.test`)', service: 'svc', status: 'enabled' });
    const count = Math.max(1, Math.floor(pageBytes / (router.length + 1)));
    this.page = Buffer.from(`[${Array.from({ length: count }, () => router).join(',')}]`);
    this.servers = addresses.map(() =>
      http.createServer((request, response) => {
        this.pagesRequested += 1;
        const page = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('page') ?? '1');
        response.on('error', () => undefined);
        response.writeHead(200, { 'Content-Type': 'application/json', 'X-Next-Page': String(page + 1), 'Content-Length': this.page.length });
        response.end(this.page);
      }),
    );
  }

  async start(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (server, i) =>
          new Promise<void>((resolve, reject) => {
            server.once('error', reject);
            server.listen({ host: this.addresses[i], port: this.port }, () => resolve());
          }),
      ),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.servers.map((server) => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
  }
}

/** A backend that says who it is: 200 with its name, the path as it arrived and the request headers, as JSON. */
export class NamedBackend extends LoopbackServer {
  /** Every request, as it arrived. */
  readonly requests: { readonly path: string; readonly headers: http.IncomingHttpHeaders }[] = [];

  constructor(
    readonly name: string,
    port: number,
    host?: string,
  ) {
    super(http.createServer(), port, host);
    this.server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
      const seen = { path: request.url ?? '/', headers: request.headers };
      this.requests.push(seen);
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ backend: name, ...seen }));
    });
  }
}

/**
 * What kube-proxy does for one Service port, which this cluster lacks: connections to the Service's
 * address and port are piped to one endpoint. The probe's origin checks reach ttyd through it as a
 * pod reaches `http://<service>.<namespace>.svc.cluster.local`.
 */
export class ServiceProxy extends LoopbackServer {
  constructor(host: string, port: number, target: { readonly host: string; readonly port: number }) {
    super(
      net.createServer((client) => {
        const upstream = net.connect(target);
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
      }),
      port,
      host,
    );
  }
}
