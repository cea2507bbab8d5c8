/**
 * A Kubernetes API server stand-in for the probe's remediation, for the benchmark (bench/remediation.ts),
 * which runs without the test cluster; the tests use the real kube-apiserver (remediation.test.ts). It
 * reproduces the API reference for the calls the probe makes (core/v1 pods list, policy/v1 Eviction,
 * coordination.k8s.io/v1 Lease get and update):
 * - TLS with a certificate from its own CA (made with openssl), so the client must trust that CA;
 * - `Authorization: Bearer <token>` checked on every request: anything else is 401 with a `Status`;
 * - `GET /api/v1/namespaces/{ns}/pods?labelSelector=k=v,...&fieldSelector=status.podIP=<ip>`: a
 *   `PodList` of the pods in `ns` matching both (equality selectors, as the probe sends);
 * - `POST /api/v1/namespaces/{ns}/pods/{name}/eviction` with a policy/v1 `Eviction` body: the
 *   configured answer (201 `Status` Success as the API server sends, 429 "would violate the pod's
 *   disruption budget", 403 Forbidden, 404 NotFound), and on 201 the pod is handed to `onEvict`;
 * - `GET`/`PUT /apis/coordination.k8s.io/v1/namespaces/{ns}/leases/{name}`: the one `lease`, or 404; a PUT
 *   whose `metadata.resourceVersion` is not the stored one is 409 Conflict, else stored with a new one;
 * - anything else: 404 (unknown path) or 405 (a method the stand-in does not serve).
 * Every call is recorded (method, path, query, whether authorized), so a test can assert that no
 * DELETE was ever sent.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { LoopbackServer } from './servers';

export interface KubePod {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly podIP: string;
  /** RFC 3339, as `status.startTime`, and as `metadata.creationTimestamp` (made when it started). */
  readonly startTime: string;
}

export interface KubeLease {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; resourceVersion: string; annotations?: Record<string, string> };
}

export interface KubeCall {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly authorized: boolean;
  readonly body: string;
}

/** A CA and a server certificate it signed, for 127.0.0.1 and `kubernetes.default.svc`. */
export interface KubeTls {
  readonly caPath: string;
  readonly certPath: string;
  readonly keyPath: string;
}

export function makeKubeTls(dir: string): KubeTls {
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
  const caKey = join(dir, 'kube-ca.key');
  const caPath = join(dir, 'kube-ca.crt');
  const keyPath = join(dir, 'kube-apiserver.key');
  const csr = join(dir, 'kube-apiserver.csr');
  const certPath = join(dir, 'kube-apiserver.crt');
  const ext = join(dir, 'kube-apiserver.ext');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run(['req', '-x509', ...ec, '-days', '1', '-keyout', caKey, '-out', caPath, '-subj', '/CN=kubernetes-test-ca']);
  run(['req', '-new', ...ec, '-keyout', keyPath, '-out', csr, '-subj', '/CN=kube-apiserver']);
  execFileSync('sh', ['-c', `printf 'subjectAltName=IP:127.0.0.1,DNS:kubernetes.default.svc\\n' > '${ext}'`]);
  run(['x509', '-req', '-in', csr, '-CA', caPath, '-CAkey', caKey, '-CAcreateserial', '-days', '1', '-out', certPath, '-extfile', ext]);
  return { caPath, certPath, keyPath };
}

/** What the eviction endpoint answers. */
export type EvictionAnswer = 201 | 429 | 403 | 404;

/** A `metav1.Status` as the API server writes it (a success carries no message or reason). */
function status(code: number, reason: string, message: string): Record<string, unknown> {
  if (code < 300) return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code };
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

export class KubeApiStandIn extends LoopbackServer {
  readonly calls: KubeCall[] = [];
  pods: KubePod[] = [];
  evictionAnswer: EvictionAnswer = 201;
  /** The Lease remediation keeps its state in; undefined: there is none (404). */
  lease: KubeLease | undefined;
  /** Called after a 201 eviction, before the answer is sent (the test replaces the pod here). */
  onEvict: (pod: KubePod) => Promise<void> | void = () => undefined;

