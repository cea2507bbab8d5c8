/**
 * A small client of the real Kubernetes API for the cluster tier: client-certificate or bearer-token
 * authentication, resource paths from the API's own discovery, server-side apply, and the API's
 * `Warning` headers kept (the deprecations a user's `terraform apply` would print).
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';

export interface KubeCredentials {
  readonly server: string;
  readonly caPath: string;
  readonly certPath?: string;
  readonly keyPath?: string;
  readonly token?: string;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

export interface KubeResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly warnings: string[];
}

/** An API error with the server's Status message. */
export class KubeError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    what: string,
  ) {
    super(`${what}: ${status} ${String(body.message ?? JSON.stringify(body))}`);
  }
}

interface ApiResource {
  readonly name: string;
  readonly namespaced: boolean;
  readonly kind: string;
}

export class KubeClient {
  private readonly agent: https.Agent;
  private readonly discovered = new Map<string, Promise<ApiResource[]>>();
  /** Every warning the API sent, with the request it answered. */
  readonly warnings: string[] = [];

  constructor(readonly credentials: KubeCredentials) {
    this.agent = new https.Agent({
      ca: readFileSync(credentials.caPath),
      cert: credentials.certPath === undefined ? undefined : readFileSync(credentials.certPath),
      key: credentials.keyPath === undefined ? undefined : readFileSync(credentials.keyPath),
      keepAlive: true,
      maxSockets: 8,
    });
  }

  /** The same server and CA with a bearer token (a ServiceAccount's). */
  withToken(token: string): KubeClient {
    return new KubeClient({ server: this.credentials.server, caPath: this.credentials.caPath, token });
  }

  close(): void {
    this.agent.destroy();
  }

  request<T = Record<string, unknown>>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<KubeResponse<T>> {
    const url = new URL(path, this.credentials.server);
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (payload !== undefined) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = String(payload.length);
    }
    if (this.credentials.token !== undefined) headers.Authorization = `Bearer ${this.credentials.token}`;
    return new Promise((resolve, reject) => {
      const req = https.request(url, { method, headers, agent: this.agent, timeout: 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const warning = res.headers.warning;
          const warnings = (Array.isArray(warning) ? warning : warning === undefined ? [] : [warning]).map((w) => w.replace(/^299 - "?|"$/g, ''));
          for (const w of warnings) this.warnings.push(`${method} ${url.pathname}: ${w}`);
          let parsed: unknown;
          try {
            parsed = text === '' ? {} : JSON.parse(text);
          } catch {
            parsed = { message: text.slice(0, 300) };
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as T, warnings });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Like `request`, but a status of 400 or more is a KubeError. */
  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, contentType?: string): Promise<KubeResponse<T>> {
    const response = await this.request<T>(method, path, body, contentType);
    if (response.status >= 400) throw new KubeError(response.status, response.body as Record<string, unknown>, `${method} ${path}`);
    return response;
  }

  private resources(apiVersion: string): Promise<ApiResource[]> {
    let found = this.discovered.get(apiVersion);
    if (found === undefined) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      found = this.call<{ resources: ApiResource[] }>('GET', path).then((r) => r.body.resources.filter((res) => !res.name.includes('/')));
      found.catch(() => this.discovered.delete(apiVersion));
      this.discovered.set(apiVersion, found);
    }
    return found;
  }

  /** Forgets what discovery said (after a CRD is installed). */
  forgetDiscovery(): void {
    this.discovered.clear();
  }

  /** The REST path of a kind's collection, or of one object when `name` is given. */
  async pathOf(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string> {
    const resource = (await this.resources(apiVersion)).find((r) => r.kind === kind);
    if (resource === undefined) throw new Error(`the API serves no kind ${kind} in ${apiVersion}`);
    const root = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    if (resource.namespaced && namespace === undefined) throw new Error(`${kind} is namespaced: give a namespace`);
    const scope = resource.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? '')}` : '';
    return `${root}${scope}/${resource.name}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
  }

  private objectPath(object: KubeObject): Promise<string> {
    return this.pathOf(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name);
  }

  /** Server-side apply, as `kubectl apply --server-side --force-conflicts` does. */
  async apply(object: KubeObject, options: { fieldManager?: string; dryRun?: boolean } = {}): Promise<KubeObject> {
    const query = new URLSearchParams({ fieldManager: options.fieldManager ?? 'webterminal-tests', force: 'true' });
    if (options.dryRun === true) query.set('dryRun', 'All');
    const path = `${await this.objectPath(object)}?${query}`;
    return (await this.call<KubeObject>('PATCH', path, object, 'application/apply-patch+yaml')).body;
  }

  async get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    const response = await this.request<KubeObject>('GET', await this.pathOf(apiVersion, kind, namespace, name));
    if (response.status === 404) return undefined;
    if (response.status >= 400) throw new KubeError(response.status, response.body as unknown as Record<string, unknown>, `GET ${kind} ${name}`);
    return response.body;
  }

  async list(apiVersion: string, kind: string, namespace?: string, labelSelector?: string): Promise<KubeObject[]> {
    const query = labelSelector === undefined ? '' : `?${new URLSearchParams({ labelSelector })}`;
    const response = await this.call<{ items: KubeObject[] }>('GET', `${await this.pathOf(apiVersion, kind, namespace)}${query}`);
    return response.body.items;
  }

  /** Deletes an object; true when it existed. */
  async delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<boolean> {
    const response = await this.request('DELETE', await this.pathOf(apiVersion, kind, namespace, name));
    if (response.status === 404) return false;
    if (response.status >= 400) throw new KubeError(response.status, response.body, `DELETE ${kind} ${name}`);
    return true;
  }
}
