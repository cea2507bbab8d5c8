/**
 * The stack applied for real: each variant synthesized, made into the objects terraform-provider-kubernetes
 * v2.38.0 sends (support/provider-stand-in.ts), created on the run's kube-apiserver, read back, its pod
 * templates admitted as Pods in a server-side dry run, the probe's and Traefik's rights asked with their own
 * tokens, and destroyed. Variants run one after another, with names of their own in the shared namespaces
 * (`monitoring`, `traefik`), where a copy of each of their objects stands by, which destroy must not touch.
 * Rule names sort after the drill's `webterminal`: the drill reads the first PrometheusRule in `monitoring`.
 */
import { join } from 'node:path';
import { Annotations, AUTHENTIK_RESPONSE_HEADERS, POD_SECURITY_LABELS, type RemediationMode, TerminalStack, TtydBackend } from '../../lib';
import { WebterminalDashboard, type TerminalStackProps } from '../../lib';
import { Testing } from '../../lib/private/cdktf';
import { probeFiles } from '../../lib/private/probe-files';
import { adminClient, yamlObjects } from '../support/cluster';
import { KubeClient, type KubeObject, type KubeResponse } from '../support/kube-client';
import { claimLabAddress, releaseLabAddress } from '../support/lab-network';
import { waitFor } from '../support/processes';
import { applyAsProvider, destroyAsProvider } from '../support/provider-apply';
import { objectsOf, type StandInResource } from '../support/provider-stand-in';
import { serviceAccountToken, traefikToken } from '../support/traefik';
import { tools } from '../support/tools';

/** How each variant is built; `rules` says where the alert groups go. */
interface Variant {
  readonly id: string;
  readonly kind: 'Ingress' | 'IngressRoute';
  readonly ttyd: 'external' | 'in-cluster';
  readonly remediation: RemediationMode;
  readonly rules: 'PrometheusRule' | 'ConfigMap' | 'both';
  readonly dashboard: boolean;
}
const VARIANTS: readonly Variant[] = [
  { id: 'ingress', kind: 'Ingress', ttyd: 'external', remediation: 'dry-run', rules: 'PrometheusRule', dashboard: true },
  { id: 'ingressroute', kind: 'IngressRoute', ttyd: 'external', remediation: 'on', rules: 'ConfigMap', dashboard: false },
  { id: 'in-cluster', kind: 'Ingress', ttyd: 'in-cluster', remediation: 'off', rules: 'both', dashboard: true },
];
const SHARED_NAMESPACES = ['monitoring', 'traefik', 'applied-authentik'];
const OUTPOST = { namespace: 'applied-authentik', name: 'ak-outpost', port: 9000 };
/** The one warning kube-apiserver 1.34 sends for what the stack makes. */
const ENDPOINTS_DEPRECATED = 'v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice';
/** ttyd's Services and the port behind each on the external host (main, mirror, sibling routes). */
const TTYD_PORTS = { terminal: 7681, 'terminal-ro': 7682, 'terminal-clipboard': 7683, 'terminal-api-sessions': 7684 };
const TTYD_POD_LABELS = { 'app.kubernetes.io/instance': 'terminal', 'app.kubernetes.io/name': 'ttyd' };

const sharedName = (v: Variant): string => `webterminal-applied-${v.id}`;
const hostsOf = (v: Variant) => ({ main: `terminal.${v.id}.applied.test`, mirror: `terminal-ro.${v.id}.applied.test` });

function stackProps(v: Variant, address: string): TerminalStackProps {
  const shared = sharedName(v);
  const routes = [
    { path: '/clipboard/', hostPort: TTYD_PORTS['terminal-clipboard'] },
    { path: '/api/sessions/', hostPort: TTYD_PORTS['terminal-api-sessions'] },
  ];
  const external = { routes, mirror: { host: hostsOf(v).mirror, hostPort: TTYD_PORTS['terminal-ro'] }, authentikOutpost: OUTPOST };
  const remediation = { createReplicaService: true, replicaServiceName: `${shared}-replicas`, remediation: { mode: v.remediation } };
  return {
    host: hostsOf(v).main,
    namespace: `applied-${v.id}`,
    ingressKind: v.kind,
    ttyd: v.ttyd === 'external' ? TtydBackend.externalHost({ address, port: TTYD_PORTS.terminal }) : TtydBackend.inCluster(),
    ...(v.ttyd === 'external' ? external : {}),
    // The replica Service is on by default: named per variant, since Traefik's namespace is shared.
    probe: { name: `${shared}-probe`, replicaServiceName: `${shared}-replicas`, ...(v.remediation === 'off' ? {} : remediation) },
    alerts: { name: shared, prometheusRule: v.rules !== 'ConfigMap', configMap: v.rules !== 'PrometheusRule' },
    dashboard: { enabled: v.dashboard, name: `${shared}-dashboard` },
  };
}

