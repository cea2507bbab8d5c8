import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { ConfigMapV1, type CronJobV1, Manifest, RoleBindingV1, RoleV1, ServiceAccountV1, ServiceV1, loadCronJobV1 } from './private/cdktf';
import { DEFAULT_PROBE_JOB, PROBE_NODE_IMAGE } from './metrics';
import names from './probe-names.json';
import { PROBE_MEMORY_MIB } from './private/defaults';

/** A router as Traefik's API names it (`name@provider`): the probe's contract file says how. */
const ROUTER_NAME = new RegExp(names.routerNamePattern);
import { CronSchedule, parseCron, shortestIntervalSeconds, unsteadyReason } from './private/schedule';
import { TraefikLocation } from './traefik';
import {
  Problems,
  checkDnsLabel,
  checkDnsName,
  checkHostNameOrAddress,
  checkHttpUrl,
  checkInteger,
  checkPinnedImage,
  checkPort,
  redactUrl,
  checkMetadata,
} from './private/validation';
import { PROBE_SCRIPT_FILE, probeFiles } from './private/probe-files';
import { escapeTemplates, literalUnlessToken } from './private/templates';
import { resolveTraefikLocation } from './private/traefik';
import { restrictedContainerSecurity } from './private/pod-security';

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
   * In-cluster URL of the mirror's ttyd Service: checked, like ttyd's own, for answering without the
   * auth header. Needs `mirrorEdgeUrl`.
   * @default - none
   */
  readonly mirrorOriginUrl?: string;
  /**
   * The stack's Traefik routers, as Traefik's API names them (`name@provider`), with `routerInventory`:
   * any other router on a replica whose service reaches one of ttyd's servers is reported as foreign
   * (`WebterminalForeignRoute`). `TerminalStack` passes its own; needs `ttydRouters` with it.
   * @default - no foreign-router check
   */
  readonly ownRouters?: readonly string[];
  /**
   * Those of `ownRouters` that reach ttyd: the servers behind them are what a foreign router must not reach.
   * @default - no foreign-router check
   */
  readonly ttydRouters?: readonly string[];
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
   * Replicas checked per run (1-1000), 8 at a time: past it the first ones (in address order) are
   * checked and the rest counted (`webterminal_probe_replicas_left_out`), so a Service that resolves
   * to a thousand addresses cannot take the pod's memory or run past its deadline.
   * @default 50
   */
  readonly maxReplicas?: number;
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
   * Pin it by digest as well where the registry may move a tag: `node:24.22.3-alpine3.23@sha256:<digest>`
   * (`docker buildx imagetools inspect node:24.22.3-alpine3.23` prints it).
   * @default PROBE_NODE_IMAGE (Node 24, an LTS line, on Alpine 3.23)
   */
  readonly image?: string;
  /**
   * Non-root uid (the `node` user of the official image).
   * @default 1000
   */
  readonly runAsUser?: number;
  /**
   * Create a headless Service that resolves to every Traefik replica.
   * @default false (`Webterminal` and `TerminalStack` turn it on unless `replicas` is given)
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
   * pods and create pods/eviction; a Lease named `name` in `namespace`, where the probe keeps its memory
   * (failing runs in a row, the last eviction), with a Role and RoleBinding allowing get/update on that
   * one Lease; the token is mounted into the probe pod only then.
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
  /** Name of the CronJob, its ConfigMap and (with remediation) its ServiceAccount, Roles and Lease. */
  public readonly name: string;
  /** Namespace the probe runs in. */
  public readonly namespace: string;
  /** Pushgateway job the probe pushes under (the alerts select it). */
  public readonly job: string;
  /** The CronJob's schedule; it must fire at a steady interval. */
  public readonly schedule: string;
  /** Shortest time between runs, seconds (the alert rules' notion of an interval). */
  public readonly intervalSeconds: number;
  /** Samples per edge check. */
  public readonly samples: number;
  /** Timeout of each request, seconds (the push's too). */
  public readonly timeoutSeconds: number;
  /** Seconds a run may take before it stops checking and pushes what it has. */
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
  /** `off`, `dry-run` (decide and report) or `on` (evict). */
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
  /**
   * The Lease (`name`, in `namespace`) holding remediation's memory in one annotation, which only the
   * probe's ServiceAccount may write, when remediation is not off. The probe never writes a field this
   * manifest sets, and `metadata.annotations` is among its `computed_fields`, so a plan after the probe
   * wrote its state shows no changes.
   */
  public readonly remediationLease?: Manifest;
  /** The Role in the probe's namespace (get/update on that Lease only), when remediation is not off. */
  public readonly remediationStateRole?: RoleV1;
  /** Its RoleBinding to the ServiceAccount, when remediation is not off. */
  public readonly remediationStateRoleBinding?: RoleBindingV1;

  constructor(scope: Construct, id: string, props: WebterminalProbeProps) {
    super(scope, id);
    const r = resolveProbeProps(props);
    validateProbeProps(r, this);
    this.name = r.name;
    this.namespace = r.namespace;
    this.job = r.job;
    this.schedule = r.schedule;
    this.samples = r.samples;
    this.timeoutSeconds = r.timeoutSeconds;
    this.deadlineSeconds = r.deadlineSeconds;
    this.routerInventory = r.routerInventory;
    this.replicas = r.replicas;
    this.podLabels = r.labels;
    this.remediationMode = r.remediationMode;
    this.remediationAfterRuns = r.remediationAfterRuns;
    this.remediationMinIntervalSeconds = r.remediationMinIntervalSeconds;
    this.intervalSeconds = r.intervalSeconds;
    this.activeDeadlineSeconds = r.activeDeadlineSeconds;
    this.environment = probeEnvironment(r);

    const files = probeFiles();
    this.scriptSha256 = createHash('sha256').update(files[PROBE_SCRIPT_FILE]).digest('hex');
    this.configMap = new ConfigMapV1(this, 'Script', {
      metadata: { name: r.name, namespace: r.namespace, labels: r.labels },
      // Escaped for Terraform, which would read the script's `${...}` as interpolation; the ConfigMap gets the bytes as written.
      data: escapeTemplates({ ...files }),
    });

    if (r.createReplicaService) {
      this.replicaService = new ServiceV1(this, 'Replicas', {
        metadata: { name: r.replicaServiceName, namespace: r.replicaServiceNamespace, labels: r.labels },
        spec: {
          clusterIp: 'None',
          selector: r.replicaServiceSelector,
          port: [{ name: 'websecure', port: r.replicaPort, targetPort: String(r.replicaPort), protocol: 'TCP' }],
        },
      });
    }

    if (r.remediating) {
      // Namespaced only: nothing cluster-wide. RBAC cannot narrow evictions to labels, so the script
      // checks the selector itself before it evicts. A dry run never evicts, so it gets no eviction.
      this.serviceAccount = new ServiceAccountV1(this, 'ServiceAccount', {
        metadata: { name: r.name, namespace: r.namespace, labels: r.labels },
        automountServiceAccountToken: false,
      });
      this.remediationRole = new RoleV1(this, 'RemediationRole', {
        metadata: { name: r.name, namespace: r.replicaServiceNamespace, labels: r.labels },
        rule: [
          { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
          ...(r.remediationMode === 'on' ? [{ apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] }] : []),
        ],
      });
      this.remediationRoleBinding = new RoleBindingV1(this, 'RemediationRoleBinding', {
        metadata: { name: r.name, namespace: r.replicaServiceNamespace, labels: r.labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: r.name },
        subject: [{ kind: 'ServiceAccount', name: r.name, namespace: r.namespace }],
      });
      // The state lives where only this ServiceAccount may write it (a Pushgateway takes pushes from
      // anyone who reaches it). The stack creates the Lease: `resourceNames` cannot limit `create`, so
      // the probe gets get/update on this one name and nothing else.
      this.remediationLease = new Manifest(this, 'RemediationLease', {
        manifest: {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: r.name, namespace: r.namespace, labels: { ...r.labels } },
        },
        // The provider's default, written out: the probe writes its state into an annotation, which
        // Terraform must neither plan to remove nor count as drift.
        computedFields: ['metadata.annotations', 'metadata.labels'],
      });
      this.remediationStateRole = new RoleV1(this, 'RemediationStateRole', {
        metadata: { name: remediationStateRoleName(r.name), namespace: r.namespace, labels: r.labels },
        rule: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [r.name], verbs: ['get', 'update'] }],
      });
      this.remediationStateRoleBinding = new RoleBindingV1(this, 'RemediationStateRoleBinding', {
        metadata: { name: remediationStateRoleName(r.name), namespace: r.namespace, labels: r.labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: remediationStateRoleName(r.name) },
        subject: [{ kind: 'ServiceAccount', name: r.name, namespace: r.namespace }],
      });
    }

    const CronJobV1 = loadCronJobV1(); // loaded here, on first use (lib/private/cdktf.ts)
    this.resource = new CronJobV1(this, 'Resource', {
      metadata: { name: r.name, namespace: r.namespace, labels: r.labels },
      spec: {
        schedule: r.schedule,
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: Math.min(60, Math.floor(r.intervalSeconds / 2)),
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels: r.labels },
          spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: r.activeDeadlineSeconds,
            ttlSecondsAfterFinished: String(6 * 3600),
            template: {
              metadata: { labels: r.labels, annotations: { 'webterminal.dev/probe-script-sha256': this.scriptSha256 } },
              spec: probePodSpec(r, this.environment, this.configMap.metadata.name, this.serviceAccount?.metadata.name),
            },
          },
        },
      },
    });
  }
}

