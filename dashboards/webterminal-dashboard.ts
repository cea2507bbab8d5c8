/**
 * The web terminal's Grafana dashboard, built as code with Grafana's foundation SDK, at build time
 * only: `npm run dashboard` writes `lib/webterminal-dashboard.grafana.json` (committed), which the
 * `WebterminalDashboard` construct ships. The package's runtime never loads the SDK (pre-1.0, subpath
 * exports only), and a test checks the committed JSON is what this file builds.
 *
 * Every query filters on the `job` variable (the probe's Pushgateway job, as `honor_labels: true`
 * keeps it) and reads the metric names from `lib/metrics.ts`.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BigValueColorMode, BigValueGraphMode, VisibilityMode } from '@grafana/grafana-foundation-sdk/common';
import {
  DashboardBuilder,
  DashboardCursorSync,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as StateTimelinePanelBuilder } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { DEFAULT_PROBE_JOB, ProbeCheck, ProbeLabel, ProbeMetric, PushgatewayMetric, SUCCESS_GROUP_KIND } from '../lib/metrics';

/** Where `npm run dashboard` writes, unless given a path. */
export const DASHBOARD_JSON = resolve(__dirname, '..', 'lib', 'webterminal-dashboard.grafana.json');

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
/** Names of the dashboard's variables. */
const JOB_VARIABLE = 'job';

/** `metric{job=~"$job", extra...}`. */
function sel(metric: string, ...matchers: string[]): string {
  return `${metric}{${[`job=~"$${JOB_VARIABLE}"`, ...matchers].join(', ')}}`;
}

function checks(...names: string[]): string {
  return `${ProbeLabel.check}=~"${names.join('|')}"`;
}

function query(expr: string, legend: string, refId = 'A'): DataqueryBuilder {
  return new DataqueryBuilder().datasource(DATASOURCE).expr(expr).legendFormat(legend).refId(refId);
}

/** Failed samples over samples taken, per check, averaged over Grafana's rate interval. */
function failureShare(...names: string[]): string {
  const over = (metric: string) => `sum by (job, ${ProbeLabel.check}) (avg_over_time(${sel(metric, checks(...names))}[$__rate_interval]))`;
  return `${over(ProbeMetric.checkFailures)}\n/\n${over(ProbeMetric.checkSamples)}`;
}

