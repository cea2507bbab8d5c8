/**
 * The real Pushgateway and dnsmasq, started on loopback with free ports.
 */
import { Resolver } from 'node:dns/promises';
import http from 'node:http';
import { ManagedProcess } from './processes';

/** One sample as the Pushgateway's API returns it. */
export interface PushedSample {
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** One group (job + grouping labels) and the metric families in it. */
export interface PushedGroup {
  readonly labels: Record<string, string>;
  readonly metrics: Map<string, PushedSample[]>;
}

interface ApiFamily {
  metrics: Array<{ labels: Record<string, string>; value: string }>;
}

/** GET `url` on loopback; the whole answer as text, bounded by `timeoutMs`. */
export function getText(url: string, timeoutMs = 3000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url}: timeout after ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

/**
 * `prometheus-pushgateway` 1.5.1, in memory only: `--persistence.file=` empty, because Debian's
 * packaging persists to /var/lib/prometheus/pushgateway.data and runs must not share state.
 */
export class Pushgateway {
  private process: ManagedProcess | undefined;

  constructor(
    readonly port: number,
    readonly host = '127.0.0.1',
  ) {}

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  async start(): Promise<void> {
    this.process = ManagedProcess.start('prometheus-pushgateway', 'prometheus-pushgateway', [
      `--web.listen-address=${this.host}:${this.port}`,
      '--persistence.file=',
      '--log.level=warn',
    ]);
    await this.process.waitUntilReady('/-/ready', 10_000, async () => (await getText(`${this.url}/-/ready`, 500)).status === 200);
  }

  stop(): Promise<void> {
    return this.process?.stop() ?? Promise.resolve();
  }

  /** Every group pushed so far, read back from `/api/v1/metrics`. */
  async groups(): Promise<PushedGroup[]> {
    const { status, body } = await getText(`${this.url}/api/v1/metrics`);
    if (status !== 200) throw new Error(`pushgateway /api/v1/metrics: status ${status}`);
    const parsed = JSON.parse(body) as { data: Array<Record<string, unknown>> };
    return parsed.data.map((entry) => {
      const metrics = new Map<string, PushedSample[]>();
      for (const [name, family] of Object.entries(entry)) {
        if (name === 'labels' || name === 'last_push_successful') continue;
        metrics.set(
          name,
          (family as ApiFamily).metrics.map((sample) => ({ labels: sample.labels, value: Number(sample.value) })),
        );
      }
      return { labels: entry.labels as Record<string, string>, metrics };
    });
  }

  /** The group whose grouping labels are exactly `labels`, if pushed. */
  async group(labels: Record<string, string>): Promise<PushedGroup | undefined> {
    const wanted = JSON.stringify(Object.entries(labels).sort());
    return (await this.groups()).find((group) => JSON.stringify(Object.entries(group.labels).sort()) === wanted);
  }
}

export interface HostRecord {
  readonly name: string;
  readonly addresses: string[];
}

/**
 * `dnsmasq` answering only its own host records, on 127.0.0.1:<port>. `--local=/test/` makes unknown
 * names under `.test` NXDOMAIN instead of an unanswered forward (there are no upstream servers).
 */
export class Dnsmasq {
  private process: ManagedProcess | undefined;

  constructor(
    readonly port: number,
    private readonly records: HostRecord[],
    private readonly pidFile: string,
  ) {}

  /** The value for PROBE_DNS_SERVERS. */
  get server(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const hostRecords = this.records.flatMap(({ name, addresses }) => addresses.map((address) => `--host-record=${name},${address}`));
    this.process = ManagedProcess.start('dnsmasq', 'dnsmasq', [
      '--no-daemon',
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      `--port=${this.port}`,
      '--no-resolv',
      '--no-hosts',
      '--local=/test/',
      '--local=/cluster.local/',
      `--pid-file=${this.pidFile}`,
      '--log-facility=-',
      ...hostRecords,
    ]);
    const first = this.records[0];
    await this.process.waitUntilReady(`an answer for ${first.name}`, 10_000, async () => {
      const resolver = new Resolver({ timeout: 200, tries: 1 });
      resolver.setServers([this.server]);
      return (await resolver.resolve4(first.name)).length === first.addresses.length;
    });
  }

  stop(): Promise<void> {
    return this.process?.stop() ?? Promise.resolve();
  }
}
