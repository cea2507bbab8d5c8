/**
 * The PromQL of a Grafana dashboard, and Grafana's macros and variables replaced by concrete values,
 * so a real Prometheus can run each query as Grafana would.
 */
import type { GrafanaDashboardJson, GrafanaPanelJson } from '../../lib/webterminal-dashboard';

export interface PanelQuery {
  /** Panel title and the target's refId, e.g. `Routers per replica (B)`. */
  readonly title: string;
  readonly expr: string;
}

function panelsOf(panels: readonly GrafanaPanelJson[]): GrafanaPanelJson[] {
  return panels.flatMap((panel) => [panel, ...panelsOf(panel.panels ?? [])]);
}

/** Every target expression of every panel (rows' nested panels included). */
export function dashboardQueries(dashboard: GrafanaDashboardJson): PanelQuery[] {
  return panelsOf(dashboard.panels).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ title: `${panel.title ?? panel.type} (${target.refId ?? '?'})`, expr: target.expr ?? '' })),
  );
}

export interface MacroValues {
  /** Value of `$job`: a regex of job names (the variable is multi-value, used with `=~`). */
  readonly job: string;
  /** Seconds of the dashboard's time range, for `$__range`. */
  readonly rangeSeconds: number;
  /** Seconds of Grafana's `$__interval` (the step): the test Prometheus scrapes every second. */
  readonly intervalSeconds?: number;
}

/**
 * Replaces Grafana's macros as Grafana computes them for a 1 s scrape interval: `$__rate_interval`
 * = max(4 × scrape interval, `$__interval` + scrape interval); `$__interval` = the step; `$__range`
 * = the time range. Both `$name` and `${name}` forms. Throws if a `$` is left, so a new macro is not
 * silently sent to Prometheus as text.
 */
export function withConcreteMacros(expr: string, values: MacroValues): string {
  const interval = values.intervalSeconds ?? 1;
  const scrape = 1;
  const replacements: Record<string, string> = {
    __rate_interval: `${Math.max(4 * scrape, interval + scrape)}s`,
    __interval: `${interval}s`,
    __range: `${values.rangeSeconds}s`,
    job: values.job,
  };
  const concrete = expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const value = replacements[name];
    if (value === undefined) throw new Error(`unknown Grafana variable ${whole} in: ${expr}`);
    return value;
  });
  return concrete;
}
