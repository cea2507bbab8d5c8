import { WebterminalRuleSet, readAlertTimelines } from './sources';

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

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** Each alert's time to fire in the fault classes that name it, from `bench/alert-timelines.json`: "5 min (ttyd down)". */
function timeToFire(alert: string): string {
  const figures = readAlertTimelines()
    .classes.filter((c) => c.alerts.includes(alert) && c.fired[alert] !== undefined)
    .map((c) => `${c.fired[alert]} min (${c.title.charAt(0).toLowerCase()}${c.title.slice(1)})`);
  return figures.length === 0 ? '—' : figures.join('; ');
}

/** The table of `docs/alerts.md`; each alert links its runbook (a path relative to `docs/`). */
export function alertsTable(): string {
  const lines = ['| group | alert | severity | for | time to fire | summary |', '| --- | --- | --- | --- | --- | --- |'];
  for (const r of alertRows())
    lines.push(`| ${r.group} | [\`${r.alert}\`](runbooks/${r.alert}.md) | ${r.severity} | ${r.for} | ${timeToFire(r.alert)} | ${cell(r.summary)} |`);
  return lines.join('\n');
}

/** The fault-class table of `docs/alerts.md`: how each class was made, what the real probe pushed, the first alert, and every alert that fired. */
export function faultClassesTable(): string {
  const t = readAlertTimelines();
  const lines = [
    `**${t.title}.** ${t.tool}, ${t.model}; the probe's pushes captured ${t.captured}, measured ${t.measured}. ` +
      `A healthy day (${t.healthyDay.runs} captured healthy runs, replayed): ` +
      `${t.healthyDay.alertsRaised.length === 0 ? 'no alert, pending or firing' : t.healthyDay.alertsRaised.join(', ')}.`,
    '',
    '| fault class | made in the harness | what the real probe pushed, against its healthy run | runs (H healthy, F faulty) ' +
      '| first alert naming it | every alert that fired (minutes) |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of t.classes) {
    const first = c.minutes === null ? 'none' : `**${c.minutes} min**: ${c.alerts.filter((a) => c.fired[a] === c.minutes).join(', ')}`;
    const all = Object.entries(c.fired)
      .map(([alert, minutes]) => `${alert} ${minutes}`)
      .join(', ');
    lines.push(`| ${c.title} | ${cell(c.harness)} | ${cell(c.pushes)} | ${c.runs} | ${first} | ${all || '—'} |`);
  }
  return lines.join('\n');
}

/** The header of one runbook, by alert name (undefined when the rule set has no such alert). */
export function runbookHeader(alert: string): string | undefined {
  const r = alertRows().find((row) => row.alert === alert);
  if (r === undefined) return undefined;
  return `**Severity:** ${r.severity} · **for:** ${r.for} · **group:** ${r.group}\n\n**Summary:** ${r.summary}`;
}
