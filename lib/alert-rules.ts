/**
 * Prometheus alert rules as code: a small model (an {@link Alert}, an {@link AlertGroup}, an
 * {@link AlertRuleSet}) that validates what it is given and renders the Prometheus rule-file shape,
 * and the two groups that watch the web terminal ({@link webterminalAlertGroup},
 * {@link traefikRouterParityAlertGroup}, both in {@link WebterminalRuleSet}).
 *
 * Plain TypeScript on purpose: the same rule set feeds the `PrometheusRule` construct
 * (`prometheus-rules.ts`), a plain rule file for clusters without the operator
 * ({@link AlertRuleSet.toYaml}, what `npm run rules` writes), and promtool in the tests.
 *
 * Every metric and label name of the probe comes from `metrics.ts`, so a renamed metric breaks a
 * test instead of silently blinding an alert.
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { DEFAULT_PROBE_JOB, ProbeCheck, ProbeLabel, ProbeMetric, PushgatewayMetric } from './metrics';
import { ValidationError, checkInteger } from './validation';

/** The library's error for bad input, so callers (and `main.ts`) handle every construct's alike. */
function invalid(message: string): ValidationError {
  return new ValidationError('alert-rules', [message]);
}

// ---------------------------------------------------------------------------------------------
// The rule-file shape
// ---------------------------------------------------------------------------------------------

/** Alert severities, in the kubernetes-mixin convention. */
export const SEVERITIES = ['critical', 'warning', 'info'] as const;

/** One of {@link SEVERITIES}. */
export type Severity = (typeof SEVERITIES)[number];

/** One alerting rule as it appears in a Prometheus rule file. */
export interface AlertRule {
  /** Alert name (the `alertname` label). */
  readonly alert: string;
  /** PromQL expression; every series it returns is one firing alert. */
  readonly expr: string;
  /** How long the expression must hold before the alert fires (a Prometheus duration); absent: at once. */
  readonly for?: string;
  /** Labels of the alert, `severity` first. */
  readonly labels: Readonly<Record<string, string>>;
  /** Annotations of the alert: `summary`, `description`, `runbook_url` or `runbook_first_steps`, then any others. */
  readonly annotations: Readonly<Record<string, string>>;
}

/** One rule group as it appears in a Prometheus rule file (and in a `PrometheusRule`'s spec). */
export interface RuleGroup {
  /** Group name, unique in the rule file. */
  readonly name: string;
  /** How often the group is evaluated (a Prometheus duration); absent: Prometheus' global `evaluation_interval`. */
  readonly interval?: string;
  /** The group's alerting rules, in order. */
  readonly rules: readonly AlertRule[];
}

/** A Prometheus rule file: also the `spec` of a `PrometheusRule`. */
export interface RuleFile {
  /** The rule groups, in order. */
  readonly groups: readonly RuleGroup[];
}

// ---------------------------------------------------------------------------------------------
// Validation helpers
// ---------------------------------------------------------------------------------------------

/** Prometheus' own duration grammar (prometheus/common `model.ParseDuration`): units in this order, each at most once. */
const PROMETHEUS_DURATION = /^(?:0|(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?)$/;

/** Alert names in the house style: CamelCase, which is also a valid Prometheus `alertname`. */
const ALERT_NAME = /^[A-Z][A-Za-z0-9]*$/;

/** Prometheus label names; `__`-prefixed names are reserved for Prometheus itself. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Labels the model sets itself and that a caller must not set through `labels`. */
const RESERVED_LABELS = ['alertname', 'severity'];

/** Annotations the model sets itself from dedicated fields. */
const RESERVED_ANNOTATIONS = ['summary', 'description', 'runbook_url', 'runbook_first_steps'];

/** True when `value` is a duration Prometheus accepts in `for` and `interval`. */
export function isPrometheusDuration(value: string): boolean {
  return value !== '' && PROMETHEUS_DURATION.test(value);
}

function duplicateAlert(group: string, alert: string, holder: string): ValidationError {
  return invalid(
    `group ${JSON.stringify(group)}: duplicate alert name ${JSON.stringify(alert)} ` +
      `(already in group ${JSON.stringify(holder)}; accepted: a name not used elsewhere in the rule set)`,
  );
}

function checkDuration(where: string, field: string, value: string): void {
  if (!isPrometheusDuration(value)) {
    throw invalid(
      `${where}: ${field} ${JSON.stringify(value)} is not a Prometheus duration ` +
        '(accepted: whole numbers with units y, w, d, h, m, s, ms in that order, e.g. "10m", "1h30m", "90s")',
    );
  }
}

function checkNonEmpty(where: string, field: string, value: string): void {
  if (value.trim() === '') {
    throw invalid(`${where}: ${field} ${JSON.stringify(value)} is empty (accepted: a non-empty string)`);
  }
}

function checkLabels(where: string, labels: Readonly<Record<string, string>>): void {
  for (const name of Object.keys(labels)) {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) {
      throw invalid(
        `${where}: label name ${JSON.stringify(name)} is not valid ` +
          '(accepted: letters, digits and _, not starting with a digit or __)',
      );
    }
    if (RESERVED_LABELS.includes(name)) {
      throw invalid(
        `${where}: label ${JSON.stringify(name)} cannot be set through labels ` +
          `(use the dedicated field; reserved: ${RESERVED_LABELS.join(', ')})`,
      );
    }
  }
}

