/**
 * Puts a rule set into the cluster: as a prometheus-operator `PrometheusRule`, and optionally as a
 * plain rule file in a ConfigMap for Prometheus servers that load rule files (no operator).
 */
import { Construct } from 'constructs';
import type { AlertRuleSet, RuleFile } from './alert-model';
import { ConfigMapV1, Lazy, Manifest } from './private/cdktf';
import { Problems, checkDnsLabel, checkDnsName, checkMetadata } from './private/validation';
import { escapeTemplates } from './private/templates';

/** Labels the prometheus-operator selects rules by in a kube-prometheus-stack release named `prometheus`. */
export const DEFAULT_PROMETHEUS_RULE_LABELS: Readonly<Record<string, string>> = { release: 'prometheus' };

/** Props of {@link PrometheusRules}. */
export interface PrometheusRulesProps {
  /** The alert groups to install (e.g. a `WebterminalRuleSet`). */
  readonly ruleSet: AlertRuleSet;
  /**
   * Namespace of the `PrometheusRule` (and ConfigMap).
   * @default "monitoring"
   */
  readonly namespace?: string;
  /**
   * Name of the `PrometheusRule` (and prefix of the ConfigMap's name).
   * @default "webterminal"
   */
  readonly name?: string;
  /**
   * Labels on the `PrometheusRule` and the ConfigMap. The operator loads only rules whose labels
   * match its Prometheus' `ruleSelector`; kube-prometheus-stack selects `release: <release name>`.
   * Given labels replace the default rather than add to it.
   * @default { release: "prometheus" }
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Make the `PrometheusRule` (needs the prometheus-operator's CRD at plan time).
   * @default true
   */
  readonly prometheusRule?: boolean;
  /**
   * Also write the rule file into a ConfigMap, for a Prometheus that loads rule files.
   * @default false
   */
  readonly configMap?: boolean;
  /**
   * Key of the rule file in the ConfigMap.
   * @default "<name>.rules.yaml"
   */
  readonly configMapKey?: string;
}

/**
 * A `PrometheusRule` (`monitoring.coreos.com/v1`) holding a rule set, through `kubernetes_manifest`,
 * and optionally the same rules as a plain rule file in a ConfigMap.
 *
 * `kubernetes_manifest` needs API access at plan time and the `PrometheusRule` CRD must already
 * exist then (terraform-provider-kubernetes #1367): install the prometheus-operator (or its CRDs)
 * in an earlier stack or apply. Construct ids: `Resource` (the PrometheusRule), `ConfigMap`.
 */
export class PrometheusRules extends Construct {
  /** The rule set this construct installs. */
  public readonly ruleSet: AlertRuleSet;
  /** The rule file (also the PrometheusRule's `spec`), rendered now. */
  public get ruleFile(): RuleFile {
    return this.ruleSet.toRuleFile();
  }

  /** The rule file as YAML, as the ConfigMap carries it. */
  public get ruleFileYaml(): string {
    return this.ruleSet.toYaml();
  }

  public readonly namespace: string;
  public readonly name: string;
  public readonly labels: Readonly<Record<string, string>>;
  /** ConfigMap key in effect (also when no ConfigMap is made). */
  public readonly configMapKey: string;
  /** The `kubernetes_manifest` resource, unless `prometheusRule` is false. */
  public readonly resource: Manifest | undefined;
  /** The ConfigMap, when `configMap` is true. */
  public readonly configMap: ConfigMapV1 | undefined;

  /** The rule set is rendered at synthesis, so alerts added to it after construction are included. */
  constructor(scope: Construct, id: string, props: PrometheusRulesProps) {
    super(scope, id);
    this.ruleSet = props.ruleSet;
    this.namespace = props.namespace ?? 'monitoring';
    this.name = props.name ?? 'webterminal';
    this.labels = { ...(props.labels ?? DEFAULT_PROMETHEUS_RULE_LABELS) };
    this.configMapKey = props.configMapKey ?? `${this.name}.rules.yaml`;
    const problems = new Problems('prometheus-rules');
    problems.add(checkDnsLabel('namespace', this.namespace));
    problems.add(checkDnsName('name', this.name, 'object'));
    problems.addAll(checkMetadata('labels', 'labels', this.labels));
    problems.add(
      /^[-._a-zA-Z0-9]{1,253}$/.test(this.configMapKey)
        ? undefined
        : `configMapKey ${JSON.stringify(this.configMapKey)} is not a valid ConfigMap key (letters, digits, '-', '_' and '.')`,
    );
    problems.throwIfAny(this);
    // Judged once the tree is complete: alerts may still be added to the set after this.
    this.node.addValidation({
      validate: () => (this.ruleSet.alerts.length === 0 ? ['prometheus-rules: ruleSet has no alerts (give a rule set with at least one alert)'] : []),
    });

    this.resource =
      (props.prometheusRule ?? true)
        ? new Manifest(this, 'Resource', {
            manifest: {
              apiVersion: 'monitoring.coreos.com/v1',
              kind: 'PrometheusRule',
              metadata: { name: this.name, namespace: this.namespace, labels: { ...this.labels } },
              spec: Lazy.anyValue({ produce: () => escapeTemplates(this.ruleFile) }),
            },
          })
        : undefined;

    this.configMap = props.configMap
      ? new ConfigMapV1(this, 'ConfigMap', {
          metadata: { name: `${this.name}-rules`, namespace: this.namespace, labels: { ...this.labels } },
          data: { [this.configMapKey]: Lazy.stringValue({ produce: () => escapeTemplates(this.ruleFileYaml) }) },
        })
      : undefined;
  }
}
