import names from './probe-names.json';

/**
 * The names the probe pushes and the alert rules read. They are written once, in
 * `lib/probe-names.json`: the probe's ConfigMap carries that file beside the script, which reads it at
 * run time, and this module re-exports it. What each metric means is in the README's metrics table.
 */
export const ProbeMetric: Readonly<typeof names.metric> = names.metric;

/** The probe's metrics pushed only when remediation is on (lib/probe-script.mjs, remediation section). */
export const REMEDIATION_METRICS: readonly string[] = [
  ProbeMetric.remediation,
  ProbeMetric.remediationLastEvictionTimestamp,
  ProbeMetric.replicaConsecutiveFailures,
];

/** Values of the `result` label of `webterminal_probe_remediation`. */
export const RemediationResult: Readonly<typeof names.remediationResult> = names.remediationResult;

/** Value of the `kind` grouping-key label of the group that holds the last eviction time. */
export const REMEDIATION_GROUP_KIND: string = names.remediationGroupKind;

/** Label names on the probe's metrics. */
export const ProbeLabel: Readonly<typeof names.label> = names.label;

/** Values of the `check` label. */
export const ProbeCheck: Readonly<typeof names.check> = names.check;

/** Value of the `kind` grouping-key label of the group that holds the last-success timestamp. */
export const SUCCESS_GROUP_KIND: string = names.successGroupKind;

/** Default Pushgateway job name of the probe. */
export const DEFAULT_PROBE_JOB: string = names.defaultJob;

/** Metrics the Pushgateway adds to every group by itself (source: pushgateway README). */
export const PushgatewayMetric = {
  /** Unix time of the group's last successful push. */
  pushTime: 'push_time_seconds',
  /** Unix time of the group's last failed push. */
  pushFailureTime: 'push_failure_time_seconds',
} as const;