/** The admin, recording the path of every request that is not a read. */
class RecordingClient extends KubeClient {
  readonly changes: string[] = [];

  override request<T = Record<string, unknown>>(method: string, path: string, body?: unknown, contentType?: string): Promise<KubeResponse<T>> {
    if (method !== 'GET') this.changes.push(`${method} ${path.split('?')[0]}`);
    return super.request<T>(method, path, body, contentType);
  }
}

let admin: KubeClient;
let provider: RecordingClient;
let address: string;

beforeAll(async () => {
  admin = adminClient();
  provider = new RecordingClient(admin.credentials);
  address = claimLabAddress();
  // What a cluster with kube-prometheus-stack has; the drill applies it too, and no one deletes it.
  await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } });
  // Authentik's namespace, where the outpost routes go.
  await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: OUTPOST.namespace } });
});

afterAll(() => {
  admin?.close();
  provider?.close();
  if (address !== undefined) releaseLabAddress(address);
});

const get = (o: KubeObject): Promise<KubeObject | undefined> => admin.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
const pathOf = (o: KubeObject, one = true): Promise<string> =>
  admin.pathOf(o.apiVersion, o.kind, o.metadata.namespace, one ? o.metadata.name : undefined);
const inShared = (resources: readonly StandInResource[]): KubeObject[] =>
  resources.map((r) => r.object as KubeObject).filter((o) => SHARED_NAMESPACES.includes(o.metadata.namespace ?? ''));

/** A copy of an object under another name; a RoleBinding's Role and subjects renamed too, so it grants nothing new. */
function bystander(o: KubeObject): KubeObject {
  const rename = (name: string) => `${name}-bystander`;
  const copy = JSON.parse(JSON.stringify(o)) as KubeObject & { roleRef?: { name: string }; subjects?: { name: string }[] };
  copy.metadata.name = rename(copy.metadata.name);
  if (copy.roleRef !== undefined) copy.roleRef.name = rename(copy.roleRef.name);
  for (const subject of copy.subjects ?? []) subject.name = rename(subject.name);
  return copy;
}

/** Which object, and which version of it: a touched bystander has another resourceVersion, a recreated one another uid. */
const stamp = (o: KubeObject): string =>
  `${o.kind} ${o.metadata.namespace}/${o.metadata.name} ${String(o.metadata.uid)} ${String(o.metadata.resourceVersion)}`;

/** `"create pods/eviction in traefik"`, `"list ingresses.networking.k8s.io cluster-wide"` as review attributes. */
function attributesOf(question: string): { verb: string; group: string; resource: string; subresource?: string; namespace?: string } {
  const match = /^(\w+) ([a-z0-9.]+?)(?:\/(\w+))? (?:in ([a-z0-9-]+)|cluster-wide)$/.exec(question);
  if (match === null) throw new Error(`not a question: ${question}`);
  const [, verb, resource, subresource, namespace] = match;
  const [name, ...group] = resource.split('.');
  return { verb, resource: name, group: group.join('.'), ...(subresource ? { subresource } : {}), ...(namespace ? { namespace } : {}) };
}

/** Asks each question with the token (SelfSubjectAccessReview); the questions allowed, then those denied. */
async function answers(token: string, questions: readonly string[]): Promise<{ allowed: string[]; denied: string[] }> {
  const [client, result] = [admin.withToken(token), { allowed: [] as string[], denied: [] as string[] }];
  try {
    for (const question of questions) {
      const review = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: attributesOf(question) } };
      const answer = await client.call<{ status: { allowed: boolean } }>('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', review);
      result[answer.body.status.allowed ? 'allowed' : 'denied'].push(question);
    }
    return result;
  } finally {
    client.close();
  }
}

