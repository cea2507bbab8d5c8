import { AlertRuleSet } from '../../lib/alert-model';
import { WebterminalRuleSet } from '../../lib/webterminal-rule-set';
import { Testing } from '../../lib/private/cdktf';
import { PrometheusRules } from '../../lib/prometheus-rules';
import { escapeTemplates } from '../../lib/private/templates';

import { validatePrometheusRule } from '../support/alerts';

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
      ruleSet
        .addGroup({ name: 'Late' })
        .addAlert({ alert: 'LateAlert', expr: 'up == 0', severity: 'info', summary: 's', description: 'd', runbookUrl: 'https://example.com/r' });
      expect(rules.node.validate()).toStrictEqual([]);
    });
  });

  test('alerts added to the set after construction are in the synthesized PrometheusRule and ConfigMap', () => {
    const ruleSet = new WebterminalRuleSet();
    const out = JSON.parse(
      Testing.synthScope((scope) => {
        new PrometheusRules(scope, 'rules', { ruleSet, configMap: true });
        ruleSet
          .addGroup({ name: 'Late' })
          .addAlert({ alert: 'LateAlert', expr: 'up == 0', severity: 'info', summary: 's', description: 'd', runbookUrl: 'https://example.com/r' });
      }),
    );
    const manifest = (Object.values(out.resource.kubernetes_manifest)[0] as { manifest: { spec: { groups: { name: string }[] } } }).manifest;
    expect(manifest.spec.groups.map((g) => g.name)).toContain('Late');
    expect((Object.values(out.resource.kubernetes_config_map_v1)[0] as { data: Record<string, string> }).data['webterminal.rules.yaml']).toContain(
      'LateAlert',
    );
  });

  test('can leave out the PrometheusRule for clusters without the operator, keeping the ConfigMap', () => {
    const out = synth({ ruleSet: new WebterminalRuleSet(), prometheusRule: false, configMap: true });
    expect(out.resource.kubernetes_manifest).toBeUndefined();
    expect(Object.keys(out.resource.kubernetes_config_map_v1 ?? {})).toHaveLength(1);
  });
});
