import { parse } from 'yaml';
import { Alert, AlertGroup, AlertProps, AlertRuleSet } from '../../lib/alert-model';
import { isPrometheusDuration } from '../../lib/private/rule-checks';

import { VALID } from '../support/alerts';

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
      `alert-rules: alert "ExampleAlert": for ${message} (accepted: whole numbers with units y, w, d, h, m, s, ms in that order, e.g. ` +
        `"10m", "1h30m", "90s")`,
    );
  });

  test('rejects a severity outside critical, warning, info', () => {
    const props = { ...VALID, severity: 'page' } as unknown as AlertProps;
    expect(() => new Alert(props)).toThrow('alert-rules: alert "ExampleAlert": severity "page" is not valid (accepted: critical, warning, info)');
  });

  test('rejects an empty expression', () => {
    expect(() => new Alert({ ...VALID, expr: '  ' })).toThrow('alert-rules: alert "ExampleAlert": expr "  " is empty (accepted: a non-empty string)');
  });

  test.each(['exampleAlert', 'Example-Alert', 'Example Alert', ''])('rejects the alert name %j', (name) => {
    expect(() => new Alert({ ...VALID, alert: name })).toThrow(
      `alert-rules: alert name ${JSON.stringify(name)} is not valid (accepted: CamelCase letters and digits starting with an upper-case ` +
        `letter, e.g. "WebterminalTokenDegraded")`,
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

describe('every problem at once', () => {
  test('an alert with several bad fields names each of them in one error', () => {
    const props = { ...VALID, for: '5 m', severity: 'page', labels: { 'sub-system': 'x' } } as unknown as AlertProps;
    expect(() => new Alert(props)).toThrow(
      [
        'alert-rules: alert "ExampleAlert": for "5 m" is not a Prometheus duration',
        ' (accepted: whole numbers with units y, w, d, h, m, s, ms in that order, e.g. "10m", "1h30m", "90s")\n',
        'alert-rules: alert "ExampleAlert": severity "page" is not valid (accepted: critical, warning, info)\n',
        'alert-rules: alert "ExampleAlert": label name "sub-system" is not valid (accepted: letters, digits and _, not starting with a digit or __)',
      ].join(''),
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
    expect(() => new AlertGroup({ name: 'G', interval: '1 min' })).toThrow('alert-rules: group "G": interval "1 min" is not a Prometheus duration');
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
    expect(() => set.addGroup({ name: 'A' })).toThrow('alert-rules: duplicate group name "A" (accepted: a name not used elsewhere in the rule set)');
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
});
