/**
 * The real Prometheus server (Debian `prometheus`, 2.x) on 127.0.0.1 with a free port and a private
 * TSDB, scraping the real Pushgateway and evaluating the rule files the library emits. Scrape and
 * evaluation run every second, so alerts whose `for` and windows are shortened (`fast-rules.ts`)
 * fire in seconds. Every wait is bounded; `stop()` ends the process and removes the temp folder.
 */
import { writeFileSync } from 'node:fs';
import { getText } from './daemons';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ManagedProcess, freePort, makeTempDir, requireBinaries, sleep, waitFor } from './processes';

/** Between two polls of the API: often enough for a 1 s evaluation interval, light on a shared 2-core machine. */
const POLL_MS = 200;

/** Scrape job name of the Pushgateway in the test Prometheus (what a real cluster's config calls it does not matter). */
export const PUSHGATEWAY_SCRAPE_JOB = 'pushgateway';
/** Scrape job name of Prometheus' own metrics: what the rules' restart guard selects by default (`job="prometheus"`). */
export const SELF_SCRAPE_JOB = 'prometheus';

export interface PrometheusOptions {
  /** Base URL of the Pushgateway to scrape (`http://127.0.0.1:9091`). */
  readonly pushgatewayUrl: string;
  /** Rule files (YAML text), written into the temp folder and loaded. */
  readonly ruleFiles: readonly string[];
  /**
   * `honor_labels` of the Pushgateway scrape. Prometheus' default is false, which renames the pushed
   * `job` to `exported_job` and puts the scrape job's name in `job`.
   * @default true
   */
  readonly honorLabels?: boolean;
  /**
   * Scrape and evaluation interval, a Prometheus duration.
   * @default "1s"
   */
  readonly interval?: string;
}

/** One alert as `/api/v1/alerts` lists it. */
export interface ActiveAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly state: 'pending' | 'firing';
  readonly activeAt: string;
  readonly value: string;
}

/** One series of an instant or range query. */
export interface QuerySeries {
  readonly metric: Record<string, string>;
  /** Instant queries: `[time, value]`. */
  readonly value?: [number, string];
  /** Range queries: `[[time, value], ...]`. */
  readonly values?: Array<[number, string]>;
}

interface ApiAnswer<T> {
  status: 'success' | 'error';
  data: T;
  errorType?: string;
  error?: string;
}

/** The Prometheus config the test server runs with: itself and the Pushgateway, nothing else. */
export function prometheusConfig(options: {
  port: number;
  pushgatewayUrl: string;
  ruleFiles: string[];
  honorLabels: boolean;
  interval: string;
}): string {
  const pushgateway = new URL(options.pushgatewayUrl);
  return stringify({
    global: { scrape_interval: options.interval, scrape_timeout: options.interval, evaluation_interval: options.interval },
    rule_files: options.ruleFiles,
    scrape_configs: [
      { job_name: SELF_SCRAPE_JOB, static_configs: [{ targets: [`127.0.0.1:${options.port}`] }] },
      {
        job_name: PUSHGATEWAY_SCRAPE_JOB,
        honor_labels: options.honorLabels,
        static_configs: [{ targets: [pushgateway.host] }],
      },
    ],
  });
}

export class Prometheus {
  private process: ManagedProcess | undefined;
  private readonly temp = makeTempDir('prometheus');

  private constructor(
    readonly port: number,
    private readonly options: PrometheusOptions,
  ) {}

