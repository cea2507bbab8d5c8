import { Testing } from '../lib/cdktf';
import { TerminalStack, TerminalStackProps, TtydBackend } from '../lib';
import { EXAMPLE_PROPS } from './support/example-props';

import { IngressV1 } from '../lib/cdktf';
import { NamespaceV1 } from '../lib/cdktf';

function stackJson(props: Partial<TerminalStackProps> = {}, env: Record<string, string | undefined> = {}): string {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const stack = new TerminalStack(Testing.app(), 'terminal', { ...EXAMPLE_PROPS, ...props });
    return Testing.synth(stack);
  } finally {
    process.env = saved;
  }
}

describe('TerminalStack', () => {
  test('composes the namespace, the ttyd service and the protected ingress', () => {
    const json = stackJson();
    expect(json).toHaveResourceWithProperties(NamespaceV1, { metadata: { name: 'terminal', labels: { 'app.kubernetes.io/part-of': 'webterminal' } } });
    expect(json).toHaveResourceWithProperties(IngressV1, {
      metadata: expect.objectContaining({
        name: 'terminal',
        namespace: '${kubernetes_namespace_v1.Namespace.metadata[0].name}',
        annotations: expect.objectContaining({ 'traefik.ingress.kubernetes.io/router.middlewares': 'traefik-authentik-forward-auth@kubernetescrd' }),
      }),
    });
    const resources = JSON.parse(json).resource;
    const services = Object.values(resources.kubernetes_service_v1 as Record<string, any>).map((s) => s.metadata.name).sort();
    expect(services).toStrictEqual(['terminal', 'terminal-api-sessions', 'terminal-clipboard', 'traefik-replicas']);
    const endpointPorts = Object.values(resources.kubernetes_endpoints_v1 as Record<string, any>).map((e) => e.subset[0].port[0].port).sort();
    expect(endpointPorts).toStrictEqual([7681, 7683, 7684]);
  });

  test('configures the provider from KUBE_CONFIG_PATH, else ~/.kube/config, and the context', () => {
    expect(JSON.parse(stackJson({}, { KUBE_CONFIG_PATH: undefined })).provider.kubernetes).toStrictEqual([{ config_path: '~/.kube/config' }]);
    expect(JSON.parse(stackJson({}, { KUBE_CONFIG_PATH: '/ci/kubeconfig' })).provider.kubernetes).toStrictEqual([{ config_path: '/ci/kubeconfig' }]);
    expect(JSON.parse(stackJson({ kubeConfigPath: '/k', kubeContext: 'prod' })).provider.kubernetes).toStrictEqual([{ config_path: '/k', config_context: 'prod' }]);
  });

  test('uses the pg backend, one schema per stack, without ever writing the connection string', () => {
    const secret = 'postgres://tf:hunter2@db.example.com/terraform';
    const json = stackJson({ stateBackend: 'pg' }, { PG_CONN_STR: secret });
    expect(JSON.parse(json).terraform.backend).toStrictEqual({ pg: { schema_name: 'terminal' } });
    expect(json).not.toContain('hunter2');
    expect(json).not.toContain('conn_str');
  });

  test('runs ttyd in the cluster when asked, with the routes to existing services', () => {
    const json = JSON.parse(
      stackJson({ ttyd: TtydBackend.inCluster(), routes: [{ path: '/clipboard/', service: { name: 'clipboard', port: 8080 } }] }),
    );
    expect(Object.keys(json.resource.kubernetes_deployment_v1)).toHaveLength(1);
    expect(json.resource.kubernetes_endpoints_v1).toBeUndefined();
  });

  test('creates the Authentik middleware when the cluster lacks it', () => {
    const json = JSON.parse(stackJson({ createAuthMiddleware: true }));
    const middlewares = Object.values(json.resource.kubernetes_manifest as Record<string, any>).map((m) => m.manifest).filter((m) => m.spec.forwardAuth);
    expect(middlewares.map((m) => [m.metadata.namespace, m.metadata.name])).toStrictEqual([['traefik', 'authentik-forward-auth']]);
  });

  test('runs the probe against the public host and the ttyd Service, and installs its alerts with its job and interval', () => {
    const stack = new TerminalStack(Testing.app(), 'terminal', {
      ...EXAMPLE_PROPS,
      probeOptions: { schedule: '*/10 * * * *', job: 'term-probe', routerInventory: true, createReplicaService: true },
    });
    expect(stack.probe?.environment.PROBE_EDGE_URL).toBe('https://terminal.example.com');
    expect(stack.alerts?.config.probeJob).toBe('term-probe');
    expect(stack.alerts?.config.probeIntervalSeconds).toBe(600);
    expect(stack.alerts?.config.paritySource).toBe('inventory');
    const json = JSON.parse(Testing.synth(stack));
    const [cronJob] = Object.values(json.resource.kubernetes_cron_job_v1 as Record<string, any>);
    const env = cronJob.spec.job_template.spec.template.spec.container[0].env as { name: string; value: string }[];
    expect(env.find((e) => e.name === 'PROBE_ORIGIN_URL')?.value).toBe('http://terminal.${kubernetes_namespace_v1.Namespace.metadata[0].name}.svc.cluster.local');
    const rule = Object.values(json.resource.kubernetes_manifest as Record<string, any>).map((m) => m.manifest).find((m) => m.kind === 'PrometheusRule');
    expect(rule.metadata).toStrictEqual({ name: 'webterminal', namespace: 'monitoring', labels: { release: 'prometheus' } });
    expect(rule.spec.groups.map((g: { name: string }) => g.name)).toStrictEqual(['Webterminal', 'Traefik Router Parity']);
    const exprs = rule.spec.groups.flatMap((g: { rules: { alert: string; expr: string }[] }) => g.rules.map((r) => [r.alert, r.expr]));
    for (const [, expr] of exprs) expect(expr).toContain('job="term-probe"');
    // stale after two intervals of the */10 schedule
    expect(Object.fromEntries(exprs).WebterminalProbeStale).toContain('> 1200');
  });

  test('reads router parity from Traefik v3 metrics when the probe keeps no inventory', () => {
    const stack = new TerminalStack(Testing.app(), 'terminal', EXAMPLE_PROPS);
    expect(stack.alerts?.config.paritySource).toBe('traefik-v3');
  });

  test('without the probe there are no alerts; asking for them anyway is refused', () => {
    const noProbe = new TerminalStack(Testing.app(), 'terminal', { ...EXAMPLE_PROPS, probe: false });
    expect(noProbe.probe).toBeUndefined();
    expect(noProbe.alerts).toBeUndefined();
    expect(Testing.synth(noProbe)).not.toContain('kubernetes_cron_job_v1');
    expect(() => new TerminalStack(Testing.app(), 'terminal', { ...EXAMPLE_PROPS, probe: false, alerts: true })).toThrow(
      'terminal-stack: alerts is on with the probe off: the staleness alert would fire forever',
    );
  });

  test('can deliver the rules as a ConfigMap only, for a Prometheus without the operator', () => {
    const stack = new TerminalStack(Testing.app(), 'terminal', { ...EXAMPLE_PROPS, alertsRuleOptions: { prometheusRule: false, configMap: true } });
    const json = JSON.parse(Testing.synth(stack));
    const kinds = Object.values(json.resource.kubernetes_manifest as Record<string, any>).map((m) => m.manifest.kind);
    expect(kinds).not.toContain('PrometheusRule');
    const maps = Object.values(json.resource.kubernetes_config_map_v1 as Record<string, any>).map((m) => m.metadata.name).sort();
    expect(maps).toStrictEqual(['webterminal-dashboard', 'webterminal-probe', 'webterminal-rules']);
  });

  test('keeps local state in the project root through a path relative to the stack folder', () => {
    const json = JSON.parse(stackJson());
    expect(json.terraform.backend).toStrictEqual({ local: { path: '../../../terraform.terminal.tfstate' } });
  });

  test.each(['default', 'kube-system', 'kube-public', 'kube-node-lease'])('refuses to create the system namespace %s', (namespace) => {
    expect(() => stackJson({ namespace })).toThrow(`terminal-stack: namespace "${namespace}" belongs to the cluster`);
  });

  test('names the route path, not a derived object name, when routes collide or are too long', () => {
    const long = `/${'x'.repeat(60)}/`;
    expect(() => stackJson({ routes: [{ path: '/a.b/', hostPort: 1 }, { path: '/a-b/', hostPort: 2 }, { path: long, hostPort: 3 }] })).toThrow(
      /route path "\/a-b\/" makes the same object names as "\/a.b\/"[\s\S]*route path "\/x{60}\/" is too long/,
    );
  });

  test('fails on a host-port route when ttyd runs in the cluster', () => {
    expect(() => stackJson({ ttyd: TtydBackend.inCluster() })).toThrow(
      'terminal-stack: route "/clipboard/" has hostPort 7683, which needs ttyd on an external host; give service instead',
    );
  });
});