/**
 * The Role for the Lease: a name of its own, so it cannot clash with the Traefik-side Role when the
 * probe runs in Traefik's namespace.
 */
function remediationStateRoleName(name: string): string {
  return `${name}-state`;
}

/** {@link WebterminalProbeProps} with every default filled in and the schedule parsed. */
interface ResolvedProbeProps {
  readonly name: string;
  readonly namespace: string;
  readonly job: string;
  readonly schedule: string;
  readonly samples: number;
  readonly timeoutSeconds: number;
  readonly deadlineSeconds: number;
  readonly routerInventory: boolean;
  readonly edgeUrl: string;
  readonly originUrl: string;
  readonly mirrorEdgeUrl?: string;
  readonly mirrorOriginUrl?: string;
  readonly ownRouters?: readonly string[];
  readonly ttydRouters?: readonly string[];
  readonly pushgatewayUrl: string;
  readonly credentials?: PushgatewayCredentialsSecret;
  readonly explicitReplicas?: string;
  readonly replicas: string;
  readonly replicaPort: number;
  readonly maxReplicas: number;
  readonly apiPort: number;
  readonly createReplicaService: boolean;
  readonly replicaServiceName: string;
  readonly replicaServiceNamespace: string;
  readonly replicaServiceSelector: Readonly<Record<string, string>>;
  readonly image: string;
  readonly runAsUser: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly originTls?: string;
  readonly authentikHost?: string;
  readonly authHeader: string;
  readonly authUser: string;
  readonly insecureTls: boolean;
  readonly remediationMode: RemediationMode;
  readonly remediationAfterRuns: number;
  readonly remediationMinIntervalSeconds: number;
  readonly remediating: boolean;
  /** The parsed schedule, or the problem with it. */
  readonly parsedSchedule: CronSchedule | string;
  /** Shortest time between runs, 0 when the schedule does not parse. */
  readonly intervalSeconds: number;
  readonly worstRunSeconds: number;
  readonly activeDeadlineSeconds: number;
}