  /** Starts a server and waits until both scrape targets are up, so a test's clock starts on a working pipeline. */
  static async start(options: PrometheusOptions): Promise<Prometheus> {
    requireBinaries('prometheus');
    const server = new Prometheus(await freePort(), options);
    try {
      await server.run();
      return server;
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The last output of the server, for failure messages. */
  get log(): string {
    return this.process?.log ?? '';
  }

  private async run(): Promise<void> {
    const ruleFiles = this.options.ruleFiles.map((text, i) => {
      const file = join(this.temp.path, `rules-${i}.yaml`);
      writeFileSync(file, text);
      return file;
    });
    const configFile = join(this.temp.path, 'prometheus.yml');
    writeFileSync(
      configFile,
      prometheusConfig({
        port: this.port,
        pushgatewayUrl: this.options.pushgatewayUrl,
        ruleFiles,
        honorLabels: this.options.honorLabels ?? true,
        interval: this.options.interval ?? '1s',
      }),
    );
    this.process = ManagedProcess.start('prometheus', 'prometheus', [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(this.temp.path, 'data')}`,
      `--web.listen-address=127.0.0.1:${this.port}`,
      '--log.level=warn',
    ]);
    await this.process.waitUntilReady('/-/ready', 20_000, async () => (await getText(`${this.url}/-/ready`, 500)).status === 200);
    await this.process.waitUntilReady('both scrape targets up', 20_000, async () => {
      const up = await this.query('up == 1');
      return [SELF_SCRAPE_JOB, PUSHGATEWAY_SCRAPE_JOB].every((job) => up.some((series) => series.metric.job === job));
    });
  }

  async stop(): Promise<void> {
    await this.process?.stop();
    this.temp.remove();
  }

  private async api<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    const url = new URL(path, this.url);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    const { status, body } = await getText(url.toString());
    const answer = JSON.parse(body) as ApiAnswer<T>;
    if (status !== 200 || answer.status !== 'success') {
      throw new Error(`prometheus ${path} ${JSON.stringify(params)}: status ${status}, ${answer.errorType ?? ''} ${answer.error ?? body}`);
    }
    return answer.data;
  }

  /** Instant query at the server's now; the vector's series (a scalar becomes one series without labels). */
  async query(expr: string): Promise<QuerySeries[]> {
    const data = await this.api<{ resultType: string; result: unknown }>('/api/v1/query', { query: expr });
    if (data.resultType === 'scalar' || data.resultType === 'string') return [{ metric: {}, value: data.result as [number, string] }];
    return data.result as QuerySeries[];
  }

  /** Range query from `startSeconds` to now at `stepSeconds`. */
  async queryRange(expr: string, startSeconds: number, stepSeconds: number): Promise<QuerySeries[]> {
    const data = await this.api<{ result: QuerySeries[] }>('/api/v1/query_range', {
      query: expr,
      start: String(startSeconds),
      end: String(Date.now() / 1000),
      step: String(stepSeconds),
    });
    return data.result;
  }

  /** Pending and firing alerts, from `/api/v1/alerts`. */
  async alerts(): Promise<ActiveAlert[]> {
    return (await this.api<{ alerts: ActiveAlert[] }>('/api/v1/alerts')).alerts;
  }

  /** The number of rules loaded (a rule file that failed to load would leave it short). */
  async ruleCount(): Promise<number> {
    const data = await this.api<{ groups: Array<{ rules: unknown[] }> }>('/api/v1/rules');
    return data.groups.reduce((sum, group) => sum + group.rules.length, 0);
  }

  /**
   * Polls `/api/v1/alerts` until `wanted` holds for the list, or fails after `timeoutMs` with the
   * last list seen and the server's log.
   */
  async waitForAlerts(what: string, timeoutMs: number, wanted: (alerts: ActiveAlert[]) => boolean): Promise<ActiveAlert[]> {
    let last: ActiveAlert[] = [];
    try {
      await waitFor(what, timeoutMs, async () => {
        last = await this.alerts();
        if (wanted(last)) return true;
        await sleep(POLL_MS);
        return false;
      });
    } catch (error) {
      throw new Error(
        `${(error as Error).message}\nlast alerts: ` + `${JSON.stringify(last.map((a) => ({ ...a.labels, state: a.state })))}\n${this.log}`,
        { cause: error },
      );
    }
    return last;
  }

  /** Polls an instant query until `wanted` holds for its result, bounded by `timeoutMs`. */
  async waitForQuery(expr: string, timeoutMs: number, wanted: (result: QuerySeries[]) => boolean): Promise<QuerySeries[]> {
    let last: QuerySeries[] = [];
    try {
      await waitFor(`${expr} to hold`, timeoutMs, async () => {
        last = await this.query(expr);
        if (wanted(last)) return true;
        await sleep(POLL_MS);
        return false;
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\nlast result: ${JSON.stringify(last)}\n${this.log}`, { cause: error });
    }
    return last;
  }
}
