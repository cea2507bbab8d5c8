/**
 * The incident, replayed (`npm run drill`, and the cluster tier's drill test): the terminal stack
 * applied to the real API server with remediation on; three real Traefik replicas serving what it
 * made, one of them up with only the `kubernetesCRD` provider (the Ingress-derived router missing, as
 * on 2026-05-17); the probe run from the exact ConfigMap files with the CronJob's environment, on a
 * compressed schedule, pushing to a real Pushgateway; a real Prometheus evaluating the rules read back
 * from the PrometheusRule (durations compressed); the probe evicting the bad replica's Pod through the
 * real Eviction API, past a PodDisruptionBudget; the drill replacing it with a Traefik that has both
 * providers; the next run healthy and the alert resolved.
 *
 * What the drill plays, because this cluster has no kubelet, kube-proxy or CoreDNS: the Traefik Pods'
 * status (IP, Ready), the Service address of ttyd (a TCP forwarder), and cluster DNS (dnsmasq,
 * answering from the EndpointSlices the real controller writes). The probe's environment is the
 * CronJob's, with these overrides only: PROBE_DNS_SERVERS (that dnsmasq), PROBE_KUBE_API_URL,
 * PROBE_KUBE_TOKEN_FILE (a TokenRequest for the probe's ServiceAccount), PROBE_KUBE_CA_FILE, and
 * NODE_EXTRA_CA_CERTS (the drill's certificate for the terminal host, which a real edge gets from a
 * public CA).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { TerminalStack, TtydBackend, type RuleFile } from '../../lib';
import { Testing } from '../../lib/private/cdktf';
import { AuthentikOutpost } from './authentik';
import { adminClient, cluster } from './cluster';
import { probeFromCluster } from './cluster-probe';
import { Dnsmasq, Pushgateway } from './daemons';
import { fastRules } from './fast-rules';
import type { KubeClient } from './kube-client';
import { claimLabAddress, releaseLabAddress } from './lab-network';
import { EdgeProxy } from './nginx';
import { freePort, sleep } from './processes';
import { Prometheus } from './prometheus';
import { applyStack } from './provider-apply';
import { objectsOf } from './provider-stand-in';
import { ServiceProxy, TtydStandIn } from './servers';
import { selfSignedCertificate, tlsSecret } from './tls';
import { serviceAccountToken, TraefikReplica, traefikToken, type TraefikProvider } from './traefik';
import { tools } from './tools';

const HOST = 'terminal.drill.test';
const NAMESPACE = 'drill';
const TRAEFIK_NAMESPACE = 'traefik';
const TRAEFIK_LABELS = { 'app.kubernetes.io/name': 'traefik', 'app.kubernetes.io/instance': 'traefik-traefik' };
const ALERT = 'WebterminalReplicaRouteMissing';
/**
 * The Node the Traefik Pods are bound to. The EndpointSlice controller leaves out a pod whose node does
 * not exist, and a bound pod's deletion waits for its kubelet, which the drill plays: it stops the
 * process and confirms the deletion (grace period 0), as a kubelet does.
 */
const NODE = 'drill-node';
/** Seconds between probe runs: the CronJob's five minutes, compressed. */
const INTERVAL_SECONDS = 5;

export interface DrillEvent {
  readonly at: number;
  readonly what: string;
}

export interface DrillResult {
  readonly versions: Readonly<Record<string, string>>;
  readonly events: readonly DrillEvent[];
  /** Seconds from the drill's start. */
  readonly routeLost: number;
  readonly alertFiring: number;
  readonly eviction: number;
  readonly healthy: number;
  readonly resolved: number;
  /** The bad replica's address. */
  readonly badReplica: string;
  /** Every probe run's stdout and stderr. */
  readonly probeRuns: readonly { readonly stdout: string; readonly stderr: string; readonly code: number | null }[];
}

interface Replica {
  readonly traefik: TraefikReplica;
  readonly pod: string;
}

