/**
 * Names that changed in a release, in one table: the CHANGELOG's rename table is rendered from it (a
 * test compares), the app refuses an old configuration key naming the new one, and `Webterminal`
 * refuses an old prop the same way (JavaScript callers have no compiler to tell them).
 */

/** One renamed name. */
export interface Rename {
  /** The release that renamed it. */
  readonly release: string;
  /** Where the name lives: `configuration`, a props interface, or a construct's attributes. */
  readonly where: string;
  /** The old name, as a dotted path (`routes[].serviceName`). */
  readonly from: string;
  readonly to: string;
}

const rename = (where: string, from: string, to: string): Rename => ({ release: '0.2.0', where, from, to });

/** Every rename, oldest release first. */
export const RENAMES: readonly Rename[] = [
  rename('configuration', 'routes[].serviceName', 'routes[].service.name'),
  rename('configuration', 'routes[].servicePort', 'routes[].service.port'),
  rename('TerminalStackProps, WebterminalProps', 'ttydBackend', 'ttyd'),
  rename('TerminalStackProps, WebterminalProps', 'authMiddlewareRef', 'authMiddleware'),
  rename('TerminalStackProps, WebterminalProps', 'enableProbe', 'probe.enabled'),
  rename('TerminalStackProps, WebterminalProps', 'probeOptions', 'probe'),
  rename('TerminalStackProps, WebterminalProps', 'enableAlerts', 'alerts.enabled'),
  rename('TerminalStackProps, WebterminalProps', 'alertsOptions', 'alerts'),
  rename('TerminalStackProps, WebterminalProps', 'alertsRuleOptions', 'alerts'),
  rename('TerminalStackProps, WebterminalProps', 'enableDashboard', 'dashboard.enabled'),
  rename('TerminalStackProps, WebterminalProps', 'dashboardOptions', 'dashboard'),
  rename('TerminalStackProps, WebterminalProps', 'middlewares[]', 'middlewares.afterAuth'),
  rename('WebterminalAlertsProps, RemediationAlertsProps', 'labels', 'alertLabels'),
  rename('TerminalHostProps, TtydServiceProps', 'backend', 'ttyd'),
  rename('TerminalHostProps, ProtectedIngressProps', 'middlewares[]', 'middlewares.afterAuth'),
  rename('ProtectedIngressProps, AuthentikOutpostRouteProps', 'kind', 'ingressKind'),
  rename('TerminalStack, Webterminal (attributes)', 'ttyd', 'ttydService'),
  rename('TerminalStack, Webterminal (attributes)', 'probe', 'webterminalProbe'),
  rename('TerminalStack, Webterminal (attributes)', 'alerts', 'ruleSet'),
  rename('TerminalStack, Webterminal (attributes)', 'alertRules', 'prometheusRules'),
  rename('TerminalStack, Webterminal (attributes)', 'dashboard', 'webterminalDashboard'),
  rename('TerminalStack, Webterminal (attributes)', 'authMiddleware', 'forwardAuth'),
  rename('TerminalStack, Webterminal (attributes)', 'traefik', 'traefikLocation'),
  rename('TerminalHost (attributes)', 'ttyd', 'ttydService'),
  rename('ProtectedIngress, AuthentikOutpostRoute (attributes)', 'kind', 'ingressKind'),
  rename('types', 'TerminalAlertsRuleOptions', 'TerminalAlertsOptions'),
];

/** The renames of the props a `Webterminal` (or the app's configuration, which has the same keys) takes. */
export const TERMINAL_PROP_RENAMES: readonly Rename[] = RENAMES.filter((r) => r.where === 'TerminalStackProps, WebterminalProps');

/** The rename of a configuration key at `path` (`routes[0].serviceName`), if the key was renamed. */
export function configRename(path: string): { readonly rename: Rename; readonly to: string } | undefined {
  const generic = path.replace(/\[\d+\]/g, '[]');
  const found = RENAMES.find((r) => r.where === 'configuration' && r.from === generic) ?? TERMINAL_PROP_RENAMES.find((r) => r.from === generic);
  if (found === undefined) return undefined;
  // Put the user's list indices back into the new path.
  const indices = [...path.matchAll(/\[(\d+)\]/g)].map((m) => m[1]);
  let i = 0;
  return { rename: found, to: found.to.replace(/\[\]/g, () => `[${indices[i++] ?? ''}]`) };
}

/** One sentence for a renamed name: `"<from>" was renamed to "<to>" in <release>`. */
export function renamedSentence(from: string, to: string, release: string): string {
  return `${from} was renamed in ${release}: use ${to}`;
}

/** The CHANGELOG's table of the renames of `release`, as Markdown. */
export function renameTable(release: string): string {
  const rows = RENAMES.filter((r) => r.release === release).map((r) => `| ${r.where} | \`${r.from}\` | \`${r.to}\` |`);
  return ['| Where | Old name | New name |', '| --- | --- | --- |', ...rows].join('\n');
}
