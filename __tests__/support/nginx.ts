/**
 * Real nginx (Debian nginx-light) standing in for the Traefik replicas and for the edge (CDN) in front
 * of them. Each instance is its own nginx master with its own prefix directory, so one replica can be
 * restarted with a different routing table while the others keep serving.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acceptsTcp, ManagedProcess } from './processes';
import type { CertificateFiles } from './tls';

/** Traefik's answer when no router matches the request (its default 404 handler). */
export const NO_ROUTER_BODY = '404 page not found';
/** Where the emulated Authentik outpost sends unauthenticated requests. */
export const OUTPOST_START_PATH = '/outpost.goauthentik.io/start';
/** Traefik's default page size of /api/http/routers (pkg/api/criterion.go). */
const TRAEFIK_DEFAULT_PER_PAGE = 100;

/**
 * Directives every instance needs to run from a private directory, both as root (CI) and as a normal
 * user: pid, error log and temp paths under the prefix; `user root` only when root, because nginx's
 * default `nobody` workers could not read a root-owned 0700 temp directory.
 */
function preamble(dir: string): string {
  const userLine = process.getuid?.() === 0 ? 'user root;' : '';
  const temp = (name: string) => `${name}_temp_path ${join(dir, 'tmp', name)};`;
  return `
${userLine}
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 256; }
`.concat(`
http {
  access_log off;
  default_type text/plain;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
`);
}

function tlsLines(cert: CertificateFiles): string {
  return `ssl_certificate ${cert.certPath};
    ssl_certificate_key ${cert.keyPath};`;
}

/** One nginx master serving `config` (a whole nginx.conf) from `dir`, ready when `ports` accept. */
class NginxInstance {
  private process: ManagedProcess | undefined;

  constructor(
    private readonly name: string,
    private readonly dir: string,
  ) {}

  async start(config: string, listens: Array<[string, number]>): Promise<void> {
    mkdirSync(join(this.dir, 'tmp'), { recursive: true });
    const confPath = join(this.dir, 'nginx.conf');
    writeFileSync(confPath, config);
    this.process = ManagedProcess.start(this.name, 'nginx', ['-p', this.dir, '-e', join(this.dir, 'error.log'), '-c', confPath, '-g', 'daemon off;']);
    await this.process.waitUntilReady(`listening on ${listens.map(([h, p]) => `${h}:${p}`).join(', ')}`, 10_000, async () =>
      (await Promise.all(listens.map(([host, port]) => acceptsTcp(host, port)))).every(Boolean),
    );
  }

  async stop(): Promise<void> {
    await this.process?.stop();
    this.process = undefined;
  }
}

export interface ReplicaOptions {
  /** Loopback address of this "pod" (127.0.0.2, ...). */
  readonly address: string;
  /** Traefik's websecure entrypoint port (the same on every replica). */
  readonly port: number;
  /** Port of the emulated Traefik API (the `traefik` entrypoint). */
  readonly apiPort: number;
  /** The terminal's host name (the Ingress rule's host). */
  readonly host: string;
  readonly cert: CertificateFiles;
}

export interface ReplicaState {
  /** false = this replica came up without the router for the terminal host (the incident). */
  readonly terminalRoute: boolean;
  /** How many routers its API lists. */
  readonly routers: number;
  /**
   * Where the auth redirect leads when it is wrong: `host` = the outpost path on another host,
   * `query` = back to the terminal with the outpost path only in the query. Absent: the right place.
   */
  readonly wrongRedirect?: 'host' | 'query' | 'http' | 'port' | 'ftp' | 'javascript';
  /**
   * Exact paths of the terminal host with a router of their own (the route matrix): each answers as
   * given; any other path falls through to the terminal's gated catch-all.
   */
  readonly paths?: Readonly<Record<string, PathAnswer>>;
  /** Indexes of routers its API leaves out of the `routers` it lists (`router-<index>@kubernetes`): routers it lacks. */
  readonly withoutRouters?: readonly number[];
}

/**
 * How an exact path answers: `public` 200 from a backend without auth, `backend-404` a backend's own
 * 404 (an HTML page, longer than Traefik's), `not-routed` Traefik's own 404 (its router is missing while
 * a catch-all would gate it), `ungated` 200 without auth. A path not listed is gated by the catch-all.
 */
export type PathAnswer = 'public' | 'backend-404' | 'not-routed' | 'ungated';

/** A backend's 404 page: more than the 64 bytes the probe reads of a 404. */
export const BACKEND_NOT_FOUND_BODY = '<!doctype html><html><head><title>Not found</title></head><body>No such asset here.</body></html>';

function pathLocation(path: string, answer: PathAnswer): string {
  const body: Record<PathAnswer, string> = {
    public: 'return 200 "public asset\\n";',
    'backend-404': `return 404 '${BACKEND_NOT_FOUND_BODY}';`,
    'not-routed': `return 404 "${NO_ROUTER_BODY}\\n";`,
    ungated: 'return 200 "an answer without auth\\n";',
  };
  return `location = ${path} { ${body[answer]} }`;
}