function resolveProbeProps(props: WebterminalProbeProps): ResolvedProbeProps {
  const traefik = resolveTraefikLocation(props.traefik);
  const createReplicaService = props.createReplicaService ?? false;
  const replicaServiceName = props.replicaServiceName ?? 'traefik-replicas';
  const replicaServiceNamespace = props.replicaServiceNamespace ?? traefik.namespace;
  const schedule = props.schedule ?? '*/5 * * * *';
  const parsedSchedule = parseCron('schedule', schedule);
  const intervalSeconds = typeof parsedSchedule === 'string' ? 0 : shortestIntervalSeconds(parsedSchedule);
  const timeoutSeconds = props.timeoutSeconds ?? 10;
  const deadlineSeconds = props.deadlineSeconds ?? 60;
  // Worst case a run lasts its deadline plus the push's timeout; the Job gets a margin above that
  // and must be over before the next run is due, or Forbid would skip it.
  const worstRunSeconds = deadlineSeconds + timeoutSeconds;
  const remediationMode = props.remediation?.mode ?? 'off';
  return {
    name: props.name ?? 'webterminal-probe',
    namespace: props.namespace,
    job: props.job ?? DEFAULT_PROBE_JOB,
    schedule,
    samples: props.samples ?? 6,
    timeoutSeconds,
    deadlineSeconds,
    routerInventory: props.routerInventory ?? false,
    edgeUrl: props.edgeUrl,
    originUrl: props.originUrl,
    mirrorEdgeUrl: props.mirrorEdgeUrl,
    mirrorOriginUrl: props.mirrorOriginUrl,
    ownRouters: props.ownRouters,
    ttydRouters: props.ttydRouters,
    pushgatewayUrl: props.pushgatewayUrl ?? 'http://prometheus-pushgateway.monitoring.svc.cluster.local:9091',
    credentials: props.pushgatewayCredentialsSecret,
    explicitReplicas: props.replicas,
    replicas: props.replicas ?? (createReplicaService ? `${replicaServiceName}.${replicaServiceNamespace}.svc.cluster.local` : ''),
    replicaPort: props.replicaPort ?? traefik.websecurePort,
    maxReplicas: props.maxReplicas ?? 50,
    apiPort: props.traefikApiPort ?? traefik.apiPort,
    createReplicaService,
    replicaServiceName,
    replicaServiceNamespace,
    replicaServiceSelector: props.replicaServiceSelector ?? traefik.podSelector,
    image: props.image ?? PROBE_NODE_IMAGE,
    runAsUser: props.runAsUser ?? 1000,
    labels: props.labels ?? { 'app.kubernetes.io/part-of': 'webterminal', 'app.kubernetes.io/component': 'probe' },
    originTls: props.originClientCertSecret,
    authentikHost: props.authentikHost,
    authHeader: props.authHeader ?? 'X-authentik-username',
    authUser: props.authUser ?? 'probe',
    insecureTls: props.insecureTls ?? false,
    remediationMode,
    remediationAfterRuns: props.remediation?.afterRuns ?? 3,
    remediationMinIntervalSeconds: props.remediation?.minIntervalSeconds ?? 3600,
    remediating: remediationMode !== 'off',
    parsedSchedule,
    intervalSeconds,
    worstRunSeconds,
    activeDeadlineSeconds: worstRunSeconds + Math.min(30, Math.floor((intervalSeconds - worstRunSeconds) / 2)),
  };
}

