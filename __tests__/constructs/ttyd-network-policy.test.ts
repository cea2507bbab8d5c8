import { TerraformStack, Testing } from '../../lib/private/cdktf';
import { TtydNetworkPolicy, TtydNetworkPolicyProps } from '../../lib';
import { onlyOf, synthResources } from '../support/synth';

const base: TtydNetworkPolicyProps = { namespace: 'terminal', podSelector: { 'app.kubernetes.io/name': 'ttyd' }, ports: [7681] };

describe('TtydNetworkPolicy', () => {
  test("selects the ttyd pods and admits, on ttyd's ports only, the Traefik pods of the Helm chart by default", () => {
    const res = synthResources((scope) => new TtydNetworkPolicy(scope, 'Policy', base));
    const policy = onlyOf(res, 'kubernetes_network_policy_v1');
    expect(policy.metadata).toStrictEqual({ name: 'ttyd', namespace: 'terminal', labels: { 'app.kubernetes.io/part-of': 'webterminal' } });
    expect(policy.spec.pod_selector).toStrictEqual({ match_labels: { 'app.kubernetes.io/name': 'ttyd' } });
    // With policyTypes Ingress and these rules, every other source is denied.
    expect(policy.spec.policy_types).toStrictEqual(['Ingress']);
    expect(policy.spec.ingress).toStrictEqual([
      {
        // namespace and pod selector in ONE peer: Traefik's pods in Traefik's namespace, not either.
        from: [
          {
            namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'traefik' } },
            pod_selector: { match_labels: { 'app.kubernetes.io/name': 'traefik' } },
          },
        ],
        ports: [{ port: '7681', protocol: 'TCP' }],
      },
    ]);
  });

  test('admits further pods of its namespace through allowPods, and refuses the same selector twice', () => {
    const res = synthResources((scope) => {
      const policy = new TtydNetworkPolicy(scope, 'Policy', {
        ...base,
        ports: [7681, 7682],
        allowPods: [{ 'app.kubernetes.io/component': 'probe' }],
      });
      expect(() => policy.allowPods({ 'app.kubernetes.io/component': 'probe' })).toThrow(
        'ttyd-network-policy: allowPods {"app.kubernetes.io/component":"probe"} is given twice',
      );
    });
    const ingress = onlyOf(res, 'kubernetes_network_policy_v1').spec.ingress;
    expect(ingress).toHaveLength(2);
    expect(ingress[1]).toStrictEqual({
      from: [{ pod_selector: { match_labels: { 'app.kubernetes.io/component': 'probe' } } }],
      ports: [
        { port: '7681', protocol: 'TCP' },
        { port: '7682', protocol: 'TCP' },
      ],
    });
  });

  test('follows the Traefik location: k3s runs Traefik in kube-system', () => {
    const res = synthResources(
      (scope) => new TtydNetworkPolicy(scope, 'Policy', { ...base, traefik: { namespace: 'kube-system', podSelector: { app: 'traefik' } } }),
    );
    expect(onlyOf(res, 'kubernetes_network_policy_v1').spec.ingress[0].from).toStrictEqual([
      { namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'kube-system' } }, pod_selector: { match_labels: { app: 'traefik' } } },
    ]);
  });

  test('fails on empty selectors (they would match every pod) and bad ports, all at once', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    expect(
      () => new TtydNetworkPolicy(stack, 'Policy', { namespace: 'terminal', podSelector: {}, ports: [0], traefik: { podSelector: {} } }),
    ).toThrow(
      [
        'ttyd-network-policy: podSelector must name at least one label (an empty selector would cover every pod in the namespace)',
        'ttyd-network-policy: ports[0] 0 is not a port (an integer from 1 to 65535)',
        'ttyd-network-policy: traefik.podSelector must name at least one label (an empty selector matches every pod)',
      ].join('\n'),
    );
    expect(() => new TtydNetworkPolicy(stack, 'Policy2', { ...base, ports: [] })).toThrow('ttyd-network-policy: ports must name at least one port');
    expect(() => new TtydNetworkPolicy(stack, 'Policy3', { ...base, allowPods: [{}] })).toThrow(
      'ttyd-network-policy: allowPods must name at least one label',
    );
  });
});
