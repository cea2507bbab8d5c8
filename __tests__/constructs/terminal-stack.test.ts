import { defined } from '../support/synth';
import type { JsonNode } from '../support/synth';
import { Testing, IngressV1, NamespaceV1 } from '../../lib/private/cdktf';
import { AUTHENTIK_RESPONSE_HEADERS, POD_SECURITY_LABELS, TerminalStack, TerminalStackProps, TtydBackend } from '../../lib';
import { EXAMPLE_PROPS } from '../support/example-props';

function stackJson(props: Partial<TerminalStackProps> = {}): string {
  return Testing.synth(new TerminalStack(Testing.app(), 'terminal', { ...EXAMPLE_PROPS, ...props }));
}

describe('TerminalStack', () => {
  test('composes the namespace, the ttyd service and the protected ingress', () => {
    const json = stackJson();
    expect(json).toHaveResourceWithProperties(NamespaceV1, {
      metadata: { name: 'terminal', labels: { 'app.kubernetes.io/part-of': 'webterminal', ...POD_SECURITY_LABELS } },
    });
    expect(json).toHaveResourceWithProperties(IngressV1, {
      metadata: expect.objectContaining({
        name: 'terminal',
        namespace: '${kubernetes_namespace_v1.Namespace.metadata[0].name}',
        annotations: expect.objectContaining({
          'traefik.ingress.kubernetes.io/router.middlewares':
            '${kubernetes_namespace_v1.Namespace.metadata[0].name}-terminal-client-headers@kubernetescrd,' +
            'traefik-authentik-forward-auth@kubernetescrd',
        }),
      }),
    });
    const resources = JSON.parse(json).resource;
    const services = Object.values(resources.kubernetes_service_v1 as Record<string, JsonNode>)
      .map((s) => s.metadata.name)
      .sort();
    expect(services).toStrictEqual(['terminal', 'terminal-api-sessions', 'terminal-clipboard', 'traefik-replicas']);
    const endpointPorts = Object.values(resources.kubernetes_endpoints_v1 as Record<string, JsonNode>)
      .map((e) => e.subset[0].port[0].port)
      .sort();
    expect(endpointPorts).toStrictEqual([7681, 7683, 7684]);
  });

  test('configures the provider from kubeConfigPath and the context, else leaves the provider its own settings', () => {
    expect(JSON.parse(stackJson()).provider.kubernetes).toStrictEqual([{}]);
    expect(JSON.parse(stackJson({ kubeConfigPath: '/ci/kubeconfig' })).provider.kubernetes).toStrictEqual([{ config_path: '/ci/kubeconfig' }]);
    expect(JSON.parse(stackJson({ kubeConfigPath: '/k', kubeContext: 'prod' })).provider.kubernetes).toStrictEqual([
      { config_path: '/k', config_context: 'prod' },
    ]);
  });

  // PG_CONN_STR in the environment reaching no output is the app's test (app.test.ts, passwords).
  test('uses the pg backend, one schema per stack, without a connection string', () => {
    const json = stackJson({ stateBackend: 'pg' });
    expect(JSON.parse(json).terraform.backend).toStrictEqual({ pg: { schema_name: 'terminal' } });
    expect(json).not.toContain('conn_str');
  });

  test('runs ttyd in the cluster when asked, with the routes to existing services', () => {
    const json = JSON.parse(
      stackJson({ ttyd: TtydBackend.inCluster(), routes: [{ path: '/clipboard/', service: { name: 'clipboard', port: 8080 } }] }),
    );
    expect(Object.keys(json.resource.kubernetes_deployment_v1)).toHaveLength(1);
    expect(json.resource.kubernetes_endpoints_v1).toBeUndefined();
  });

  test('creates the Authentik middleware when the cluster lacks it, beside the routes (no cross-namespace reference)', () => {
    const json = JSON.parse(stackJson({ createAuthMiddleware: true }));
    const middlewares = Object.values(json.resource.kubernetes_manifest as Record<string, JsonNode>)
      .map((m) => m.manifest)
      .filter((m) => m.spec.forwardAuth);
    expect(middlewares.map((m) => [m.metadata.namespace, m.metadata.name])).toStrictEqual([['terminal', 'authentik-forward-auth']]);
  });

  test('runs the probe against the public host and the ttyd Service, and installs its alerts with its job and interval', () => {
    const stack = new TerminalStack(Testing.app(), 'terminal', {
      ...EXAMPLE_PROPS,
      probe: { schedule: '*/10 * * * *', job: 'term-probe', routerInventory: true, createReplicaService: true },
    });
    expect(stack.webterminalProbe?.environment.PROBE_EDGE_URL).toBe('https://terminal.example.com');
    expect(stack.ruleSet?.config.probeJob).toBe('term-probe');
    expect(stack.ruleSet?.config.probeIntervalSeconds).toBe(600);
    expect(stack.ruleSet?.config.paritySource).toBe('inventory');
    const json = JSON.parse(Testing.synth(stack));
    const [cronJob] = Object.values(json.resource.kubernetes_cron_job_v1 as Record<string, JsonNode>);
    const env = cronJob.spec.job_template.spec.template.spec.container[0].env;
    expect(env.find((e) => e.name === 'PROBE_ORIGIN_URL')?.value).toBe(
      'http://terminal.${kubernetes_namespace_v1.Namespace.metadata[0].name}.svc.cluster.local',
    );
    const rule = defined(
      Object.values(json.resource.kubernetes_manifest as Record<string, JsonNode>)
        .map((m) => m.manifest)
        .find((m) => m.kind === 'PrometheusRule'),
      'rule',
    );
    expect(rule.metadata).toStrictEqual({ name: 'webterminal', namespace: 'monitoring', labels: { release: 'prometheus' } });
    expect(rule.spec.groups.map((g) => g.name)).toStrictEqual(['Webterminal', 'Traefik Router Parity']);
    const exprs = rule.spec.groups.flatMap((g) => g.rules.map((r) => [r.alert, r.expr]));
    for (const [, expr] of exprs) expect(expr).toContain('job="term-probe"');
    // stale after two intervals of the */10 schedule
    expect(Object.fromEntries(exprs).WebterminalProbeStale).toContain('> 1200');
  });

  test('reads router parity from Traefik v3 metrics when the probe keeps no inventory', () => {
    const stack = new TerminalStack(Testing.app(), 'terminal', EXAMPLE_PROPS);
    expect(stack.ruleSet?.config.paritySource).toBe('traefik-v3');
  });

  test('without the probe there are no alerts; asking for them anyway is refused', () => {
    const noProbe = new TerminalStack(Testing.app(), 'terminal', { ...EXAMPLE_PROPS, probe: { enabled: false } });
    expect(noProbe.webterminalProbe).toBeUndefined();
    expect(noProbe.ruleSet).toBeUndefined();
    expect(Testing.synth(noProbe)).not.toContain('kubernetes_cron_job_v1');
    expect(() => new TerminalStack(Testing.app(), 'terminal', { ...EXAMPLE_PROPS, probe: { enabled: false }, alerts: { enabled: true } })).toThrow(
      'terminal-stack: alerts.enabled is true with probe.enabled false: the staleness alert would fire forever',
    );
  });

  test('can deliver the rules as a ConfigMap only, for a Prometheus without the operator', () => {
    const stack = new TerminalStack(Testing.app(), 'terminal', { ...EXAMPLE_PROPS, alerts: { prometheusRule: false, configMap: true } });
    const json = JSON.parse(Testing.synth(stack));
    const kinds = Object.values(json.resource.kubernetes_manifest as Record<string, JsonNode>).map((m) => m.manifest.kind);
    expect(kinds).not.toContain('PrometheusRule');
    const maps = Object.values(json.resource.kubernetes_config_map_v1 as Record<string, JsonNode>)
      .map((m) => m.metadata.name)
      .sort();
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
    expect(() =>
      stackJson({
        routes: [
          { path: '/a.b/', hostPort: 1 },
          { path: '/a-b/', hostPort: 2 },
          { path: long, hostPort: 3 },
        ],
      }),
    ).toThrow(/routes\[1\]\.path "\/a-b\/" makes the same object names as "\/a.b\/"[\s\S]*routes\[2\]\.path "\/x{60}\/" is too long/);
  });

  test('fails on a host-port route when ttyd runs in the cluster', () => {
    expect(() => stackJson({ ttyd: TtydBackend.inCluster() })).toThrow(
      'terminal-stack: routes[0].hostPort 7683 needs ttyd on an external host (ttyd.mode "external"); give service { name, port } instead',
    );
  });
});

