/**
 * The `Webterminal Remediation` group: promtool judges the emitted rules, every alert has a runbook,
 * and the stack installs the group only with remediation on.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AlertRuleSet, REMEDIATION_ALERT_GROUP_NAME, RemediationAlertName, RemediationResult, remediationAlertGroup } from '../../lib';
import { EXAMPLE_PROPS } from '../support/example-props';
import { Testing } from '../../lib/private/cdktf';
import { TerminalStack } from '../../lib/terminal-stack';

const TEST_FILE = 'webterminal-remediation.test.yaml';
const RULE_FILE = 'webterminal-remediation.rules.yaml';
const RUNBOOKS = join(__dirname, '..', '..', 'docs', 'runbooks');

function promtool(args: readonly string[], cwd: string): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 20_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The base the promtool fixtures expect in `runbook_url`. */
const TEST_RUNBOOK_BASE = 'https://github.com/example/webterminal-cdktf/blob/main/docs/runbooks/';

describe('remediationAlertGroup', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'remediation-alerts-'));
    copyFileSync(join(__dirname, 'promtool', TEST_FILE), join(dir, TEST_FILE));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function writeRules(set: AlertRuleSet): void {
    writeFileSync(join(dir, RULE_FILE), set.toYaml());
  }

  test('promtool checks the rules and its unit tests pass', () => {
    writeRules(new AlertRuleSet({ groups: [remediationAlertGroup({ runbookBaseUrl: TEST_RUNBOOK_BASE })] }));
    const check = promtool(['check', 'rules', RULE_FILE], dir);
    expect(check.output).toContain('SUCCESS: 2 rules found');
    const run = promtool(['test', 'rules', TEST_FILE], dir);
    expect(run.output).not.toContain('FAILED');
    expect(run.status).toBe(0);
  });

  test('the unit tests can fail: a longer for breaks them', () => {
    writeRules(new AlertRuleSet({ groups: [remediationAlertGroup({ probeIntervalSeconds: 600, runbookBaseUrl: TEST_RUNBOOK_BASE })] }));
    const run = promtool(['test', 'rules', TEST_FILE], dir);
    expect(run.status).toBe(1);
    expect(run.output).toContain('alertname: WebterminalRemediationBlocked, time: 30m');
  });

  test('every alert has a quiet and a firing case with its severity, and a runbook', () => {
    const file = parse(readFileSync(join(__dirname, 'promtool', TEST_FILE), 'utf8')) as {
      tests: { alert_rule_test: { alertname: string; exp_alerts: { exp_labels: Record<string, string> }[] }[] }[];
    };
    const cases = file.tests.flatMap((t) => t.alert_rule_test);
    const group = remediationAlertGroup();
    expect(group.name).toBe(REMEDIATION_ALERT_GROUP_NAME);
    expect(group.alerts.map((alert) => alert.name)).toStrictEqual(Object.values(RemediationAlertName));
    for (const alert of group.alerts) {
      const mine = cases.filter((c) => c.alertname === alert.name);
      expect([alert.name, mine.some((c) => c.exp_alerts.length === 0), mine.some((c) => c.exp_alerts.length > 0)]).toStrictEqual([
        alert.name,
        true,
        true,
      ]);
      for (const c of mine) for (const expected of c.exp_alerts) expect(expected.exp_labels.severity).toBe(alert.severity);
      expect(existsSync(join(RUNBOOKS, `${alert.name}.md`))).toBe(true);
    }
  });

  test('reads the probe job and the results that mean it cannot act', () => {
    const blocked = remediationAlertGroup({ probeJob: 'other-probe' }).findAlert(RemediationAlertName.remediationBlocked);
    expect(blocked?.expr).toContain(
      'webterminal_probe_remediation{job="other-probe", result=~"blocked_by_budget|failed|rate_limited|no_pod|state_unavailable"}',
    );
    expect(blocked?.expr).not.toContain(RemediationResult.notAlone);
    expect(blocked?.for).toBe('10m');
  });

  test('rejects a bad interval, naming it', () => {
    expect(() => remediationAlertGroup({ probeIntervalSeconds: 10 })).toThrow('probeIntervalSeconds 10');
  });
});

describe('TerminalStack remediation alerts', () => {
  function groupsOf(remediation: 'off' | 'on'): string[] {
    const props = EXAMPLE_PROPS;
    const stack = new TerminalStack(Testing.app(), 'terminal', {
      ...props,
      probe: { ...props.probe, remediation: { mode: remediation } },
    });
    return stack.ruleSet?.groups.map((group) => group.name) ?? [];
  }

  test('adds the group only when remediation is on', () => {
    expect(groupsOf('off')).not.toContain(REMEDIATION_ALERT_GROUP_NAME);
    expect(groupsOf('on')).toContain(REMEDIATION_ALERT_GROUP_NAME);
  });
});