function checkAnnotations(where: string, annotations: Readonly<Record<string, string>>): void {
  for (const name of Object.keys(annotations)) {
    if (!LABEL_NAME.test(name)) {
      throw invalid(
        `${where}: annotation name ${JSON.stringify(name)} is not valid ` +
          '(accepted: letters, digits and _, not starting with a digit)',
      );
    }
    if (RESERVED_ANNOTATIONS.includes(name)) {
      throw invalid(
        `${where}: annotation ${JSON.stringify(name)} cannot be set through annotations ` +
          '(use summary, description or runbookUrl)',
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Alert, AlertGroup, AlertRuleSet
// ---------------------------------------------------------------------------------------------

/** What makes an alert. */
export interface AlertProps {
  /** Alert name, CamelCase (`WebterminalTokenDegraded`); unique in its rule set. */
  readonly alert: string;
  /** PromQL expression; every series it returns is one firing alert. */
  readonly expr: string;
  /**
   * How long the expression must hold before the alert fires (a Prometheus duration).
   * @default - none: the alert fires at the first evaluation where the expression holds
   */
  readonly for?: string;
  /** How urgent: `critical` pages, `warning` and `info` do not (by convention). */
  readonly severity: Severity;
  /**
   * Further labels (e.g. `subsystem`); `severity` comes from {@link severity}.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /** A fixed sentence: what is wrong. */
  readonly summary: string;
  /** What is wrong where, templated with `{{ $labels.x }}` and `{{ $value }}`. */
  readonly description: string;
  /**
   * Where the runbook for this alert is published (`runbook_url`). An alert needs this or
   * {@link runbookFirstSteps}; never a placeholder.
   * @default - none; give runbookFirstSteps
   */
  readonly runbookUrl?: string;
  /**
   * The runbook's first steps, carried in the `runbook_first_steps` annotation when the runbook has
   * no published URL.
   * @default - none; give runbookUrl
   */
  readonly runbookFirstSteps?: string;
  /**
   * Further annotations (e.g. `dashboard_url`).
   * @default {}
   */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** One validated alerting rule. Immutable: overrides go into the props of the factory that makes it. */
export class Alert {
  /** The alert's name. */
  public readonly name: string;
  /** PromQL expression. */
  public readonly expr: string;
  /** How long the expression must hold, or undefined for "at once". */
  public readonly for: string | undefined;
  /** Severity label. */
  public readonly severity: Severity;
  /** Labels other than `severity`. */
  public readonly labels: Readonly<Record<string, string>>;
  /** Summary annotation. */
  public readonly summary: string;
  /** Description annotation. */
  public readonly description: string;
  /** `runbook_url` annotation, when the runbook is published. */
  public readonly runbookUrl: string | undefined;
  /** `runbook_first_steps` annotation, when the runbook has no published URL. */
  public readonly runbookFirstSteps: string | undefined;
  /** Annotations other than summary, description and runbook_url. */
  public readonly annotations: Readonly<Record<string, string>>;

  /** Validates `props`; throws with a message naming the field, the bad value and what is accepted. */
  constructor(props: AlertProps) {
    if (!ALERT_NAME.test(props.alert)) {
      throw invalid(
        `alert name ${JSON.stringify(props.alert)} is not valid ` +
          '(accepted: CamelCase letters and digits starting with an upper-case letter, e.g. "WebterminalTokenDegraded")',
      );
    }
    const where = `alert ${JSON.stringify(props.alert)}`;
    checkNonEmpty(where, 'expr', props.expr);
    if (props.for !== undefined) checkDuration(where, 'for', props.for);
    if (!(SEVERITIES as readonly string[]).includes(props.severity)) {
      throw invalid(
        `${where}: severity ${JSON.stringify(props.severity)} is not valid (accepted: ${SEVERITIES.join(', ')})`,
      );
    }
    checkNonEmpty(where, 'summary', props.summary);
    checkNonEmpty(where, 'description', props.description);
    if (props.runbookUrl === undefined && props.runbookFirstSteps === undefined) {
      throw invalid(`${where}: has neither runbookUrl nor runbookFirstSteps (accepted: a published runbook URL, or the runbook's first steps)`);
    }
    if (props.runbookUrl !== undefined) checkNonEmpty(where, 'runbookUrl', props.runbookUrl);
    if (props.runbookFirstSteps !== undefined) checkNonEmpty(where, 'runbookFirstSteps', props.runbookFirstSteps);
    checkLabels(where, props.labels ?? {});
    checkAnnotations(where, props.annotations ?? {});
    this.name = props.alert;
    this.expr = props.expr;
    this.for = props.for;
    this.severity = props.severity;
    this.labels = { ...(props.labels ?? {}) };
    this.summary = props.summary;
    this.description = props.description;
    this.runbookUrl = props.runbookUrl;
    this.runbookFirstSteps = props.runbookFirstSteps;
    this.annotations = { ...(props.annotations ?? {}) };
  }

  /** The rule in rule-file shape: `severity` first among the labels, then the others by name. */
  public toRule(): AlertRule {
    return {
      alert: this.name,
      expr: this.expr,
      ...(this.for !== undefined ? { for: this.for } : {}),
      labels: { severity: this.severity, ...sortedRecord(this.labels) },
      annotations: {
        summary: this.summary,
        description: this.description,
        ...(this.runbookUrl !== undefined ? { runbook_url: this.runbookUrl } : {}),
        ...(this.runbookFirstSteps !== undefined ? { runbook_first_steps: this.runbookFirstSteps } : {}),
        ...sortedRecord(this.annotations),
      },
    };
  }
}

/** Stable key order, so the emitted YAML does not change with the order props were written in. */
function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** What makes an alert group. */
export interface AlertGroupProps {
  /** Group name, unique in its rule set (`Webterminal`). */
  readonly name: string;
  /**
   * How often the group is evaluated (a Prometheus duration).
   * @default - Prometheus' global `evaluation_interval`
   */
  readonly interval?: string;
  /**
   * Alerts to add at once: shorthand for calling {@link AlertGroup.addAlert} for each.
   * @default []
   */
  readonly alerts?: readonly AlertProps[];
}

/** A rule group: alerts that are evaluated together. */
export class AlertGroup {
  /** Group name. */
  public readonly name: string;
  /** Evaluation interval, or undefined for Prometheus' global one. */
  public readonly interval: string | undefined;
  private readonly alertList: Alert[] = [];
  /** Set by the rule set that holds this group, so alert names stay unique across the set. */
  private nameInUse: (name: string) => string | undefined = () => undefined;
  private attached = false;

  /** Validates the name and interval, then adds `props.alerts`. */
  constructor(props: AlertGroupProps) {
    checkNonEmpty('group', 'name', props.name);
    if (props.interval !== undefined) checkDuration(`group ${JSON.stringify(props.name)}`, 'interval', props.interval);
    this.name = props.name;
    this.interval = props.interval;
    for (const alert of props.alerts ?? []) this.addAlert(alert);
  }

  /** The alerts, in the order they were added. */
  public get alerts(): readonly Alert[] {
    return [...this.alertList];
  }

  /** Adds an alert and returns it; throws when its name is already used in this group or its rule set. */
  public addAlert(props: AlertProps): Alert {
    const alert = new Alert(props);
    const holder = this.findAlert(alert.name) ? this.name : this.nameInUse(alert.name);
    if (holder !== undefined) throw duplicateAlert(this.name, alert.name, holder);
    this.alertList.push(alert);
    return alert;
  }

  /** The alert called `name`, if this group has one. */
  public findAlert(name: string): Alert | undefined {
    return this.alertList.find((alert) => alert.name === name);
  }

  /** The group in rule-file shape. */
  public toRuleGroup(): RuleGroup {
    return {
      name: this.name,
      ...(this.interval !== undefined ? { interval: this.interval } : {}),
      rules: this.alertList.map((alert) => alert.toRule()),
    };
  }

  /** @internal Called by {@link AlertRuleSet.addGroup}; a group belongs to one set only. */
  public attachTo(set: AlertRuleSet): void {
    if (this.attached) {
      throw invalid(`group ${JSON.stringify(this.name)} is already in a rule set (accepted: a new group)`);
    }
    this.attached = true;
    this.nameInUse = (name) => set.groupOfAlert(name)?.name;
  }
}

/** What makes a rule set. */
export interface AlertRuleSetProps {
  /**
   * Groups to add at once: shorthand for calling {@link AlertRuleSet.addGroup} for each.
   * @default []
   */
  readonly groups?: readonly (AlertGroup | AlertGroupProps)[];
}

/** A set of rule groups: one Prometheus rule file, or one `PrometheusRule`. */
export class AlertRuleSet {
  private readonly groupList: AlertGroup[] = [];

  /** Adds `props.groups`. */
  constructor(props: AlertRuleSetProps = {}) {
    for (const group of props.groups ?? []) this.addGroup(group);
  }

  /** The groups, in the order they were added. */
  public get groups(): readonly AlertGroup[] {
    return [...this.groupList];
  }

  /** Every alert of every group. */
  public get alerts(): readonly Alert[] {
    return this.groupList.flatMap((group) => group.alerts);
  }

  /**
   * Adds a group (made here from props, or one made before) and returns it. Throws when the group
   * name is taken or one of its alerts has a name already used in the set.
   */
  public addGroup(groupOrProps: AlertGroup | AlertGroupProps): AlertGroup {
    const group = groupOrProps instanceof AlertGroup ? groupOrProps : new AlertGroup(groupOrProps);
    if (this.groupList.some((existing) => existing.name === group.name)) {
      throw invalid(
        `duplicate group name ${JSON.stringify(group.name)} (accepted: a name not used elsewhere in the rule set)`,
      );
    }
    for (const alert of group.alerts) {
      const holder = this.groupOfAlert(alert.name);
      if (holder) throw duplicateAlert(group.name, alert.name, holder.name);
    }
    group.attachTo(this);
    this.groupList.push(group);
    return group;
  }

  /** The group called `name`, if any. */
  public findGroup(name: string): AlertGroup | undefined {
    return this.groupList.find((group) => group.name === name);
  }

  /** The group that holds the alert called `name`, if any. */
  public groupOfAlert(name: string): AlertGroup | undefined {
    return this.groupList.find((group) => group.findAlert(name) !== undefined);
  }

  /** The alert called `name`, if any group has one. */
  public findAlert(name: string): Alert | undefined {
    return this.groupOfAlert(name)?.findAlert(name);
  }

  /** The set as a Prometheus rule file (plain object, also the `spec` of a `PrometheusRule`). */
  public toRuleFile(): RuleFile {
    return { groups: this.groupList.map((group) => group.toRuleGroup()) };
  }

  /** The set as a Prometheus rule file in YAML, ready for `promtool check rules` or `serverFiles`. */
  public toYaml(): string {
    // Required here, not imported: yaml is 72 modules, and a synth without the rule ConfigMap never needs it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { stringify } = require('yaml') as typeof import('yaml');
    // lineWidth 0: never fold long expressions or descriptions onto several lines.
    return stringify(this.toRuleFile(), { lineWidth: 0 });
  }
}

// ---------------------------------------------------------------------------------------------
// The web terminal's groups
// ---------------------------------------------------------------------------------------------

/** Names of the alerts the factories make (also the runbook file names under `docs/runbooks/`). */
export const WebterminalAlertName = {
  /** The public `/token` request fails in most recent probe runs (warning). */
  tokenDegraded: 'WebterminalTokenDegraded',
  /** The public WebSocket upgrade fails in most recent probe runs (critical). */
  websocketDegraded: 'WebterminalWebsocketDegraded',
  /** The in-cluster checks of ttyd fail in most recent probe runs (critical). */
  ttydUnreachable: 'WebterminalTtydUnreachable',
  /** A Traefik replica does not answer the terminal host with the auth redirect to the outpost (critical). */
  replicaRouteMissing: 'WebterminalReplicaRouteMissing',
  /** Per-replica checks are configured but the probe found no replica: the detector is blind (warning). */
  probeBlind: 'WebterminalProbeBlind',
  /** ttyd answered without the auth header: anyone who reaches it gets a shell (critical). */
  ttydOpen: 'WebterminalTtydOpen',
  /** The probe has not pushed for too long, or never did (warning). */
  probeStale: 'WebterminalProbeStale',
  /** Traefik replicas disagree on how many routers they have (warning). */
  traefikRouterCountSkew: 'TraefikRouterCountSkew',
  /** The probe's router inventory fails on a replica: the parity alert is blind there (warning). */
  traefikRouterInventoryFailing: 'TraefikRouterInventoryFailing',
} as const;

/** Group names the factories use. */
export const WebterminalGroupName = {
  /** The group of {@link webterminalAlertGroup}. */
  webterminal: 'Webterminal',
  /** The group of {@link traefikRouterParityAlertGroup}. */
  traefikRouterParity: 'Traefik Router Parity',
} as const;

/**
 * Where `TraefikRouterCountSkew` gets the router count of each Traefik replica.
 * - `inventory`: the probe's `webterminal_probe_replica_routers{replica}`, read from each replica's
 *   Traefik API. Counts configured routers, so it works on Traefik v3 and without traffic; needs the
 *   probe's router inventory switched on.
 * - `traefik-v2`: distinct `router` values of `traefik_router_open_connections` per replica (the
 *   original rule). The metric exists in Traefik v2.5–v2.11 only, and a router has a series only
 *   once it has served traffic on that replica.
 * - `traefik-v3`: distinct `router` values of `traefik_router_requests_total` per replica. Needs
 *   `addRoutersLabels: true`. Caveat: a router appears on a replica only after that replica served it
 *   a request, and the series stay until the replica restarts, so a fresh or idle replica counts
 *   fewer routers than it has; use a `for` longer than the time every router needs to see traffic.
 */
export type ParitySource = 'inventory' | 'traefik-v2' | 'traefik-v3';

/** The accepted {@link ParitySource} values. */
export const PARITY_SOURCES: readonly ParitySource[] = ['inventory', 'traefik-v2', 'traefik-v3'];

/** Overrides for one alert of the factories. */
export interface AlertOverride {
  /**
   * `for` of the alert (a Prometheus duration).
   * @default - the alert's own (see {@link WebterminalAlertName})
   */
  readonly for?: string;
  /**
   * Severity of the alert.
   * @default - the alert's own
   */
  readonly severity?: Severity;
  /**
   * Labels added to this alert (after the labels for all alerts).
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Overrides for an alert that compares against a threshold. */
export interface ThresholdAlertOverride extends AlertOverride {
  /**
   * The alert's threshold; what it means is documented per alert in {@link WebterminalAlertOverrides}.
   * @default - the alert's own
   */
  readonly threshold?: number;
}

/** Per-alert overrides, keyed by alert name. */
export interface WebterminalAlertOverrides {
  /**
   * Threshold: share of the window (0 < x ≤ 1) during which the latest run had edge `/token` failures.
   * @default - warning, for 5m, threshold 0.5
   */
  readonly WebterminalTokenDegraded?: ThresholdAlertOverride;
  /**
   * Threshold: as for the token alert, for the edge WebSocket check.
   * @default - critical, for 5m, threshold 0.5
   */
  readonly WebterminalWebsocketDegraded?: ThresholdAlertOverride;
  /**
   * Threshold: as for the token alert, for the in-cluster ttyd checks.
   * @default - critical, for 5m, threshold 0.5
   */
  readonly WebterminalTtydUnreachable?: ThresholdAlertOverride;
  /**
   * No threshold: a replica whose latest run was not healthy (wrong status or a redirect elsewhere).
   * @default - critical, for 10m
   */
  readonly WebterminalReplicaRouteMissing?: AlertOverride;
  /**
   * No threshold: per-replica checks on, no replica found.
   * @default - warning, for 10m
   */
  readonly WebterminalProbeBlind?: AlertOverride;
  /**
   * No threshold: ttyd answered without the auth header.
   * @default - critical, for 1m
   */
  readonly WebterminalTtydOpen?: AlertOverride;
  /**
   * No threshold: a replica's router inventory failed.
   * @default - warning, for 15m
   */
  readonly TraefikRouterInventoryFailing?: AlertOverride;
  /**
   * Threshold: seconds since the probe's last push.
   * @default - warning, for 15m, threshold 2 probe intervals
   */
  readonly WebterminalProbeStale?: ThresholdAlertOverride;
  /**
   * Threshold: routers a replica may lack compared with the replica that has most.
   * @default - warning, for 10m, threshold 0
   */
  readonly TraefikRouterCountSkew?: ThresholdAlertOverride;
}

/** Configuration of the web terminal's alert groups. Every prop is optional. */
export interface WebterminalAlertsProps {
  /**
   * Pushgateway job name the probe pushes under.
   * @default "webterminal-probe"
   */
  readonly probeJob?: string;
  /**
   * Seconds between probe runs. Windows scale with it: the probe is stale after 2 intervals, and the
   * degraded alerts look at the last 3.
   * @default 300
   */
  readonly probeIntervalSeconds?: number;
  /**
   * Base of every `runbook_url` (where `docs/runbooks/` is published); the alert name and `.md` are
   * appended.
   * @default - no `runbook_url`: each alert carries its runbook's first steps in `runbook_first_steps`
   */
  readonly runbookBaseUrl?: string;
  /**
   * Keep the token, WebSocket and ttyd alerts quiet while Prometheus has been up for less than
   * {@link restartGuardSeconds}, as the original rules did.
   * @default true
   */
  readonly restartGuard?: boolean;
  /**
   * Label matchers that select the Prometheus server's own `process_start_time_seconds`.
   * @default 'job="prometheus"'
   */
  readonly restartGuardSelector?: string;
  /**
   * How long after a Prometheus start the guarded alerts stay quiet.
   * @default 900
   */
  readonly restartGuardSeconds?: number;
  /**
   * Where `TraefikRouterCountSkew` gets router counts; see {@link ParitySource}.
   * @default "inventory"
   */
  readonly paritySource?: ParitySource;
  /**
   * The label that tells Traefik replicas apart in the router counts.
   * @default - "replica" (the probe's label) for the inventory, "pod" for the Traefik metrics
   */
  readonly parityReplicaLabel?: string;
  /**
   * Labels added to every alert; `subsystem` here replaces the per-group default.
   * @default - subsystem "webterminal" on the Webterminal group, "traefik" on the parity group
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Per-alert `for`, severity, labels and threshold.
   * @default {}
   */
  readonly overrides?: WebterminalAlertOverrides;
}

/** {@link WebterminalAlertsProps} with every default filled in. */
export interface ResolvedWebterminalAlertsProps {
  /** Pushgateway job name the probe pushes under. */
  readonly probeJob: string;
  /** Seconds between probe runs (at least 60). */
  readonly probeIntervalSeconds: number;
  /** Base of every `runbook_url`, always ending in `/`; undefined: first steps instead. */
  readonly runbookBaseUrl: string | undefined;
  /** Whether the token, WebSocket and ttyd alerts stay quiet after a Prometheus start. */
  readonly restartGuard: boolean;
  /** Label matchers that select the Prometheus server's own `process_start_time_seconds`. */
  readonly restartGuardSelector: string;
  /** Seconds after a Prometheus start during which the guarded alerts stay quiet. */
  readonly restartGuardSeconds: number;
  /** Where `TraefikRouterCountSkew` gets router counts. */
  readonly paritySource: ParitySource;
  /** The label that tells Traefik replicas apart in the router counts. */
  readonly parityReplicaLabel: string;
  /** Labels added to every alert. */
  readonly labels: Readonly<Record<string, string>>;
  /** Per-alert overrides (validated: keys are alert names). */
  readonly overrides: WebterminalAlertOverrides;
}

/** Default matchers of the Prometheus server's own metrics (prometheus-community chart). */
export const DEFAULT_RESTART_GUARD_SELECTOR = 'job="prometheus"';

/** Fills in defaults and validates; throws naming the prop, the value and what is accepted. */
export function resolveWebterminalAlertsProps(props: WebterminalAlertsProps = {}): ResolvedWebterminalAlertsProps {
  const paritySource = props.paritySource ?? 'inventory';
  if (!PARITY_SOURCES.includes(paritySource)) {
    throw invalid(
      `paritySource ${JSON.stringify(paritySource)} is not valid (accepted: ${PARITY_SOURCES.join(', ')})`,
    );
  }
  const resolved: ResolvedWebterminalAlertsProps = {
    probeJob: props.probeJob ?? DEFAULT_PROBE_JOB,
    probeIntervalSeconds: props.probeIntervalSeconds ?? 300,
    // Do the obvious thing rather than build "…/runbooksWebtermina…" from a base without a slash.
    runbookBaseUrl: props.runbookBaseUrl === undefined ? undefined : withTrailingSlash(props.runbookBaseUrl),
    restartGuard: props.restartGuard ?? true,
    restartGuardSelector: props.restartGuardSelector ?? DEFAULT_RESTART_GUARD_SELECTOR,
    restartGuardSeconds: props.restartGuardSeconds ?? 900,
    paritySource,
    parityReplicaLabel: props.parityReplicaLabel ?? (paritySource === 'inventory' ? ProbeLabel.replica : 'pod'),
    labels: { ...(props.labels ?? {}) },
    overrides: props.overrides ?? {},
  };
  checkNonEmpty('props', 'probeJob', resolved.probeJob);
  checkWholeSeconds('probeIntervalSeconds', resolved.probeIntervalSeconds, 60);
  checkWholeSeconds('restartGuardSeconds', resolved.restartGuardSeconds, 1);
  checkNonEmpty('props', 'restartGuardSelector', resolved.restartGuardSelector);
  if (!LABEL_NAME.test(resolved.parityReplicaLabel)) {
    throw invalid(
      `parityReplicaLabel ${JSON.stringify(resolved.parityReplicaLabel)} is not a label name ` +
        '(accepted: letters, digits and _, not starting with a digit)',
    );
  }
  checkLabels('props', resolved.labels);
  checkOverrideKeys(resolved.overrides);
  return resolved;
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function checkWholeSeconds(prop: string, value: number, minimum: number): void {
  const problem = checkInteger(prop, value, minimum);
  if (problem !== undefined) throw invalid(`${problem} (seconds)`);
}

function checkOverrideKeys(overrides: WebterminalAlertOverrides): void {
  const known: readonly string[] = Object.values(WebterminalAlertName);
  for (const key of Object.keys(overrides)) {
    if (!known.includes(key)) {
      throw invalid(`overrides key ${JSON.stringify(key)} is not an alert (accepted: ${known.join(', ')})`);
    }
  }
}

// ----- PromQL building blocks ----------------------------------------------------------------

/** `label="value"`, with the value quoted the way PromQL reads it. */
function eq(label: string, value: string): string {
  return `${label}=${JSON.stringify(value)}`;
}

/** `label=~"a|b"` for literal values. */
function oneOf(label: string, values: readonly string[]): string {
  return `${label}=~${JSON.stringify(values.map(escapeRegex).join('|'))}`;
}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `metric{m1, m2}`. */
function select(metric: string, ...matchers: string[]): string {
  return `${metric}{${matchers.join(', ')}}`;
}

/** Seconds as the shortest Prometheus duration: 900 → "15m", 630 → "10m30s". */
export function formatDuration(seconds: number): string {
  const units: readonly [string, number][] = [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  let rest = Math.round(seconds);
  let out = '';
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) out += `${count}${unit}`;
    rest -= count * size;
  }
  return out === '' ? '0s' : out;
}

/**
 * The restart guard, appended with `unless`: the alert is dropped while any selected Prometheus
 * started less than `seconds` ago. `unless` rather than `and` on purpose: when the selector matches
 * nothing (a wrong job label), the alerts still fire instead of going silently blind.
 */
function restartGuardClause(config: ResolvedWebterminalAlertsProps): string {
  const started = `process_start_time_seconds{${config.restartGuardSelector}}`;
  return `unless on () (time() - ${started} < ${config.restartGuardSeconds})`;
}

function guarded(expr: string, config: ResolvedWebterminalAlertsProps): string {
  return config.restartGuard ? `(\n  ${expr.split('\n').join('\n  ')}\n)\n${restartGuardClause(config)}` : expr;
}

/**
 * Share of the last three probe intervals during which the latest run had failures in `checks`,
 * per job and check, sampled in steps of a tenth of the interval. With the threshold 1/2 and `for`
 * one interval, a sustained fault fires 1.5 intervals + `for` after its first failing run (12.5 min
 * at 5 minutes), one lucky run among failing ones does not reset it, and one failing run among good
 * ones never fires. The reasoning and the timelines are in docs/runbooks/WebterminalTokenDegraded.md
 * ("Why a share of three runs").
 */
function failingShare(config: ResolvedWebterminalAlertsProps, checks: readonly string[]): string {
  const metric = select(ProbeMetric.checkFailures, eq('job', config.probeJob), checkMatcher(checks));
  const window = formatDuration(3 * config.probeIntervalSeconds);
  const step = formatDuration(Math.max(1, Math.round(config.probeIntervalSeconds / 10)));
  return `avg_over_time(\n  (max by (job, ${ProbeLabel.check}) (${metric}) > bool 0)[${window}:${step}]\n)`;
}

function checkMatcher(checks: readonly string[]): string {
  return checks.length === 1 ? eq(ProbeLabel.check, checks[0]) : oneOf(ProbeLabel.check, checks);
}

// ----- Alert definitions ----------------------------------------------------------------------

/** The parts of an alert a factory fills in before overrides are applied. */
interface AlertDefinition {
  readonly alert: string;
  readonly severity: Severity;
  readonly for: string;
  readonly summary: string;
  readonly description: string;
  /** The expression, given the threshold in effect (if the alert has one). */
  readonly expr: (threshold: number) => string;
  readonly threshold?: number;
  /** Checks a threshold override; returns a message when it is not acceptable. */
  readonly thresholdProblem?: (threshold: number) => string | undefined;
}

/** Builds the alert props of a definition, applying the overrides and the common labels. */
function alertProps(
  definition: AlertDefinition,
  config: ResolvedWebterminalAlertsProps,
  subsystem: string,
): AlertProps {
  const override: ThresholdAlertOverride = config.overrides[definition.alert as keyof WebterminalAlertOverrides] ?? {};
  const threshold = override.threshold ?? definition.threshold ?? 0;
  if (override.threshold !== undefined) {
    const problem = definition.thresholdProblem
      ? definition.thresholdProblem(override.threshold)
      : 'this alert has no threshold (accepted: no threshold)';
    if (problem !== undefined) {
      throw invalid(
        `alert ${JSON.stringify(definition.alert)}: threshold ${override.threshold} is not valid (${problem})`,
      );
    }
  }
  return {
    alert: definition.alert,
    expr: definition.expr(threshold),
    for: override.for ?? definition.for,
    severity: override.severity ?? definition.severity,
    labels: { subsystem, ...config.labels, ...(override.labels ?? {}) },
    summary: definition.summary,
    description: definition.description,
    ...(config.runbookBaseUrl !== undefined
      ? { runbookUrl: `${config.runbookBaseUrl}${definition.alert}.md` }
      : { runbookFirstSteps: runbookFirstSteps(definition.alert) }),
  };
}

/** Where the runbooks are, from `lib/` and from the packed `dist/` alike. */
export const RUNBOOK_DIR = join(__dirname, '..', 'docs', 'runbooks');

/**
 * The first steps of an alert's runbook: its first section after "What it means" (the "Confirm"
 * section), for alerts without a published runbook URL. A missing runbook is an error.
 */
export function runbookFirstSteps(alert: string): string {
  const file = join(RUNBOOK_DIR, `${alert}.md`);
  if (!existsSync(file)) throw invalid(`alert ${JSON.stringify(alert)}: no runbook at ${file} (every alert has docs/runbooks/<alert>.md)`);
  const sections = readFileSync(file, 'utf8').split(/^## /m).slice(1);
  const first = sections.find((section) => !section.startsWith('What it means')) ?? sections[0];
  if (first === undefined) throw invalid(`alert ${JSON.stringify(alert)}: runbook ${file} has no "## " section`);
  const [heading, ...body] = first.trim().split('\n');
  return `${heading}: ${body.join('\n').trim()}\n\n(runbook: docs/runbooks/${alert}.md in webterminal-cdktf)`;
}

function shareProblem(threshold: number): string | undefined {
  return threshold > 0 && threshold <= 1 ? undefined : 'accepted: a share of the window, 0 < x ≤ 1';
}

function degradedDefinition(
  config: ResolvedWebterminalAlertsProps,
  { alert, severity, checks, what }: (typeof DEGRADED_ALERTS)[number],
): AlertDefinition {
  const window = formatDuration(3 * config.probeIntervalSeconds);
  return {
    alert,
    severity,
    for: formatDuration(config.probeIntervalSeconds),
    threshold: 0.5,
    thresholdProblem: shareProblem,
    summary: `The ${what} fails in most recent probe runs.`,
    description:
      `The {{ $labels.check }} check of probe job {{ $labels.job }} had failures during ` +
      `{{ $value | humanizePercentage }} of the last ${window}.`,
    expr: (threshold) => guarded(`${failingShare(config, checks)} >= ${threshold}`, config),
  };
}

/** The three share-of-runs alerts differ only in name, severity, checks and wording. */
const DEGRADED_ALERTS: readonly { alert: string; severity: Severity; checks: readonly string[]; what: string }[] = [
  { alert: WebterminalAlertName.tokenDegraded, severity: 'warning', checks: [ProbeCheck.edgeToken], what: 'public /token request of the web terminal' },
  { alert: WebterminalAlertName.websocketDegraded, severity: 'critical', checks: [ProbeCheck.edgeWs], what: 'public WebSocket upgrade of the web terminal' },
  { alert: WebterminalAlertName.ttydUnreachable, severity: 'critical', checks: [ProbeCheck.originToken, ProbeCheck.originWs], what: 'in-cluster check of ttyd' },
];

/**
 * A replica whose latest run was not healthy: `webterminal_probe_replica_ok` is the probe's verdict
 * (the auth redirect, judged by where it leads), so a 404 (no router), no answer, a 200 (auth
 * bypassed) and a redirect to the wrong place all fire, naming the replica. Deterministic (the probe
 * asks every replica directly), so no window is needed. `for` 10m = two probe intervals: a replica
 * must be wrong in consecutive runs, so a pod caught loading its configuration once does not page; it
 * still fires within one interval + `for` of the fault. No restart guard: the value is the last run's
 * verdict as the Pushgateway holds it, just as true for a Prometheus that has only just started.
 */
function replicaRouteMissing(config: ResolvedWebterminalAlertsProps): AlertDefinition {
  const ok = select(ProbeMetric.replicaOk, eq('job', config.probeJob));
  return {
    alert: WebterminalAlertName.replicaRouteMissing,
    severity: 'critical',
    for: '10m',
    summary: 'A Traefik replica does not route the web terminal through Authentik.',
    description:
      `Traefik replica {{ $labels.${ProbeLabel.replica} }} did not answer the terminal host with the auth ` +
      'redirect to the Authentik outpost in the latest probe runs (no route, no answer, or a redirect ' +
      'elsewhere: the probe log says which); the requests Traefik sends to it fail.',
    expr: () => `min by (job, ${ProbeLabel.replica}) (${ok}) == 0`,
  };
}

/**
 * Per-replica checks configured, but the replica name resolved to nothing (or not in time): the
 * probe pushes `webterminal_probe_replicas` 0, and without this alert a blind detector looks quiet.
 * No restart guard: the value is the last run's.
 */
function probeBlind(config: ResolvedWebterminalAlertsProps): AlertDefinition {
  return {
    alert: WebterminalAlertName.probeBlind,
    severity: 'warning',
    for: '10m',
    summary: 'The web terminal probe finds no Traefik replica to check.',
    description:
      'Probe job {{ $labels.job }} has per-replica checks configured but found no replica in its latest ' +
      'runs: a replica without the terminal route would not be noticed.',
    expr: () => `max by (job) (${select(ProbeMetric.replicas, eq('job', config.probeJob))}) == 0`,
  };
}

/**
 * ttyd answered `GET /token` with 200 or the upgrade with 101 without the auth header: it runs
 * without header auth, and anyone who reaches it gets a shell. Critical, `for` one minute: one run
 * with the proof is enough (the value stays for the whole interval), one minute rides out a scrape.
 */
function ttydOpen(config: ResolvedWebterminalAlertsProps): AlertDefinition {
  return {
    alert: WebterminalAlertName.ttydOpen,
    severity: 'critical',
    for: '1m',
    summary: 'ttyd gives a shell without Authentik.',
    description:
      'Probe job {{ $labels.job }} reached ttyd without the auth header and got a token or a WebSocket ' +
      '(101): ttyd runs without header auth, so anyone who can reach it gets a shell.',
    expr: () => `max by (job) (${select(ProbeMetric.ttydOpen, eq('job', config.probeJob))}) == 1`,
  };
}

/**
 * The probe could not read a replica's router list (API not served on the `traefik` entrypoint, a
 * byte budget exceeded, a timeout): the inventory-based parity alert cannot see that replica.
 * `for` three intervals: the inventory is informational, a slow API once is no news.
 */
function traefikRouterInventoryFailing(config: ResolvedWebterminalAlertsProps): AlertDefinition {
  return {
    alert: WebterminalAlertName.traefikRouterInventoryFailing,
    severity: 'warning',
    for: formatDuration(3 * config.probeIntervalSeconds),
    summary: 'The probe cannot read the router list of a Traefik replica.',
    description:
      `The router inventory of probe job {{ $labels.job }} failed on Traefik replica {{ $labels.${ProbeLabel.replica} }}; ` +
      'TraefikRouterCountSkew cannot judge it (the probe log says why).',
    expr: () => `min by (job, ${ProbeLabel.replica}) (${select(ProbeMetric.routerInventoryOk, eq('job', config.probeJob))}) == 0`,
  };
}

/**
 * The probe's run group (`job=<job>` and no `kind` label) gets a fresh `push_time_seconds` at every
 * push, failing runs included; the `kind="success"` group is pushed only on success, so reading it
 * would again confuse "not running" with "failing". `absent` covers a probe that never pushed or a
 * Pushgateway that lost its groups; its value -1 lets the description tell the two cases apart.
 * No restart guard: the timestamp is the Pushgateway's, valid from the first scrape.
 */
function probeStale(config: ResolvedWebterminalAlertsProps): AlertDefinition {
  const pushTime = select(PushgatewayMetric.pushTime, eq('job', config.probeJob), eq(ProbeLabel.kind, ''));
  return {
    alert: WebterminalAlertName.probeStale,
    severity: 'warning',
    for: '15m',
    threshold: 2 * config.probeIntervalSeconds,
    thresholdProblem: (seconds) =>
      Number.isInteger(seconds) && seconds >= config.probeIntervalSeconds
        ? undefined
        : `accepted: whole seconds since the last push, at least one probe interval (${config.probeIntervalSeconds})`,
    summary: 'The web terminal probe has stopped running.',
    description:
      '{{ if lt $value 0.0 }}The Pushgateway holds no push of probe job {{ $labels.job }}.' +
      '{{ else }}Probe job {{ $labels.job }} last pushed {{ $value | humanizeDuration }} ago.{{ end }}',
    expr: (threshold) => `time() - max by (job) (${pushTime}) > ${threshold}\nor\n-1 * absent(${pushTime})`,
  };
}

/** Router count per replica, as a PromQL expression labelled by `replicaLabel`. */
function routerCountPerReplica(config: ResolvedWebterminalAlertsProps): string {
  const by = config.parityReplicaLabel;
  switch (config.paritySource) {
    case 'inventory':
      return `max by (job, ${by}) (${select(ProbeMetric.replicaRouters, eq('job', config.probeJob))})`;
    case 'traefik-v2':
      return `count by (${by}) (count by (${by}, router) (traefik_router_open_connections))`;
    case 'traefik-v3':
      return `count by (${by}) (count by (${by}, router) (traefik_router_requests_total))`;
  }
}

/**
 * Fires per replica that has more than `threshold` routers fewer than the replica with most, so
 * max − min > threshold, with the lagging replica named and the gap as value (the runbook's fix is
 * to delete exactly that pod).
 */
function traefikRouterCountSkew(config: ResolvedWebterminalAlertsProps): AlertDefinition {
  const counts = routerCountPerReplica(config);
  // The inventory keeps the probe's job label (one probe, one set of replicas); the Traefik
  // metrics are compared across every series the selector finds.
  const per = config.paritySource === 'inventory' ? 'job' : '';
  const max = per === '' ? `max(${counts})` : `max by (${per}) (${counts})`;
  return {
    alert: WebterminalAlertName.traefikRouterCountSkew,
    severity: 'warning',
    for: '10m',
    threshold: 0,
    thresholdProblem: (gap) =>
      Number.isInteger(gap) && gap >= 0 ? undefined : 'accepted: a whole number of routers ≥ 0',
    summary: 'Traefik replicas disagree on how many routers they have.',
    description:
      `Traefik replica {{ $labels.${config.parityReplicaLabel} }} lacks {{ $value }} of the routers ` +
      `the replica with most has (source: ${config.paritySource}).`,
    expr: (threshold) => `(\n  ${max}\n  - on (${per}) group_right ()\n  ${counts}\n) > ${threshold}`,
  };
}

// ----- Factories ------------------------------------------------------------------------------

/**
 * The `Webterminal` group: WebterminalTokenDegraded (warning, 5m), WebterminalWebsocketDegraded
 * (critical, 5m), WebterminalTtydUnreachable (critical, 5m) — `for` is one probe interval —,
 * WebterminalReplicaRouteMissing (critical, 10m), WebterminalProbeStale (warning, 15m),
 * WebterminalProbeBlind (warning, 10m), WebterminalTtydOpen (critical, 1m). Labels `severity`, `subsystem`
 * (`webterminal`), annotations `summary`, `description`, `runbook_url`.
 */
export function webterminalAlertGroup(props: WebterminalAlertsProps = {}): AlertGroup {
  return webterminalGroupOf(resolveWebterminalAlertsProps(props));
}

function webterminalGroupOf(config: ResolvedWebterminalAlertsProps): AlertGroup {
  const definitions = [
    ...DEGRADED_ALERTS.map((degraded) => degradedDefinition(config, degraded)),
    replicaRouteMissing(config),
    probeStale(config),
    probeBlind(config),
    ttydOpen(config),
  ];
  return new AlertGroup({
    name: WebterminalGroupName.webterminal,
    alerts: definitions.map((definition) => alertProps(definition, config, 'webterminal')),
  });
}

/**
 * The `Traefik Router Parity` group: TraefikRouterCountSkew (warning, 10m), from the source chosen
 * with `paritySource`, and TraefikRouterInventoryFailing (warning, three probe intervals: 15m), which
 * reads the probe's inventory and is quiet when it is off; `subsystem` is `traefik`.
 */
export function traefikRouterParityAlertGroup(props: WebterminalAlertsProps = {}): AlertGroup {
  return routerParityGroupOf(resolveWebterminalAlertsProps(props));
}

function routerParityGroupOf(config: ResolvedWebterminalAlertsProps): AlertGroup {
  return new AlertGroup({
    name: WebterminalGroupName.traefikRouterParity,
    alerts: [
      alertProps(traefikRouterCountSkew(config), config, 'traefik'),
      alertProps(traefikRouterInventoryFailing(config), config, 'traefik'),
    ],
  });
}

/**
 * Both groups in one rule set, with the effective configuration readable. More groups can be added
 * with {@link AlertRuleSet.addGroup}, more alerts with `webterminal.addAlert(...)`.
 */
export class WebterminalRuleSet extends AlertRuleSet {
  /** The configuration in effect, defaults filled in. */
  public readonly config: ResolvedWebterminalAlertsProps;
  /** The `Webterminal` group. */
  public readonly webterminal: AlertGroup;
  /** The `Traefik Router Parity` group. */
  public readonly routerParity: AlertGroup;

  /** Makes both groups from `props`. */
  constructor(props: WebterminalAlertsProps = {}) {
    super();
    this.config = resolveWebterminalAlertsProps(props);
    this.webterminal = this.addGroup(webterminalGroupOf(this.config));
    this.routerParity = this.addGroup(routerParityGroupOf(this.config));
  }
}
