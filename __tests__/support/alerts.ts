/** What the alert tests share: promtool, the operator's schema, a valid alert, the emitted rule files. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import type { AlertProps } from '../../lib/alert-model';
import type { WebterminalAlertsProps } from '../../lib/webterminal-alerts-props';

/** promtool from PATH (the Debian package `prometheus` puts it in /usr/bin). */
export const PROMTOOL = 'promtool';
export const PROMTOOL_TESTS = join(__dirname, '..', 'alerts', 'promtool');
export const RUNBOOKS = join(__dirname, '..', '..', 'docs', 'runbooks');

/** Validates a manifest against the prometheus-operator's PrometheusRule schema: "valid" or the error. */
export function validatePrometheusRule(manifest: unknown): string {
  try {
    new PrometheusRule(manifest as ConstructorParameters<typeof PrometheusRule>[0]).validate();
    return 'valid';
  } catch (error) {
    return `invalid: ${(error as Error).message}`;
  }
}

/** The runbook base the promtool unit tests expect in `runbook_url` (a fixture, not a published site). */
export const TEST_RUNBOOK_BASE = 'https://github.com/example/webterminal-cdktf/blob/main/docs/runbooks/';

/** The rule files the promtool unit tests load, by the name their `rule_files` use. */
export const EMITTED_RULE_FILES: Readonly<Record<string, WebterminalAlertsProps>> = {
  'webterminal.rules.yaml': { runbookBaseUrl: TEST_RUNBOOK_BASE },
  'traefik-v3.rules.yaml': { paritySource: 'traefik-v3', runbookBaseUrl: TEST_RUNBOOK_BASE },
  'traefik-v2.rules.yaml': { paritySource: 'traefik-v2', runbookBaseUrl: TEST_RUNBOOK_BASE },
  'first-steps.rules.yaml': {},
};

export function promtool(args: readonly string[], cwd: string): { status: number | null; output: string } {
  const run = spawnSync(PROMTOOL, args, { cwd, encoding: 'utf8', timeout: 20_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** A valid alert; tests spread it and change one field. */
export const VALID: AlertProps = {
  alert: 'ExampleAlert',
  expr: 'up == 0',
  for: '5m',
  severity: 'warning',
  summary: 'Something is down.',
  description: '{{ $labels.job }} is down.',
  runbookUrl: 'https://example.com/ExampleAlert.md',
};