const NS = '${kubernetes_namespace_v1.Namespace.metadata[0].name}';

function resources(props: Partial<TerminalStackProps> = {}): Record<string, Record<string, JsonNode>> {
  return JSON.parse(stackJson(props)).resource;
}

function manifests(res: Record<string, Record<string, JsonNode>>, kind: string): Record<string, JsonNode>[] {
  return Object.values(res.kubernetes_manifest ?? {})
    .map((m) => m.manifest)
    .filter((m) => m.kind === kind);
}

const IN_CLUSTER: Partial<TerminalStackProps> = { ttyd: TtydBackend.inCluster(), routes: [] };

describe('TerminalStack: a shell only through Authentik', () => {
  test('the namespace enforces Pod Security "restricted", and namespaceLabels cannot weaken it (a weaker value is refused)', () => {
    expect(() => resources({ namespaceLabels: { team: 'ops', 'pod-security.kubernetes.io/enforce': 'privileged' } })).toThrow(
      'namespaceLabels "pod-security.kubernetes.io/enforce" "privileged": the stack enforces Pod Security "restricted"',
    );
    const res = resources({ namespaceLabels: { team: 'ops', 'pod-security.kubernetes.io/enforce': 'restricted' } });
    expect(Object.values(res.kubernetes_namespace_v1)[0].metadata.labels).toStrictEqual({
      team: 'ops',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
  });

  test.each(['app', 'none'] as const)('refuses auth %s, with a reason or not, and says why', (auth) => {
    expect(() => stackJson({ auth, authReason: 'ttyd --credential' })).toThrow(
      `terminal-stack: auth "${auth}" is refused for a shell host: ttyd trusts a header that any client can send`,
    );
  });

  test('with an existing auth middleware, every route removes the client-sent Authentik headers before it', () => {
    const res = resources();
    const headers = defined(
      manifests(res, 'Middleware').find((m) => m.spec.headers !== undefined),
      'headers',
    );
    expect(headers?.metadata.name).toBe('terminal-client-headers');
    expect(Object.keys(headers?.spec.headers.customRequestHeaders).sort()).toStrictEqual([...AUTHENTIK_RESPONSE_HEADERS].sort());
    for (const ingress of Object.values(res.kubernetes_ingress_v1)) {
      const chain = ingress.metadata.annotations['traefik.ingress.kubernetes.io/router.middlewares'].split(',');
      expect(chain.slice(0, 2)).toStrictEqual([`${NS}-terminal-client-headers@kubernetescrd`, 'traefik-authentik-forward-auth@kubernetescrd']);
    }
  });

  test('removes a custom ttyd auth header too', () => {
    const res = resources({ ...IN_CLUSTER, ttyd: TtydBackend.inCluster({ authHeader: 'X-Remote-User' }) });
    const headers = defined(
      manifests(res, 'Middleware').find((m) => m.spec.headers !== undefined),
      'headers',
    );
    expect(headers?.spec.headers.customRequestHeaders['X-Remote-User']).toBe('');
  });

  test('with a created auth middleware, that middleware removes them (regex), and no header middleware is added', () => {
    const res = resources({ createAuthMiddleware: true, ingressKind: 'IngressRoute' });
    const middlewares = manifests(res, 'Middleware');
    expect(middlewares.filter((m) => m.spec.headers !== undefined)).toHaveLength(0);
    expect(middlewares.find((m) => m.spec.forwardAuth)?.spec.forwardAuth.authResponseHeadersRegex).toBe('(?i)^x-authentik-');
    const [route] = manifests(res, 'IngressRoute');
    expect(route.spec.routes[0].middlewares[0]).toStrictEqual({ name: 'authentik-forward-auth', namespace: 'terminal' });
  });

  test('with a created auth middleware and a ttyd header outside X-authentik-*, that header is still removed first', () => {
    const res = resources({ ...IN_CLUSTER, createAuthMiddleware: true, ttyd: TtydBackend.inCluster({ authHeader: 'X-Remote-User' }) });
    const headers = defined(
      manifests(res, 'Middleware').find((m) => m.spec.headers !== undefined),
      'headers',
    );
    expect(headers?.spec.headers.customRequestHeaders).toStrictEqual({ 'X-Remote-User': '' });
    const chain = Object.values(res.kubernetes_ingress_v1)[0].metadata.annotations['traefik.ingress.kubernetes.io/router.middlewares'].split(',');
    expect(chain).toStrictEqual([`${NS}-terminal-client-headers@kubernetescrd`, 'terminal-authentik-forward-auth@kubernetescrd']);
  });

  test("in-cluster ttyd: a NetworkPolicy admits only the Traefik pods and the probe pods, on ttyd's port", () => {
    const res = resources(IN_CLUSTER);
    const [policy] = Object.values(res.kubernetes_network_policy_v1);
    const [deployment] = Object.values(res.kubernetes_deployment_v1);
    expect(policy.metadata.namespace).toBe(NS);
    expect(policy.spec.pod_selector).toStrictEqual({ match_labels: deployment.spec.selector.match_labels });
    expect(policy.spec.policy_types).toStrictEqual(['Ingress']);
    const ports = [{ port: '7681', protocol: 'TCP' }];
    expect(policy.spec.ingress).toStrictEqual([
      {
        from: [
          {
            namespace_selector: { match_labels: { 'kubernetes.io/metadata.name': 'traefik' } },
            pod_selector: { match_labels: { 'app.kubernetes.io/name': 'traefik' } },
          },
        ],
        ports,
      },
      {
        from: [{ pod_selector: { match_labels: Object.values(res.kubernetes_cron_job_v1)[0].spec.job_template.spec.template.metadata.labels } }],
        ports,
      },
    ]);
  });

  test('k3s is one setting away: Traefik in kube-system moves the NetworkPolicy peer and the replica Service', () => {
    const res = resources({ ...IN_CLUSTER, traefik: { namespace: 'kube-system' } });
    const [policy] = Object.values(res.kubernetes_network_policy_v1);
    expect(policy.spec.ingress[0].from[0].namespace_selector).toStrictEqual({ match_labels: { 'kubernetes.io/metadata.name': 'kube-system' } });
    const replicas = defined(
      Object.values(res.kubernetes_service_v1).find((s) => s.metadata.name === 'traefik-replicas'),
      'replicas',
    );
    expect(replicas.metadata.namespace).toBe('kube-system');
  });

  test('external ttyd: no NetworkPolicy (Kubernetes cannot guard the VM; see docs/security.md)', () => {
    expect(resources().kubernetes_network_policy_v1).toBeUndefined();
  });

  test('external ttyd with mutual TLS: ttyd and its sibling routes use the client certificate, and the probe carries it', () => {
    const res = resources({ ttyd: TtydBackend.externalHost({ address: '10.0.10.10', mutualTls: { clientCertSecret: 'ttyd-client' } }) });
    const services = Object.values(res.kubernetes_service_v1).filter((s) => s.metadata.name.startsWith('terminal'));
    expect(services).toHaveLength(3);
    for (const service of services) expect(service.metadata.annotations['traefik.ingress.kubernetes.io/service.serversscheme']).toBe('https');
    expect(manifests(res, 'ServersTransport').map((t) => t.spec.certificatesSecrets)).toStrictEqual([
      ['ttyd-client'],
      ['ttyd-client'],
      ['ttyd-client'],
    ]);
    const pod = Object.values(res.kubernetes_cron_job_v1)[0].spec.job_template.spec.template.spec;
    const env = Object.fromEntries(pod.container[0].env.map((e) => [e.name, e.value]));
    expect(env.PROBE_ORIGIN_URL).toBe(`https://terminal.${NS}.svc.cluster.local:80`);
    expect(env.PROBE_ORIGIN_CLIENT_CERT_FILE).toBe('/etc/webterminal/origin-tls/tls.crt');
    expect(env.PROBE_ORIGIN_CLIENT_KEY_FILE).toBe('/etc/webterminal/origin-tls/tls.key');
    expect(env.PROBE_ORIGIN_CA_FILE).toBe('/etc/webterminal/origin-tls/ca.crt');
    expect(pod.volume).toContainEqual({ name: 'origin-tls', secret: { secret_name: 'ttyd-client', default_mode: '0444' } });
  });

  test('routes the Authentik outpost path when the outpost is named, in its namespace, named after the stack, without forward-auth', () => {
    const res = resources({ authentikOutpost: { namespace: 'auth', name: 'ak-outpost', port: 9000 } });
    const outpost = defined(
      Object.values(res.kubernetes_ingress_v1).find((i) => i.metadata.name === 'terminal-terminal-outpost'),
      'outpost',
    );
    expect(outpost.metadata.namespace).toBe('auth');
    expect(outpost.metadata.annotations['traefik.ingress.kubernetes.io/router.middlewares']).toBeUndefined();
    expect(outpost.spec.rule[0].http.path[0].path).toBe('/outpost.goauthentik.io/');
  });

  test('fails on a bad Traefik location, naming each field', () => {
    expect(() => stackJson({ traefik: { namespace: 'Kube System', podSelector: {}, websecurePort: 0 } })).toThrow(
      [
        'terminal/Default: terminal-stack: traefik.namespace "Kube System" is not a DNS-1123 label (1-63 lowercase letters, digits or ' +
          "'-', starting and ending with a letter or digit)",
        'terminal/Default: terminal-stack: traefik.podSelector must name at least one label (an empty selector matches every pod)',
        'terminal/Default: terminal-stack: traefik.websecurePort 0 is not a port (an integer from 1 to 65535)',
      ].join('\n'),
    );
  });
});

describe('the whole tree: one resource per object, one router per path, no open path to ttyd', () => {
  const make = (props: Partial<TerminalStackProps>) => () => new TerminalStack(Testing.app(), 'terminal', { ...EXAMPLE_PROPS, ...props });
  const outpost = { namespace: 'authentik', name: 'ak-outpost', port: 9000 };

  test.each([
    ['ttyd’s own Service', { namespace: 'terminal', name: 'terminal', port: 80 }, 'terminal/Default/Default/Ttyd/Resource, a Service of this stack'],
    ['a sibling route’s Service', { namespace: 'terminal', name: 'terminal-clipboard', port: 80 }, 'a Service of this stack'],
  ])('refuses an outpost route to %s (it carries no forward-auth)', (_what, target, says) => {
    expect(make({ authentikOutpost: target })).toThrow(`authentikOutpost ${target.namespace}/${target.name} is`);
    expect(make({ authentikOutpost: target })).toThrow(says);
    expect(make({ authentikOutpost: target, ingressKind: 'IngressRoute' })).toThrow(`authentikOutpost ${target.namespace}/${target.name} is`);
  });

  test("refuses an outpost route to a route's existing backend Service", () => {
    const routes = [{ path: '/clipboard/', service: { name: 'clipboard', port: 8080 } }];
    expect(make({ routes, authentikOutpost: { namespace: 'terminal', name: 'clipboard', port: 8080 } })).toThrow(
      "authentikOutpost terminal/clipboard is a route's backend",
    );
  });

  test.each([
    [
      'mirror.name "terminal"',
      { mirror: { host: 'terminal-ro.example.com', hostPort: 7682, name: 'terminal' } },
      'both make v1/Service terminal/terminal',
    ],
    [
      'a route /ro/ beside the mirror',
      { mirror: { host: 'terminal-ro.example.com', hostPort: 7682 }, routes: [{ path: '/ro/', hostPort: 7690 }] },
      'both make v1/Service terminal/terminal-ro',
    ],
    [
      "mirror.name equal to the outpost route's name, with the outpost in the stack's namespace",
      {
        mirror: { host: 'terminal-ro.example.com', hostPort: 7682, name: 'terminal-terminal-outpost' },
        authentikOutpost: { ...outpost, namespace: 'terminal' },
      },
      'both make networking.k8s.io/v1/Ingress terminal/terminal-terminal-outpost',
    ],
    ['mirror.host equal to host', { mirror: { host: 'terminal.example.com', hostPort: 7682 } }, 'both route terminal.example.com path prefix /'],
  ])('refuses %s, naming both sources', (_what, props, says) => {
    expect(make(props as Partial<TerminalStackProps>)).toThrow(says);
  });

  test('the example, the mirror, routes and the outpost route together have no clash', () => {
    expect(make({ mirror: { host: 'terminal-ro.example.com', hostPort: 7682 }, authentikOutpost: outpost })).not.toThrow();
    expect(
      make({ mirror: { host: 'terminal-ro.example.com', hostPort: 7682 }, authentikOutpost: outpost, ingressKind: 'IngressRoute' }),
    ).not.toThrow();
  });
});

describe('accepted before, wrong all the same: refused with the reason', () => {
  const make = (props: Partial<TerminalStackProps>) => () => new TerminalStack(Testing.app(), 'terminal', { ...EXAMPLE_PROPS, ...props });

  test("mirror.hostPort equal to ttyd's port (the read-only host would serve the writable shell)", () => {
    expect(make({ mirror: { host: 'terminal-ro.example.com', hostPort: 7681 } })).toThrow("mirror.hostPort 7681 is ttyd's own port");
    expect(make({ mirror: { host: 'terminal-ro.example.com', hostPort: 7682 } })).not.toThrow();
  });

  test('authOutpostUrl without createAuthMiddleware (it was silently ignored)', () => {
    expect(make({ authOutpostUrl: 'http://outpost.example:9000/' })).toThrow(
      'authOutpostUrl "http://outpost.example:9000/" is set with createAuthMiddleware off',
    );
    expect(make({ authOutpostUrl: 'http://outpost.example:9000/', createAuthMiddleware: true })).not.toThrow();
  });

  test('a Pod Security label in namespaceIgnoredLabels', () => {
    expect(make({ namespaceIgnoredLabels: ['goldilocks.fairwinds.com/vpa-update-mode', 'pod-security.kubernetes.io/enforce'] })).toThrow(
      'namespaceIgnoredLabels[1] "pod-security.kubernetes.io/enforce" is a Pod Security label the stack enforces',
    );
  });

  test('alerts on with both the PrometheusRule and the ConfigMap off (no rules anywhere)', () => {
    expect(make({ alerts: { prometheusRule: false } })).toThrow('alerts.prometheusRule and alerts.configMap are both off with alerts on');
    expect(make({ alerts: { prometheusRule: false, configMap: true } })).not.toThrow();
    expect(make({ alerts: { prometheusRule: false, enabled: false } })).not.toThrow();
  });
});

describe('settings that could never work, refused', () => {
  const make = (props: Partial<TerminalStackProps>) => () => new TerminalStack(Testing.app(), 'terminal', { ...EXAMPLE_PROPS, ...props });

  test('paritySource "inventory" without the router inventory (the skew alert could never fire)', () => {
    expect(make({ alerts: { paritySource: 'inventory' } })).toThrow(
      'terminal-stack: alerts.paritySource "inventory" needs probe.routerInventory true',
    );
    expect(make({ alerts: { paritySource: 'inventory' }, probe: { createReplicaService: true, routerInventory: true } })).not.toThrow();
  });

  test.each(['kubernetes.io/ingress.class', 'traefik.ingress.kubernetes.io/router.priority'])('the annotation %s on the ingress objects', (key) => {
    expect(make({ annotations: { [key]: '100' } })).toThrow(`annotations key ${JSON.stringify(key)} is refused`);
  });
});

describe("the mirror's ttyd is watched like ttyd's", () => {
  const probeEnv = (props: Partial<TerminalStackProps>): Record<string, string> => {
    const json = JSON.parse(stackJson(props));
    const [cron] = Object.values(json.resource.kubernetes_cron_job_v1 as Record<string, JsonNode>);
    return Object.fromEntries(cron.spec.job_template.spec.template.spec.container[0].env.map((e) => [String(e.name), String(e.value)]));
  };

  test('the probe gets the mirror Service URL to check it answers nothing without the auth header', () => {
    const env = probeEnv({ mirror: { host: 'terminal-ro.example.com', hostPort: 7682 } });
    expect(env.PROBE_MIRROR_EDGE_URL).toBe('https://terminal-ro.example.com');
    expect(env.PROBE_MIRROR_ORIGIN_URL).toBe('http://terminal-ro.${kubernetes_namespace_v1.Namespace.metadata[0].name}.svc.cluster.local');
    expect(probeEnv({}).PROBE_MIRROR_ORIGIN_URL).toBeUndefined();
  });
});
