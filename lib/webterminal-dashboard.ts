/**
 * The web terminal's Grafana dashboard in a ConfigMap, for the Grafana dashboard sidecar
 * (kube-prometheus-stack, or the grafana chart with `sidecar.dashboards.enabled`), which loads every
 * ConfigMap carrying its label.
 *
 * The dashboard itself is `webterminal-dashboard.grafana.json`, built with Grafana's foundation SDK by
 * `npm run dashboard` (`dashboards/webterminal-dashboard.ts`) and committed; the SDK is a build-time
 * tool only, so nothing here loads it.
 */
import { Construct } from 'constructs';
import { ConfigMapV1, Token } from './private/cdktf';
import { DEFAULT_PROBE_JOB } from './metrics';
import { Problems, checkDnsLabel, checkNonEmpty, checkDnsName, checkMetadata } from './private/validation';
// Not `webterminal-dashboard.json`: Node (and ts-node) would load that instead of this module for './webterminal-dashboard'.
import dashboardJson from './webterminal-dashboard.grafana.json';
import { escapeTemplates } from './private/templates';

/** The dashboard as Grafana's JSON model (what `npm run dashboard` writes). */
export const WEBTERMINAL_DASHBOARD: Readonly<GrafanaDashboardJson> = dashboardJson as GrafanaDashboardJson;

/** The parts of Grafana's dashboard JSON this library reads; the rest is carried as it is. */
export interface GrafanaDashboardJson {
  /** Grafana's id of the dashboard (`webterminal-probe`): stable across imports. */
  readonly uid: string;
  /** Title shown in Grafana. */
  readonly title: string;
  /** Template variables (`datasource`, `job`). */
  readonly templating: GrafanaTemplatingJson;
  /** Panels and rows, in order. */
  readonly panels: readonly GrafanaPanelJson[];
  /** Everything else of Grafana's model, carried unchanged. */
  readonly [key: string]: unknown;
}

/** The `templating` part of the dashboard JSON. */
export interface GrafanaTemplatingJson {
  /** The variables, in the order Grafana shows them. */
  readonly list: readonly GrafanaVariableJson[];
}

/** A value a variable holds. */
export interface GrafanaVariableValueJson {
  /** What Grafana shows. */
  readonly text: string | string[];
  /** What replaces `$name` in queries. */
  readonly value: string | string[];
}

/** One query of a panel. */
export interface GrafanaTargetJson {
  /** PromQL, with Grafana's variables and macros (`$job`, `$__rate_interval`). */
  readonly expr?: string;
  /** The query's letter in the panel (`A`, `B`). */
  readonly refId?: string;
  /** Everything else of the query, carried unchanged. */
  readonly [key: string]: unknown;
}

/** One template variable of the dashboard JSON. */
export interface GrafanaVariableJson {
  /** Variable name, used in queries as `$name`. */
  readonly name: string;
  /** The value the variable starts on. */
  readonly current?: GrafanaVariableValueJson;
  /** Everything else of the variable, carried unchanged. */
  readonly [key: string]: unknown;
}

/** One panel (or row) of the dashboard JSON. */
export interface GrafanaPanelJson {
  /** Panel plugin (`timeseries`, `stat`, `state-timeline`) or `row`. */
  readonly type: string;
  /** Title shown on the panel. */
  readonly title?: string;
  /** Queries; for Prometheus, `expr` is the PromQL with Grafana's variables and macros. */
  readonly targets?: readonly GrafanaTargetJson[];
  /** Panels of a collapsed row. */
  readonly panels?: readonly GrafanaPanelJson[];
  /** Everything else of the panel, carried unchanged. */
  readonly [key: string]: unknown;
}

/** The label the sidecar of kube-prometheus-stack looks for, with its value. */
export const DEFAULT_DASHBOARD_LABELS: Readonly<Record<string, string>> = { grafana_dashboard: '1' };

/** Props of {@link WebterminalDashboard}. */
export interface WebterminalDashboardProps {
  /**
   * Namespace of the ConfigMap. kube-prometheus-stack's sidecar searches every namespace
   * (`sidecar.dashboards.searchNamespace: ALL`); a sidecar limited to its own namespace needs Grafana's.
   * @default "monitoring"
   */
  readonly namespace?: string;
  /**
   * Name of the ConfigMap.
   * @default "webterminal-dashboard"
   */
  readonly name?: string;
  /**
   * Labels on the ConfigMap: what the sidecar selects (`sidecar.dashboards.label` / `labelValue`).
   * Given labels replace the default rather than add to it.
   * @default { grafana_dashboard: "1" }
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Annotations on the ConfigMap (e.g. the sidecar's folder annotation, `grafana_folder`).
   * @default {}
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * The probe's Pushgateway job: the dashboard's `job` variable starts on it.
   * @default "webterminal-probe"
   */
  readonly probeJob?: string;
}

/**
 * A ConfigMap holding the Grafana dashboard `webterminal-probe` (key `webterminal-dashboard.json`).
 * Construct id of the ConfigMap: `Resource`.
 */
export class WebterminalDashboard extends Construct {
  /** Key of the dashboard file in the ConfigMap. */
  public static readonly KEY = 'webterminal-dashboard.json';

  public readonly namespace: string;
  public readonly name: string;
  public readonly labels: Readonly<Record<string, string>>;
  public readonly annotations: Readonly<Record<string, string>>;
  /** Probe job the `job` variable starts on. */
  public readonly probeJob: string;
  /** The dashboard JSON as shipped. */
  public readonly dashboard: GrafanaDashboardJson;
  public readonly resource: ConfigMapV1;

  constructor(scope: Construct, id: string, props: WebterminalDashboardProps = {}) {
    super(scope, id);
    this.namespace = props.namespace ?? 'monitoring';
    this.name = props.name ?? 'webterminal-dashboard';
    this.labels = { ...(props.labels ?? DEFAULT_DASHBOARD_LABELS) };
    this.annotations = { ...(props.annotations ?? {}) };
    this.probeJob = props.probeJob ?? DEFAULT_PROBE_JOB;

    const problems = new Problems('webterminal-dashboard');
    problems.add(checkDnsLabel('namespace', this.namespace));
    problems.add(checkDnsName('name', this.name, 'object'));
    problems.addAll(checkMetadata('labels', 'labels', this.labels));
    problems.add(
      Object.keys(this.labels).length === 0
        ? 'labels {} is empty (the sidecar finds dashboards by a label; give at least one, e.g. { grafana_dashboard: "1" })'
        : undefined,
    );
    problems.add(Token.isUnresolved(this.probeJob) ? undefined : checkNonEmpty('probeJob', this.probeJob));
    problems.throwIfAny(this);

    this.dashboard = dashboardForJob(WEBTERMINAL_DASHBOARD, this.probeJob);
    this.resource = new ConfigMapV1(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: { ...this.labels }, annotations: { ...this.annotations } },
      // Grafana's `${datasource}` would be a Terraform template: escaped, Terraform writes it as is.
      data: { [WebterminalDashboard.KEY]: escapeTemplates(JSON.stringify(this.dashboard)) },
    });
  }
}

/** The dashboard with its `job` variable starting on `job`. */
function dashboardForJob(dashboard: GrafanaDashboardJson, job: string): GrafanaDashboardJson {
  const list = dashboard.templating.list.map((variable) =>
    variable.name === 'job' ? { ...variable, current: { text: job, value: job } } : variable,
  );
  return { ...dashboard, templating: { ...dashboard.templating, list } };
}
