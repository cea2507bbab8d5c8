/** What the alert factories share: an alert's definition, and how overrides and runbooks turn it into {@link AlertProps}. */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import type { AlertProps, Severity } from '../alert-model';
import type { ResolvedWebterminalAlertsProps, ThresholdAlertOverride, WebterminalAlertOverrides } from '../webterminal-alerts-props';
import { RULES_SUBJECT, ValidationError } from './validation';

/** The parts of an alert a factory fills in before overrides are applied. */
export interface AlertDefinition {
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

/**
 * The threshold check of the alerts that count failing probe runs (`failingRuns`): their window holds
 * three runs.
 */
export function runsProblem(threshold: number): string | undefined {
  return Number.isInteger(threshold) && threshold >= 1 && threshold <= 3 ? undefined : 'accepted: a whole number of failing runs, 1 to 3';
}

/** Builds the alert props of a definition, applying the overrides and the common labels. */
export function alertProps(definition: AlertDefinition, config: ResolvedWebterminalAlertsProps, subsystem: string): AlertProps {
  const override: ThresholdAlertOverride = config.overrides[definition.alert as keyof WebterminalAlertOverrides] ?? {};
  const threshold = override.threshold ?? definition.threshold ?? 0;
  if (override.threshold !== undefined) {
    const problem = definition.thresholdProblem
      ? definition.thresholdProblem(override.threshold)
      : 'this alert has no threshold (accepted: no threshold)';
    if (problem !== undefined) {
      throw new ValidationError(RULES_SUBJECT, [
        `alert ${JSON.stringify(definition.alert)}: threshold ${override.threshold} is not valid (${problem})`,
      ]);
    }
  }
  return {
    alert: definition.alert,
    expr: definition.expr(threshold),
    for: override.for ?? definition.for,
    severity: override.severity ?? definition.severity,
    labels: { subsystem, ...config.alertLabels, ...(override.labels ?? {}) },
    summary: definition.summary,
    description: definition.description,
    ...(config.runbookBaseUrl !== undefined
      ? { runbookUrl: `${config.runbookBaseUrl}${definition.alert}.md` }
      : { runbookFirstSteps: runbookFirstSteps(definition.alert) }),
  };
}

/** Where the runbooks are, from `lib/private/` and from the packed `dist/private/` alike. */
const RUNBOOK_DIR = join(__dirname, '..', '..', 'docs', 'runbooks');

/**
 * The first steps of an alert's runbook: its first section after "What it means" (the "Confirm"
 * section), for alerts without a published runbook URL. A missing runbook is an error.
 */
export function runbookFirstSteps(alert: string): string {
  const file = join(RUNBOOK_DIR, `${alert}.md`);
  if (!existsSync(file))
    throw new ValidationError(RULES_SUBJECT, [`alert ${JSON.stringify(alert)}: no runbook at ${file} (every alert has docs/runbooks/<alert>.md)`]);
  const sections = readFileSync(file, 'utf8').split(/^## /m).slice(1);
  const first = sections.find((section) => !section.startsWith('What it means')) ?? sections[0];
  if (first === undefined) throw new ValidationError(RULES_SUBJECT, [`alert ${JSON.stringify(alert)}: runbook ${file} has no "## " section`]);
  const [heading, ...body] = first.trim().split('\n');
  return `${heading}: ${body.join('\n').trim()}\n\n(runbook: docs/runbooks/${alert}.md in webterminal-cdktf)`;
}
