/** Problem sentences of the rule model's fields, gathered with `Problems` by the model and the alert factories. */

/** Prometheus' own duration grammar (prometheus/common `model.ParseDuration`): units in this order, each at most once. */
const PROMETHEUS_DURATION = /^(?:0|(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?)$/;

/** Alert names in the house style: CamelCase, which is also a valid Prometheus `alertname`. */
export const ALERT_NAME = /^[A-Z][A-Za-z0-9]*$/;

/** Prometheus label names; `__`-prefixed names are reserved for Prometheus itself. */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Labels the model sets itself and that a caller must not set through `labels`. */
const RESERVED_LABELS = ['alertname', 'severity'];

/** Annotations the model sets itself from dedicated fields. */
const RESERVED_ANNOTATIONS = ['summary', 'description', 'runbook_url', 'runbook_first_steps'];

/** True when `value` is a duration Prometheus accepts in `for` and `interval`. */
export function isPrometheusDuration(value: string): boolean {
  return value !== '' && PROMETHEUS_DURATION.test(value);
}

export function durationProblem(where: string, field: string, value: string): string | undefined {
  if (isPrometheusDuration(value)) return undefined;
  return (
    `${where}: ${field} ${JSON.stringify(value)} is not a Prometheus duration ` +
    '(accepted: whole numbers with units y, w, d, h, m, s, ms in that order, e.g. "10m", "1h30m", "90s")'
  );
}

export function emptyProblem(where: string, field: string, value: string): string | undefined {
  return value.trim() === '' ? `${where}: ${field} ${JSON.stringify(value)} is empty (accepted: a non-empty string)` : undefined;
}

/** Problems of Prometheus label names (`kind` "label") or annotation names (`kind` "annotation"), given in `field`. */
export function nameProblems(
  where: string,
  kind: 'label' | 'annotation',
  record: Readonly<Record<string, string>>,
  field: string = kind === 'label' ? 'labels' : 'annotations',
): string[] {
  const problems: string[] = [];
  const reserved = kind === 'label' ? RESERVED_LABELS : RESERVED_ANNOTATIONS;
  for (const name of Object.keys(record)) {
    if (!LABEL_NAME.test(name) || (kind === 'label' && name.startsWith('__'))) {
      const rule = kind === 'label' ? 'not starting with a digit or __' : 'not starting with a digit';
      problems.push(`${where}: ${kind} name ${JSON.stringify(name)} is not valid (accepted: letters, digits and _, ${rule})`);
    } else if (reserved.includes(name)) {
      problems.push(
        kind === 'label'
          ? `${where}: label ${JSON.stringify(name)} cannot be set through ${field} ` +
              `(use the dedicated field; reserved: ${RESERVED_LABELS.join(', ')})`
          : `${where}: annotation ${JSON.stringify(name)} cannot be set through annotations (use summary, description or runbookUrl)`,
      );
    }
  }
  return problems;
}

export function duplicateAlertProblem(group: string, alert: string, holder: string): string {
  return (
    `group ${JSON.stringify(group)}: duplicate alert name ${JSON.stringify(alert)} ` +
    `(already in group ${JSON.stringify(holder)}; accepted: a name not used elsewhere in the rule set)`
  );
}
