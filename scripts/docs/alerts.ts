import { WebterminalRuleSet } from './sources';

/**
 * The alert table and each runbook's header, from the rule set the stack installs with every part on:
 * the `Webterminal` and `Traefik Router Parity` groups, and `Webterminal Remediation` (added when the
 * probe remediates), at the defaults (a probe every 5 minutes, its router inventory on).
 */
export interface AlertRow {
  readonly group: string;
  readonly alert: string;
  readonly severity: string;
  readonly for: string;
  readonly summary: string;
}

export function alertRows(): AlertRow[] {
  const ruleSet = WebterminalRuleSet.forProbe({ job: 'webterminal-probe', intervalSeconds: 300, routerInventory: true, remediationMode: 'on' });
  return ruleSet.groups.flatMap((group) =>
    group.alerts.map((a) => ({ group: group.name, alert: a.name, severity: a.severity, for: a.for ?? 'at once', summary: a.summary })),
  );
}

/** The table of `docs/alerts.md`; each alert links its runbook (a path relative to `docs/`). */
export function alertsTable(): string {
  const lines = ['| group | alert | severity | for | summary |', '| --- | --- | --- | --- | --- |'];
  for (const r of alertRows())
    lines.push(`| ${r.group} | [\`${r.alert}\`](runbooks/${r.alert}.md) | ${r.severity} | ${r.for} | ${r.summary.replace(/\|/g, '\\|')} |`);
  return lines.join('\n');
}

/** The header of one runbook, by alert name (undefined when the rule set has no such alert). */
export function runbookHeader(alert: string): string | undefined {
  const r = alertRows().find((row) => row.alert === alert);
  if (r === undefined) return undefined;
  return `**Severity:** ${r.severity} · **for:** ${r.for} · **group:** ${r.group}\n\n**Summary:** ${r.summary}`;
}
