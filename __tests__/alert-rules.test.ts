import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Alert, AlertGroup, AlertProps, AlertRuleSet, isPrometheusDuration } from '../lib/alert-model';
import { formatDuration } from '../lib/private/promql';
import { traefikRouterParityAlertGroup } from '../lib/router-parity-alerts';
import { webterminalAlertGroup } from '../lib/webterminal-alerts';
import { WebterminalAlertName, WebterminalAlertsProps } from '../lib/webterminal-alerts-props';
import { WebterminalRuleSet } from '../lib/webterminal-rule-set';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { Testing } from '../lib/private/cdktf';
import { ProbeMetric, PushgatewayMetric } from '../lib/metrics';
import { PrometheusRules } from '../lib/prometheus-rules';
import { escapeTemplates } from '../lib/private/templates';
import { resolveWebterminalAlertsProps } from '../lib/private/resolve-alerts';

/** promtool from PATH (the Debian package `prometheus` puts it in /usr/bin). */
const PROMTOOL = 'promtool';
const PROMTOOL_TESTS = join(__dirname, 'promtool');
const RUNBOOKS = join(__dirname, '..', 'docs', 'runbooks');

/** Validates a manifest against the prometheus-operator's PrometheusRule schema: "valid" or the error. */
function validatePrometheusRule(manifest: unknown): string {
  try {
    new PrometheusRule(manifest as ConstructorParameters<typeof PrometheusRule>[0]).validate();
    return 'valid';
  } catch (error) {
    return `invalid: ${(error as Error).message}`;
  }
}

/** The rule files the promtool unit tests load, by the name their `rule_files` use. */
/** The runbook base the promtool unit tests expect in `runbook_url` (a fixture, not a published site). */
const TEST_RUNBOOK_BASE = 'https://github.com/example/webterminal-cdktf/blob/main/docs/runbooks/';

const EMITTED_RULE_FILES: Readonly<Record<string, WebterminalAlertsProps>> = {
  'webterminal.rules.yaml': { runbookBaseUrl: TEST_RUNBOOK_BASE },
  'traefik-v3.rules.yaml': { paritySource: 'traefik-v3', runbookBaseUrl: TEST_RUNBOOK_BASE },
  'traefik-v2.rules.yaml': { paritySource: 'traefik-v2', runbookBaseUrl: TEST_RUNBOOK_BASE },
  'first-steps.rules.yaml': {},
};