/** The drill against the run's cluster; `log` gets the timeline, one line per event. */
export async function runDrill(log: (line: string) => void = () => undefined): Promise<DrillResult> {
  const started = Date.now();
  const offset = () => (Date.now() - started) / 1000;
  const events: DrillEvent[] = [];
  const event = (what: string) => {
    const at = offset();
    events.push({ at, what });
    log(`+${at.toFixed(1).padStart(6)}s  ${what}`);
    return at;
  };
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const admin = adminClient();
  cleanups.push(() => admin.close());
  const address = () => {
    const a = claimLabAddress();
    cleanups.push(() => releaseLabAddress(a));
    return a;
  };
  const dir = mkdtempSync(join(tmpdir(), 'drill-'));
  try {
    const versions = await programVersions(admin);
    log(
      `drill versions: ${Object.entries(versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );

    // The VM with ttyd, Authentik's outpost, and what the cluster has before the stack.
    const [vm, outpostAddress, serviceAddress, pushgatewayAddress, edgeAddress] = [address(), address(), address(), address(), address()];
    const ttyd = new TtydStandIn(7681, 'X-authentik-username', undefined, vm);
    const outpost = new AuthentikOutpost(outpostAddress, 9000);
    const origin = new ServiceProxy(serviceAddress, 80, { host: vm, port: 7681 });
    const pushgateway = new Pushgateway(9091, pushgatewayAddress);
    await Promise.all([ttyd.start(), outpost.start(), origin.start(), pushgateway.start()]);
    cleanups.push(() => Promise.all([ttyd.stop(), outpost.stop(), origin.stop(), pushgateway.stop()]));
    await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } });
    await admin.apply({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE, labels: { 'kubernetes.io/hostname': NODE } } });
    cleanups.push(() => admin.delete('v1', 'Node', undefined, NODE));
    await admin.apply(outpost.middleware({ namespace: TRAEFIK_NAMESPACE, name: 'authentik-forward-auth' }));
    cleanups.push(() => admin.delete('traefik.io/v1alpha1', 'Middleware', TRAEFIK_NAMESPACE, 'authentik-forward-auth'));
    // The stack, applied: its namespace first, then the TLS Secret it refers to, then the rest.
    const stack = new TerminalStack(Testing.app(), 'terminal', {
      host: HOST,
      namespace: NAMESPACE,
      ttyd: TtydBackend.externalHost({ address: vm, port: 7681 }),
      probe: { createReplicaService: true, remediation: { mode: 'on' } },
    });
    const applied = objectsOf(JSON.parse(Testing.synth(stack)) as unknown);
    cleanups.push(async () => {
      for (const { object } of [...applied].reverse()) {
        await admin.delete(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name);
      }
    });
    const cert = selfSignedCertificate(dir, [HOST]);
    await applyStack(admin, applied, [tlsSecret(NAMESPACE, 'terminal-tls', cert)]);
    await admin.apply({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'traefik', namespace: TRAEFIK_NAMESPACE },
      spec: { minAvailable: 2, selector: { matchLabels: TRAEFIK_LABELS } },
    });
    cleanups.push(() => admin.delete('policy/v1', 'PodDisruptionBudget', TRAEFIK_NAMESPACE, 'traefik'));
    event(`stack applied: ${applied.length} objects through the real API server (provider stand-in)`);

    // Three Traefik replicas; the third up with the CRD provider only.
    const { server, caPath } = cluster();
    const token = await traefikToken(admin);
    const replicas: Replica[] = [];
    const startReplica = async (name: string, providers: readonly TraefikProvider[]): Promise<Replica> => {
      const traefik = new TraefikReplica({
        address: address(),
        websecurePort: 8443,
        apiPort: 8080,
        providers,
        namespaces: [NAMESPACE, TRAEFIK_NAMESPACE],
        server,
        caPath,
        token,
        dir: join(dir, name),
      });
      await traefik.start();
      cleanups.push(() => traefik.stop());
      await podUp(admin, name, traefik.options.address);
      cleanups.push(() => deletePod(admin, name));
      return { traefik, pod: name };
    };
    replicas.push(await startReplica('traefik-a', ['kubernetesIngress', 'kubernetesCRD']));
    replicas.push(await startReplica('traefik-b', ['kubernetesIngress', 'kubernetesCRD']));
    const bad = await startReplica('traefik-c', ['kubernetesCRD']);
    replicas.push(bad);
    const routeLost = event(
      `replica ${bad.traefik.options.address} (pod ${TRAEFIK_NAMESPACE}/${bad.pod}) up with the kubernetesCRD provider only: ` +
        'no router for the Ingress',
    );

    // The edge, cluster DNS from the EndpointSlices, Prometheus with the rules read back.
    // The edge balances over the replica Service's endpoints, as a tunnel to Traefik's Service does.
    let edge: EdgeProxy | undefined;
    const edgeOver = async (set: readonly Replica[], name: string) => {
      await edge?.stop();
      const upstreams = set.map((r) => ({ address: r.traefik.options.address, port: 8443 }));
      edge = new EdgeProxy({ port: 443, address: edgeAddress, cert, replicas: upstreams }, join(dir, name));
      await edge.start({ refuseUpgrades: false });
    };
    await edgeOver(replicas, 'edge');
    cleanups.push(() => edge?.stop());
    const dns = new ClusterDns(admin, join(dir, 'dns'), [
      { name: HOST, addresses: [edgeAddress] },
      { name: `terminal.${NAMESPACE}.svc.cluster.local`, addresses: [serviceAddress] },
      { name: 'prometheus-pushgateway.monitoring.svc.cluster.local', addresses: [pushgatewayAddress] },
    ]);
    await dns.update();
    cleanups.push(() => dns.stop());
    const ruleObject = applied.find((r) => r.object.kind === 'PrometheusRule')?.object;
    if (ruleObject === undefined) throw new Error('the stack made no PrometheusRule');
    const rules = await rulesFromCluster(admin, ruleObject.metadata.namespace ?? 'monitoring', ruleObject.metadata.name);
    const prometheus = await Prometheus.start({ pushgatewayUrl: pushgateway.url, ruleFiles: [stringify(rules)] });
    cleanups.push(() => prometheus.stop());

    // The probe as the CronJob runs it.
    const probe = await probeFromCluster(admin, NAMESPACE, join(dir, 'probe'));
    const tokenFile = join(dir, 'probe', 'token');
    writeFileSync(tokenFile, await serviceAccountToken(admin, NAMESPACE, probe.serviceAccountName ?? 'default'), { mode: 0o600 });
    const probeOverrides = {
      PROBE_DNS_SERVERS: dns.server,
      PROBE_KUBE_API_URL: server,
      PROBE_KUBE_TOKEN_FILE: tokenFile,
      PROBE_KUBE_CA_FILE: caPath,
      NODE_EXTRA_CA_CERTS: cert.certPath,
    };
    const probeRuns: DrillResult['probeRuns'][number][] = [];
    let alertFiring: number | undefined;
    let eviction: number | undefined;
    let healthy: number | undefined;
    let resolved: number | undefined;
    const deadline = Date.now() + 150_000;
    let nextRun = Date.now();
    while (resolved === undefined) {
      if (Date.now() > deadline)
        throw new Error(
          `the drill did not finish in 150 s:\n${events.map((e) => `+${e.at.toFixed(1)}s ${e.what}`).join('\n')}\n` +
            `last probe run:\n${JSON.stringify(probeRuns.at(-1), null, 1)}`,
        );
      if (Date.now() >= nextRun) {
        nextRun = Date.now() + INTERVAL_SECONDS * 1000;
        const run = await probe.run(probeOverrides);
        probeRuns.push(run);
        const summary = run.stdout.split('\n').find((l) => l.startsWith('probe: ')) ?? '(no summary)';
        const remediation = run.stdout.split('\n').find((l) => l.includes('remediation')) ?? '';
        event(`probe run ${probeRuns.length}: ${summary.slice(0, 120)}${remediation === '' ? '' : ` | ${remediation.slice(0, 100)}`}`);
        if (eviction !== undefined && healthy === undefined && run.code === 0 && / ok=1\b/.test(summary))
          healthy = event('probe run healthy: every replica routes the terminal');
      }
      const alerts = (await prometheus.alerts()).filter((a) => a.labels.alertname === ALERT && a.labels.replica === bad.traefik.options.address);
      if (alertFiring === undefined && alerts.some((a) => a.state === 'firing'))
        alertFiring = event(`${ALERT} firing for replica ${bad.traefik.options.address}`);
      if (alertFiring !== undefined && healthy !== undefined && alerts.length === 0) resolved = event(`${ALERT} resolved`);
      const badPod = eviction === undefined ? await admin.get('v1', 'Pod', TRAEFIK_NAMESPACE, bad.pod) : undefined;
      if (eviction === undefined && (badPod === undefined || badPod.metadata.deletionTimestamp !== undefined)) {
        eviction = event(`pod ${TRAEFIK_NAMESPACE}/${bad.pod} evicted by the probe (Eviction API, PodDisruptionBudget minAvailable 2)`);
        await bad.traefik.stop();
        await deletePod(admin, bad.pod);
        replicas.splice(replicas.indexOf(bad), 1);
        const replacement = await startReplica('traefik-d', ['kubernetesIngress', 'kubernetesCRD']);
        replicas.push(replacement);
        await edgeOver(replicas, 'edge-after-eviction');
        event(`replacement pod ${TRAEFIK_NAMESPACE}/${replacement.pod} at ${replacement.traefik.options.address}, both providers`);
      }
      await dns.update();
      await sleep(250);
    }
    if (alertFiring === undefined || eviction === undefined || healthy === undefined) throw new Error('the drill ended without every event');
    log(
      `drill: route lost +${routeLost.toFixed(1)}s, alert firing +${alertFiring.toFixed(1)}s, ` +
        `eviction +${eviction.toFixed(1)}s, healthy +${healthy.toFixed(1)}s (resolved +${resolved.toFixed(1)}s)`,
    );
    return { versions, events, routeLost, alertFiring, eviction, healthy, resolved, badReplica: bad.traefik.options.address, probeRuns };
  } finally {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  }
}

async function programVersions(admin: KubeClient): Promise<Record<string, string>> {
  const t = tools();
  const apiserver = (await admin.call<{ gitVersion: string }>('GET', '/version')).body.gitVersion;
  const terraform = execFileSync(t.terraform.path, ['version'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
  }).split('\n')[0];
  return {
    'kube-apiserver': apiserver,
    traefik: t.traefik.version,
    'terraform-provider-kubernetes':
      t.kubernetesProvider.path === undefined ? 'not built (a stand-in applies the objects)' : t.kubernetesProvider.version,
    [t.terraform.name]: `${terraform} (not run: no provider)`,
    ttyd: process.env.TTYD_BIN ?? 'stand-in (ttyd 1.7.7 as measured)',
    node: process.version,
  };
}

/** Creates a Traefik replica's Pod, bound to the drill's Node, and sets what a kubelet would: its IP, Running and Ready. */
async function podUp(admin: KubeClient, name: string, ip: string): Promise<void> {
  await admin.apply({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: TRAEFIK_NAMESPACE, labels: TRAEFIK_LABELS },
    spec: { nodeName: NODE, containers: [{ name: 'traefik', image: `traefik:${tools().traefik.version}` }], terminationGracePeriodSeconds: 30 },
  });
  const now = new Date().toISOString();
  const conditions = ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({ type, status: 'True', lastTransitionTime: now }));
  await admin.call(
    'PATCH',
    `/api/v1/namespaces/${TRAEFIK_NAMESPACE}/pods/${name}/status`,
    { status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], startTime: now, conditions } },
    'application/merge-patch+json',
  );
}

/** What a kubelet does last for a pod being deleted: confirms it, with grace period 0. */
async function deletePod(admin: KubeClient, name: string): Promise<void> {
  await admin.request('DELETE', `/api/v1/namespaces/${TRAEFIK_NAMESPACE}/pods/${name}`, {
    apiVersion: 'v1',
    kind: 'DeleteOptions',
    gracePeriodSeconds: 0,
  });
}

/** The rule groups of the stack's PrometheusRule as the API returns them, durations compressed. */
async function rulesFromCluster(admin: KubeClient, namespace: string, name: string): Promise<RuleFile> {
  const rule = await admin.get('monitoring.coreos.com/v1', 'PrometheusRule', namespace, name);
  if (rule === undefined) throw new Error(`PrometheusRule ${namespace}/${name} is not in the cluster`);
  const { file } = fastRules({ groups: (rule.spec as RuleFile).groups }, { for: '4s', window: '20s', step: '1s', restartGuardSeconds: 1 });
  return file;
}

/** Cluster DNS: dnsmasq answering fixed names, and the replica Service from its EndpointSlices' ready addresses. */
class ClusterDns {
  private dnsmasq: Dnsmasq | undefined;
  private current = '';
  private port = 0;

  constructor(
    private readonly admin: KubeClient,
    private readonly dir: string,
    private readonly fixed: { name: string; addresses: string[] }[],
  ) {
    mkdirSync(dir, { recursive: true });
  }

  get server(): string {
    return `127.0.0.1:${this.port}`;
  }

  async update(): Promise<void> {
    const slices = await this.admin.list('discovery.k8s.io/v1', 'EndpointSlice', TRAEFIK_NAMESPACE, 'kubernetes.io/service-name=traefik-replicas');
    const ready = slices
      .flatMap((s) => (s.endpoints as { addresses: string[]; conditions?: { ready?: boolean } }[] | undefined) ?? [])
      .filter((e) => e.conditions?.ready !== false)
      .flatMap((e) => e.addresses)
      .sort();
    const records = [
      ...this.fixed,
      ...(ready.length > 0 ? [{ name: `traefik-replicas.${TRAEFIK_NAMESPACE}.svc.cluster.local`, addresses: ready }] : []),
    ];
    const key = JSON.stringify(records);
    if (key === this.current) return;
    await this.dnsmasq?.stop();
    if (this.port === 0) this.port = await freePort();
    this.dnsmasq = new Dnsmasq(this.port, records, join(this.dir, 'dnsmasq.pid'));
    await this.dnsmasq.start();
    this.current = key;
  }

  stop(): Promise<void> {
    return this.dnsmasq?.stop() ?? Promise.resolve();
  }
}
