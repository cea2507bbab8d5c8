import { Construct } from 'constructs';
import { ConfigMapV1, type CronJobV1, Manifest, RoleBindingV1, RoleV1, ServiceAccountV1, ServiceV1, loadCronJobV1 } from './private/cdktf';
import { probeFiles, probeFilesSha256 } from './private/probe-files';
import { probeEnvironment, probePodSpec } from './private/probe-pod';
import { resolveProbeProps, validateProbeProps } from './private/probe-props';
import { escapeTemplates } from './private/templates';
import { PROBE_ORIGIN_TLS_DIR, RemediationMode, WebterminalProbeProps } from './webterminal-probe-props';

export * from './webterminal-probe-props';

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
  /** sha256 of the probe's files (its modules and contract), annotated on the pod template. */
  public readonly scriptSha256: string;
  /** The CronJob. */
  public readonly resource: CronJobV1;
  /** The ConfigMap carrying the probe's files. */
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
    this.environment = probeEnvironment(r, PROBE_ORIGIN_TLS_DIR);

    const files = probeFiles();
    this.scriptSha256 = probeFilesSha256(files);
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
              spec: probePodSpec(r, this.environment, this.configMap.metadata.name, this.serviceAccount?.metadata.name, PROBE_ORIGIN_TLS_DIR),
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