function promtool(args: readonly string[], cwd: string): { status: number | null; output: string } {
  const run = spawnSync(PROMTOOL, args, { cwd, encoding: 'utf8', timeout: 20_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** A valid alert; tests spread it and change one field. */
const VALID: AlertProps = {
  alert: 'ExampleAlert',
  expr: 'up == 0',
  for: '5m',
  severity: 'warning',
  summary: 'Something is down.',
  description: '{{ $labels.job }} is down.',
  runbookUrl: 'https://example.com/ExampleAlert.md',
};

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
    expect(run.output.match(/SUCCESS: 9 rules found/g)).toHaveLength(files.length);
  });

  test('the unit tests in __tests__/promtool pass against the emitted rules', () => {
    // webterminal-remediation.test.yaml belongs to remediation-alerts.test.ts (its own rule file).
    const testFiles = readdirSync(PROMTOOL_TESTS).filter((file) => file.endsWith('.test.yaml') && file !== 'webterminal-remediation.test.yaml').sort();
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

describe('Alert', () => {
  test('renders severity first among the labels, then the others by name', () => {
    const alert = new Alert({ ...VALID, labels: { team: 'ops', subsystem: 'web' }, annotations: { dashboard_url: 'd' } });
    expect(alert.toRule()).toStrictEqual({
      alert: 'ExampleAlert',
      expr: 'up == 0',
      for: '5m',
      labels: { severity: 'warning', subsystem: 'web', team: 'ops' },
      annotations: {
        summary: 'Something is down.',
        description: '{{ $labels.job }} is down.',
        runbook_url: 'https://example.com/ExampleAlert.md',
        dashboard_url: 'd',
      },
    });
  });

  test('leaves for out when none is given', () => {
    const rule = new Alert({ ...VALID, for: undefined }).toRule();
    expect('for' in rule).toBe(false);
  });

  test.each([
    ['10 minutes', '"10 minutes" is not a Prometheus duration'],
    ['10', '"10" is not a Prometheus duration'],
    ['5m10h', '"5m10h" is not a Prometheus duration'],
    ['', '"" is not a Prometheus duration'],
  ])('rejects for %j', (value, message) => {
    expect(() => new Alert({ ...VALID, for: value })).toThrow(
      `alert-rules: alert "ExampleAlert": for ${message} (accepted: whole numbers with units y, w, d, h, m, s, ms in that order, e.g. "10m", "1h30m", "90s")`,
    );
  });

  test('rejects a severity outside critical, warning, info', () => {
    const props = { ...VALID, severity: 'page' } as unknown as AlertProps;
    expect(() => new Alert(props)).toThrow(
      'alert-rules: alert "ExampleAlert": severity "page" is not valid (accepted: critical, warning, info)',
    );
  });

  test('rejects an empty expression', () => {
    expect(() => new Alert({ ...VALID, expr: '  ' })).toThrow(
      'alert-rules: alert "ExampleAlert": expr "  " is empty (accepted: a non-empty string)',
    );
  });

  test.each(['exampleAlert', 'Example-Alert', 'Example Alert', ''])('rejects the alert name %j', (name) => {
    expect(() => new Alert({ ...VALID, alert: name })).toThrow(
      `alert-rules: alert name ${JSON.stringify(name)} is not valid (accepted: CamelCase letters and digits starting with an upper-case letter, e.g. "WebterminalTokenDegraded")`,
    );
  });

  test('rejects severity set through labels, and bad label names', () => {
    expect(() => new Alert({ ...VALID, labels: { severity: 'critical' } })).toThrow(
      'alert-rules: alert "ExampleAlert": label "severity" cannot be set through labels (use the dedicated field; reserved: alertname, severity)',
    );
    expect(() => new Alert({ ...VALID, labels: { 'sub-system': 'x' } })).toThrow(
      'alert-rules: alert "ExampleAlert": label name "sub-system" is not valid (accepted: letters, digits and _, not starting with a digit or __)',
    );
  });

  test('rejects summary set through annotations', () => {
    expect(() => new Alert({ ...VALID, annotations: { summary: 'x' } })).toThrow(
      'alert-rules: alert "ExampleAlert": annotation "summary" cannot be set through annotations (use summary, description or runbookUrl)',
    );
  });
});

describe('AlertGroup and AlertRuleSet', () => {
  test('addAlert returns the alert it made, and the group keeps the order', () => {
    const group = new AlertGroup({ name: 'G', interval: '30s' });
    const first = group.addAlert(VALID);
    const second = group.addAlert({ ...VALID, alert: 'SecondAlert' });
    expect(first).toBeInstanceOf(Alert);
    expect(first.name).toBe('ExampleAlert');
    expect(group.alerts).toStrictEqual([first, second]);
    expect(group.toRuleGroup()).toStrictEqual({
      name: 'G',
      interval: '30s',
      rules: [first.toRule(), second.toRule()],
    });
  });

  test('rejects a duplicate alert name in a group', () => {
    const group = new AlertGroup({ name: 'G', alerts: [VALID] });
    expect(() => group.addAlert(VALID)).toThrow(
      'alert-rules: group "G": duplicate alert name "ExampleAlert" (already in group "G"; accepted: a name not used elsewhere in the rule set)',
    );
  });

  test('rejects a bad group interval', () => {
    expect(() => new AlertGroup({ name: 'G', interval: '1 min' })).toThrow(
      'alert-rules: group "G": interval "1 min" is not a Prometheus duration',
    );
  });

  test('addGroup returns the group, from props or made before', () => {
    const set = new AlertRuleSet();
    const made = new AlertGroup({ name: 'A' });
    expect(set.addGroup(made)).toBe(made);
    const fromProps = set.addGroup({ name: 'B', alerts: [VALID] });
    expect(fromProps).toBeInstanceOf(AlertGroup);
    expect(set.groups).toStrictEqual([made, fromProps]);
    expect(set.findAlert('ExampleAlert')).toBe(fromProps.alerts[0]);
  });

  test('rejects a duplicate group name', () => {
    const set = new AlertRuleSet({ groups: [{ name: 'A' }] });
    expect(() => set.addGroup({ name: 'A' })).toThrow(
      'alert-rules: duplicate group name "A" (accepted: a name not used elsewhere in the rule set)',
    );
  });

  test('keeps alert names unique across the set, when adding a group and when adding to one', () => {
    const set = new AlertRuleSet({ groups: [{ name: 'A', alerts: [VALID] }] });
    expect(() => set.addGroup({ name: 'B', alerts: [VALID] })).toThrow(
      'alert-rules: group "B": duplicate alert name "ExampleAlert" (already in group "A"; accepted: a name not used elsewhere in the rule set)',
    );
    const b = set.addGroup({ name: 'B' });
    expect(() => b.addAlert(VALID)).toThrow(
      'alert-rules: group "B": duplicate alert name "ExampleAlert" (already in group "A"; accepted: a name not used elsewhere in the rule set)',
    );
  });

  test('a group belongs to one set only', () => {
    const group = new AlertGroup({ name: 'A' });
    new AlertRuleSet({ groups: [group] });
    expect(() => new AlertRuleSet({ groups: [group] })).toThrow('alert-rules: group "A" is already in a rule set');
  });

  test('toYaml is the rule file in YAML', () => {
    const set = new AlertRuleSet({ groups: [{ name: 'A', alerts: [VALID] }] });
    expect(parse(set.toYaml())).toStrictEqual(set.toRuleFile());
  });
});

describe('durations', () => {
  test.each([
    ['10m', true],
    ['1h30m', true],
    ['0', true],
    ['1d2h3m4s5ms', true],
    ['1.5h', false],
    ['m', false],
    ['30m1h', false],
  ])('isPrometheusDuration(%j) is %j', (value, expected) => {
    expect(isPrometheusDuration(value)).toBe(expected);
  });

  test.each([
    [900, '15m'],
    [630, '10m30s'],
    [30, '30s'],
    [0, '0s'],
    [90000, '1d1h'],
  ])('formatDuration(%j) is %j', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});

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
      labels: {},
      overrides: {},
    });
  });

  test('has the two groups with the original names, severities and for', () => {
    const set = new WebterminalRuleSet();
    expect(set.groups.map((g) => g.name)).toStrictEqual(['Webterminal', 'Traefik Router Parity']);
    expect(set.groups).toStrictEqual([set.webterminal, set.routerParity]);
    const summary = set.alerts.map((a) => [a.name, a.severity, a.for, a.labels.subsystem]);
    expect(summary).toStrictEqual([
      ['WebterminalTokenDegraded', 'warning', '5m', 'webterminal'],
      ['WebterminalWebsocketDegraded', 'critical', '5m', 'webterminal'],
      ['WebterminalTtydUnreachable', 'critical', '5m', 'webterminal'],
      ['WebterminalReplicaRouteMissing', 'critical', '10m', 'webterminal'],
      ['WebterminalProbeStale', 'warning', '15m', 'webterminal'],
      ['WebterminalProbeBlind', 'warning', '10m', 'webterminal'],
      ['WebterminalTtydOpen', 'critical', '1m', 'webterminal'],
      ['TraefikRouterCountSkew', 'warning', '10m', 'traefik'],
      ['TraefikRouterInventoryFailing', 'warning', '15m', 'traefik'],
    ]);
    // The degraded alerts' `for` is one probe interval.
    const slow = new WebterminalRuleSet({ probeIntervalSeconds: 600 });
    expect(slow.findAlert('WebterminalTtydUnreachable')?.for).toBe('10m');
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

  test('without a runbook base, every alert carries its runbook\'s first steps and no runbook_url', () => {
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
    const expr = new WebterminalRuleSet({ probeJob: 'probe-b', probeIntervalSeconds: 120 }).findAlert(
      'WebterminalProbeStale',
    )!.expr;
    expect(expr).toBe(
      'time() - max by (job) (push_time_seconds{job="probe-b", kind=""}) > 240\n' +
        'or\n' +
        '-1 * absent(push_time_seconds{job="probe-b", kind=""})',
    );
  });

  test('the degraded alerts look at three intervals, in steps of a tenth, guarded', () => {
    const expr = new WebterminalRuleSet({ probeIntervalSeconds: 600 }).findAlert('WebterminalTokenDegraded')!.expr;
    expect(expr).toBe(
      '(\n' +
        '  avg_over_time(\n' +
        '    (max by (job, check) (webterminal_probe_check_failures{job="webterminal-probe", check="edge_token"}) > bool 0)[30m:1m]\n' +
        '  ) >= 0.5\n' +
        ')\n' +
        'unless on () (time() - process_start_time_seconds{job="prometheus"} < 900)',
    );
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
      labels: { subsystem: 'terminal', team: 'ops' },
      overrides: {
        WebterminalTokenDegraded: { for: '20m', severity: 'critical', labels: { page: 'yes' }, threshold: 0.75 },
        WebterminalReplicaRouteMissing: { for: '5m' },
        TraefikRouterCountSkew: { threshold: 3, severity: 'info' },
      },
    });
    const token = set.findAlert('WebterminalTokenDegraded')!;
    expect([token.for, token.severity, token.labels]).toStrictEqual([
      '20m',
      'critical',
      { subsystem: 'terminal', team: 'ops', page: 'yes' },
    ]);
    expect(token.expr).toContain(') >= 0.75\n');
    expect(set.findAlert('WebterminalReplicaRouteMissing')!.for).toBe('5m');
    const skew = set.findAlert('TraefikRouterCountSkew')!;
    expect([skew.severity, skew.labels, skew.expr.endsWith(') > 3')]).toStrictEqual([
      'info',
      { subsystem: 'terminal', team: 'ops' },
      true,
    ]);
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
    [{ labels: { severity: 'x' } }, 'alert-rules: props: label "severity" cannot be set through labels'],
    [{ overrides: { WebterminalTokenDegrade: {} } }, 'alert-rules: overrides key "WebterminalTokenDegrade" is not an alert'],
    [
      { overrides: { WebterminalTokenDegraded: { threshold: 1.5 } } },
      'alert-rules: alert "WebterminalTokenDegraded": threshold 1.5 is not valid (accepted: a share of the window, 0 < x ≤ 1)',
    ],
    [
      { overrides: { WebterminalProbeStale: { threshold: 100 } } },
      'alert-rules: alert "WebterminalProbeStale": threshold 100 is not valid (accepted: whole seconds since the last push, at least one probe interval (300))',
    ],
    [
      { overrides: { TraefikRouterCountSkew: { threshold: -1 } } },
      'alert-rules: alert "TraefikRouterCountSkew": threshold -1 is not valid (accepted: a whole number of routers ≥ 0)',
    ],
    [
      { overrides: { WebterminalReplicaRouteMissing: { threshold: 1 } } },
      'alert-rules: alert "WebterminalReplicaRouteMissing": threshold 1 is not valid (this alert has no threshold (accepted: no threshold))',
    ],
    [{ overrides: { WebterminalProbeStale: { for: '15 m' } } }, 'alert-rules: alert "WebterminalProbeStale": for "15 m" is not a Prometheus duration'],
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

describe('Traefik Router Parity sources', () => {
  const skew = (props: WebterminalAlertsProps): string => traefikRouterParityAlertGroup(props).alerts[0].expr;

  test('inventory (default): the probe router counts per replica, within the probe job', () => {
    const counts = 'max by (job, replica) (webterminal_probe_replica_routers{job="webterminal-probe"})';
    expect(skew({})).toBe(`(\n  max by (job) (${counts})\n  - on (job) group_right ()\n  ${counts}\n) > 0`);
  });

  test('traefik-v2: distinct routers of traefik_router_open_connections per pod', () => {
    const counts = 'count by (pod) (count by (pod, router) (traefik_router_open_connections))';
    expect(skew({ paritySource: 'traefik-v2' })).toBe(`(\n  max(${counts})\n  - on () group_right ()\n  ${counts}\n) > 0`);
  });

  test('traefik-v3: distinct routers of traefik_router_requests_total per replica label', () => {
    const counts = 'count by (instance) (count by (instance, router) (traefik_router_requests_total))';
    expect(skew({ paritySource: 'traefik-v3', parityReplicaLabel: 'instance' })).toBe(
      `(\n  max(${counts})\n  - on () group_right ()\n  ${counts}\n) > 0`,
    );
  });

  test('the description names the replica by the configured label and the source', () => {
    const alert = traefikRouterParityAlertGroup({ paritySource: 'traefik-v3' }).alerts[0];
    expect(alert.description).toBe(
      'Traefik replica {{ $labels.pod }} lacks {{ $value }} of the routers the replica with most has (source: traefik-v3).',
    );
  });

  test('the group factories work alone', () => {
    expect(webterminalAlertGroup().alerts.map((a) => a.name)).toStrictEqual([
      'WebterminalTokenDegraded',
      'WebterminalWebsocketDegraded',
      'WebterminalTtydUnreachable',
      'WebterminalReplicaRouteMissing',
      'WebterminalProbeStale',
      'WebterminalProbeBlind',
      'WebterminalTtydOpen',
    ]);
    expect(traefikRouterParityAlertGroup().name).toBe('Traefik Router Parity');
    expect(traefikRouterParityAlertGroup().alerts.map((a) => a.name)).toStrictEqual(['TraefikRouterCountSkew', 'TraefikRouterInventoryFailing']);
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
      ].sort(),
    );
  });

  test('the Pushgateway metric comes from metrics.ts', () => {
    expect(exprs.filter((expr) => expr.includes(PushgatewayMetric.pushTime))).toHaveLength(variants.length);
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
    const steps = Object.values(manifest as Record<string, any>)[0].manifest.spec.groups[0].rules[0].annotations.runbook_first_steps as string;
    expect(steps).toContain('%%{http_code}');
  });
});

