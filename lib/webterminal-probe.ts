import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { ConfigMapV1, CronJobV1, ServiceV1 } from './cdktf';
import { DEFAULT_PROBE_JOB } from './metrics';
import { CronSchedule, parseCron, shortestIntervalSeconds } from './schedule';
import { escapeTemplates } from './prometheus-rules';
import { Problems, checkDnsLabel, checkHttpUrl, checkInteger, checkLabels, checkPinnedImage, checkPort } from './validation';

/** File name of the probe script, in the ConfigMap and in the pod (`/probe/<file>`). */
export const PROBE_SCRIPT_FILE = 'probe-script.mjs';

/**
 * The probe script's bytes, read from beside this module: `lib/` in the source tree, `dist/lib/`
 * in the installed package (the build copies it there). The tests execute the same file.
 */
export function probeScriptSource(): string {
  return fs.readFileSync(path.join(__dirname, PROBE_SCRIPT_FILE), 'utf8');
}

/** Props of {@link WebterminalProbe}. */
export interface WebterminalProbeProps {
  /** Namespace of the CronJob and its ConfigMap. */
  readonly namespace: string;
  /** Public URL of the terminal, through the CDN (`https://terminal.example.com`). */
  readonly edgeUrl: string;
  /** In-cluster URL of the ttyd Service (`TtydService.url`). */
  readonly originUrl: string;
  /**
   * Public URL of a second host checked in the same run (the read-only mirror); its series carry
   * a `host` label.
   * @default - none
   */
  readonly mirrorEdgeUrl?: string;
  /**
   * Pushgateway base URL.
   * @default "http://prometheus-pushgateway.monitoring.svc.cluster.local:9091"
   */
  readonly pushgatewayUrl?: string;
  /**
   * Name of the CronJob and ConfigMap.
   * @default "webterminal-probe"
   */
  readonly name?: string;
  /**
   * Pushgateway job name; the alert rules must use the same.
   * @default DEFAULT_PROBE_JOB ("webterminal-probe")
   */
  readonly job?: string;
  /**
   * Cron schedule.
   * @default "*\/5 * * * *"
   */
  readonly schedule?: string;
  /**
   * Requests per edge check per run, each on a fresh connection. With N Traefik replicas behind a
   * round-robin balancer, N or more samples reach every replica.
   * @default 6
   */
  readonly samples?: number;
  /**
   * Time limit of one request (connect + answer), seconds.
   * @default 10
   */
  readonly timeoutSeconds?: number;
  /**
   * Time limit of the whole run of checks, seconds; then what is known is pushed. Must end (with
   * the push's own timeout) well before the next run.
   * @default 60
   */
  readonly deadlineSeconds?: number;
  /**
   * Headless Service name resolving to every Traefik replica, or a comma list of IPs, for the
   * per-replica checks.
   * @default - the replica Service's name when `createReplicaService` is set, else per-replica checks are off
   */
  readonly replicas?: string;
  /**
   * Traefik's TLS entrypoint port on the pods.
   * @default 8443
   */
  readonly replicaPort?: number;
  /**
   * Count each replica's routers from its Traefik API (what the parity alert reads on Traefik v3).
   * @default false
   */
  readonly routerInventory?: boolean;
  /**
   * Port of Traefik's API on the pods (the Helm chart's `traefik` entrypoint).
   * @default 8080
   */
  readonly traefikApiPort?: number;
  /**
   * Header ttyd trusts, and the user the probe claims on the in-cluster checks.
   * @default "X-authentik-username"
   */
  readonly authHeader?: string;
  /** @default "probe" */
  readonly authUser?: string;
  /**
   * Skip TLS certificate checks (the original did). Leave off where the certificate is public.
   * @default false
   */
  readonly insecureTls?: boolean;
  /**
   * Image: a stock Node.js alpine image, pinned. Nothing is installed at run time.
   * @default "node:20.18.1-alpine3.20"
   */
  readonly image?: string;
  /**
   * Non-root uid (the `node` user of the official image).
   * @default 1000
   */
  readonly runAsUser?: number;
  /**
   * Create a headless Service that resolves to every Traefik replica.
   * @default false
   */
  readonly createReplicaService?: boolean;
  /**
   * Name, namespace, selector of that Service; defaults fit the Traefik Helm chart.
   * @default "traefik-replicas"
   */
  readonly replicaServiceName?: string;
  /** @default "traefik" */
  readonly replicaServiceNamespace?: string;
  /** @default { "app.kubernetes.io/name": "traefik" } */
  readonly replicaServiceSelector?: Record<string, string>;
  /**
   * Labels on every object.
   * @default - `app.kubernetes.io/part-of: webterminal`, `app.kubernetes.io/component: probe`
   */
  readonly labels?: Record<string, string>;
}