/** The dashboard model, as Grafana's JSON. */
export function buildWebterminalDashboard(): Dashboard {
  const timeseries = (title: string, description: string) =>
    new TimeseriesPanelBuilder().title(title).description(description).datasource(DATASOURCE).height(8).span(12);

  return new DashboardBuilder('Web terminal probe')
    .uid('webterminal-probe')
    .description('Route parity and health of the web terminal (ttyd behind Traefik and Authentik), from the webterminal-cdktf probe.')
    .tags(['webterminal', 'traefik', 'probe'])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('1m')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .withVariable(new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'))
    .withVariable(
      new QueryVariableBuilder(JOB_VARIABLE)
        .label('Probe job')
        .datasource(DATASOURCE)
        .query(`label_values(${ProbeMetric.durationSeconds}, job)`)
        .definition(`label_values(${ProbeMetric.durationSeconds}, job)`)
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true)
        .current({ text: DEFAULT_PROBE_JOB, value: DEFAULT_PROBE_JOB }),
    )
    .withRow(new RowBuilder('Traefik replicas'))
    .withPanel(
      new StateTimelinePanelBuilder()
        .title('Route status per replica')
        .description(
          'HTTP status each Traefik replica gave the terminal host (3xx = the auth redirect, healthy; 404 = the route is missing; 0 = no ' +
            'answer), and whether every check on the replica was healthy.',
        )
        .datasource(DATASOURCE)
        .height(8)
        .span(24)
        .withTarget(
          query(
            `max by (${ProbeLabel.replica}, ${ProbeLabel.check}) (${sel(ProbeMetric.replicaStatus)})`,
            `{{${ProbeLabel.replica}}} {{${ProbeLabel.check}}}`,
          ),
        )
        .withTarget(query(`max by (${ProbeLabel.replica}) (${sel(ProbeMetric.replicaOk)})`, `{{${ProbeLabel.replica}}} ok`, 'B')),
    )
    .withPanel(
      timeseries(
        'Routers per replica',
        'Routers each replica’s Traefik API lists (router inventory); replicas that disagree miss routes. Inventory ok: 1 = the count is ' +
          'trustworthy.',
      )
        .withTarget(query(`max by (${ProbeLabel.replica}) (${sel(ProbeMetric.replicaRouters)})`, `{{${ProbeLabel.replica}}}`))
        .withTarget(query(`max by (${ProbeLabel.replica}) (${sel(ProbeMetric.routerInventoryOk)})`, `{{${ProbeLabel.replica}}} inventory ok`, 'B'))
        .showPoints(VisibilityMode.Auto),
    )
    .withPanel(
      timeseries('Replicas found', 'Traefik replica addresses the probe resolved; 0 means the per-replica checks are blind.')
        .withTarget(query(`max by (job) (${sel(ProbeMetric.replicas)})`, '{{job}}'))
        .min(0),
    )
    .withRow(new RowBuilder('Routes'))
    .withPanel(
      timeseries(
        'Failing replicas per route',
        'Per route of the terminal host: the Traefik replicas it failed on in the latest run, of those it was checked on. All of ' +
          'them failing is a route problem (its object or backend), not a replica problem.',
      )
        .withTarget(query(`max by (${ProbeLabel.route}) (${sel(ProbeMetric.routeFailingReplicas)})`, `{{${ProbeLabel.route}}} failing`))
        .withTarget(query(`max by (${ProbeLabel.route}) (${sel(ProbeMetric.routeReplicas)})`, `{{${ProbeLabel.route}}} checked`, 'B'))
        .min(0)
        .showPoints(VisibilityMode.Auto),
    )
    .withPanel(
      new StateTimelinePanelBuilder()
        .title('Failing routes per replica, with the reason')
        .description(
          'Each (replica, route) pair that failed in a run, and why: not_routed (Traefik’s own 404), walled_off (a public carve-out ' +
            'redirected to Authentik), ungated (a gated route answered without Authentik), wrong_redirect, wrong_status, no_answer. ' +
            'Pairs that pass push nothing.',
        )
        .datasource(DATASOURCE)
        .height(8)
        .span(12)
        .withTarget(
          query(
            `count by (${ProbeLabel.replica}, ${ProbeLabel.route}, ${ProbeLabel.reason}) (${sel(ProbeMetric.routeOk)} == 0)`,
            `{{${ProbeLabel.replica}}} {{${ProbeLabel.route}}} {{${ProbeLabel.reason}}}`,
          ),
        ),
    )
    .withRow(new RowBuilder('Edge and origin'))
    .withPanel(
      timeseries('Edge failure rate', 'Share of failed samples of the public checks (through the CDN and Traefik to the Authentik redirect).')
        .withTarget(query(failureShare(ProbeCheck.edgeToken, ProbeCheck.edgeWs), '{{job}} {{check}}'))
        .unit('percentunit')
        .min(0)
        .max(1),
    )
    .withPanel(
      timeseries(
        'Origin failure rate',
        'Share of failed samples of the in-cluster checks of ttyd, and whether ttyd answered without the auth header (1 = open).',
      )
        .withTarget(query(failureShare(ProbeCheck.originToken, ProbeCheck.originWs), '{{job}} {{check}}'))
        .withTarget(query(`max by (job) (${sel(ProbeMetric.ttydOpen)})`, '{{job}} ttyd open', 'B'))
        .unit('percentunit')
        .min(0),
    )
    .withRow(new RowBuilder('Probe'))
    .withPanel(
      timeseries('Probe duration', 'Wall time of each probe run; near the deadline means checks are timing out.')
        .withTarget(query(`max by (job) (${sel(ProbeMetric.durationSeconds)})`, '{{job}}'))
        .unit('s')
        .min(0),
    )
    .withPanel(
      new StatPanelBuilder()
        .title('Time since last success')
        .description('Seconds since the last fully healthy probe run, and since the last push of any run.')
        .datasource(DATASOURCE)
        .height(8)
        .span(12)
        .unit('s')
        .colorMode(BigValueColorMode.Value)
        .graphMode(BigValueGraphMode.Area)
        .withTarget(
          query(`time() - max by (job) (${sel(ProbeMetric.lastSuccessTimestamp, `${ProbeLabel.kind}="${SUCCESS_GROUP_KIND}"`)})`, '{{job}} success'),
        )
        .withTarget(query(`time() - max by (job) (${sel(PushgatewayMetric.pushTime, `${ProbeLabel.kind}=""`)})`, '{{job}} push', 'B')),
    )
    .withPanel(
      new StateTimelinePanelBuilder()
        .title('Alerts')
        .description('State of the web terminal’s and the router parity alerts (pending or firing), from Prometheus’ ALERTS series.')
        .datasource(DATASOURCE)
        .height(8)
        .span(24)
        .withTarget(
          query(
            'max by (alertname, alertstate, replica, check, route, router) (ALERTS{alertname=~"Webterminal.*|TraefikRouter.*"})',
            '{{alertname}} {{alertstate}} {{replica}} {{check}} {{route}} {{router}}',
          ),
        ),
    )
    .build();
}

/** Writes the dashboard JSON to `file` (default: the one the library carries); returns the path written. */
export function writeWebterminalDashboard(file: string = DASHBOARD_JSON): string {
  const target = resolve(file);
  writeFileSync(target, `${JSON.stringify(buildWebterminalDashboard(), null, 2)}\n`);
  return target;
}
