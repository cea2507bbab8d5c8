/** PromQL building blocks of the alert factories. */
import type { ResolvedWebterminalAlertsProps } from '../webterminal-alerts-props';
import { ProbeLabel, ProbeMetric } from '../metrics';

/** `label="value"`, with the value quoted the way PromQL reads it. */
export function eq(label: string, value: string): string {
  return `${label}=${JSON.stringify(value)}`;
}

/** `label=~"a|b"` for literal values. */
export function oneOf(label: string, values: readonly string[]): string {
  return `${label}=~${JSON.stringify(values.map(escapeRegex).join('|'))}`;
}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `metric{m1, m2}`. */
export function select(metric: string, ...matchers: string[]): string {
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

export function guarded(expr: string, config: ResolvedWebterminalAlertsProps): string {
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
export function failingShare(config: ResolvedWebterminalAlertsProps, checks: readonly string[]): string {
  const metric = select(ProbeMetric.checkFailures, eq('job', config.probeJob), checkMatcher(checks));
  const window = formatDuration(3 * config.probeIntervalSeconds);
  const step = formatDuration(Math.max(1, Math.round(config.probeIntervalSeconds / 10)));
  return `avg_over_time(\n  (max by (job, ${ProbeLabel.check}) (${metric}) > bool 0)[${window}:${step}]\n)`;
}

function checkMatcher(checks: readonly string[]): string {
  return checks.length === 1 ? eq(ProbeLabel.check, checks[0]) : oneOf(ProbeLabel.check, checks);
}
