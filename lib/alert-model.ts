/**
 * The alert rule model: an {@link Alert}, an {@link AlertGroup}, an {@link AlertRuleSet}. Each checks
 * what it is given (every problem at once, as the constructs do) and renders the Prometheus rule-file
 * shape. Plain TypeScript on purpose: the same rule set feeds the `PrometheusRule` construct
 * (`prometheus-rules.ts`), a plain rule file ({@link AlertRuleSet.toYaml}, what `npm run rules`
 * writes), and promtool in the tests.
 */
import { ALERT_NAME, duplicateAlertProblem, durationProblem, emptyProblem, nameProblems } from './private/rule-checks';
import { Problems, RULES_SUBJECT, ValidationError } from './private/validation';

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
  public readonly name: string;
  /** PromQL expression; every series it returns is one firing alert. */
  public readonly expr: string;
  /** How long the expression must hold, or undefined for "at once". */
  public readonly for: string | undefined;
  /** The `severity` label: `critical` pages, `warning` and `info` do not. */
  public readonly severity: Severity;
  /** Labels other than `severity`. */
  public readonly labels: Readonly<Record<string, string>>;
  /** The `summary` annotation: a fixed sentence, what is wrong. */
  public readonly summary: string;
  /** The `description` annotation: what is wrong where, templated. */
  public readonly description: string;
  /** `runbook_url` annotation, when the runbook is published. */
  public readonly runbookUrl: string | undefined;
  /** `runbook_first_steps` annotation, when the runbook has no published URL. */
  public readonly runbookFirstSteps: string | undefined;
  /** Annotations other than summary, description and runbook_url. */
  public readonly annotations: Readonly<Record<string, string>>;

  /** Validates `props`; throws every problem at once, each naming the field, the bad value and what is accepted. */
  constructor(props: AlertProps) {
    const problems = new Problems(RULES_SUBJECT);
    if (!ALERT_NAME.test(props.alert)) {
      problems.add(
        `alert name ${JSON.stringify(props.alert)} is not valid ` +
          '(accepted: CamelCase letters and digits starting with an upper-case letter, e.g. "WebterminalTokenDegraded")',
      );
    }
    const where = `alert ${JSON.stringify(props.alert)}`;
    problems.add(emptyProblem(where, 'expr', props.expr));
    if (props.for !== undefined) problems.add(durationProblem(where, 'for', props.for));
    if (!(SEVERITIES as readonly string[]).includes(props.severity)) {
      problems.add(`${where}: severity ${JSON.stringify(props.severity)} is not valid (accepted: ${SEVERITIES.join(', ')})`);
    }
    problems.add(emptyProblem(where, 'summary', props.summary));
    problems.add(emptyProblem(where, 'description', props.description));
    if (props.runbookUrl === undefined && props.runbookFirstSteps === undefined) {
      problems.add(`${where}: has neither runbookUrl nor runbookFirstSteps (accepted: a published runbook URL, or the runbook's first steps)`);
    }
    if (props.runbookUrl !== undefined) problems.add(emptyProblem(where, 'runbookUrl', props.runbookUrl));
    if (props.runbookFirstSteps !== undefined) problems.add(emptyProblem(where, 'runbookFirstSteps', props.runbookFirstSteps));
    problems.addAll(nameProblems(where, 'label', props.labels ?? {}));
    problems.addAll(nameProblems(where, 'annotation', props.annotations ?? {}));
    problems.throwIfAny();
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
  /** Group name, unique in its rule set. */
  public readonly name: string;
  /** Evaluation interval, or undefined for Prometheus' global one. */
  public readonly interval: string | undefined;
  private readonly alertList: Alert[] = [];
  /** Set by the rule set that holds this group, so alert names stay unique across the set. */
  private nameInUse: (name: string) => string | undefined = () => undefined;
  private attached = false;

  /** Validates the name and interval, then adds `props.alerts`. */
  constructor(props: AlertGroupProps) {
    const problems = new Problems(RULES_SUBJECT);
    problems.add(emptyProblem('group', 'name', props.name));
    if (props.interval !== undefined) problems.add(durationProblem(`group ${JSON.stringify(props.name)}`, 'interval', props.interval));
    problems.throwIfAny();
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
    if (holder !== undefined) throw new ValidationError(RULES_SUBJECT, [duplicateAlertProblem(this.name, alert.name, holder)]);
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
  public _attachTo(set: AlertRuleSet): void {
    if (this.attached) {
      throw new ValidationError(RULES_SUBJECT, [`group ${JSON.stringify(this.name)} is already in a rule set (accepted: a new group)`]);
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
    const problems = new Problems(RULES_SUBJECT);
    if (this.groupList.some((existing) => existing.name === group.name)) {
      problems.add(`duplicate group name ${JSON.stringify(group.name)} (accepted: a name not used elsewhere in the rule set)`);
    }
    for (const alert of group.alerts) {
      const holder = this.groupOfAlert(alert.name);
      if (holder) problems.add(duplicateAlertProblem(group.name, alert.name, holder.name));
    }
    problems.throwIfAny();
    group._attachTo(this);
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
