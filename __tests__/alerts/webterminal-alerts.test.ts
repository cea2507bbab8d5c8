import type { JsonNode } from '../support/synth';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Alert, AlertRuleSet } from '../../lib/alert-model';
import { WebterminalAlertName, WebterminalAlertsProps } from '../../lib/webterminal-alerts-props';
import { WebterminalRuleSet } from '../../lib/webterminal-rule-set';
import { Testing } from '../../lib/private/cdktf';
import { ProbeMetric, PushgatewayMetric } from '../../lib/metrics';
import { PrometheusRules } from '../../lib/prometheus-rules';
import { resolveWebterminalAlertsProps } from '../../lib/private/resolve-alerts';

import { PROMTOOL_TESTS, RUNBOOKS, TEST_RUNBOOK_BASE, EMITTED_RULE_FILES, promtool, VALID } from '../support/alerts';

describe('promtool', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'alert-rules-'));
    for (const [file, props] of Object.entries(EMITTED_RULE_FILES)) {
      writeFileSync(join(dir, file), new WebterminalRuleSet(props).toYaml());
    }
    for (const file of readdirSync(PROMTOOL_TESTS)) copyFileSync(join(PROMTOOL_TESTS, file), join(dir, file));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('check rules passes on every emitted rule file', () => {
    const files = Object.keys(EMITTED_RULE_FILES);
    const run = promtool(['check', 'rules', ...files], dir);
    expect(run.output).not.toContain('FAILED');
    expect(run.status).toBe(0);
    expect(run.output.match(/SUCCESS: 13 rules found/g)).toHaveLength(files.length);
  });

  test('the unit tests in __tests__/alerts/promtool pass against the emitted rules', () => {
    // webterminal-remediation.test.yaml belongs to remediation-alerts.test.ts (its own rule file).
    const testFiles = readdirSync(PROMTOOL_TESTS)
      .filter((file) => file.endsWith('.test.yaml') && file !== 'webterminal-remediation.test.yaml')
      .sort();
    expect(testFiles).toStrictEqual([
      'traefik-router-parity-v2.test.yaml',
      'traefik-router-parity-v3.test.yaml',
      'traefik-router-parity.test.yaml',
      'webterminal.test.yaml',
    ]);
    // One promtool run for all files: it starts in about 0.1 s, the tests themselves take the rest.
    const run = promtool(['test', 'rules', ...testFiles], dir);
    expect(run.output).not.toContain('FAILED');
    expect(run.status).toBe(0);
    expect(run.output.match(/SUCCESS/g)).toHaveLength(testFiles.length);
  });

  test('every alert has a test just before and just after its for, with labels and annotations', () => {
    const tests = readdirSync(PROMTOOL_TESTS)
      .filter((file) => file.endsWith('.test.yaml'))
      .map((file) => parse(readFileSync(join(PROMTOOL_TESTS, file), 'utf8')) as PromtoolTestFile);
    const cases = tests.flatMap((file) => file.tests.flatMap((t) => t.alert_rule_test ?? []));
    for (const alert of new WebterminalRuleSet().alerts) {
      const mine = cases.filter((c) => c.alertname === alert.name);
      const firing = mine.filter((c) => (c.exp_alerts ?? []).length > 0);
      const quiet = mine.filter((c) => (c.exp_alerts ?? []).length === 0);
      expect({ alert: alert.name, firing: firing.length > 0, quiet: quiet.length > 0 }).toStrictEqual({
        alert: alert.name,
        firing: true,
        quiet: true,
      });
      for (const c of firing) {
        for (const expected of c.exp_alerts ?? []) {
          expect(expected.exp_labels.severity).toBe(alert.severity);
          expect(Object.keys(expected.exp_annotations).sort()).toStrictEqual(['description', 'runbook_url', 'summary']);
        }
      }
    }
  });

  test('check rules rejects a broken expression and names the alert', () => {
    const set = new AlertRuleSet();
    set.addGroup({ name: 'Broken', alerts: [{ ...VALID, alert: 'WebterminalBroken', expr: 'sum(rate(up[5m])' }] });
    writeFileSync(join(dir, 'broken.rules.yaml'), set.toYaml());
    const run = promtool(['check', 'rules', 'broken.rules.yaml'], dir);
    expect(run.status).toBe(1);
    expect(run.output).toContain('"WebterminalBroken": could not parse expression');
  });

  test('the unit tests can fail: a different threshold breaks them', () => {
    // The stale alert with a threshold of 3 intervals fires 5 minutes later than the tests expect.
    writeFileSync(
      join(dir, 'webterminal.rules.yaml'),
      new WebterminalRuleSet({ runbookBaseUrl: TEST_RUNBOOK_BASE, overrides: { WebterminalProbeStale: { threshold: 900 } } }).toYaml(),
    );
    const run = promtool(['test', 'rules', 'webterminal.test.yaml'], dir);
    writeFileSync(join(dir, 'webterminal.rules.yaml'), new WebterminalRuleSet({ runbookBaseUrl: TEST_RUNBOOK_BASE }).toYaml());
    expect(run.status).toBe(1);
    expect(run.output).toContain('alertname: WebterminalProbeStale, time: 36m');
  });
});

