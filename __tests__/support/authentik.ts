/**
 * Authentik's proxy outpost, standing in for the real one (not a Go module we may build, not in
 * Debian), with the contract Traefik's forwardAuth relies on (the reference; Authentik's proxy
 * provider docs):
 * - `GET /outpost.goauthentik.io/auth/traefik`: without the outpost's session cookie, a redirect (307,
 *   as current source sends; the original deployment saw 302) to
 *   `https://<X-Forwarded-Host>/outpost.goauthentik.io/start?rd=<the original URL>` (the provider's external
 *   host is an https URL), the original URL built from `X-Forwarded-Proto`/`-Host`/`-Uri` — real Traefik
 *   sends `X-Forwarded-Proto: wss` for a WebSocket upgrade over TLS; with the cookie, 200 and the
 *   `X-authentik-*` headers of the session;
 * - any other path under `/outpost.goauthentik.io/` (what the app host's outpost route sends here):
 *   200 `authentik outpost <path>`, so a test sees which backend answered;
 * - anything else: 404.
 * Every request is recorded with its path and headers.
 */
import http from 'node:http';
import { AUTHENTIK_RESPONSE_HEADERS } from '../../lib';
import type { KubeObject } from './kube-client';
import { LoopbackServer } from './servers';

export const OUTPOST_PREFIX = '/outpost.goauthentik.io/';
export const FORWARD_AUTH_PATH = '/outpost.goauthentik.io/auth/traefik';
export const SESSION_COOKIE = 'authentik_proxy_webterminal';
export const SESSION_VALUE = 'session-of-alice';
/** The headers of a signed-in session, as the outpost sends them to Traefik. */
export const SESSION_HEADERS: Record<string, string> = {
  'X-authentik-username': 'alice',
  'X-authentik-groups': 'terminal-users',
  'X-authentik-email': 'alice@example.test',
  'X-authentik-name': 'Alice',
  'X-authentik-uid': 'uid-alice',
};

export interface OutpostRequest {
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
}

export class AuthentikOutpost extends LoopbackServer {
  readonly requests: OutpostRequest[] = [];

  constructor(
    host: string,
    port: number,
    private readonly redirectStatus: 302 | 307 = 307,
  ) {
    super(http.createServer(), port, host);
    this.server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => this.handle(req, res));
  }

  /** The forwardAuth address a Middleware points at. */
  get authUrl(): string {
    return `http://${this.host}:${this.port}${FORWARD_AUTH_PATH}`;
  }

  /** The forward-auth Middleware a cluster has for this outpost, as Authentik's docs write it (`ref` names it). */
  middleware(ref: { readonly namespace: string; readonly name: string }): KubeObject {
    return {
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'Middleware',
      metadata: { ...ref },
      spec: { forwardAuth: { address: this.authUrl, trustForwardHeader: true, authResponseHeaders: [...AUTHENTIK_RESPONSE_HEADERS] } },
    };
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    this.requests.push({ path: req.url ?? '/', headers: req.headers });
    if (path === FORWARD_AUTH_PATH) {
      const cookies = (req.headers.cookie ?? '').split(/;\s*/);
      if (cookies.includes(`${SESSION_COOKIE}=${SESSION_VALUE}`)) {
        res.writeHead(200, SESSION_HEADERS).end();
        return;
      }
      const proto = String(req.headers['x-forwarded-proto'] ?? 'https');
      const host = String(req.headers['x-forwarded-host'] ?? '');
      const uri = String(req.headers['x-forwarded-uri'] ?? '/');
      const rd = encodeURIComponent(`${proto}://${host}${uri}`);
      res.writeHead(this.redirectStatus, { Location: `https://${host}${OUTPOST_PREFIX}start?rd=${rd}`, 'Content-Type': 'text/html' });
      res.end('<a href="">Temporary Redirect</a>');
      return;
    }
    if (path.startsWith(OUTPOST_PREFIX)) {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`authentik outpost ${path}`);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found');
  }
}

/** Where a test cluster has Authentik's outpost: its namespace and Service (what stacks route to). */
export interface OutpostService {
  readonly namespace: string;
  readonly name: string;
  readonly port: number;
}

/**
 * Authentik's outpost as a cluster has it before any stack: its Namespace, and a selectorless Service
 * with Endpoints at the stand-in's address.
 */
export async function applyOutpostService(
  admin: { apply(object: KubeObject): Promise<KubeObject> },
  outpost: OutpostService,
  address: string,
): Promise<void> {
  const metadata = { name: outpost.name, namespace: outpost.namespace };
  const ports = [{ name: 'http', port: outpost.port }];
  await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: outpost.namespace } });
  await admin.apply({ apiVersion: 'v1', kind: 'Service', metadata, spec: { ports } });
  await admin.apply({ apiVersion: 'v1', kind: 'Endpoints', metadata, subsets: [{ addresses: [{ ip: address }], ports }] });
}
