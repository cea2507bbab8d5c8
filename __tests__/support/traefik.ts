/**
 * Real Traefik (built by tools/build.sh) as one replica of the cluster's ingress controller: the Helm
 * chart's entrypoints (`websecure` with TLS, `traefik` with `/ping` and, as the router inventory needs,
 * the API), reading the run's API server with the `kubernetesIngress` and `kubernetesCRD` providers as
 * a ServiceAccount bound to Traefik's own ClusterRole — never as the cluster's administrator.
 *
 * Cluster DNS for the names Traefik itself resolves (an ExternalName Service's target): each process
 * runs in a mount namespace of its own (`unshare -m`) with a hosts file bind-mounted over /etc/hosts,
 * which Go's resolver reads first — the mechanism `ip netns exec` uses for /etc/netns/<name>/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import type { KubeClient } from './kube-client';
import { acceptsTcp, ManagedProcess, waitFor } from './processes';
import { tools } from './tools';

export type TraefikProvider = 'kubernetesIngress' | 'kubernetesCRD';

export interface TraefikOptions {
  /** A lab address (lab-network.ts): this replica's "pod IP". */
  readonly address: string;
  readonly websecurePort: number;
  readonly apiPort: number;
  /** Both by default; the incident's replica came up with the CRD provider only. */
  readonly providers?: readonly TraefikProvider[];
  /** The namespaces the providers watch (a test's own, plus `traefik`). */
  readonly namespaces: readonly string[];
  readonly server: string;
  readonly caPath: string;
  readonly token: string;
  /**
   * The CRD provider's `allowCrossNamespace`, which the README no longer asks for: the stack's own
   * objects need it only for an existing forward-auth Middleware in another namespace.
   * @default true
   */
  readonly allowCrossNamespace?: boolean;
  /** Extra static flags, e.g. `--entrypoints.websecure.http.encodedCharacters.allowEncodedSlash=false`. */
  readonly flags?: readonly string[];
  /** Names this replica resolves, as cluster DNS would answer them (`ak-outpost.authentik.svc.cluster.local`). */
  readonly hosts?: Readonly<Record<string, string>>;
  /** A folder of this replica's own (its hosts file). */
  readonly dir: string;
}

/** The ServiceAccount Traefik runs as, bound to its ClusterRole (installed with the cluster). */
export async function traefikToken(admin: KubeClient): Promise<string> {
  await admin.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'traefik', namespace: 'traefik' } });
  await admin.apply({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'traefik-ingress-controller' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'traefik-ingress-controller' },
    subjects: [{ kind: 'ServiceAccount', name: 'traefik', namespace: 'traefik' }],
  });
  return serviceAccountToken(admin, 'traefik', 'traefik');
}

/** What every replica of a routing suite shares: its connection to the API server and what it resolves. */
export type SharedReplicaOptions = Pick<TraefikOptions, 'namespaces' | 'server' | 'caPath' | 'token' | 'hosts' | 'allowCrossNamespace'>;

/**
 * The shared part of a routing suite's replicas: the run's API server, Traefik's own ServiceAccount
 * token, the namespaces watched, Authentik's outpost Service resolved at the stand-in's address as
 * cluster DNS would answer both its names, and `allowCrossNamespace` off (the stack needs it for
 * nothing it makes).
 */
export async function sharedReplicaOptions(
  admin: KubeClient,
  apiServer: { readonly server: string; readonly caPath: string },
  namespaces: readonly string[],
  outpost: { readonly namespace: string; readonly name: string },
  outpostAddress: string,
): Promise<SharedReplicaOptions> {
  const service = `${outpost.name}.${outpost.namespace}.svc`;
  return {
    namespaces,
    server: apiServer.server,
    caPath: apiServer.caPath,
    token: await traefikToken(admin),
    hosts: { [`${service}.cluster.local`]: outpostAddress, [service]: outpostAddress },
    allowCrossNamespace: false,
  };
}

/** A bound token of a ServiceAccount (TokenRequest), as a projected volume would give a pod. */
export async function serviceAccountToken(admin: KubeClient, namespace: string, name: string): Promise<string> {
  const path = `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`;
  const response = await admin.call<{ status: { token: string } }>('POST', path, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 7200 },
  });
  return response.body.status.token;
}