  constructor(
    private readonly tls: KubeTls,
    readonly token: string,
  ) {
    super(https.createServer({ cert: readFileSync(tls.certPath), key: readFileSync(tls.keyPath) }), 0);
    this.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      this.handle(request, response).catch((error: unknown) => this.send(response, 500, status(500, 'InternalError', String(error))));
    });
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get caPath(): string {
    return this.tls.caPath;
  }

  evictions(): KubeCall[] {
    return this.calls.filter((call) => call.method === 'POST' && call.path.endsWith('/eviction'));
  }

  private send(response: ServerResponse, code: number, body: unknown): void {
    const text = JSON.stringify(body);
    response.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'https://127.0.0.1');
    const authorized = request.headers.authorization === `Bearer ${this.token}`;
    const method = request.method ?? 'GET';
    this.calls.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), authorized, body });
    if (!authorized) {
      this.send(response, 401, status(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    const list = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(url.pathname);
    const evict = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/eviction$/.exec(url.pathname);
    const lease = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([^/]+)\/leases\/([^/]+)$/.exec(url.pathname);
    if (lease !== null) return this.leaseCall(response, method, decodeURIComponent(lease[1]), decodeURIComponent(lease[2]), body);
    if (list !== null) {
      if (method !== 'GET') return this.send(response, 405, status(405, 'MethodNotAllowed', `${method} is not served here`));
      return this.send(response, 200, this.podList(decodeURIComponent(list[1]), url.searchParams));
    }
    if (evict !== null) {
      if (method !== 'POST') return this.send(response, 405, status(405, 'MethodNotAllowed', `${method} is not served here`));
      return this.evict(response, decodeURIComponent(evict[1]), decodeURIComponent(evict[2]), body);
    }
    this.send(response, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
  }

  private podList(namespace: string, query: URLSearchParams): Record<string, unknown> {
    const labels = parseSelector(query.get('labelSelector') ?? '');
    const fields = parseSelector(query.get('fieldSelector') ?? '');
    const items = this.pods
      .filter((pod) => pod.namespace === namespace)
      .filter((pod) => Object.entries(labels).every(([key, value]) => pod.labels[key] === value))
      .filter((pod) => Object.entries(fields).every(([key, value]) => key === 'status.podIP' && pod.podIP === value))
      .map((pod) => ({
        metadata: { name: pod.name, namespace: pod.namespace, labels: pod.labels, uid: `uid-${pod.name}`, creationTimestamp: pod.startTime },
        spec: { containers: [{ name: 'traefik', image: 'traefik:v3.1' }] },
        status: {
          phase: 'Running',
          podIP: pod.podIP,
          podIPs: [{ ip: pod.podIP }],
          startTime: pod.startTime,
          conditions: [{ type: 'Ready', status: 'True' }],
        },
      }));
    return { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1000' }, items };
  }

  private leaseCall(response: ServerResponse, method: string, namespace: string, name: string, body: string): void {
    const stored = this.lease;
    if (stored === undefined || stored.metadata.namespace !== namespace || stored.metadata.name !== name) {
      return this.send(response, 404, status(404, 'NotFound', `leases.coordination.k8s.io "${name}" not found`));
    }
    if (method === 'GET') return this.send(response, 200, stored);
    if (method !== 'PUT') return this.send(response, 405, status(405, 'MethodNotAllowed', `${method} is not served here`));
    let written: KubeLease;
    try {
      written = JSON.parse(body) as KubeLease;
    } catch {
      return this.send(response, 400, status(400, 'BadRequest', 'body is not JSON'));
    }
    if (written.metadata?.resourceVersion !== stored.metadata.resourceVersion) {
      return this.send(response, 409, status(409, 'Conflict', 'the object has been modified; please apply your changes to the latest version'));
    }
    this.lease = { ...written, metadata: { ...written.metadata, resourceVersion: String(Number(stored.metadata.resourceVersion) + 1) } };
    this.send(response, 200, this.lease);
  }

  private async evict(response: ServerResponse, namespace: string, name: string, body: string): Promise<void> {
    let eviction: { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } };
    try {
      eviction = JSON.parse(body);
    } catch {
      return this.send(response, 400, status(400, 'BadRequest', 'body is not JSON'));
    }
    if (eviction.apiVersion !== 'policy/v1' || eviction.kind !== 'Eviction' || eviction.metadata?.name !== name) {
      return this.send(response, 400, status(400, 'BadRequest', 'name in URL does not match the Eviction body'));
    }
    const pod = this.pods.find((candidate) => candidate.namespace === namespace && candidate.name === name);
    if (pod === undefined || this.evictionAnswer === 404) {
      return this.send(response, 404, status(404, 'NotFound', `pods "${name}" not found`));
    }
    if (this.evictionAnswer === 429) {
      return this.send(response, 429, status(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget."));
    }
    if (this.evictionAnswer === 403) {
      return this.send(response, 403, status(403, 'Forbidden', `pods "${name}" is forbidden: cannot create resource "pods/eviction"`));
    }
    await this.onEvict(pod);
    this.send(response, 201, status(201, '', ''));
  }
}

/** `a=b,c=d` (equality requirements only, the form the probe sends). */
function parseSelector(text: string): Record<string, string> {
  if (text === '') return {};
  return Object.fromEntries(
    text.split(',').map((requirement) => {
      const [key, value] = requirement.split('=');
      return [key, value ?? ''];
    }),
  );
}
