import names from '../probe/contract.json';
import type { ResolvedWebterminalAlertsProps, WebterminalAlertsProps } from '../webterminal-alerts-props';
import { DEFAULT_RESTART_GUARD_SELECTOR, PARITY_SOURCES, WebterminalAlertName } from './vocabulary';
import { parseLabelMatchers } from './promql';
import { LABEL_NAME, emptyProblem, nameProblems } from './rule-checks';
import { Problems, RULES_SUBJECT, checkInteger } from './validation';

/** Fills in defaults and validates; throws every problem at once, naming the prop, the value and what is accepted. */
export function resolveWebterminalAlertsProps(props: WebterminalAlertsProps = {}): ResolvedWebterminalAlertsProps {
  const problems = new Problems(RULES_SUBJECT);
  const paritySource = props.paritySource ?? 'inventory';
  if (!PARITY_SOURCES.includes(paritySource)) {
    problems.add(`paritySource ${JSON.stringify(paritySource)} is not valid (accepted: ${PARITY_SOURCES.join(', ')})`);
  }
  const resolved: ResolvedWebterminalAlertsProps = {
    probeJob: props.probeJob ?? names.defaults.job,
    probeIntervalSeconds: props.probeIntervalSeconds ?? 300,
    // Do the obvious thing rather than build ".../runbooksWebtermina..." from a base without a slash.
    runbookBaseUrl: props.runbookBaseUrl === undefined ? undefined : withTrailingSlash(props.runbookBaseUrl),
    restartGuard: props.restartGuard ?? true,
    restartGuardSelector: matchersOrAsGiven(props.restartGuardSelector ?? DEFAULT_RESTART_GUARD_SELECTOR),
    restartGuardSeconds: props.restartGuardSeconds ?? 900,
    paritySource,
    parityReplicaLabel: props.parityReplicaLabel ?? (paritySource === 'inventory' ? names.label.replica : 'pod'),
    alertLabels: { ...(props.alertLabels ?? {}) },
    overrides: props.overrides ?? {},
  };
  problems.add(emptyProblem('props', 'probeJob', resolved.probeJob));
  problems.add(wholeSecondsProblem('probeIntervalSeconds', resolved.probeIntervalSeconds, 60));
  problems.add(wholeSecondsProblem('restartGuardSeconds', resolved.restartGuardSeconds, 1));
  const selector = parseLabelMatchers(resolved.restartGuardSelector);
  if ('problem' in selector) problems.add(`restartGuardSelector ${JSON.stringify(resolved.restartGuardSelector)} ${selector.problem}`);
  if (!LABEL_NAME.test(resolved.parityReplicaLabel)) {
    problems.add(
      `parityReplicaLabel ${JSON.stringify(resolved.parityReplicaLabel)} is not a label name ` +
        '(accepted: letters, digits and _, not starting with a digit)',
    );
  }
  problems.addAll(nameProblems('props', 'label', resolved.alertLabels, 'alertLabels'));
  const known: readonly string[] = Object.values(WebterminalAlertName);
  for (const key of Object.keys(resolved.overrides)) {
    if (!known.includes(key)) problems.add(`overrides key ${JSON.stringify(key)} is not an alert (accepted: ${known.join(', ')})`);
  }
  problems.throwIfAny();
  return resolved;
}

/** The matchers written again when they parse; else the text as given (its problem is reported). */
function matchersOrAsGiven(text: string): string {
  const parsed = parseLabelMatchers(text);
  return 'matchers' in parsed ? parsed.matchers : text;
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function wholeSecondsProblem(prop: string, value: number, minimum: number): string | undefined {
  const problem = checkInteger(prop, value, minimum);
  return problem === undefined ? undefined : `${problem} (seconds)`;
}
