/**
 * A recording front for the run's real kube-apiserver: HTTPS on 127.0.0.1 with the API server's own
 * serving certificate (its names include 127.0.0.1, so a client trusting the cluster CA accepts it), every
 * request passed on unchanged to the API server, and the answer passed back unchanged. It records each
 * call (method, path, query, whether a bearer token came, the API server's status), so a test can say which
 * calls the probe made, and it can hold an answer back while the test changes the cluster (a race made on
 * purpose). Nothing is answered by the front itself.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { cluster } from './cluster';
import { LoopbackServer } from './servers';

export interface FrontCall {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly bearer: boolean;
  /** What the API server answered. */
  readonly status: number;
}

export class KubeFront extends LoopbackServer {
  readonly calls: FrontCall[] = [];
  /** Awaited after the API server answered a call and before the answer is passed back. */
  beforeAnswer: (call: FrontCall) => Promise<void> | void = () => undefined;
  private readonly agent: https.Agent;

  constructor() {
    const { folder, caPath } = cluster();
    const tls = { cert: readFileSync(join(folder, 'kube-apiserver.crt')), key: readFileSync(join(folder, 'kube-apiserver.key')) };
    super(https.createServer(tls), 0);
    this.agent = new https.Agent({ ca: readFileSync(caPath), keepAlive: false });
    this.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      this.pass(request, response).catch(() => response.destroy());
    });
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** The eviction calls, as `POST <path>`. */
  evictions(): string[] {
    return this.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/eviction')).map((c) => `${c.method} ${c.path}`);
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await super.stop();
  }

  private async pass(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', 'https://127.0.0.1');
    const upstream = new URL(request.url ?? '/', cluster().server);
    const headers = { ...request.headers, host: upstream.host };
    const answer = await new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
      const outgoing = https.request(upstream, { method: request.method, headers, agent: this.agent, timeout: 30_000 }, (res) => {
        const body: Buffer[] = [];
        res.on('data', (chunk: Buffer) => body.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(body) }));
        res.on('error', reject);
      });
      outgoing.on('timeout', () => outgoing.destroy(new Error('the API server did not answer')));
      outgoing.on('error', reject);
      outgoing.end(Buffer.concat(chunks));
    });
    const call: FrontCall = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      bearer: /^Bearer \S+$/.test(request.headers.authorization ?? ''),
      status: answer.status,
    };
    this.calls.push(call);
    await this.beforeAnswer(call);
    const { 'transfer-encoding': _chunked, connection: _connection, ...passed } = answer.headers;
    response.writeHead(answer.status, { ...passed, 'content-length': String(answer.body.length) }).end(answer.body);
  }
}