/** Throws one {@link ValidationError} with every problem of the resolved props. */
function validateProbeProps(r: ResolvedProbeProps, scope: Construct): void {
  const problems = new Problems('webterminal-probe');
  problems.add(checkDnsLabel('name', r.name));
  problems.add(checkDnsLabel('namespace', r.namespace));
  problems.add(checkHttpUrl('edgeUrl', r.edgeUrl));
  problems.add(checkHttpUrl('originUrl', r.originUrl));
  if (r.mirrorEdgeUrl !== undefined) problems.add(checkHttpUrl('mirrorEdgeUrl', r.mirrorEdgeUrl));
  if (r.mirrorOriginUrl !== undefined && r.mirrorEdgeUrl === undefined) problems.add('mirrorOriginUrl needs mirrorEdgeUrl');
  problems.add(checkHttpUrl('pushgatewayUrl', r.pushgatewayUrl));
  if (checkHttpUrl('pushgatewayUrl', r.pushgatewayUrl) === undefined && !/^https?:\/\/[^/?#]+\/?$/.test(r.pushgatewayUrl)) {
    problems.add(
      `pushgatewayUrl ${JSON.stringify(redactUrl(r.pushgatewayUrl))} has a path, query or fragment; give the base URL (the probe adds ` +
        `/metrics/job/...)`,
    );
  }
  if (r.credentials !== undefined) {
    problems.add(checkDnsName('pushgatewayCredentialsSecret.name', r.credentials.name, 'object'));
    problems.add(checkSecretKey('pushgatewayCredentialsSecret.usernameKey', r.credentials.usernameKey ?? 'username'));
    problems.add(checkSecretKey('pushgatewayCredentialsSecret.passwordKey', r.credentials.passwordKey ?? 'password'));
  }
  problems.add(checkInteger('maxReplicas', r.maxReplicas, 1, 1000));
  if (r.explicitReplicas !== undefined && r.explicitReplicas !== '') {
    const listed = r.explicitReplicas.split(',');
    listed.forEach((entry, i) => problems.add(checkHostNameOrAddress(`replicas[${i}]`, entry.trim())));
    if (listed.length > 1 && listed.length > r.maxReplicas) {
      problems.add(
        `replicas lists ${listed.length} addresses, more than maxReplicas ${r.maxReplicas}: the probe would leave some out; raise maxReplicas`,
      );
    }
  }
  problems.add(
    /^[A-Za-z0-9_.:-]+$/.test(r.job) ? undefined : `job ${JSON.stringify(r.job)} is not a Pushgateway job name (letters, digits, '_', '.', ':', '-')`,
  );
  problems.add(checkInteger('samples', r.samples, 1, 100));
  problems.add(checkInteger('timeoutSeconds', r.timeoutSeconds, 1));
  problems.add(checkInteger('deadlineSeconds', r.deadlineSeconds, 1));
  problems.add(checkPort('replicaPort', r.replicaPort));
  problems.add(checkPort('traefikApiPort', r.apiPort));
  problems.add(checkPinnedImage('image', r.image));
  problems.add(checkInteger('runAsUser', r.runAsUser, 1));
  problems.addAll(checkMetadata('labels', 'labels', r.labels));
  if (r.originTls !== undefined) problems.add(checkDnsName('originClientCertSecret', r.originTls, 'object'));
  if (r.authentikHost !== undefined) problems.add(checkDnsName('authentikHost', r.authentikHost));
  if (r.routerInventory && r.replicas === '')
    problems.add('routerInventory needs replicas (or createReplicaService) to know where the Traefik APIs are');
  if ((r.ownRouters === undefined) !== (r.ttydRouters === undefined)) problems.add('ownRouters and ttydRouters go together');
  for (const [key, names] of [
    ['ownRouters', r.ownRouters],
    ['ttydRouters', r.ttydRouters],
  ] as const) {
    for (const name of names ?? []) {
      if (!ROUTER_NAME.test(name)) problems.add(`${key}: ${JSON.stringify(name)} is not a router name as Traefik's API gives it (name@provider)`);
    }
  }
  for (const name of r.ttydRouters ?? [])
    if (!(r.ownRouters ?? []).includes(name)) problems.add(`ttydRouters: ${JSON.stringify(name)} is not in ownRouters`);
  if (!REMEDIATION_MODES.includes(r.remediationMode)) {
    problems.add(`remediation.mode ${JSON.stringify(r.remediationMode)} is not one of ${REMEDIATION_MODES.map((m) => JSON.stringify(m)).join(', ')}`);
  }
  problems.add(checkInteger('remediation.afterRuns', r.remediationAfterRuns, 1, 100));
  problems.add(checkInteger('remediation.minIntervalSeconds', r.remediationMinIntervalSeconds, 60, 7 * 86400));
  if (r.remediating && r.replicas === '')
    problems.add(
      `remediation.mode "${r.remediationMode}" needs replicas (or createReplicaService): the per-replica checks name the replica to evict`,
    );
  if (r.remediating && !r.createReplicaService) {
    problems.add(checkDnsLabel('replicaServiceNamespace', r.replicaServiceNamespace));
    problems.addAll(checkMetadata('replicaServiceSelector', 'labels', r.replicaServiceSelector));
  }
  if (r.remediating && Object.keys(r.replicaServiceSelector).length === 0)
    problems.add('replicaServiceSelector is empty: remediation would match every pod in the namespace');
  if (r.createReplicaService) {
    problems.add(checkDnsLabel('replicaServiceName', r.replicaServiceName));
    problems.add(checkDnsLabel('replicaServiceNamespace', r.replicaServiceNamespace));
    problems.addAll(checkMetadata('replicaServiceSelector', 'labels', r.replicaServiceSelector));
  }
  if (r.timeoutSeconds > r.deadlineSeconds) problems.add(`timeoutSeconds ${r.timeoutSeconds} is above deadlineSeconds ${r.deadlineSeconds}`);
  if (typeof r.parsedSchedule === 'string') problems.add(r.parsedSchedule);
  else problems.add(unsteadyReason('schedule', r.parsedSchedule));
  if (typeof r.parsedSchedule !== 'string' && r.worstRunSeconds + 2 > r.intervalSeconds) {
    problems.add(
      `deadlineSeconds ${r.deadlineSeconds} (plus timeoutSeconds ${r.timeoutSeconds} for the push) is not below the schedule's interval of ` +
        `${r.intervalSeconds} s ("${r.schedule}")`,
    );
  }
  problems.throwIfAny(scope);
}

/** The script's environment (the Pushgateway credentials come from a Secret, in {@link probePodSpec}). */
function probeEnvironment(r: ResolvedProbeProps): Record<string, string> {
  return {
    PROBE_EDGE_URL: r.edgeUrl,
    PROBE_ORIGIN_URL: r.originUrl,
    PROBE_PUSHGATEWAY_URL: r.pushgatewayUrl,
    PROBE_JOB: r.job,
    PROBE_REPLICAS: r.replicas,
    PROBE_REPLICA_PORT: String(r.replicaPort),
    PROBE_MAX_REPLICAS: String(r.maxReplicas),
    PROBE_SAMPLES: String(r.samples),
    PROBE_TIMEOUT_SECONDS: String(r.timeoutSeconds),
    PROBE_DEADLINE_SECONDS: String(r.deadlineSeconds),
    PROBE_AUTH_HEADER: r.authHeader,
    PROBE_AUTH_USER: r.authUser,
    PROBE_INSECURE_TLS: r.insecureTls ? '1' : '0',
    PROBE_ROUTER_INVENTORY: r.routerInventory ? '1' : '0',
    ...(r.routerInventory && r.ownRouters !== undefined && r.ttydRouters !== undefined
      ? { PROBE_OWN_ROUTERS: r.ownRouters.join(','), PROBE_TTYD_ROUTERS: r.ttydRouters.join(',') }
      : {}),
    PROBE_TRAEFIK_API_PORT: String(r.apiPort),
    ...(r.originTls !== undefined
      ? {
          PROBE_ORIGIN_CLIENT_CERT_FILE: `${PROBE_ORIGIN_TLS_DIR}/tls.crt`,
          PROBE_ORIGIN_CLIENT_KEY_FILE: `${PROBE_ORIGIN_TLS_DIR}/tls.key`,
          PROBE_ORIGIN_CA_FILE: `${PROBE_ORIGIN_TLS_DIR}/ca.crt`,
        }
      : {}),
    ...(r.authentikHost !== undefined ? { PROBE_AUTHENTIK_HOST: r.authentikHost } : {}),
    ...(r.remediating
      ? {
          PROBE_REMEDIATE: r.remediationMode,
          PROBE_REMEDIATE_AFTER_RUNS: String(r.remediationAfterRuns),
          PROBE_REMEDIATE_MIN_INTERVAL_SECONDS: String(r.remediationMinIntervalSeconds),
          PROBE_REMEDIATE_LEASE: `${r.namespace}/${r.name}`,
          PROBE_REPLICA_NAMESPACE: r.replicaServiceNamespace,
          PROBE_REPLICA_SELECTOR: Object.entries(r.replicaServiceSelector)
            .map(([key, value]) => `${key}=${value}`)
            .join(','),
        }
      : {}),
    ...(r.mirrorEdgeUrl !== undefined ? { PROBE_MIRROR_EDGE_URL: r.mirrorEdgeUrl } : {}),
    ...(r.mirrorOriginUrl !== undefined ? { PROBE_MIRROR_ORIGIN_URL: r.mirrorOriginUrl } : {}),
  };
}

/** The probe pod: one read-only, non-root container running the script from the ConfigMap. */
function probePodSpec(
  r: ResolvedProbeProps,
  environment: Readonly<Record<string, string>>,
  configMapName: string,
  serviceAccountName: string | undefined,
) {
  const credentials = r.credentials;
  return {
    restartPolicy: 'Never',
    // The API token is in the pod only when remediation needs it.
    ...(serviceAccountName !== undefined ? { serviceAccountName } : {}),
    automountServiceAccountToken: r.remediating,
    enableServiceLinks: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: String(r.runAsUser),
      runAsGroup: String(r.runAsUser),
      seccompProfile: { type: 'RuntimeDefault' },
    },
    container: [
      {
        name: 'probe',
        image: r.image,
        command: ['node', `/probe/${PROBE_SCRIPT_FILE}`],
        env: [
          ...Object.entries(environment).map(([name, value]) => ({ name, value: literalUnlessToken(value) })),
          ...(credentials === undefined
            ? []
            : [
                {
                  name: 'PROBE_PUSHGATEWAY_USERNAME',
                  valueFrom: { secretKeyRef: { name: credentials.name, key: credentials.usernameKey ?? 'username' } },
                },
                {
                  name: 'PROBE_PUSHGATEWAY_PASSWORD',
                  valueFrom: { secretKeyRef: { name: credentials.name, key: credentials.passwordKey ?? 'password' } },
                },
              ]),
        ],
        // Measured peak RSS of a run: 52 MiB (healthy, 3 replicas, inventory on) and 52 MiB
        // against a black hole; an empty node process is 40 MiB (bench/probe.ts, node 20).
        // The request covers the peak; the limit leaves room for musl and slow networks.
        // The probe writes nothing (read-only root); the ephemeral-storage limit bounds its logs.
        resources: {
          requests: { cpu: '50m', memory: `${PROBE_MEMORY_MIB.request}Mi`, 'ephemeral-storage': '16Mi' },
          limits: { cpu: '500m', memory: `${PROBE_MEMORY_MIB.limit}Mi`, 'ephemeral-storage': '64Mi' },
        },
        securityContext: restrictedContainerSecurity(),
        volumeMount: [
          { name: 'script', mountPath: '/probe', readOnly: true },
          ...(r.originTls !== undefined ? [{ name: 'origin-tls', mountPath: PROBE_ORIGIN_TLS_DIR, readOnly: true }] : []),
        ],
      },
    ],
    volume: [
      { name: 'script', configMap: { name: configMapName, defaultMode: '0444' } },
      // Files are owned by root; 0444 lets the probe's non-root user read them (it is the pod's only user).
      ...(r.originTls !== undefined ? [{ name: 'origin-tls', secret: { secretName: r.originTls, defaultMode: '0444' } }] : []),
    ],
  };
}