/**
 * The probe: a CronJob running one zero-install Node.js script from a ConfigMap, which checks the
 * public path, the in-cluster ttyd and every Traefik replica, and pushes the results to a
 * Pushgateway. Its alert rules read its metrics: deploy them with it (Pushgateway never forgets a
 * retired probe's series).
 */
export class WebterminalProbe extends Construct {
  /** Object name. */
  public readonly name: string;
  /** Namespace. */
  public readonly namespace: string;
  /** Pushgateway job. */
  public readonly job: string;
  /** Cron schedule. */
  public readonly schedule: string;
  /** Shortest time between runs, seconds (the alert rules' notion of an interval). */
  public readonly intervalSeconds: number;
  /** Samples per edge check. */
  public readonly samples: number;
  /** Per-request timeout. */
  public readonly timeoutSeconds: number;
  /** Run deadline. */
  public readonly deadlineSeconds: number;
  /** Job deadline: above the run deadline plus the push's timeout, below the interval. */
  public readonly activeDeadlineSeconds: number;
  /** Whether the router inventory is on. */
  public readonly routerInventory: boolean;
  /** The replicas setting passed to the script ('' = off). */
  public readonly replicas: string;
  /** The environment the script runs with. */
  public readonly environment: Readonly<Record<string, string>>;
  /** sha256 of the script, annotated on the pod template. */
  public readonly scriptSha256: string;
  /** The CronJob. */
  public readonly resource: CronJobV1;
  /** The ConfigMap carrying the script. */
  public readonly configMap: ConfigMapV1;
  /** The headless replica Service, when created. */
  public readonly replicaService?: ServiceV1;

  constructor(scope: Construct, id: string, props: WebterminalProbeProps) {
    super(scope, id);
    this.name = props.name ?? 'webterminal-probe';
    this.namespace = props.namespace;
    this.job = props.job ?? DEFAULT_PROBE_JOB;
    this.schedule = props.schedule ?? '*/5 * * * *';
    this.samples = props.samples ?? 6;
    this.timeoutSeconds = props.timeoutSeconds ?? 10;
    this.deadlineSeconds = props.deadlineSeconds ?? 60;
    this.routerInventory = props.routerInventory ?? false;
    const pushgatewayUrl = props.pushgatewayUrl ?? 'http://prometheus-pushgateway.monitoring.svc.cluster.local:9091';
    const replicaPort = props.replicaPort ?? 8443;
    const apiPort = props.traefikApiPort ?? 8080;
    const createReplicaService = props.createReplicaService ?? false;
    const replicaServiceName = props.replicaServiceName ?? 'traefik-replicas';
    const replicaServiceNamespace = props.replicaServiceNamespace ?? 'traefik';
    const replicaServiceSelector = props.replicaServiceSelector ?? { 'app.kubernetes.io/name': 'traefik' };
    this.replicas = props.replicas ?? (createReplicaService ? `${replicaServiceName}.${replicaServiceNamespace}.svc.cluster.local` : '');
    const image = props.image ?? 'node:20.18.1-alpine3.20';
    const runAsUser = props.runAsUser ?? 1000;
    const labels = props.labels ?? { 'app.kubernetes.io/part-of': 'webterminal', 'app.kubernetes.io/component': 'probe' };

    const problems = new Problems('webterminal-probe');
    problems.add(checkDnsLabel('name', this.name));
    problems.add(checkDnsLabel('namespace', this.namespace));
    problems.add(checkHttpUrl('edgeUrl', props.edgeUrl));
    problems.add(checkHttpUrl('originUrl', props.originUrl));
    if (props.mirrorEdgeUrl !== undefined) problems.add(checkHttpUrl('mirrorEdgeUrl', props.mirrorEdgeUrl));
    problems.add(checkHttpUrl('pushgatewayUrl', pushgatewayUrl));
    problems.add(/^[A-Za-z0-9_.:-]+$/.test(this.job) ? undefined : `job ${JSON.stringify(this.job)} is not a Pushgateway job name (letters, digits, '_', '.', ':', '-')`);
    problems.add(checkInteger('samples', this.samples, 1, 100));
    problems.add(checkInteger('timeoutSeconds', this.timeoutSeconds, 1));
    problems.add(checkInteger('deadlineSeconds', this.deadlineSeconds, 1));
    problems.add(checkPort('replicaPort', replicaPort));
    problems.add(checkPort('traefikApiPort', apiPort));
    problems.add(checkPinnedImage('image', image));
    problems.add(checkInteger('runAsUser', runAsUser, 1));
    problems.add(checkLabels('labels', labels));
    if (this.routerInventory && this.replicas === '') problems.add('routerInventory needs replicas (or createReplicaService) to know where the Traefik APIs are');
    if (createReplicaService) {
      problems.add(checkDnsLabel('replicaServiceName', replicaServiceName));
      problems.add(checkDnsLabel('replicaServiceNamespace', replicaServiceNamespace));
      problems.add(checkLabels('replicaServiceSelector', replicaServiceSelector));
    }
    if (this.timeoutSeconds > this.deadlineSeconds) problems.add(`timeoutSeconds ${this.timeoutSeconds} is above deadlineSeconds ${this.deadlineSeconds}`);
    const parsed = parseCron('schedule', this.schedule);
    if (typeof parsed === 'string') problems.add(parsed);
    this.intervalSeconds = typeof parsed === 'string' ? 0 : shortestIntervalSeconds(parsed as CronSchedule);
    // Worst case a run lasts its deadline plus the push's timeout; the Job gets a margin above that
    // and must be over before the next run is due, or Forbid would skip it.
    const worstRun = this.deadlineSeconds + this.timeoutSeconds;
    this.activeDeadlineSeconds = worstRun + Math.min(30, Math.floor((this.intervalSeconds - worstRun) / 2));
    if (typeof parsed !== 'string' && worstRun + 2 > this.intervalSeconds) {
      problems.add(`deadlineSeconds ${this.deadlineSeconds} (plus timeoutSeconds ${this.timeoutSeconds} for the push) is not below the schedule's interval of ${this.intervalSeconds} s ("${this.schedule}")`);
    }
    problems.throwIfAny();

    this.environment = {
      PROBE_EDGE_URL: props.edgeUrl,
      PROBE_ORIGIN_URL: props.originUrl,
      PROBE_PUSHGATEWAY_URL: pushgatewayUrl,
      PROBE_JOB: this.job,
      PROBE_REPLICAS: this.replicas,
      PROBE_REPLICA_PORT: String(replicaPort),
      PROBE_SAMPLES: String(this.samples),
      PROBE_TIMEOUT_SECONDS: String(this.timeoutSeconds),
      PROBE_DEADLINE_SECONDS: String(this.deadlineSeconds),
      PROBE_AUTH_HEADER: props.authHeader ?? 'X-authentik-username',
      PROBE_AUTH_USER: props.authUser ?? 'probe',
      PROBE_INSECURE_TLS: props.insecureTls ? '1' : '0',
      PROBE_ROUTER_INVENTORY: this.routerInventory ? '1' : '0',
      PROBE_TRAEFIK_API_PORT: String(apiPort),
      ...(props.mirrorEdgeUrl !== undefined ? { PROBE_MIRROR_EDGE_URL: props.mirrorEdgeUrl } : {}),
    };

    const script = probeScriptSource();
    this.scriptSha256 = createHash('sha256').update(script).digest('hex');
    this.configMap = new ConfigMapV1(this, 'Script', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      // Escaped for Terraform, which would read the script's `${…}` as interpolation; the ConfigMap gets the bytes as written.
      data: { [PROBE_SCRIPT_FILE]: escapeTemplates(script) },
    });

