import type { JsonNode } from '../support/synth';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Construct } from 'constructs';
import { TerminalStack } from '../../lib';
import { EXAMPLE_PROPS } from '../support/example-props';
import { Testing } from '../../lib/private/cdktf';
import { ProbeMetric, PushgatewayMetric } from '../../lib/metrics';
import { WEBTERMINAL_DASHBOARD, WebterminalDashboard, WebterminalDashboardProps } from '../../lib/webterminal-dashboard';
import { DASHBOARD_JSON, buildWebterminalDashboard } from '../../dashboards/webterminal-dashboard';
import { dashboardQueries } from '../support/dashboard-queries';
import { onlyOf, synthResources, terraformLiteral } from '../support/synth';

function configMapOf(props: WebterminalDashboardProps = {}): Record<string, JsonNode> {
  return onlyOf(
    synthResources((scope: Construct) => new WebterminalDashboard(scope, 'Dashboard', props)),
    'kubernetes_config_map_v1',
  );
}

function jobVariable(dashboard: { templating: { list: readonly { name: string; current?: unknown }[] } }) {
  return dashboard.templating.list.find((variable) => variable.name === 'job');
}

describe('WebterminalDashboard', () => {
  test('ships the dashboard in a ConfigMap the kube-prometheus-stack sidecar picks up', () => {
    const map = configMapOf();
    expect(map.metadata).toStrictEqual({
      name: 'webterminal-dashboard',
      namespace: 'monitoring',
      labels: { grafana_dashboard: '1' },
      annotations: {},
    });
    const shipped = JSON.parse(terraformLiteral(map.data[WebterminalDashboard.KEY]));
    expect(shipped).toStrictEqual(WEBTERMINAL_DASHBOARD);
    expect(shipped.uid).toBe('webterminal-probe');
  });

  test('takes namespace, name, sidecar labels, annotations, and starts the job variable on the probe job', () => {
    const map = configMapOf({
      namespace: 'grafana',
      name: 'terminal',
      labels: { dashboards: 'webterminal' },
      annotations: { grafana_folder: 'Terminal' },
      probeJob: 'probe-b',
    });
    expect(map.metadata).toStrictEqual({
      name: 'terminal',
      namespace: 'grafana',
      labels: { dashboards: 'webterminal' },
      annotations: { grafana_folder: 'Terminal' },
    });
    expect(jobVariable(JSON.parse(terraformLiteral(map.data[WebterminalDashboard.KEY])))?.current).toStrictEqual({
      text: 'probe-b',
      value: 'probe-b',
    });
  });

  test('reports every bad prop at once, before anything is made', () => {
    expect(() => configMapOf({ namespace: 'Monitoring', name: '', labels: {}, probeJob: ' ' })).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/namespace "Monitoring"[\s\S]*name ""[\s\S]*labels \{\} is empty[\s\S]*probeJob must not be empty/),
      }),
    );
  });

  test('the committed JSON is what the SDK builder makes (run `npm run dashboard` after a change)', () => {
    expect(JSON.parse(readFileSync(DASHBOARD_JSON, 'utf8'))).toStrictEqual(JSON.parse(JSON.stringify(buildWebterminalDashboard())));
  });

  test('queries only metric names the library knows, each with its job filter', () => {
    const known = new Set<string>([...Object.values(ProbeMetric), ...Object.values(PushgatewayMetric)]);
    const queries = dashboardQueries(WEBTERMINAL_DASHBOARD);
    const used = queries.flatMap((query) => query.expr.match(/\b(?:webterminal_probe_|push_)\w+/g) ?? []);
    expect(used.filter((name) => !known.has(name))).toStrictEqual([]);
    for (const name of [
      ProbeMetric.replicaStatus,
      ProbeMetric.replicaRouters,
      ProbeMetric.checkFailures,
      ProbeMetric.durationSeconds,
      ProbeMetric.lastSuccessTimestamp,
      ProbeMetric.routeFailingReplicas,
      ProbeMetric.routeReplicas,
      ProbeMetric.routeOk,
    ]) {
      expect(used).toContain(name);
    }
    expect(queries.some((query) => query.expr.includes('ALERTS{'))).toBe(true);
  });

  test('the package entry never loads the build-time SDK', () => {
    const lib = join(__dirname, '..', '..', 'lib');
    const sources = readdirSync(lib).filter((file) => /\.(ts|mjs)$/.test(file));
    expect(sources.filter((file) => readFileSync(join(lib, file), 'utf8').includes('@grafana/'))).toStrictEqual([]);
  });
});

describe('TerminalStack dashboard', () => {
  const stackWith = (props: Record<string, unknown>) => new TerminalStack(Testing.app(), 'terminal', { ...EXAMPLE_PROPS, ...props });

  test('comes with the probe, on the probe job, and goes with it', () => {
    const stack = stackWith({ probe: { job: 'probe-c' }, dashboard: { namespace: 'grafana' } });
    expect(stack.webterminalDashboard?.probeJob).toBe('probe-c');
    expect(stack.webterminalDashboard?.namespace).toBe('grafana');
    expect(stackWith({ probe: { enabled: false } }).webterminalDashboard).toBeUndefined();
  });

  test('can be turned off, or on without the probe', () => {
    expect(stackWith({ dashboard: { enabled: false } }).webterminalDashboard).toBeUndefined();
    expect(stackWith({ probe: { enabled: false }, dashboard: { enabled: true } }).webterminalDashboard?.probeJob).toBe('webterminal-probe');
  });
});