interface PodTemplate {
  metadata: { labels?: Record<string, string> };
  spec: { containers: { name: string; env?: { name: string; value?: string }[]; securityContext?: object }[]; [key: string]: unknown };
}
type CronJobSpec = { schedule: string; concurrencyPolicy: string; jobTemplate: { spec: { activeDeadlineSeconds: number; template: PodTemplate } } };

/** The pod template of a CronJob or a Deployment. */
const templateOf = (o: KubeObject): PodTemplate =>
  o.kind === 'CronJob' ? (o.spec as CronJobSpec).jobTemplate.spec.template : (o.spec as { template: PodTemplate }).template;

/**
 * A Pod made of a template, its first container's security context changed by `change` (undefined removes a
 * field), created in a server-side dry run: admission runs, nothing is stored.
 */
function dryRunPod(namespace: string, name: string, template: PodTemplate, change: object = {}): Promise<KubeResponse<{ message?: string }>> {
  const spec = JSON.parse(JSON.stringify(template.spec)) as PodTemplate['spec'];
  spec.containers[0].securityContext = JSON.parse(JSON.stringify({ ...spec.containers[0].securityContext, ...change })) as object;
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels: template.metadata.labels }, spec };
  return admin.request('POST', `/api/v1/namespaces/${namespace}/pods?dryRun=All`, pod);
}

type IngressSpec = {
  rules: { host: string; http: { paths: { path: string; backend: { service: { name: string; port: { number: number } } } }[] } }[];
  tls: { hosts: string[]; secretName: string }[];
};
type IngressRouteSpec = {
  routes: { match: string; middlewares?: { name: string; namespace: string }[]; services: { name: string; namespace?: string; port: number }[] }[];
  tls: { secretName: string };
};

/** Every route of the Ingress or IngressRoute objects, one line each: `<host><path> -> <service> [<middlewares>] <tls Secret> <posture>`. */
function routeLines(objects: readonly KubeObject[]): string[] {
  const line = (host: string, path: string, service: string, middlewares: string[], tls: string, o: KubeObject) =>
    `${host}${path} -> ${service} [${middlewares.join(' ')}] ${tls} ${o.metadata.annotations?.[Annotations.authPosture]}`;
  return objects
    .flatMap((o) => {
      if (o.kind === 'Ingress') {
        const spec = o.spec as IngressSpec;
        const middlewares = (o.metadata.annotations?.[Annotations.middlewares] ?? '').split(',').filter((m) => m !== '');
        const paths = spec.rules.flatMap((rule) => rule.http.paths.map(({ path, backend }) => ({ host: rule.host, path, ...backend.service })));
        return paths.map((p) => line(p.host, p.path, `${p.name}:${p.port.number}`, middlewares, spec.tls[0].secretName ?? '(by SNI)', o));
      }
      const spec = o.spec as IngressRouteSpec;
      return spec.routes.map((route) => {
        const [, host, path = '/'] = /^Host\(`([^`]+)`\)(?: && PathPrefix\(`([^`]+)`\))?$/.exec(route.match) ?? [route.match, route.match];
        const [s] = route.services;
        const middlewares = (route.middlewares ?? []).map((m) => `${m.namespace}-${m.name}@kubernetescrd`);
        const service = `${s.namespace === undefined ? '' : `${s.namespace}/`}${s.name}:${s.port}`;
        return line(host, path, service, middlewares, spec.tls.secretName ?? '(by SNI)', o);
      });
    })
    .sort();
}

