/**
 * A test-only transform of a rule file the library emits: the same expressions, with every duration
 * that makes an alert slow cut to seconds, so a real Prometheus shows the alerts fire within a test.
 *
 * What it changes, and nothing else:
 * - every `for:` becomes {@link FastRuleOptions.for};
 * - every range `[<range>]` and subquery window `[<range>:<step>]` (the failing-runs windows, a few
 *   probe intervals wide) becomes `[<window>]` or `[<window>:<step>]`: whichever shape the rules use;
 * - the restart guard's `< <seconds>` after `process_start_time_seconds{...}` becomes
 *   {@link FastRuleOptions.restartGuardSeconds}.
 * Each rewrite must find what it rewrites when asked to (a rule file that has a `for` but no window
 * would make the test prove less than it says), so a change in the rules' shape fails here loudly.
 *
 * The library has no prop for this on purpose (see the report of TD): `probeIntervalSeconds` is at
 * least 60 and `for` is an override per alert, so a test-only `fastForTests` option would be the one
 * place this could move to.
 */
import type { AlertRule, RuleFile, RuleGroup } from '../../lib/alert-model';

export interface FastRuleOptions {
  /** `for` of every alert. */
  readonly for: string;
  /** Range of every range selector and subquery window. */
  readonly window: string;
  /** Step of every subquery. */
  readonly step: string;
  /** Seconds after a Prometheus start during which guarded alerts stay quiet. */
  readonly restartGuardSeconds: number;
}

/** `[15m]` or `[15m:30s]`: a Prometheus duration, optionally a colon and another (or none: the default step). */
const RANGE_OR_SUBQUERY = /\[(?:\d+(?:ms|[smhdwy]))+(:(?:(?:\d+(?:ms|[smhdwy]))+)?)?\]/g;
const RESTART_GUARD = /(time\(\) - process_start_time_seconds\{[^}]*\} < )(\d+(?:\.\d+)?)/g;

/** Counts of what {@link fastRules} rewrote, so a test can say the rewrite really happened. */
export interface FastRuleChanges {
  readonly fors: number;
  readonly windows: number;
  readonly guards: number;
}

function fastRule(rule: AlertRule, options: FastRuleOptions, changes: { fors: number; windows: number; guards: number }): AlertRule {
  let expr = rule.expr.replace(RANGE_OR_SUBQUERY, (_match, subquery: string | undefined) => {
    changes.windows += 1;
    return subquery === undefined ? `[${options.window}]` : `[${options.window}:${options.step}]`;
  });
  expr = expr.replace(RESTART_GUARD, (_match, head: string) => {
    changes.guards += 1;
    return `${head}${options.restartGuardSeconds}`;
  });
  if (rule.for !== undefined) changes.fors += 1;
  return { ...rule, expr, ...(rule.for !== undefined ? { for: options.for } : {}) };
}

/** The rule file with shortened durations, and what was changed. */
export function fastRules(file: RuleFile, options: FastRuleOptions): { file: RuleFile; changes: FastRuleChanges } {
  const changes = { fors: 0, windows: 0, guards: 0 };
  const groups: RuleGroup[] = file.groups.map((group) => ({
    ...group,
    rules: group.rules.map((rule) => fastRule(rule, options, changes)),
  }));
  return { file: { groups }, changes };
}