export class TraefikReplica {
  private process: ManagedProcess | undefined;

  constructor(readonly options: TraefikOptions) {}

  get version(): string {
    return tools().traefik.version;
  }

  get apiUrl(): string {
    return `http://${this.options.address}:${this.options.apiPort}`;
  }

  async start(): Promise<void> {
    const o = this.options;
    const providers = o.providers ?? ['kubernetesIngress', 'kubernetesCRD'];
    const provider = (name: string) => [
      `--providers.${name}.endpoint=${o.server}`,
      `--providers.${name}.token=${o.token}`,
      `--providers.${name}.certAuthFilePath=${o.caPath}`,
      `--providers.${name}.namespaces=${o.namespaces.join(',')}`,
    ];
    const args = [
      `--entryPoints.websecure.address=${o.address}:${o.websecurePort}`,
      '--entryPoints.websecure.http.tls=true',
      `--entryPoints.traefik.address=${o.address}:${o.apiPort}`,
      '--ping=true',
      '--api.insecure=true',
      '--log.level=WARN',
      ...providers.flatMap((p) => provider(p.toLowerCase())),
      ...(providers.includes('kubernetesCRD') && (o.allowCrossNamespace ?? true) ? ['--providers.kubernetescrd.allowCrossNamespace=true'] : []),
      ...(o.flags ?? []),
    ];
    mkdirSync(o.dir, { recursive: true });
    const hostsFile = join(o.dir, 'hosts');
    const names = Object.entries(o.hosts ?? {}).map(([name, ip]) => `${ip} ${name}`);
    writeFileSync(hostsFile, ['127.0.0.1 localhost', ...names, ''].join('\n'));
    // exec keeps Traefik the process ManagedProcess signals; the bind mount lives and dies with its namespace.
    const script = 'mount --bind "$0" /etc/hosts && exec "$@"';
    this.process = ManagedProcess.start(`traefik ${o.address}`, 'unshare', [
      '-m',
      '--propagation',
      'private',
      'sh',
      '-c',
      script,
      hostsFile,
      tools().traefik.path,
      ...args,
    ]);
    await this.process.waitUntilReady('/ping', 20_000, async () => {
      if (!(await acceptsTcp(o.address, o.apiPort))) return false;
      const res = await fetch(`${this.apiUrl}/ping`, { signal: AbortSignal.timeout(1000) });
      return res.status === 200;
    });
  }

  /** Waits until the API lists every router in `names` (Traefik's `<router>@<provider>` names). */
  async waitForRouters(names: readonly string[], timeoutMs = 20_000): Promise<void> {
    await waitFor(`routers ${names.join(', ')} on ${this.options.address}`, timeoutMs, async () => {
      const have = new Set((await this.routers()).map((r) => r.name));
      return names.every((n) => have.has(n));
    });
  }

  async routers(): Promise<{ name: string; provider: string; rule: string; service: string; status: string }[]> {
    const res = await fetch(`${this.apiUrl}/api/http/routers?per_page=1000`, { signal: AbortSignal.timeout(2000) });
    return (await res.json()) as { name: string; provider: string; rule: string; service: string; status: string }[];
  }

  get log(): string {
    return this.process?.log ?? '';
  }

  async stop(): Promise<void> {
    await this.process?.stop();
    this.process = undefined;
  }
}

export interface RoutedAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/**
 * One request to a replica's `websecure` entrypoint as a browser sends it through the edge: TLS with
 * the host's SNI, `Host` the host, the path exactly as given (encoded characters kept). With
 * `websocket`, an upgrade to ttyd's subprotocol; a 101 is reported and the socket closed at once.
 */
export function routedRequest(
  address: string,
  port: number,
  host: string,
  path: string,
  options: { readonly headers?: Record<string, string>; readonly websocket?: boolean } = {},
): Promise<RoutedAnswer> {
  const upgrade =
    options.websocket === true
      ? {
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
          'Sec-WebSocket-Protocol': 'tty',
        }
      : {};
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: address,
      port,
      path,
      servername: host,
      rejectUnauthorized: false,
      headers: { Host: host, ...upgrade, ...options.headers },
      timeout: 5000,
      agent: false,
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`${host}${path} via ${address} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
