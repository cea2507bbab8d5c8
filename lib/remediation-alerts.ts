/**
 * The `Webterminal Remediation` alert group: what the probe's opt-in self-healing did, and when it
 * cannot act. Read from `webterminal_probe_remediation{replica,pod,result}`, which a probe run pushes
 * only for replicas failing the per-replica checks (a healthy run removes the series).
 */
import { AlertGroup, AlertProps } from './alert-model';
import { runbookFirstSteps } from './private/alert-definitions';
import { formatDuration } from './private/promql';
import { DEFAULT_PROBE_JOB, ProbeLabel, ProbeMetric, RemediationResult } from './metrics';
import { Problems, checkInteger, checkNonEmpty, checkMetadata } from './private/validation';

/** Names of the group's alerts (also the runbook file names under `docs/runbooks/`). */
export const RemediationAlertName = {
  /** The probe evicted a Traefik pod, or would have in a dry run. */
  replicaEvicted: 'WebterminalReplicaEvicted',
  /** Remediation cannot act: blocked by a budget, failing, recurring, no pod, no state. */
  remediationBlocked: 'WebterminalRemediationBlocked',
} as const;

/** Name of the group. */
export const REMEDIATION_ALERT_GROUP_NAME = 'Webterminal Remediation';

/** The results that mean "a person must look": remediation wanted to act and could not. */
export const BLOCKED_RESULTS: readonly string[] = [
  RemediationResult.blockedByBudget,
  RemediationResult.failed,
  RemediationResult.rateLimited,
  RemediationResult.noPod,
  RemediationResult.stateUnavailable,
];

/** Props of {@link remediationAlertGroup}. */
export interface RemediationAlertsProps {
  /**
   * Pushgateway job name the probe pushes under.
   * @default "webterminal-probe"
   */
  readonly probeJob?: string;
  /**
   * Seconds between probe runs; `WebterminalRemediationBlocked` waits two of them.
   * @default 300
   */
  readonly probeIntervalSeconds?: number;
  /**
   * How long `WebterminalReplicaEvicted` keeps firing after an eviction, seconds.
   * @default 3600
   */
  readonly evictedNoticeSeconds?: number;
  /**
   * Base of every `runbook_url`; the alert name and `.md` are appended.
   * @default - no `runbook_url`; each alert carries its runbook's first steps instead
   */
  readonly runbookBaseUrl?: string;
  /**
   * Labels added to every alert; `subsystem` here replaces the default `webterminal`.
   * @default {}
   */
  readonly alertLabels?: Readonly<Record<string, string>>;
}

/** The remediation group: WebterminalReplicaEvicted (firing for `evictedNoticeSeconds`) and WebterminalRemediationBlocked. */
export function remediationAlertGroup(props: RemediationAlertsProps = {}): AlertGroup {
  const job = props.probeJob ?? DEFAULT_PROBE_JOB;
  const interval = props.probeIntervalSeconds ?? 300;
  const notice = props.evictedNoticeSeconds ?? 3600;
  const base = props.runbookBaseUrl;
  const runbookBase = base === undefined || base.endsWith('/') ? base : `${base}/`;
  const labels = { subsystem: 'webterminal', ...(props.alertLabels ?? {}) };

  const problems = new Problems('remediation-alerts');
  problems.add(checkNonEmpty('probeJob', job));
  problems.add(checkInteger('probeIntervalSeconds', interval, 60));
  problems.add(checkInteger('evictedNoticeSeconds', notice, 60));
  problems.addAll(checkMetadata('alertLabels', 'labels', labels));
  problems.throwIfAny();

  const by = `job, ${ProbeLabel.replica}, ${ProbeLabel.pod}, ${ProbeLabel.result}`;
  const series = (results: readonly string[]) =>
    `${ProbeMetric.remediation}{job=${JSON.stringify(job)}, ${ProbeLabel.result}=~${JSON.stringify(results.join('|'))}}`;
  const alert = (name: string, rest: Omit<AlertProps, 'alert' | 'severity' | 'labels' | 'runbookUrl' | 'runbookFirstSteps'>): AlertProps => ({
    alert: name,
    severity: 'warning',
    labels,
    ...(runbookBase !== undefined ? { runbookUrl: `${runbookBase}${name}.md` } : { runbookFirstSteps: runbookFirstSteps(name) }),
    ...rest,
  });

  return new AlertGroup({
    name: REMEDIATION_ALERT_GROUP_NAME,
    alerts: [
      // A decision is in the Pushgateway for one interval only; max_over_time keeps it visible for the
      // notice time, pod named. A dry run's "would have evicted" is reported the same way.
      alert(RemediationAlertName.replicaEvicted, {
        expr: `max by (${by}) (\n  max_over_time(${series([RemediationResult.evicted, RemediationResult.dryRun])}[${formatDuration(notice)}])\n) > 0`,
        summary: 'The probe replaced a Traefik replica that lost the web terminal route.',
        description:
          `{{ if eq $labels.${ProbeLabel.result} "${RemediationResult.dryRun}" }}Dry run: the probe would have evicted{{ else }}The probe ` +
          `evicted{{ end }} ` +
          `Traefik pod {{ $labels.${ProbeLabel.pod} }} ({{ $labels.${ProbeLabel.replica} }}), the only replica failing the route checks, ` +
          `within the last ${formatDuration(notice)}.`,
      }),
      // Two intervals: one run's verdict alone does not page; a recurring fault (rate_limited) does.
      alert(RemediationAlertName.remediationBlocked, {
        expr: `max by (${by}) (\n  ${series(BLOCKED_RESULTS)}\n) > 0`,
        for: formatDuration(2 * interval),
        summary: 'The probe cannot replace a Traefik replica that lost the web terminal route.',
        description:
          `Remediation of Traefik replica {{ $labels.${ProbeLabel.replica} }} (pod {{ $labels.${ProbeLabel.pod} }}) ` +
          `cannot act: {{ $labels.${ProbeLabel.result} }} (blocked_by_budget: a PodDisruptionBudget refuses; ` +
          'rate_limited: the fault came back after an eviction; failed: the API call failed; no_pod: no single pod has the ' +
          'address; state_unavailable: the probe cannot read its state from the Pushgateway).',
      }),
    ],
  });
}