/** The parts of a promtool unit-test file this suite reads. */
interface PromtoolTestFile {
  readonly tests: readonly {
    readonly alert_rule_test?: readonly {
      readonly alertname: string;
      readonly exp_alerts?: readonly {
        readonly exp_labels: Record<string, string>;
        readonly exp_annotations: Record<string, string>;
      }[];
    }[];
  }[];
}

describe('WebterminalRuleSet', () => {
  test('resolves every default', () => {
    expect(new WebterminalRuleSet().config).toStrictEqual({
      probeJob: 'webterminal-probe',
      probeIntervalSeconds: 300,
      runbookBaseUrl: undefined,
      restartGuard: true,
      restartGuardSelector: 'job="prometheus"',
      restartGuardSeconds: 900,
      paritySource: 'inventory',
      parityReplicaLabel: 'replica',
      alertLabels: {},
      overrides: {},
    });
  });

  test('has the two groups with the original names, severities and for', () => {
    const set = new WebterminalRuleSet();
    expect(set.groups.map((g) => g.name)).toStrictEqual(['Webterminal', 'Traefik Router Parity']);
    expect(set.groups).toStrictEqual([set.webterminal, set.routerParity]);
    const summary = set.alerts.map((a) => [a.name, a.severity, a.for, a.labels.subsystem]);
    expect(summary).toStrictEqual([
      ['WebterminalTokenDegraded', 'warning', '0m', 'webterminal'],
      ['WebterminalWebsocketDegraded', 'critical', '0m', 'webterminal'],
      ['WebterminalTtydUnreachable', 'critical', '0m', 'webterminal'],
      ['WebterminalReplicaRouteMissing', 'critical', '10m', 'webterminal'],
      ['WebterminalProbeStale', 'warning', '15m', 'webterminal'],
      ['WebterminalProbeBlind', 'warning', '10m', 'webterminal'],
      ['WebterminalTtydOpen', 'critical', '1m', 'webterminal'],
      ['WebterminalRouteMissing', 'critical', '0m', 'webterminal'],
      ['WebterminalCarveOutWalledOff', 'warning', '0m', 'webterminal'],
      ['WebterminalRouteUngated', 'critical', '1m', 'webterminal'],
      ['TraefikRouterCountSkew', 'warning', '10m', 'traefik'],
      ['TraefikRouterInventoryFailing', 'warning', '15m', 'traefik'],
      ['WebterminalForeignRoute', 'critical', '0m', 'traefik'],
    ]);
    // The degraded alerts count runs, whatever the interval: no `for`.
    const slow = new WebterminalRuleSet({ probeIntervalSeconds: 600 });
    expect(slow.findAlert('WebterminalTtydUnreachable')?.for).toBe('0m');
    expect(slow.findAlert('TraefikRouterInventoryFailing')?.for).toBe('30m');
  });

  test('every alert links its runbook, and the runbook exists', () => {
    const set = new WebterminalRuleSet({ runbookBaseUrl: 'https://git.example.com/ops/docs/runbooks' });
    for (const alert of set.alerts) {
      expect(alert.runbookUrl).toBe(`https://git.example.com/ops/docs/runbooks/${alert.name}.md`);
      expect(existsSync(join(RUNBOOKS, `${alert.name}.md`))).toBe(true);
    }
    expect(set.alerts.map((a) => a.name).sort()).toStrictEqual(Object.values(WebterminalAlertName).sort());
  });

  test("without a runbook base, every alert carries its runbook's first steps and no runbook_url", () => {
    const set = new WebterminalRuleSet();
    for (const rule of set.toRuleFile().groups.flatMap((g) => g.rules)) {
      expect(Object.keys(rule.annotations)).not.toContain('runbook_url');
      const steps = rule.annotations.runbook_first_steps;
      expect(steps).toMatch(/^Confirm/);
      expect(steps).toContain(`docs/runbooks/${rule.alert}.md`);
      // the text is the runbook's own Confirm section
      const runbook = readFileSync(join(RUNBOOKS, `${rule.alert}.md`), 'utf8');
      expect(runbook).toContain(steps.split('\n')[2]);
    }
    expect(JSON.stringify(set.toRuleFile())).not.toContain('example/webterminal-cdktf');
  });

  test('an alert needs a runbook URL or first steps', () => {
    const { runbookUrl: _dropped, ...withoutRunbook } = VALID;
    expect(() => new Alert(withoutRunbook)).toThrow('alert-rules: alert "ExampleAlert": has neither runbookUrl nor runbookFirstSteps');
    expect(new Alert({ ...withoutRunbook, runbookFirstSteps: 'Check the thing.' }).toRule().annotations).toStrictEqual({
      summary: VALID.summary,
      description: VALID.description,
      runbook_first_steps: 'Check the thing.',
    });
  });

  test('reads the probe run group of push_time_seconds, not the success group', () => {
    const expr = new WebterminalRuleSet({ probeJob: 'probe-b', probeIntervalSeconds: 120 }).findAlert('WebterminalProbeStale')!.expr;
    expect(expr).toBe(
      'time() - max by (job) (push_time_seconds{job="probe-b", kind=""}) > 240\n' + 'or\n' + '-1 * absent(push_time_seconds{job="probe-b", kind=""})',
    );
  });

  test('the degraded alerts count failing runs in three intervals, in steps of a tenth, guarded', () => {
    const expr = new WebterminalRuleSet({ probeIntervalSeconds: 600 }).findAlert('WebterminalTokenDegraded')!.expr;
    expect(expr).toBe(
      '(\n' +
        '  changes(\n' +
        '    (\n' +
        '      0 * (max by (job, check) (webterminal_probe_check_failures{job="webterminal-probe", check="edge_token"}) > 0)\n' +
        '      + on (job) group_left () max by (job) (push_time_seconds{job="webterminal-probe", kind=""})\n' +
        '    )[30m:1m]\n' +
        '  ) + 1 >= 2\n' +
        ')\n' +
        'unless on () (time() - process_start_time_seconds{job="prometheus"} < 900)',
    );
  });

  test('the route alerts read the matrix: missing reasons, walled off, ungated; none is guarded', () => {
    const set = new WebterminalRuleSet();
    const missing = set.findAlert('WebterminalRouteMissing')!.expr;
    expect(missing).toContain('reason=~"not_routed|wrong_redirect|wrong_status|no_answer"');
    expect(missing.split('\nor\n')).toHaveLength(4);
    expect(set.findAlert('WebterminalCarveOutWalledOff')!.expr).toContain('reason="walled_off"');
    expect(set.findAlert('WebterminalRouteUngated')!.expr).toBe(
      'count by (job, route) (max by (job, replica, route) (webterminal_probe_route_ok{job="webterminal-probe", reason="ungated"} == 0))',
    );
    for (const name of ['WebterminalRouteMissing', 'WebterminalCarveOutWalledOff', 'WebterminalRouteUngated'])
      expect(set.findAlert(name)!.expr).not.toContain('process_start_time_seconds');
  });

  test('restartGuardSelector is a label-matcher list, parsed and written again; anything else is refused', () => {
    const guard = (selector: string) => new WebterminalRuleSet({ restartGuardSelector: selector }).findAlert('WebterminalTtydUnreachable')!.expr;
    expect(guard(' job = "prometheus" , namespace=~"mon.*",pod!~\'x\' ')).toContain(
      'process_start_time_seconds{job="prometheus", namespace=~"mon.*", pod!~"x"} < 900',
    );
    expect(guard('job="a\\"b"')).toContain('process_start_time_seconds{job="a\\"b"}');
    // Each of these passes promtool once pasted in, and silences (or blinds) every guarded alert.
    for (const crafted of [
      'job="prometheus"} or vector(1) or process_start_time_seconds{job="x"',
      'job="prometheus"}) > 0 or on() vector(0',
      'job=prometheus',
      '__name__!=""',
      'job="a",',
      '',
    ]) {
      expect(() => new WebterminalRuleSet({ restartGuardSelector: crafted })).toThrow(`restartGuardSelector ${JSON.stringify(crafted)}`);
    }
  });

  test('the restart guard can be switched off or pointed at another job', () => {
    const off = new WebterminalRuleSet({ restartGuard: false });
    const other = new WebterminalRuleSet({ restartGuardSelector: 'job="kube-prometheus-stack-prometheus"', restartGuardSeconds: 600 });
    for (const name of ['WebterminalTokenDegraded', 'WebterminalWebsocketDegraded', 'WebterminalTtydUnreachable']) {
      expect(off.findAlert(name)!.expr).not.toContain('process_start_time_seconds');
      expect(other.findAlert(name)!.expr).toContain(
        'unless on () (time() - process_start_time_seconds{job="kube-prometheus-stack-prometheus"} < 600)',
      );
    }
    for (const name of ['WebterminalReplicaRouteMissing', 'WebterminalProbeStale', 'TraefikRouterCountSkew']) {
      expect(new WebterminalRuleSet().findAlert(name)!.expr).not.toContain('process_start_time_seconds');
    }
  });

  test('applies per-alert overrides and labels for all alerts', () => {
    const set = new WebterminalRuleSet({
      alertLabels: { subsystem: 'terminal', team: 'ops' },
      overrides: {
        WebterminalTokenDegraded: { for: '20m', severity: 'critical', labels: { page: 'yes' }, threshold: 3 },
        WebterminalReplicaRouteMissing: { for: '5m' },
        TraefikRouterCountSkew: { threshold: 3, severity: 'info' },
      },
    });
    const token = set.findAlert('WebterminalTokenDegraded')!;
    expect([token.for, token.severity, token.labels]).toStrictEqual(['20m', 'critical', { subsystem: 'terminal', team: 'ops', page: 'yes' }]);
    expect(token.expr).toContain(') + 1 >= 3\n');
    expect(set.findAlert('WebterminalReplicaRouteMissing')!.for).toBe('5m');
    const skew = set.findAlert('TraefikRouterCountSkew')!;
    expect([skew.severity, skew.labels, skew.expr.endsWith(') > 3')]).toStrictEqual(['info', { subsystem: 'terminal', team: 'ops' }, true]);
  });

  test('more alerts and groups can be added to it', () => {
    const set = new WebterminalRuleSet();
    const added = set.webterminal.addAlert({ ...VALID, alert: 'WebterminalCertExpiring' });
    expect(set.findAlert('WebterminalCertExpiring')).toBe(added);
    expect(() => set.addGroup({ name: 'Other', alerts: [{ ...VALID, alert: 'WebterminalProbeStale' }] })).toThrow(
      'duplicate alert name "WebterminalProbeStale" (already in group "Webterminal"',
    );
    expect(set.toRuleFile().groups[0].rules.map((r) => r.alert)).toContain('WebterminalCertExpiring');
  });

  test.each([
    [{ probeIntervalSeconds: 30 }, 'alert-rules: probeIntervalSeconds 30 is not an integer >= 60 (seconds)'],
    [{ probeIntervalSeconds: 90.5 }, 'alert-rules: probeIntervalSeconds 90.5 is not an integer >= 60 (seconds)'],
    [{ restartGuardSeconds: 0 }, 'alert-rules: restartGuardSeconds 0 is not an integer >= 1 (seconds)'],
    [{ probeJob: '' }, 'alert-rules: props: probeJob "" is empty (accepted: a non-empty string)'],
    [{ parityReplicaLabel: 'pod-name' }, 'alert-rules: parityReplicaLabel "pod-name" is not a label name'],
    [{ paritySource: 'traefik-v4' }, 'alert-rules: paritySource "traefik-v4" is not valid (accepted: inventory, traefik-v2, traefik-v3)'],
    [{ alertLabels: { severity: 'x' } }, 'alert-rules: props: label "severity" cannot be set through alertLabels'],
    [{ overrides: { WebterminalTokenDegrade: {} } }, 'alert-rules: overrides key "WebterminalTokenDegrade" is not an alert'],
    [
      { overrides: { WebterminalTokenDegraded: { threshold: 0.5 } } },
      'alert-rules: alert "WebterminalTokenDegraded": threshold 0.5 is not valid (accepted: a whole number of failing runs, 1 to 3)',
    ],
    [
      { overrides: { WebterminalRouteMissing: { threshold: 4 } } },
      'alert-rules: alert "WebterminalRouteMissing": threshold 4 is not valid (accepted: a whole number of failing runs, 1 to 3)',
    ],
    [
      { overrides: { WebterminalProbeStale: { threshold: 100 } } },
      'alert-rules: alert "WebterminalProbeStale": threshold 100 is not valid (accepted: whole seconds since the last push, at least one ' +
        'probe interval (300))',
    ],
    [
      { overrides: { TraefikRouterCountSkew: { threshold: -1 } } },
      'alert-rules: alert "TraefikRouterCountSkew": threshold -1 is not valid (accepted: a whole number of routers ≥ 0)',
    ],
    [
      { overrides: { WebterminalReplicaRouteMissing: { threshold: 1 } } },
      'alert-rules: alert "WebterminalReplicaRouteMissing": threshold 1 is not valid (this alert has no threshold (accepted: no threshold))',
    ],
    [
      { overrides: { WebterminalProbeStale: { for: '15 m' } } },
      'alert-rules: alert "WebterminalProbeStale": for "15 m" is not a Prometheus duration',
    ],
    [
      { overrides: { WebterminalProbeStale: { severity: 'high' } } },
      'alert-rules: alert "WebterminalProbeStale": severity "high" is not valid (accepted: critical, warning, info)',
    ],
  ])('rejects %j', (props, message) => {
    expect(() => new WebterminalRuleSet(props as unknown as WebterminalAlertsProps)).toThrow(message);
  });

  test('adds the missing slash to the runbook base', () => {
    expect(resolveWebterminalAlertsProps({ runbookBaseUrl: 'https://x/runbooks' }).runbookBaseUrl).toBe('https://x/runbooks/');
  });
});

