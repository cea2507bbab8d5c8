import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { ConfigMapV1, CronJobV1, RoleBindingV1, RoleV1, ServiceAccountV1, ServiceV1 } from './private/cdktf';
import { DEFAULT_PROBE_JOB } from './metrics';
import { CronSchedule, parseCron, shortestIntervalSeconds, unsteadyReason } from './private/schedule';
import { TraefikLocation } from './traefik';
import { Problems, checkDnsLabel, checkDnsName, checkHostNameOrAddress, checkHttpUrl, checkInteger, checkPinnedImage, checkPort, redactUrl, checkMetadata } from './private/validation';
import { PROBE_SCRIPT_FILE, probeFiles } from './private/probe-files';
import { escapeTemplates } from './private/templates';
import { resolveTraefikLocation } from './private/traefik';

/** What the probe does about a Traefik replica that lost the route: nothing, report, or evict it. */
export type RemediationMode = 'off' | 'dry-run' | 'on';

/** The accepted {@link RemediationMode} values. */
export const REMEDIATION_MODES: readonly RemediationMode[] = ['off', 'dry-run', 'on'];

/**
 * Opt-in self-healing: evict the one Traefik replica (pod) that fails the per-replica checks while at
 * least two others pass, once it failed `afterRuns` runs in a row and is older than that many
 * intervals, through the Eviction API (a PodDisruptionBudget is respected; never a delete), at most
 * once per `minIntervalSeconds`. Needs per-replica checks (`replicas` or `createReplicaService`).
 */
export interface ProbeRemediation {
  /**
   * `off`; `dry-run` (decide and report what it would evict); `on`.
   * @default "off"
   */
  readonly mode?: RemediationMode;
  /**
   * Consecutive failing runs of the same pod before it is evicted.
   * @default 3
   */
  readonly afterRuns?: number;
  /**
   * At most one eviction per this many seconds, for the whole probe; a replica failing again within
   * it is reported as a recurring fault instead.
   * @default 3600
   */
  readonly minIntervalSeconds?: number;
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
   * A Secret in the probe's namespace with basic-auth credentials for the Pushgateway; the probe
   * gets them as `PROBE_PUSHGATEWAY_USERNAME` / `PROBE_PUSHGATEWAY_PASSWORD` through
   * `secretKeyRef`, so they never enter the synthesized JSON.
   * @default - no credentials
   */
  readonly pushgatewayCredentialsSecret?: PushgatewayCredentialsSecret;
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
   * Needs the API served on Traefik's `traefik` entrypoint, which a default Helm install does not do:
   * set the chart value `api.insecure=true`, or `ingressRoute.dashboard.enabled=true` with
   * `ingressRoute.dashboard.entryPoints=[traefik]`. Without it the inventory fails and
   * `TraefikRouterInventoryFailing` fires. The probe reads at most 4 MiB of router lists per run (512 KiB a page).
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
   * Host of Authentik, when its outpost redirects browsers to a host of its own rather than the
   * terminal host's `/outpost.goauthentik.io/` path: redirects to `/outpost.goauthentik.io/` on that
   * host count as healthy too (`PROBE_AUTHENTIK_HOST`). A redirect anywhere else fails the check.
   * @default - only the terminal host
   */
  readonly authentikHost?: string;
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
   * Self-healing; the Traefik pods are found in `replicaServiceNamespace` by `replicaServiceSelector`.
   * When not off: a ServiceAccount, and a Role and RoleBinding in that namespace allowing only get/list
   * pods and create pods/eviction; the token is mounted into the probe pod only then.
   * @default - off
   */
  readonly remediation?: ProbeRemediation;
  /**
   * Labels on every object.
   * @default - `app.kubernetes.io/part-of: webterminal`, `app.kubernetes.io/component: probe`
   */
  readonly labels?: Record<string, string>;
  /**
   * Where Traefik runs: the defaults of `replicaServiceNamespace`, `replicaServiceSelector`,
   * `replicaPort` and `traefikApiPort` come from it.
   * @default - DEFAULT_TRAEFIK_LOCATION
   */
  readonly traefik?: TraefikLocation;
  /**
   * Secret (in `namespace`) with the client certificate for ttyd's mutual TLS (`tls.crt`, `tls.key`,
   * `ca.crt`): mounted read-only into the pod, its files named in `PROBE_ORIGIN_CLIENT_CERT_FILE`,
   * `PROBE_ORIGIN_CLIENT_KEY_FILE`, `PROBE_ORIGIN_CA_FILE` for the origin checks.
   * @default - none; the origin checks use plain HTTP or server-only TLS
   */
  readonly originClientCertSecret?: string;
}