/** The host a `wrongRedirect: 'host'` replica sends browsers to. */
export const FOREIGN_REDIRECT_HOST = 'evil.example.test';

/**
 * A Traefik replica: the terminal host's router behind an Authentik forwardAuth (auth_request to an
 * outpost that always says 401, turned into the outpost's redirect, as Traefik passes a non-2xx auth
 * answer to the client), a catch-all 404 like Traefik without a matching router, and the API's
 * paginated router list served from static pages.
 */
export class TraefikReplica {
  private readonly nginx: NginxInstance;
  private current: ReplicaState = { terminalRoute: true, routers: 0 };

  constructor(
    readonly options: ReplicaOptions,
    private readonly dir: string,
  ) {
    this.nginx = new NginxInstance(`nginx replica ${options.address}`, dir);
  }

  get state(): ReplicaState {
    return this.current;
  }

  async start(state: ReplicaState): Promise<void> {
    this.current = state;
    this.writeRouterPages(state.routers, state.withoutRouters);
    const { address, port, apiPort } = this.options;
    await this.nginx.start(this.config(state), [
      [address, port],
      [address, apiPort],
    ]);
  }

  /** Brings the replica back with another routing table, as a Traefik pod restart would. */
  async restart(state: ReplicaState): Promise<void> {
    await this.nginx.stop();
    await this.start(state);
  }

  stop(): Promise<void> {
    return this.nginx.stop();
  }

  /** `routers-<per_page>-<page>.json`, each holding Traefik-shaped router objects. */
  private writeRouterPages(routers: number, without: readonly number[] = []): number {
    const apiDir = join(this.dir, 'api');
    mkdirSync(apiDir, { recursive: true });
    const indexes = Array.from({ length: routers }, (_, i) => i).filter((i) => !without.includes(i));
    const pages = Math.max(1, Math.ceil(indexes.length / TRAEFIK_DEFAULT_PER_PAGE));
    for (let page = 1; page <= pages; page += 1) {
      const first = (page - 1) * TRAEFIK_DEFAULT_PER_PAGE;
      const list = indexes.slice(first, first + TRAEFIK_DEFAULT_PER_PAGE).map(routerObject);
      writeFileSync(join(apiDir, `routers-${TRAEFIK_DEFAULT_PER_PAGE}-${page}.json`), JSON.stringify(list));
    }
    return pages;
  }

  private config(state: ReplicaState): string {
    const { address, port, apiPort, host, cert } = this.options;
    const listed = state.routers - (state.withoutRouters ?? []).filter((i) => i < state.routers).length;
    const pages = Math.max(1, Math.ceil(listed / TRAEFIK_DEFAULT_PER_PAGE));
    // Traefik's X-Next-Page: page + 1 while more pages follow, 1 on the last page.
    const nextPages = Array.from({ length: pages - 1 }, (_, i) => `${i + 1} ${i + 2};`).join(' ');
    const terminalRouter = `
  server {
    listen ${address}:${port} ssl;
    server_name ${host};
    ${tlsLines(cert)}
    location / {
      auth_request /outpost.goauthentik.io/auth/traefik;
      error_page 401 = @outpost_redirect;
      root ${join(this.dir, 'www')};
    }
    location = /outpost.goauthentik.io/auth/traefik {
      internal;
      return 401;
    }
    location @outpost_redirect {
      ${redirectLine(state)}
    }
    ${Object.entries(state.paths ?? {})
      .map(([path, answer]) => pathLocation(path, answer))
      .join('\n    ')}
  }`;
    return `${preamble(this.dir)}
  map $arg_page $api_page { default $arg_page; "" 1; }
  map $arg_per_page $api_per_page { default $arg_per_page; "" ${TRAEFIK_DEFAULT_PER_PAGE}; }
  map $api_page $api_next_page { default 1; ${nextPages} }

  server {
    listen ${address}:${port} ssl default_server;
    server_name _;
    ${tlsLines(cert)}
    location / { return 404 "${NO_ROUTER_BODY}\\n"; }
  }
${state.terminalRoute ? terminalRouter : '  # the router for the terminal host is missing: every request to it gets the 404 above'}

  server {
    listen ${address}:${apiPort};
    location = /api/http/routers {
      default_type application/json;
      add_header X-Next-Page $api_next_page always;
      root ${join(this.dir, 'api')};
      try_files /routers-$api_per_page-$api_page.json =400;
    }
    location / { return 404 "${NO_ROUTER_BODY}\\n"; }
  }
}
`;
  }
}