describe('metric names', () => {
  const variants: WebterminalAlertsProps[] = [{}, { paritySource: 'traefik-v2' }, { paritySource: 'traefik-v3' }];
  const exprs = variants.flatMap((props) => new WebterminalRuleSet(props).alerts.map((a) => a.expr));

  test('every webterminal_probe_* name in the rules is one of ProbeMetric, and they are the expected ones', () => {
    const probeMetrics: readonly string[] = Object.values(ProbeMetric);
    const used = new Set(exprs.flatMap((expr) => expr.match(/\bwebterminal_probe_[a-z_]+/g) ?? []));
    for (const name of used) expect(probeMetrics).toContain(name);
    expect([...used].sort()).toStrictEqual(
      [
        ProbeMetric.checkFailures,
        ProbeMetric.replicaRouters,
        ProbeMetric.replicaOk,
        ProbeMetric.replicas,
        ProbeMetric.ttydOpen,
        ProbeMetric.routerInventoryOk,
        ProbeMetric.foreignRouter,
        ProbeMetric.routeOk,
        ProbeMetric.routeReplicas,
        ProbeMetric.replicaMissingRouter,
        ProbeMetric.routerMissingEverywhere,
      ].sort(),
    );
  });

  test('the Pushgateway metric comes from metrics.ts', () => {
    // the stale alert, and the run counting of the degraded and route alerts
    expect(exprs.filter((expr) => expr.includes(PushgatewayMetric.pushTime))).toHaveLength(6 * variants.length);
  });

  test('no string would be read as a Terraform template', () => {
    const ruleSet = new WebterminalRuleSet();
    // the rule text itself has template-like sequences (a runbook's `curl -w '%{http_code}'`) ...
    expect(ruleSet.toYaml()).toMatch(/%\{/);
    // ... which reach Terraform escaped, in the PrometheusRule and in the ConfigMap
    const json = Testing.synthScope((scope) => new PrometheusRules(scope, 'Rules', { ruleSet, configMap: true }));
    const unescaped = (text: string): string[] => text.match(/(^|[^$%])[$%]\{/g) ?? [];
    expect(unescaped(json)).toStrictEqual([]);
    const manifest = JSON.parse(json).resource.kubernetes_manifest;
    const steps = Object.values(manifest as Record<string, JsonNode>)[0].manifest.spec.groups[0].rules[0].annotations.runbook_first_steps as string;
    expect(steps).toContain('%%{http_code}');
  });
});