/** Where the probe finds its Pushgateway credentials. */
export interface PushgatewayCredentialsSecret {
  /** Secret name, in the probe's namespace. */
  readonly name: string;
  /**
   * Key of the user name.
   * @default "username"
   */
  readonly usernameKey?: string;
  /**
   * Key of the password.
   * @default "password"
   */
  readonly passwordKey?: string;
}

/** Keys the Kubernetes API accepts in a Secret's data. */
function checkSecretKey(field: string, value: string): string | undefined {
  return /^[-._a-zA-Z0-9]{1,253}$/.test(value) ? undefined : `${field} ${JSON.stringify(value)} is not a Secret key (letters, digits, '-', '_', '.')`;
}
/** Where the probe pod mounts {@link WebterminalProbeProps.originClientCertSecret}. */
export const PROBE_ORIGIN_TLS_DIR = '/etc/webterminal/origin-tls';

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
  /** Labels of the probe's pods (what a NetworkPolicy admits). */
  public readonly podLabels: Readonly<Record<string, string>>;
  /** Remediation mode. */
  public readonly remediationMode: RemediationMode;
  /** Failing runs in a row before an eviction. */
  public readonly remediationAfterRuns: number;
  /** Least seconds between two evictions. */
  public readonly remediationMinIntervalSeconds: number;
  /** The probe's ServiceAccount, when remediation is not off. */
  public readonly serviceAccount?: ServiceAccountV1;
  /** The Role in the Traefik namespace (get/list pods, create pods/eviction), when remediation is not off. */
  public readonly remediationRole?: RoleV1;
  /** Its RoleBinding to the ServiceAccount, when remediation is not off. */
  public readonly remediationRoleBinding?: RoleBindingV1;

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
    const traefik = resolveTraefikLocation(props.traefik);
    const replicaPort = props.replicaPort ?? traefik.websecurePort;
    const apiPort = props.traefikApiPort ?? traefik.apiPort;
    const createReplicaService = props.createReplicaService ?? false;
    const replicaServiceName = props.replicaServiceName ?? 'traefik-replicas';
    const replicaServiceNamespace = props.replicaServiceNamespace ?? traefik.namespace;
    const replicaServiceSelector = props.replicaServiceSelector ?? traefik.podSelector;
    this.replicas = props.replicas ?? (createReplicaService ? `${replicaServiceName}.${replicaServiceNamespace}.svc.cluster.local` : '');
    const image = props.image ?? 'node:20.18.1-alpine3.20';
    const runAsUser = props.runAsUser ?? 1000;
    const labels = props.labels ?? { 'app.kubernetes.io/part-of': 'webterminal', 'app.kubernetes.io/component': 'probe' };
    this.podLabels = labels;
    const originTls = props.originClientCertSecret;
    this.remediationMode = props.remediation?.mode ?? 'off';
    this.remediationAfterRuns = props.remediation?.afterRuns ?? 3;
    this.remediationMinIntervalSeconds = props.remediation?.minIntervalSeconds ?? 3600;
    const remediating = this.remediationMode !== 'off';

    const problems = new Problems('webterminal-probe');
    problems.add(checkDnsLabel('name', this.name));
    problems.add(checkDnsLabel('namespace', this.namespace));
    problems.add(checkHttpUrl('edgeUrl', props.edgeUrl));
    problems.add(checkHttpUrl('originUrl', props.originUrl));
    if (props.mirrorEdgeUrl !== undefined) problems.add(checkHttpUrl('mirrorEdgeUrl', props.mirrorEdgeUrl));
    problems.add(checkHttpUrl('pushgatewayUrl', pushgatewayUrl));
    if (checkHttpUrl('pushgatewayUrl', pushgatewayUrl) === undefined && !/^https?:\/\/[^/]+\/?$/.test(pushgatewayUrl)) {
      problems.add(`pushgatewayUrl ${JSON.stringify(redactUrl(pushgatewayUrl))} has a path, query or fragment; give the base URL (the probe adds /metrics/job/...)`);
    }
    const credentials = props.pushgatewayCredentialsSecret;
    if (credentials !== undefined) {
      problems.add(checkDnsName('pushgatewayCredentialsSecret.name', credentials.name, 'object'));
      problems.add(checkSecretKey('pushgatewayCredentialsSecret.usernameKey', credentials.usernameKey ?? 'username'));
      problems.add(checkSecretKey('pushgatewayCredentialsSecret.passwordKey', credentials.passwordKey ?? 'password'));
    }
    if (props.replicas !== undefined && props.replicas !== '') {
      props.replicas.split(',').forEach((entry, i) => problems.add(checkHostNameOrAddress(`replicas[${i}]`, entry.trim())));
    }
    problems.add(/^[A-Za-z0-9_.:-]+$/.test(this.job) ? undefined : `job ${JSON.stringify(this.job)} is not a Pushgateway job name (letters, digits, '_', '.', ':', '-')`);
    problems.add(checkInteger('samples', this.samples, 1, 100));
    problems.add(checkInteger('timeoutSeconds', this.timeoutSeconds, 1));
    problems.add(checkInteger('deadlineSeconds', this.deadlineSeconds, 1));
    problems.add(checkPort('replicaPort', replicaPort));
    problems.add(checkPort('traefikApiPort', apiPort));
    problems.add(checkPinnedImage('image', image));
    problems.add(checkInteger('runAsUser', runAsUser, 1));
    problems.addAll(checkMetadata('labels', 'labels', labels));
    if (originTls !== undefined) problems.add(checkDnsName('originClientCertSecret', originTls, 'object'));
    if (props.authentikHost !== undefined) problems.add(checkDnsName('authentikHost', props.authentikHost));
    if (this.routerInventory && this.replicas === '') problems.add('routerInventory needs replicas (or createReplicaService) to know where the Traefik APIs are');
    if (!REMEDIATION_MODES.includes(this.remediationMode)) {
      problems.add(`remediation.mode ${JSON.stringify(this.remediationMode)} is not one of ${REMEDIATION_MODES.map((m) => JSON.stringify(m)).join(', ')}`);
    }
    problems.add(checkInteger('remediation.afterRuns', this.remediationAfterRuns, 1, 100));
    problems.add(checkInteger('remediation.minIntervalSeconds', this.remediationMinIntervalSeconds, 60, 7 * 86400));
    if (remediating && this.replicas === '') problems.add(`remediation.mode "${this.remediationMode}" needs replicas (or createReplicaService): the per-replica checks name the replica to evict`);
    if (remediating && !createReplicaService) {
      problems.add(checkDnsLabel('replicaServiceNamespace', replicaServiceNamespace));
      problems.addAll(checkMetadata('replicaServiceSelector', 'labels', replicaServiceSelector));
    }
    if (remediating && Object.keys(replicaServiceSelector).length === 0) problems.add('replicaServiceSelector is empty: remediation would match every pod in the namespace');
    if (createReplicaService) {
      problems.add(checkDnsLabel('replicaServiceName', replicaServiceName));
      problems.add(checkDnsLabel('replicaServiceNamespace', replicaServiceNamespace));
      problems.addAll(checkMetadata('replicaServiceSelector', 'labels', replicaServiceSelector));
    }
    if (this.timeoutSeconds > this.deadlineSeconds) problems.add(`timeoutSeconds ${this.timeoutSeconds} is above deadlineSeconds ${this.deadlineSeconds}`);
    const parsed = parseCron('schedule', this.schedule);
    if (typeof parsed === 'string') problems.add(parsed);
    else problems.add(unsteadyReason('schedule', parsed));
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
      ...(originTls !== undefined
        ? {
            PROBE_ORIGIN_CLIENT_CERT_FILE: `${PROBE_ORIGIN_TLS_DIR}/tls.crt`,
            PROBE_ORIGIN_CLIENT_KEY_FILE: `${PROBE_ORIGIN_TLS_DIR}/tls.key`,
            PROBE_ORIGIN_CA_FILE: `${PROBE_ORIGIN_TLS_DIR}/ca.crt`,
          }
        : {}),
      ...(props.authentikHost !== undefined ? { PROBE_AUTHENTIK_HOST: props.authentikHost } : {}),
      ...(remediating
        ? {
            PROBE_REMEDIATE: this.remediationMode,
            PROBE_REMEDIATE_AFTER_RUNS: String(this.remediationAfterRuns),
            PROBE_REMEDIATE_MIN_INTERVAL_SECONDS: String(this.remediationMinIntervalSeconds),
            PROBE_REPLICA_NAMESPACE: replicaServiceNamespace,
            PROBE_REPLICA_SELECTOR: Object.entries(replicaServiceSelector).map(([key, value]) => `${key}=${value}`).join(','),
          }
        : {}),
      ...(props.mirrorEdgeUrl !== undefined ? { PROBE_MIRROR_EDGE_URL: props.mirrorEdgeUrl } : {}),
    };

    const files = probeFiles();
    this.scriptSha256 = createHash('sha256').update(files[PROBE_SCRIPT_FILE]).digest('hex');
    this.configMap = new ConfigMapV1(this, 'Script', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      // Escaped for Terraform, which would read the script's `${…}` as interpolation; the ConfigMap gets the bytes as written.
      data: escapeTemplates({ ...files }),
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

    if (remediating) {
      // Namespaced only: nothing cluster-wide. RBAC cannot narrow evictions to labels, so the script
      // checks the selector itself before it evicts.
      this.serviceAccount = new ServiceAccountV1(this, 'ServiceAccount', {
        metadata: { name: this.name, namespace: this.namespace, labels },
        automountServiceAccountToken: false,
      });
      this.remediationRole = new RoleV1(this, 'RemediationRole', {
        metadata: { name: this.name, namespace: replicaServiceNamespace, labels },
        rule: [
          { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
          { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
        ],
      });
      this.remediationRoleBinding = new RoleBindingV1(this, 'RemediationRoleBinding', {
        metadata: { name: this.name, namespace: replicaServiceNamespace, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.name },
        subject: [{ kind: 'ServiceAccount', name: this.name, namespace: this.namespace }],
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
                // The API token is in the pod only when remediation needs it.
                ...(this.serviceAccount ? { serviceAccountName: this.serviceAccount.metadata.name } : {}),
                automountServiceAccountToken: remediating,
                enableServiceLinks: false,
                securityContext: { runAsNonRoot: true, runAsUser: String(runAsUser), runAsGroup: String(runAsUser), seccompProfile: { type: 'RuntimeDefault' } },
                container: [
                  {
                    name: 'probe',
                    image,
                    command: ['node', `/probe/${PROBE_SCRIPT_FILE}`],
                    env: [
                      ...Object.entries(this.environment).map(([name, value]) => ({ name, value })),
                      ...(credentials === undefined
                        ? []
                        : [
                            { name: 'PROBE_PUSHGATEWAY_USERNAME', valueFrom: { secretKeyRef: { name: credentials.name, key: credentials.usernameKey ?? 'username' } } },
                            { name: 'PROBE_PUSHGATEWAY_PASSWORD', valueFrom: { secretKeyRef: { name: credentials.name, key: credentials.passwordKey ?? 'password' } } },
                          ]),
                    ],
                    // Measured peak RSS of a run: 52 MiB (healthy, 3 replicas, inventory on) and 52 MiB
                    // against a black hole; an empty node process is 40 MiB (bench/probe.ts, node 20).
                    // The request covers the peak; the limit leaves room for musl and slow networks.
                    // The probe writes nothing (read-only root); the ephemeral-storage limit bounds its logs.
                    resources: { requests: { cpu: '50m', memory: '64Mi', 'ephemeral-storage': '16Mi' }, limits: { cpu: '500m', memory: '128Mi', 'ephemeral-storage': '64Mi' } },
                    securityContext: {
                      readOnlyRootFilesystem: true,
                      allowPrivilegeEscalation: false,
                      privileged: false,
                      capabilities: { drop: ['ALL'] },
                    },
                    volumeMount: [
                      { name: 'script', mountPath: '/probe', readOnly: true },
                      ...(originTls !== undefined ? [{ name: 'origin-tls', mountPath: PROBE_ORIGIN_TLS_DIR, readOnly: true }] : []),
                    ],
                  },
                ],
                volume: [
                  { name: 'script', configMap: { name: this.configMap.metadata.name, defaultMode: '0444' } },
                  // Files are owned by root; 0444 lets the probe's non-root user read them (it is the pod's only user).
                  ...(originTls !== undefined ? [{ name: 'origin-tls', secret: { secretName: originTls, defaultMode: '0444' } }] : []),
                ],
              },
            },
          },
        },
      },
    });
  }
}
