import { Construct } from 'constructs';
import { DEFAULT_LABELS } from './private/defaults';
import { Lazy, NetworkPolicyV1 } from './private/cdktf';
import { ResolvedTraefikLocation, TraefikLocation } from './traefik';
import { Problems, checkDnsLabel, checkPort, checkMetadata } from './private/validation';
import { traefikLocationProblems, resolveTraefikLocation } from './private/traefik';

/** Props of {@link TtydNetworkPolicy}. */
export interface TtydNetworkPolicyProps {
  /** Namespace of the ttyd pods (and of the policy). */
  readonly namespace: string;
  /** Labels of the ttyd pods (`TtydService.podSelector`). */
  readonly podSelector: Record<string, string>;
  /** Ports the admitted pods may reach on ttyd (ttyd's own port, not the Service's). */
  readonly ports: number[];
  /**
   * Where Traefik runs; its pods are admitted.
   * @default - DEFAULT_TRAEFIK_LOCATION (namespace `traefik`, `app.kubernetes.io/name: traefik`)
   */
  readonly traefik?: TraefikLocation;
  /**
   * Labels of further pods in the same namespace that may reach ttyd (the probe's pods); shorthand
   * for calling {@link TtydNetworkPolicy.allowPods}.
   * @default - none
   */
  readonly allowPods?: Record<string, string>[];
  /**
   * Name of the NetworkPolicy.
   * @default "ttyd"
   */
  readonly name?: string;
  /**
   * Labels on the policy.
   * @default - `app.kubernetes.io/part-of: webterminal`
   */
  readonly labels?: Record<string, string>;
}

/**
 * Admits traffic to the in-cluster ttyd pods only from the Traefik pods and from pods named here
 * (the probe); everything else is denied, because ttyd's only check is a header any client could
 * send. Needs a CNI that enforces NetworkPolicy (Calico, Cilium, k3s' built-in controller; not bare
 * flannel). The kubelet's readiness probe comes from the node and is not subject to it on common CNIs.
 */
export class TtydNetworkPolicy extends Construct {
  public readonly name: string;
  /** Where Traefik runs, as admitted. */
  public readonly traefik: ResolvedTraefikLocation;
  /** Ports admitted on ttyd. */
  public readonly ports: readonly number[];
  public readonly resource: NetworkPolicyV1;

  private readonly namespace: string;
  private readonly pods: Record<string, string>[] = [];

  constructor(scope: Construct, id: string, props: TtydNetworkPolicyProps) {
    super(scope, id);
    this.name = props.name ?? 'ttyd';
    this.namespace = props.namespace;
    this.traefik = resolveTraefikLocation(props.traefik);
    this.ports = [...props.ports];
    const labels = props.labels ?? { ...DEFAULT_LABELS };

    const problems = new Problems('ttyd-network-policy');
    problems.add(checkDnsLabel('name', this.name));
    problems.add(checkDnsLabel('namespace', this.namespace));
    problems.add(
      Object.keys(props.podSelector).length > 0
        ? checkMetadata('podSelector', 'labels', props.podSelector)[0]
        : 'podSelector must name at least one label (an empty selector would cover every pod in the namespace)',
    );
    problems.add(this.ports.length > 0 ? undefined : 'ports must name at least one port');
    this.ports.forEach((p, i) => problems.add(checkPort(`ports[${i}]`, p)));
    for (const problem of traefikLocationProblems('traefik', this.traefik)) problems.add(problem);
    problems.addAll(checkMetadata('labels', 'labels', labels));
    problems.throwIfAny(this);

    this.resource = new NetworkPolicyV1(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      spec: {
        podSelector: { matchLabels: props.podSelector },
        policyTypes: ['Ingress'],
        // Pods can be admitted after construction; the rules are read when the stack is synthesized
        // (so they are written as Terraform sees them, in snake_case).
        ingress: Lazy.anyValue({ produce: () => this.rules() }),
      },
    });
    for (const pods of props.allowPods ?? []) this.allowPods(pods);
  }

  /**
   * Admits pods of the policy's namespace with these labels to ttyd's ports. Returns the selector.
   * The same selector twice throws.
   */
  public allowPods(podSelector: Record<string, string>): Record<string, string> {
    const problems = new Problems('ttyd-network-policy');
    problems.add(
      Object.keys(podSelector).length > 0
        ? checkMetadata('allowPods', 'labels', podSelector)[0]
        : 'allowPods must name at least one label (an empty selector admits every pod in the namespace)',
    );
    const key = JSON.stringify(Object.entries(podSelector).sort());
    problems.add(
      this.pods.some((p) => JSON.stringify(Object.entries(p).sort()) === key) ? `allowPods ${JSON.stringify(podSelector)} is given twice` : undefined,
    );
    problems.throwIfAny(this);
    this.pods.push({ ...podSelector });
    return podSelector;
  }

  private rules(): Record<string, unknown>[] {
    const ports = this.ports.map((port) => ({ port: String(port), protocol: 'TCP' }));
    // One peer with both selectors: Traefik's pods in Traefik's namespace (two peers would be an OR).
    const traefik = {
      namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': this.traefik.namespace } },
      pod_selector: { match_labels: this.traefik.podSelector },
    };
    return [{ from: [traefik], ports }, ...this.pods.map((pods) => ({ from: [{ pod_selector: { match_labels: pods } }], ports }))];
  }
}
