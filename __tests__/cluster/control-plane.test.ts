import { adminClient, cluster } from '../support/cluster';
import { tools } from '../support/tools';

describe('the run’s Kubernetes control plane (real etcd, kube-apiserver, kube-controller-manager)', () => {
  const admin = adminClient();
  afterAll(() => admin.close());

  test('reports the version it was built from, which the provider parses (an unstamped build says v0.0.0-master)', async () => {
    const { body } = await admin.call<{ gitVersion: string; major: string; minor: string }>('GET', '/version');
    expect(body.gitVersion).toBe(tools().kubeApiserver.version);
    expect(cluster().version).toBe(body.gitVersion);
    expect(`v${body.major}.${body.minor}.`).toBe(body.gitVersion.replace(/^(v\d+\.\d+\.).*/, '$1'));
  });

  test('serves the CRDs a cluster with Traefik and prometheus-operator has', async () => {
    expect(await admin.pathOf('traefik.io/v1alpha1', 'IngressRoute', 'default')).toBe('/apis/traefik.io/v1alpha1/namespaces/default/ingressroutes');
    for (const kind of ['Middleware', 'ServersTransport', 'TLSOption'])
      await expect(admin.pathOf('traefik.io/v1alpha1', kind, 'default')).resolves.toContain('/namespaces/default/');
    await expect(admin.pathOf('monitoring.coreos.com/v1', 'PrometheusRule', 'default')).resolves.toContain('prometheusrules');
    await expect(admin.get('networking.k8s.io/v1', 'IngressClass', undefined, 'traefik')).resolves.toMatchObject({
      spec: { controller: 'traefik.io/ingress-controller' },
    });
  });

  test('runs the controllers the tests need: an Endpoints object is mirrored to an EndpointSlice', async () => {
    const namespace = 'control-plane-test';
    await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    await admin.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'vm', namespace },
      spec: { ports: [{ name: 'http', port: 80, targetPort: 7681 }] },
    });
    await admin.apply({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'vm', namespace },
      subsets: [{ addresses: [{ ip: '198.18.0.250' }], ports: [{ name: 'http', port: 7681 }] }],
    });
    let slices: unknown[] = [];
    for (let i = 0; i < 100 && slices.length === 0; i += 1) {
      slices = await admin.list('discovery.k8s.io/v1', 'EndpointSlice', namespace, 'kubernetes.io/service-name=vm');
      if (slices.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(slices).toEqual([expect.objectContaining({ endpoints: [expect.objectContaining({ addresses: ['198.18.0.250'] })] })]);
    await admin.delete('v1', 'Namespace', undefined, namespace);
  });
});