    if (createReplicaService) {
      this.replicaService = new ServiceV1(this, 'Replicas', {
        metadata: { name: replicaServiceName, namespace: replicaServiceNamespace, labels },
        spec: {
          clusterIp: 'None',
          selector: replicaServiceSelector,
          port: [{ name: 'websecure', port: replicaPort, targetPort: String(replicaPort), protocol: 'TCP' }],
        },
      });
    }

    this.resource = new CronJobV1(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      spec: {
        schedule: this.schedule,
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: Math.min(60, Math.floor(this.intervalSeconds / 2)),
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels },
          spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: this.activeDeadlineSeconds,
            ttlSecondsAfterFinished: String(6 * 3600),
            template: {
              metadata: { labels, annotations: { 'webterminal.dev/probe-script-sha256': this.scriptSha256 } },
              spec: {
                restartPolicy: 'Never',
                automountServiceAccountToken: false,
                enableServiceLinks: false,
                securityContext: { runAsNonRoot: true, runAsUser: String(runAsUser), runAsGroup: String(runAsUser), seccompProfile: { type: 'RuntimeDefault' } },
                container: [
                  {
                    name: 'probe',
                    image,
                    command: ['node', `/probe/${PROBE_SCRIPT_FILE}`],
                    env: Object.entries(this.environment).map(([name, value]) => ({ name, value })),
                    // Measured peak RSS of a run: 52 MiB (healthy, 3 replicas, inventory on) and 52 MiB
                    // against a black hole; an empty node process is 40 MiB (bench/probe.ts, node 20).
                    // The request covers the peak; the limit leaves room for musl and slow networks.
                    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
                    securityContext: {
                      readOnlyRootFilesystem: true,
                      allowPrivilegeEscalation: false,
                      privileged: false,
                      capabilities: { drop: ['ALL'] },
                    },
                    volumeMount: [{ name: 'script', mountPath: '/probe', readOnly: true }],
                  },
                ],
                volume: [{ name: 'script', configMap: { name: this.configMap.metadata.name, defaultMode: '0444' } }],
              },
            },
          },
        },
      },
    });
  }
}