describe('PrometheusRules', () => {
  function synth(props: Partial<ConstructorParameters<typeof PrometheusRules>[2]> = {}): SynthResult {
    const ruleSet = props.ruleSet ?? new WebterminalRuleSet();
    return JSON.parse(
      Testing.synthScope((scope) => {
        new PrometheusRules(scope, 'rules', { ...props, ruleSet });
      }),
    ) as SynthResult;
  }

  interface SynthResult {
    readonly resource: {
      readonly kubernetes_manifest: Record<string, { manifest: Record<string, unknown> }>;
      readonly kubernetes_config_map_v1?: Record<string, { metadata: Record<string, unknown>; data: Record<string, string> }>;
    };
  }

  test('emits a PrometheusRule whose spec is the rule set, valid against the operator schema', () => {
    const ruleSet = new WebterminalRuleSet();
    const out = synth({ ruleSet });
    const manifests = Object.values(out.resource.kubernetes_manifest);
    expect(manifests).toHaveLength(1);
    const manifest = manifests[0].manifest;
    expect(manifest).toStrictEqual({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'webterminal', namespace: 'monitoring', labels: { release: 'prometheus' } },
      spec: JSON.parse(JSON.stringify(escapeTemplates(ruleSet.toRuleFile()))),
    });
    expect(validatePrometheusRule(manifest)).toBe('valid');
    expect(out.resource.kubernetes_config_map_v1).toBeUndefined();
  });

  test('the schema check can fail', () => {
    const bad = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'x' },
      spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up', for: '10 minutes' }] }] },
    };
    expect(validatePrometheusRule(bad)).toMatch(/^invalid: data\/spec\/groups\/0\/rules\/0\/for must match pattern/);
  });

  test('takes namespace, name and labels, and carries the rule file in a ConfigMap on request', () => {
    const ruleSet = new WebterminalRuleSet();
    const out = synth({ ruleSet, namespace: 'observability', name: 'terminal', labels: { prometheus: 'main' }, configMap: true });
    const manifest = Object.values(out.resource.kubernetes_manifest)[0].manifest;
    expect(manifest.metadata).toStrictEqual({ name: 'terminal', namespace: 'observability', labels: { prometheus: 'main' } });
    const configMaps = Object.values(out.resource.kubernetes_config_map_v1 ?? {});
    expect(configMaps).toHaveLength(1);
    expect(configMaps[0].metadata).toStrictEqual({ name: 'terminal-rules', namespace: 'observability', labels: { prometheus: 'main' } });
    expect(configMaps[0].data).toStrictEqual({ 'terminal.rules.yaml': escapeTemplates(ruleSet.toYaml()) });
  });

  test('exposes the rule set and the effective configuration', () => {
    Testing.synthScope((scope) => {
      const ruleSet = new WebterminalRuleSet();
      const rules = new PrometheusRules(scope, 'rules', { ruleSet });
      expect(rules.ruleSet).toBe(ruleSet);
      expect(rules.ruleFile).toStrictEqual(ruleSet.toRuleFile());
      expect(rules.ruleFileYaml).toBe(ruleSet.toYaml());
      expect([rules.namespace, rules.name, rules.labels, rules.configMapKey]).toStrictEqual([
        'monitoring',
        'webterminal',
        { release: 'prometheus' },
        'webterminal.rules.yaml',
      ]);
      expect(rules.resource?.node.id).toBe('Resource');
      expect(rules.configMap).toBeUndefined();
    });
  });

  test.each([
    ['an upper-case namespace', { namespace: 'Monitoring' }, 'prometheus-rules: namespace "Monitoring" is not a DNS-1123 label'],
    ['a name with _', { name: 'web_terminal' }, 'prometheus-rules: name "web_terminal" is not a valid Kubernetes object name'],
    ['a key with /', { configMapKey: 'rules/a.yaml' }, 'prometheus-rules: configMapKey "rules/a.yaml" is not a valid ConfigMap key'],
  ])('rejects %s', (_what, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });

  test('an empty rule set fails validation once the tree is complete, not before alerts can be added', () => {
    Testing.synthScope((scope) => {
      const ruleSet = new AlertRuleSet();
      const rules = new PrometheusRules(scope, 'rules', { ruleSet });
      expect(rules.node.validate()).toStrictEqual(['prometheus-rules: ruleSet has no alerts (give a rule set with at least one alert)']);
      ruleSet.addGroup({ name: 'Late' }).addAlert({ alert: 'LateAlert', expr: 'up == 0', severity: 'info', summary: 's', description: 'd', runbookUrl: 'https://example.com/r' });
      expect(rules.node.validate()).toStrictEqual([]);
    });
  });

  test('alerts added to the set after construction are in the synthesized PrometheusRule and ConfigMap', () => {
    const ruleSet = new WebterminalRuleSet();
    const out = JSON.parse(
      Testing.synthScope((scope) => {
        new PrometheusRules(scope, 'rules', { ruleSet, configMap: true });
        ruleSet.addGroup({ name: 'Late' }).addAlert({ alert: 'LateAlert', expr: 'up == 0', severity: 'info', summary: 's', description: 'd', runbookUrl: 'https://example.com/r' });
      }),
    );
    const manifest = (Object.values(out.resource.kubernetes_manifest)[0] as { manifest: { spec: { groups: { name: string }[] } } }).manifest;
    expect(manifest.spec.groups.map((g) => g.name)).toContain('Late');
    expect((Object.values(out.resource.kubernetes_config_map_v1)[0] as { data: Record<string, string> }).data['webterminal.rules.yaml']).toContain('LateAlert');
  });

  test('can leave out the PrometheusRule for clusters without the operator, keeping the ConfigMap', () => {
    const out = synth({ ruleSet: new WebterminalRuleSet(), prometheusRule: false, configMap: true });
    expect(out.resource.kubernetes_manifest).toBeUndefined();
    expect(Object.keys(out.resource.kubernetes_config_map_v1 ?? {})).toHaveLength(1);
  });
});