function redirectLine(state: ReplicaState): string {
  switch (state.wrongRedirect) {
    case 'host':
      return `return 302 https://${FOREIGN_REDIRECT_HOST}${OUTPOST_START_PATH}?rd=$scheme://$http_host$request_uri;`;
    case 'query':
      return `return 302 https://$http_host/?next=${OUTPOST_START_PATH};`;
    case 'http': // a downgrade
      return `return 302 http://$http_host${OUTPOST_START_PATH};`;
    case 'port':
      return `return 302 https://$host:8443${OUTPOST_START_PATH};`;
    case 'ftp':
      return `return 302 ftp://$http_host${OUTPOST_START_PATH};`;
    case 'javascript':
      return `return 302 "javascript:${OUTPOST_START_PATH}";`;
    default:
      return `return 302 https://$http_host${OUTPOST_START_PATH}?rd=$scheme://$http_host$request_uri;`;
  }
}

function routerObject(index: number): Record<string, unknown> {
  return {
    entryPoints: ['websecure'],
    middlewares: ['traefik-authentik-forward-auth@kubernetescrd'],
    service: `svc-${index}`,
    rule: `Host(\`app-${index}.example.test\`)`,
    status: 'enabled',
    using: ['websecure'],
    name: `router-${index}@kubernetes`,
    provider: 'kubernetes',
  };
}

export interface EdgeOptions {
  readonly port: number;
  /** Where the replicas' TLS entrypoints are: this file's nginx replicas, or real Traefik processes. */
  readonly replicas: readonly { readonly address: string; readonly port: number }[];
  readonly cert: CertificateFiles;
  /** The address the edge listens on. @default "127.0.0.1" */
  readonly address?: string;
}

export interface EdgeState {
  readonly refuseUpgrades: boolean;
  /** The servers it balances over instead of `options.replicas`. */
  readonly upstreams?: EdgeOptions['replicas'];
  /**
   * Keep sending to a server that failed (nginx `max_fails=0`), as a balancer without passive health
   * checks does; by default nginx skips a server for 10 s after one failed connection.
   */
  readonly noPassiveHealthChecks?: boolean;
}

/**
 * The CDN/load balancer in front of the replicas: TLS on 127.0.0.1, round-robin over the replicas
 * (one worker, so the rotation is exact), TLS to them with SNI = the request's host, WebSocket
 * upgrade headers passed through, no retry on another replica.
 */
export class EdgeProxy {
  private readonly nginx: NginxInstance;

  constructor(
    readonly options: EdgeOptions,
    private readonly dir: string,
  ) {
    this.nginx = new NginxInstance('nginx edge', dir);
  }

  /** `refuseUpgrades`: the edge answers 400 to any WebSocket upgrade (WebSockets disabled at the CDN). */
  async start(state: EdgeState): Promise<void> {
    await this.nginx.start(this.config(state), [[this.options.address ?? '127.0.0.1', this.options.port]]);
  }

  async restart(options: EdgeState): Promise<void> {
    await this.nginx.stop();
    await this.start(options);
  }

  stop(): Promise<void> {
    return this.nginx.stop();
  }

  private config({ refuseUpgrades, upstreams = this.options.replicas, noPassiveHealthChecks }: EdgeState): string {
    const { port, cert } = this.options;
    const servers = upstreams.map((r) => `server ${r.address}:${r.port}${noPassiveHealthChecks ? ' max_fails=0' : ''};`).join(' ');
    return `${preamble(this.dir)}
  upstream traefik_replicas { ${servers} }
  map $http_upgrade $connection_upgrade { default upgrade; "" close; }

  server {
    listen ${this.options.address ?? '127.0.0.1'}:${port} ssl;
    server_name _;
    ${tlsLines(cert)}
    location / {
      ${refuseUpgrades ? 'if ($http_upgrade) { return 400 "websocket upgrades are disabled\\n"; }' : ''}
      proxy_pass https://traefik_replicas;
      proxy_http_version 1.1;
      proxy_ssl_server_name on;
      proxy_ssl_name $host;
      proxy_set_header Host $http_host;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_next_upstream off;
      proxy_connect_timeout 2s;
      proxy_read_timeout 5s;
    }
  }
}
`;
  }
}

/**
 * nginx with HTTP basic auth in front of the Pushgateway, as an ingress with auth would be. The user
 * file uses nginx's `{PLAIN}` scheme, so any password (with `/`, `#`, `?`, `@`, `%`) can be planted.
 */
export class BasicAuthProxy {
  private readonly nginx: NginxInstance;

  constructor(
    readonly port: number,
    private readonly upstreamPort: number,
    private readonly dir: string,
  ) {
    this.nginx = new NginxInstance('nginx basic-auth proxy', dir);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(username: string, password: string): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const users = join(this.dir, 'htpasswd');
    writeFileSync(users, `${username}:{PLAIN}${password}\n`);
    const config = `${preamble(this.dir)}
  server {
    listen 127.0.0.1:${this.port};
    location / {
      auth_basic "pushgateway";
      auth_basic_user_file ${users};
      proxy_pass http://127.0.0.1:${this.upstreamPort};
    }
  }
}
`;
    await this.nginx.start(config, [['127.0.0.1', this.port]]);
  }

  stop(): Promise<void> {
    return this.nginx.stop();
  }
}