describe.each(VARIANTS)('the stack applied to a real kube-apiserver: $id', (v) => {
  const namespace = `applied-${v.id}`;
  const shared = sharedName(v);
  const remediating = v.remediation !== 'off';
  const external = v.ttyd === 'external';
  let stack: TerminalStack;
  let tfJson: { resource: Record<string, Record<string, Record<string, unknown>>> };
  let resources: StandInResource[] = [];
  let warnings: string[];
  let bystanders: KubeObject[] = [];
  const bystandersBefore: string[] = [];
  const stored = new Map<string, KubeObject>();

  const ofKind = (kind: string, ns?: string): KubeObject[] =>
    [...stored.values()].filter((o) => o.kind === kind && (ns === undefined || o.metadata.namespace === ns));
  const find = (kind: string, name: string, ns = namespace): KubeObject => {
    const found = ofKind(kind).find((o) => o.metadata.name === name && (kind === 'Namespace' || o.metadata.namespace === ns));
    if (found === undefined) throw new Error(`the stack made no ${kind} ${ns}/${name}`);
    return found;
  };

  beforeAll(async () => {
    stack = new TerminalStack(Testing.app(), 'terminal', stackProps(v, address));
    tfJson = JSON.parse(Testing.synth(stack)) as typeof tfJson;
    resources = objectsOf(tfJson);
    bystanders = inShared(resources).map(bystander);
    for (const o of bystanders) bystandersBefore.push(stamp(await admin.apply(o)));
    provider.changes.length = 0;
    warnings = (await applyAsProvider(provider, resources)).warnings;
    // An object that cannot be read back is missing here, which the read-back test reports.
    for (const [tfAddress, o] of await Promise.all(resources.map(async (r) => [r.address, await get(r.object)] as const)))
      if (o) stored.set(tfAddress, o);
  });

  afterAll(async () => {
    for (const o of [...resources.map((r) => r.object as KubeObject).reverse(), ...bystanders])
      await admin.delete(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
  });

  test('apply creates each object with one request, and the API warns of nothing but the deprecated Endpoints', async () => {
    // As provider-apply.ts sends them: a typed resource is POSTed to its collection, a manifest applied.
    const create = async (r: StandInResource) =>
      r.address.startsWith('kubernetes_manifest.') ? `PATCH ${await pathOf(r.object)}` : `POST ${await pathOf(r.object, false)}`;
    expect(provider.changes).toStrictEqual(await Promise.all(resources.map(create)));
    const endpoints = resources.filter((r) => r.object.kind === 'Endpoints');
    expect(endpoints.length).toBe(external ? 4 : 0);
    expect(warnings).toStrictEqual(endpoints.map((r) => `${r.address}: ${ENDPOINTS_DEPRECATED}`));
    // In the shared namespaces, only names of this variant's own.
    const named = [
      ...(v.rules === 'PrometheusRule' ? [] : [`ConfigMap monitoring/${shared}-rules`]),
      ...(v.dashboard ? [`ConfigMap monitoring/${shared}-dashboard`] : []),
      `Service traefik/${shared}-replicas`,
      ...(remediating ? [`Role traefik/${shared}-probe`, `RoleBinding traefik/${shared}-probe`] : []),
      // The outpost routes, named after the stack's namespace.
      ...(external ? ['terminal', 'terminal-ro'].map((name) => `${v.kind} ${OUTPOST.namespace}/${namespace}-${name}-outpost`) : []),
      ...(v.rules === 'ConfigMap' ? [] : [`PrometheusRule monitoring/${shared}`]),
    ];
    expect(
      inShared(resources)
        .map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)
        .sort(),
    ).toStrictEqual(named.sort());
  });

  test('every object reads back with everything the provider sent, an empty env value aside', () => {
    // The API leaves an EnvVar's empty value out (omitempty); the pod gets "" either way.
    const asStored = (o: object): object =>
      JSON.parse(JSON.stringify(o), (key, value: unknown) => (key === 'value' && value === '' ? undefined : value));
    for (const r of resources) expect({ [r.address]: stored.get(r.address) }).toMatchObject({ [r.address]: asStored(r.object) });
  });

  test('the namespace enforces Pod Security "restricted"', () => {
    const labels = { ...POD_SECURITY_LABELS, 'app.kubernetes.io/part-of': 'webterminal', 'kubernetes.io/metadata.name': namespace };
    expect(find('Namespace', namespace).metadata.labels).toStrictEqual(labels);
  });

  test('ttyd’s Services lead to it: an Endpoints object per port on the host, or its pods by selector', async () => {
    type Port = { name: string; port: number; targetPort?: number; protocol: string };
    const ports = (list: Port[]) => list.map((p) => `${p.name}:${p.port}${p.targetPort ? `->${p.targetPort}` : ''}/${p.protocol}`).join();
    const service = (s: KubeObject) => {
      const spec = s.spec as { type: string; ports: Port[]; selector?: object; externalName?: string };
      return `${s.metadata.name} ${spec.type} ${ports(spec.ports)} ${spec.externalName ?? JSON.stringify(spec.selector ?? null)}`;
    };
    const selector = JSON.stringify(external ? null : TTYD_POD_LABELS);
    const served = external ? TTYD_PORTS : { terminal: TTYD_PORTS.terminal };
    const ttyd = Object.entries(served).map(([name, port]) => `${name} ClusterIP http:80->${port}/TCP ${selector}`);
    // No ExternalName Service: the outpost route names the outpost's Service in its own namespace.
    expect(ofKind('Service', namespace).map(service).sort()).toStrictEqual(ttyd.sort());
    type Subset = { addresses: { ip: string }[]; ports: Port[] };
    const endpoints = (e: KubeObject) => (e.subsets as Subset[]).map((s) => `${e.metadata.name} ${s.addresses.map((a) => a.ip)} ${ports(s.ports)}`);
    const hosted = Object.entries(TTYD_PORTS).map(([name, port]) => `${name} ${address} http:${port}/TCP`);
    expect(ofKind('Endpoints').flatMap(endpoints).sort()).toStrictEqual(external ? hosted.sort() : []);
    if (!external) return;
    // What Traefik v3 reads: the controller mirrors each Endpoints object into an EndpointSlice.
    await waitFor('the mirrored EndpointSlice', 10_000, async () => {
      const slices = await admin.list('discovery.k8s.io/v1', 'EndpointSlice', namespace, 'kubernetes.io/service-name=terminal');
      return JSON.stringify(slices.map((s) => (s.endpoints as { addresses: string[] }[]).map((e) => e.addresses))) === JSON.stringify([[[address]]]);
    });
  });

  test('each route goes to its Service over TLS behind the header scrub, forward-auth and prefix strip; only the outpost path is open', () => {
    const { main, mirror } = hostsOf(v);
    const auth = (name: string) => `${namespace}-${name}-client-headers@kubernetescrd traefik-authentik-forward-auth@kubernetescrd`;
    const strip = (slug: string) => `${namespace}-terminal-strip-${slug}@kubernetescrd`;
    const outpost = `${OUTPOST.name}:${OUTPOST.port}`;
    const expected = [`${main}/ -> terminal:80 [${auth('terminal')}] terminal-tls required`];
    if (external)
      expected.push(
        `${main}/clipboard/ -> terminal-clipboard:80 [${auth('terminal')} ${strip('clipboard')}] terminal-tls required`,
        `${main}/api/sessions/ -> terminal-api-sessions:80 [${auth('terminal')} ${strip('api-sessions')}] terminal-tls required`,
        `${main}/outpost.goauthentik.io/ -> ${outpost} [] (by SNI) none`,
        `${mirror}/ -> terminal-ro:80 [${auth('terminal-ro')}] terminal-ro-tls required`,
        `${mirror}/outpost.goauthentik.io/ -> ${outpost} [] (by SNI) none`,
      );
    const objects = [...ofKind('Ingress'), ...ofKind('IngressRoute')];
    expect(routeLines(objects)).toStrictEqual(expected.sort());
    const annotations = { [Annotations.tls]: 'true', [Annotations.entrypoints]: 'websecure' };
    const ingress =
      v.kind === 'Ingress' ? { spec: { ingressClassName: 'traefik' }, metadata: { annotations } } : { spec: { entryPoints: ['websecure'] } };
    for (const o of objects) expect(o).toMatchObject({ kind: v.kind, ...ingress });
    const certified = (o: KubeObject) => [(o.spec as IngressSpec).tls[0].hosts, (o.spec as IngressSpec).rules.map((r) => r.host)];
    for (const [hosts, routed] of ofKind('Ingress').map(certified)) expect(hosts).toStrictEqual(routed);
    // The Middlewares: every client-sent X-authentik-* header removed, the route prefixes stripped.
    const scrub = { headers: { customRequestHeaders: Object.fromEntries(AUTHENTIK_RESPONSE_HEADERS.map((h) => [h, ''])) } };
    const prefix = (p: string) => ({ stripPrefix: { prefixes: [p] } });
    const siblings = { 'terminal-strip-clipboard': prefix('/clipboard'), 'terminal-strip-api-sessions': prefix('/api/sessions') };
    const middlewares = { 'terminal-client-headers': scrub, ...(external ? { 'terminal-ro-client-headers': scrub, ...siblings } : {}) };
    expect(Object.fromEntries(ofKind('Middleware').map((m) => [m.metadata.name, m.spec]))).toStrictEqual(middlewares);
  });

  test('the probe: its files in the ConfigMap, a CronJob that cannot overlap itself, and RBAC only with remediation', () => {
    const probe = stack.webterminalProbe;
    if (probe === undefined) throw new Error('no probe');
    expect(find('ConfigMap', probe.name).data).toStrictEqual({ ...probeFiles() });
    const cron = find('CronJob', probe.name).spec as CronJobSpec;
    expect([cron.schedule, cron.concurrencyPolicy, cron.jobTemplate.spec.activeDeadlineSeconds]).toStrictEqual(['*/5 * * * *', 'Forbid', 100]);
    const pod = cron.jobTemplate.spec.template.spec;
    const env = Object.fromEntries((pod.containers[0].env ?? []).map((e) => [e.name, e.value ?? '']));
    // The namespace is the namespace resource's name, a reference until Terraform resolves it.
    const lease = remediating ? { PROBE_REMEDIATE_LEASE: `${namespace}/${probe.name}` } : {};
    const resolved = { PROBE_ORIGIN_URL: `http://terminal.${namespace}.svc.cluster.local`, ...lease };
    const mirrorOrigin =
      probe.environment.PROBE_MIRROR_ORIGIN_URL === undefined ? {} : { PROBE_MIRROR_ORIGIN_URL: `http://terminal-ro.${namespace}.svc.cluster.local` };
    expect(env).toStrictEqual({ ...probe.environment, ...resolved, ...mirrorOrigin });
    expect([env.PROBE_REPLICAS, env.PROBE_REMEDIATE]).toStrictEqual([
      `${shared}-replicas.traefik.svc.cluster.local`,
      remediating ? v.remediation : undefined,
    ]);
    expect([pod.serviceAccountName, pod.automountServiceAccountToken]).toStrictEqual([remediating ? probe.name : undefined, remediating]);
    expect(['ServiceAccount', 'Role', 'RoleBinding', 'Lease'].flatMap((kind) => ofKind(kind)).length).toBe(remediating ? 6 : 0);
    if (!remediating) return;
    expect(find('ServiceAccount', probe.name).automountServiceAccountToken).toBe(false);
    const rule = (resource: string, verbs: string[]) => ({ apiGroups: [''], resources: [resource], verbs });
    const evicting = v.remediation === 'on' ? [rule('pods/eviction', ['create'])] : [];
    expect(find('Role', probe.name, 'traefik').rules).toStrictEqual([rule('pods', ['list', 'get']), ...evicting]);
    const binding = { roleRef: { kind: 'Role', name: probe.name }, subjects: [{ kind: 'ServiceAccount', name: probe.name, namespace }] };
    expect(find('RoleBinding', probe.name, 'traefik')).toMatchObject(binding);
    // Remediation's memory: a Lease in the probe's namespace, which only the probe may get and update.
    expect(find('Lease', probe.name).metadata.labels).toStrictEqual(probe.podLabels);
    const state = `${probe.name}-state`;
    const leaseRule = { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [probe.name], verbs: ['update', 'get'] };
    expect(find('Role', state).rules).toStrictEqual([leaseRule]);
    expect(find('RoleBinding', state)).toMatchObject({ ...binding, roleRef: { kind: 'Role', name: state } });
    const replicas = { clusterIP: 'None', selector: { 'app.kubernetes.io/name': 'traefik' }, ports: [{ port: 8443, targetPort: 8443 }] };
    expect(find('Service', `${shared}-replicas`, 'traefik').spec).toMatchObject(replicas);
  });

  test('the alert groups and the dashboard are stored byte for byte where they were asked for', () => {
    const rules = stack.prometheusRules;
    if (rules === undefined) throw new Error('no alert rules');
    const groups = ['Webterminal', 'Traefik Router Parity', ...(remediating ? ['Webterminal Remediation'] : [])];
    expect(rules.ruleFile.groups.map((g) => g.name)).toStrictEqual(groups);
    const release = { release: 'prometheus' };
    const prometheusRules = ofKind('PrometheusRule').map((o) => [o.metadata.namespace, o.metadata.name, o.metadata.labels, o.spec]);
    expect(prometheusRules).toStrictEqual(v.rules === 'ConfigMap' ? [] : [['monitoring', shared, release, rules.ruleFile]]);
    expect(stack.webterminalDashboard !== undefined).toBe(v.dashboard);
    const read = (o: KubeObject): [string, unknown] => {
      const data = o.data as Record<string, string>;
      const dashboard = data[WebterminalDashboard.KEY];
      return [o.metadata.name, { labels: o.metadata.labels, data: dashboard === undefined ? data : (JSON.parse(dashboard) as unknown) }];
    };
    expect(Object.fromEntries(ofKind('ConfigMap', 'monitoring').map(read))).toStrictEqual({
      ...(v.rules === 'PrometheusRule' ? {} : { [`${shared}-rules`]: { labels: release, data: { [rules.configMapKey]: rules.ruleFileYaml } } }),
      ...(stack.webterminalDashboard
        ? { [`${shared}-dashboard`]: { labels: { grafana_dashboard: '1' }, data: stack.webterminalDashboard.dashboard } }
        : {}),
    });
  });

  if (!external) {
    test('the NetworkPolicy admits only Traefik’s pods and the probe’s, to ttyd’s port', () => {
      const ports = [{ port: TTYD_PORTS.terminal, protocol: 'TCP' }];
      const pods = (labels: object) => ({ podSelector: { matchLabels: { ...labels } } });
      const traefik = {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } },
        ...pods({ 'app.kubernetes.io/name': 'traefik' }),
      };
      const ingress = [traefik, pods(stack.webterminalProbe?.podLabels ?? {})].map((peer) => ({ from: [peer], ports }));
      expect(find('NetworkPolicy', 'terminal').spec).toStrictEqual({ ...pods(TTYD_POD_LABELS), policyTypes: ['Ingress'], ingress });
    });

    test('the provider waits for the Deployment’s rollout (wait_for_rollout is left to its default), which never starts here', async () => {
      const [[name, config]] = Object.entries(tfJson.resource.kubernetes_deployment_v1);
      expect(config.wait_for_rollout).toBeUndefined();
      expect(resources.find((r) => r.address === `kubernetes_deployment_v1.${name}`)?.waitForRollout).toBe(true);
      // The provider's waitForDeploymentReplicasFunc retries while generation > status.observedGeneration
      // ("Waiting for rollout to start"): with no Deployment controller nothing ever observes it.
      const deployment = await admin.get('apps/v1', 'Deployment', namespace, 'terminal');
      const observed = (deployment?.status as { observedGeneration?: number } | undefined)?.observedGeneration;
      expect([deployment?.metadata.generation, observed]).toStrictEqual([1, undefined]);
      expect(await admin.list('apps/v1', 'ReplicaSet', namespace)).toStrictEqual([]);
    });
  }

  test('the pod templates are admitted as Pods under Pod Security "restricted"; a container saying runAsNonRoot: false is refused', async () => {
    const owners = [...ofKind('CronJob'), ...ofKind('Deployment')];
    expect(owners.length).toBe(external ? 1 : 2);
    // Admission looks the pod's ServiceAccount up, and `default` is the controller's to make.
    await waitFor('the default ServiceAccount', 20_000, async () => (await admin.get('v1', 'ServiceAccount', namespace, 'default')) !== undefined);
    for (const owner of owners) {
      const [name, template] = [`${owner.metadata.name}-dry-run`, templateOf(owner)];
      const admitted = await dryRunPod(namespace, name, template);
      const seen = { name, status: admitted.status, warnings: admitted.warnings, message: admitted.body.message };
      expect(seen).toStrictEqual({ name, status: 201, warnings: [], message: undefined });
      // The pod's runAsNonRoot covers a container that leaves it out; a container's `false` (what the
      // provider sends for a security_context block without run_as_non_root) overrides it.
      expect((await dryRunPod(namespace, name, template, { runAsNonRoot: undefined })).status).toBe(201);
      const refused = await dryRunPod(namespace, name, template, { runAsNonRoot: false });
      expect({ status: refused.status, message: refused.body.message }).toStrictEqual({
        status: 403,
        message:
          `pods "${name}" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true ` +
          `(container "${template.spec.containers[0].name}" must not set securityContext.runAsNonRoot=false)`,
      });
    }
  });

  if (remediating) {
    test(`the probe's token may list and get Traefik's pods, and evict them only when remediation is on (${v.remediation})`, async () => {
      const token = await serviceAccountToken(admin, namespace, stack.webterminalProbe?.name ?? '');
      const evict = 'create pods/eviction in traefik';
      const allowed = ['list pods in traefik', 'get pods in traefik', ...(v.remediation === 'on' ? [evict] : [])];
      const denied = ['delete pods in traefik', 'patch pods in traefik', 'create pods in traefik', 'list secrets in traefik'];
      if (v.remediation !== 'on') denied.push(evict);
      denied.push('list pods cluster-wide', `get pods in ${namespace}`, `create pods/eviction in ${namespace}`);
      denied.push('create pods/eviction in kube-system');
      // Leases: only get/update of its own by name (remediation.test.ts asks by name); never create or list.
      denied.push(`create leases.coordination.k8s.io in ${namespace}`, `list leases.coordination.k8s.io in ${namespace}`);
      denied.push('update leases.coordination.k8s.io in traefik');
      expect(await answers(token, [...allowed, ...denied])).toStrictEqual({ allowed, denied });
    });
  }

  test('destroy deletes exactly what the apply made (warned only of Endpoints), and nothing beside it in the shared namespaces', async () => {
    [provider.changes.length, provider.warnings.length] = [0, 0];
    expect(await destroyAsProvider(provider, resources)).toStrictEqual(resources.map(() => true));
    const deletes = await Promise.all([...resources].reverse().map(async (r) => `DELETE ${await pathOf(r.object)}`));
    expect(provider.changes).toStrictEqual(deletes);
    expect(provider.warnings).toStrictEqual(deletes.filter((d) => d.includes('/endpoints/')).map((d) => `${d}: ${ENDPOINTS_DEPRECATED}`));
    const gone = async ({ object }: StandInResource): Promise<boolean> => {
      const left = await get(object);
      return left === undefined || (left.kind === 'Namespace' && (left.status as { phase: string }).phase === 'Terminating');
    };
    await waitFor('every object gone', 20_000, async () => (await Promise.all(resources.map(gone))).every((g) => g));
    const slices = () => admin.list('discovery.k8s.io/v1', 'EndpointSlice', 'traefik', `kubernetes.io/service-name=${shared}-replicas`);
    await waitFor('the replica Service’s EndpointSlices collected', 20_000, async () => (await slices()).length === 0);
    expect(await Promise.all(bystanders.map(async (o) => stamp((await get(o)) ?? o)))).toStrictEqual(bystandersBefore);
  });
});

