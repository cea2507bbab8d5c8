/** PromQL building blocks of the alert factories. */
import type { ResolvedWebterminalAlertsProps } from '../webterminal-alerts-props';
import names from '../probe/contract.json';
import { PushgatewayMetric } from './vocabulary';

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
 * How many probe runs of the last three intervals `failing` held in, per the labels of `failing`
 * (absent when none did). Each failing series gets the push time of its run (the probe's run group
 * is PUT once per run, so `push_time_seconds` has a value of its own for every run); `changes` over
 * the window, sampled in steps of a tenth of the interval so that every run is seen, counts the
 * distinct runs less one. Counting runs, not time: one failing run is one however late the next
 * run pushes, so it can never reach two; two failing runs reach two as soon as the second is
 * scraped, whatever the healthy or lucky runs between them. The reasoning and the timelines are in
 * docs/runbooks/WebterminalTokenDegraded.md ("Why two failing runs").
 */
export function failingRuns(config: ResolvedWebterminalAlertsProps, failing: string): string {
  const pushTime = select(PushgatewayMetric.pushTime, eq('job', config.probeJob), eq(names.label.kind, ''));
  const window = formatDuration(3 * config.probeIntervalSeconds);
  const step = formatDuration(Math.max(1, Math.round(config.probeIntervalSeconds / 10)));
  const stamped = `0 * (${failing.split('\n').join('\n    ')})\n    + on (job) group_left () max by (job) (${pushTime})`;
  return `changes(\n  (\n    ${stamped}\n  )[${window}:${step}]\n) + 1`;
}

/** `max by (job, check) (webterminal_probe_check_failures{job, check}) > 0`: the checks that failed in the latest run. */
export function failingChecks(config: ResolvedWebterminalAlertsProps, checks: readonly string[]): string {
  const metric = select(names.metric.checkFailures, eq('job', config.probeJob), checkMatcher(checks));
  return `max by (job, ${names.label.check}) (${metric}) > 0`;
}

function checkMatcher(checks: readonly string[]): string {
  return checks.length === 1 ? eq(names.label.check, checks[0]) : oneOf(names.label.check, checks);
}

const MATCHER = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*/y;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', "'": "'", n: '\n', t: '\t' };

/**
 * A label-matcher list as PromQL writes it between braces (`job="prometheus", namespace=~"mon.*"`),
 * parsed and written again, so nothing but matchers reaches an expression: pasted in as given, a value
 * such as `job="x"} or vector(1) or up{` would pass promtool and silence every alert it guards.
 * Values are quoted ("..." or '...', with the escapes \\ \" \' \n \t); `__name__` is refused (it would
 * select another metric). Returns the matchers, or what is wrong.
 */
export function parseLabelMatchers(text: string): { readonly matchers: string } | { readonly problem: string } {
  const rendered: string[] = [];
  let at = 0;
  while (at < text.length || rendered.length === 0) {
    MATCHER.lastIndex = at;
    const m = MATCHER.exec(text);
    if (m === null) return { problem: `is not a list of label matchers (name="value", =~, !=, !~) at character ${at + 1}` };
    const [whole, name, op, quoted] = m;
    if (name === '__name__') return { problem: 'may not match __name__ (it would select another metric)' };
    let bad: string | undefined;
    const value = quoted.slice(1, -1).replace(/\\(.)/g, (_e, c: string) => {
      if (ESCAPES[c] === undefined) bad = `\\${c}`;
      return ESCAPES[c] ?? '';
    });
    if (bad !== undefined) return { problem: `has the escape ${bad} in a value (accepted: \\\\ \\" \\' \\n \\t)` };
    rendered.push(`${name}${op}${JSON.stringify(value)}`);
    at += whole.length;
    if (at === text.length) break;
    if (text[at] !== ',') return { problem: `is not a list of label matchers (name="value", =~, !=, !~) at character ${at + 1}` };
    at += 1;
    if (text.slice(at).trim() === '') return { problem: 'ends with a comma' };
  }
  return { matchers: rendered.join(', ') };
}