describe('Traefik’s ServiceAccount, bound to the ClusterRole from Traefik’s docs', () => {
  type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
  /** What the ClusterRole file answers: it holds cluster-wide, so in every namespace. */
  const grants = (rules: readonly Rule[], question: string): boolean => {
    const a = attributesOf(question);
    const resource = a.subresource === undefined ? a.resource : `${a.resource}/${a.subresource}`;
    return rules.some((r) => r.apiGroups.includes(a.group) && r.resources.includes(resource) && r.verbs.includes(a.verb));
  };

  test('may read what routing needs, Secrets of every namespace included, and write nothing but Ingress status', async () => {
    const file = join(tools().traefik.module, 'docs/content/reference/dynamic-configuration/kubernetes-crd-rbac.yml');
    const role = yamlObjects(file).find((o) => o.kind === 'ClusterRole') as (KubeObject & { rules: Rule[] }) | undefined;
    expect(role?.metadata.name).toBe('traefik-ingress-controller');
    const allowed = ['list secrets cluster-wide', 'get secrets in kube-system', 'get pods in traefik', 'watch ingressroutes.traefik.io cluster-wide'];
    allowed.push('list endpointslices.discovery.k8s.io cluster-wide', 'update ingresses.networking.k8s.io/status in applied-ingress');
    const denied = ['list pods cluster-wide', 'create pods in traefik', 'create pods/eviction in traefik', 'create secrets in traefik'];
    denied.push('delete ingresses.networking.k8s.io in applied-ingress', 'update ingresses.networking.k8s.io in applied-ingress');
    denied.push('patch middlewares.traefik.io in traefik', 'delete services in traefik');
    expect(await answers(await traefikToken(admin), [...allowed, ...denied])).toStrictEqual({ allowed, denied });
    const fromFile = (questions: string[]) => questions.filter((q) => grants(role?.rules ?? [], q));
    expect({ allowed: fromFile(allowed), denied: fromFile(denied) }).toStrictEqual({ allowed, denied: [] });
  });
});
