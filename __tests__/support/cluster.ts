/**
 * One real Kubernetes control plane per jest run: etcd, kube-apiserver and kube-controller-manager
 * from `tools/build.sh`, with certificates and service-account keys made for the run. Jest's global
 * setup starts it (`startCluster`), the workers reach it through `cluster()`, global teardown stops it.
 *
 * What a cluster has before this stack is installed is installed too: the Traefik CRDs and its
 * ClusterRole (from the Traefik module's docs), the PrometheusRule CRD (from the prometheus-operator
 * module), the IngressClass `traefik` and the namespace `traefik`. The controllers are only those the
 * tests need: namespaces, garbage collection, disruption budgets, EndpointSlices (Traefik v3 reads them)
 * and their mirroring from Endpoints (what an external ttyd writes), service accounts and their tokens,
 * and the root-CA ConfigMap. No scheduler, no kubelet, no kube-proxy: pods never run; a test that
 * needs a pod's IP sets it through the status subresource.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KubeClient, type KubeCredentials, type KubeObject } from './kube-client';
import { apiServerAddress, createLabNetwork, removeLabNetwork } from './lab-network';
import { acceptsTcp, freePort, ManagedProcess, waitFor } from './processes';
import { tools } from './tools';

/** What the workers need to reach the cluster, written by global setup into the run folder. */
export interface ClusterInfo {
  readonly server: string;
  readonly caPath: string;
  readonly admin: { readonly certPath: string; readonly keyPath: string };
  readonly kubeconfig: string;
  readonly folder: string;
  readonly version: string;
}

const INFO_FILE = 'cluster.json';

/** What kube-controller-manager runs: no Job, CronJob, Deployment, ReplicaSet, node-lifecycle or pod-GC controller. */
const CONTROLLERS = [
  'namespace-controller',
  'garbage-collector-controller',
  'disruption-controller',
  'endpointslice-controller',
  'endpointslice-mirroring-controller',
  'serviceaccount-controller',
  'serviceaccount-token-controller',
  'root-ca-certificate-publisher-controller',
];

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A key and a certificate signed by the run's CA. */
function signed(dir: string, name: string, subject: string, extensions: string): { certPath: string; keyPath: string } {
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.crt`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, `${extensions}\n`);
  openssl(['req', '-new', ...EC, '-keyout', keyPath, '-out', csr, '-subj', subject]);
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    join(dir, 'ca.crt'),
    '-CAkey',
    join(dir, 'ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    certPath,
    '-extfile',
    ext,
  ]);
  return { certPath, keyPath };
}

function makePki(dir: string) {
  openssl([
    'req',
    '-x509',
    ...EC,
    '-days',
    '2',
    '-keyout',
    join(dir, 'ca.key'),
    '-out',
    join(dir, 'ca.crt'),
    '-subj',
    '/CN=webterminal-test-cluster-ca',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const serving = signed(
    dir,
    'kube-apiserver',
    '/CN=kube-apiserver',
    `subjectAltName=${[apiServerAddress(), '127.0.0.1', '198.19.0.1'].map((a) => `IP:${a}`).join(',')},` +
      ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'].map((d) => `DNS:${d}`).join(',') +
      '\nextendedKeyUsage=serverAuth',
  );
  const admin = signed(dir, 'admin', '/O=system:masters/CN=webterminal-test-admin', 'extendedKeyUsage=clientAuth');
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(dir, 'service-account.key')]);
  openssl(['ec', '-in', join(dir, 'service-account.key'), '-pubout', '-out', join(dir, 'service-account.pub')]);
  return { serving, admin };
}

function kubeconfig(server: string, caPath: string, admin: { certPath: string; keyPath: string }): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: { server, 'certificate-authority': caPath } }],
    users: [{ name: 'admin', user: { 'client-certificate': admin.certPath, 'client-key': admin.keyPath } }],
    contexts: [{ name: 'test', context: { cluster: 'test', user: 'admin' } }],
    'current-context': 'test',
  });
}

/** The objects of a multi-document YAML file. */
export function yamlObjects(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

/** The Traefik CRDs and ClusterRole, and the PrometheusRule CRD, read from the module cache. */
function baseObjects(): KubeObject[] {
  const { traefik, prometheusOperator } = tools();
  const traefikDocs = join(traefik.module, 'docs/content/reference/dynamic-configuration');
  const crds = [
    ...yamlObjects(join(traefikDocs, 'kubernetes-crd-definition-v1.yml')),
    ...yamlObjects(join(prometheusOperator.module, 'example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml')),
  ];
  const role = yamlObjects(join(traefikDocs, 'kubernetes-crd-rbac.yml')).filter((o) => o.kind === 'ClusterRole');
  return [
    ...crds,
    ...role,
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'traefik' } },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: 'traefik' },
      spec: { controller: 'traefik.io/ingress-controller' },
    },
  ];
}

export interface RunningCluster {
  readonly info: ClusterInfo;
  stop(): Promise<void>;
}

/** Starts the control plane in `folder` and installs what a cluster has before the stack. */
export async function startCluster(folder: string): Promise<RunningCluster> {
  const t = tools();
  mkdirSync(folder, { recursive: true });
  createLabNetwork();
  const processes: ManagedProcess[] = [];
  const stop = async () => {
    for (const p of processes.reverse()) await p.stop(10_000);
    removeLabNetwork();
  };
  try {
    const { serving, admin } = makePki(folder);
    const caPath = join(folder, 'ca.crt');
    const [etcdClient, etcdPeer] = [await freePort(), await freePort()];
    const etcd = ManagedProcess.start('etcd', t.etcd.path, [
      '--name=test',
      `--data-dir=${join(folder, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=test=http://127.0.0.1:${etcdPeer}`,
      '--log-level=warn',
      '--unsafe-no-fsync', // a test cluster: durability buys nothing here
    ]);
    processes.push(etcd);
    await etcd.waitUntilReady('etcd client port', 20_000, () => acceptsTcp('127.0.0.1', etcdClient));

    const port = await freePort([apiServerAddress()]);
    const server = `https://${apiServerAddress()}:${port}`;
    const apiserver = ManagedProcess.start('kube-apiserver', t.kubeApiserver.path, [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      `--bind-address=${apiServerAddress()}`,
      `--advertise-address=${apiServerAddress()}`,
      `--secure-port=${port}`,
      `--tls-cert-file=${serving.certPath}`,
      `--tls-private-key-file=${serving.keyPath}`,
      `--client-ca-file=${caPath}`,
      `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
      `--service-account-key-file=${join(folder, 'service-account.pub')}`,
      `--service-account-signing-key-file=${join(folder, 'service-account.key')}`,
      '--service-cluster-ip-range=198.19.0.0/24',
      '--authorization-mode=RBAC',
      `--cert-dir=${join(folder, 'apiserver-certs')}`,
      '--profiling=false',
      '--v=0',
    ]);
    processes.push(apiserver);
    const client = new KubeClient({ server, caPath, ...admin });
    await apiserver.waitUntilReady('/readyz', 90_000, async () => (await client.request('GET', '/readyz')).status === 200);

    const kubeconfigPath = join(folder, 'admin.kubeconfig');
    writeFileSync(kubeconfigPath, kubeconfig(server, caPath, admin));
    const controllers = ManagedProcess.start('kube-controller-manager', t.kubeControllerManager.path, [
      `--kubeconfig=${kubeconfigPath}`,
      `--controllers=${CONTROLLERS.join(',')}`,
      `--service-account-private-key-file=${join(folder, 'service-account.key')}`,
      `--root-ca-file=${caPath}`,
      '--leader-elect=false',
      '--secure-port=0',
      '--concurrent-endpoint-syncs=5',
      '--endpointslice-updates-batch-period=0s',
      '--v=0',
    ]);
    processes.push(controllers);

    for (const object of baseObjects()) await client.apply(object);
    await waitFor('the CRDs to be established', 30_000, async () => {
      const crds = await client.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
      return crds.every((crd) =>
        ((crd.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some(
          (c) => c.type === 'Established' && c.status === 'True',
        ),
      );
    });
    // The namespace controller's first sync also makes the `default` ServiceAccount a pod needs.
    await controllers.waitUntilReady(
      'the default ServiceAccount',
      30_000,
      async () => (await client.get('v1', 'ServiceAccount', 'default', 'default')) !== undefined,
    );
    client.close();

    const info: ClusterInfo = { server, caPath, admin, kubeconfig: kubeconfigPath, folder, version: t.kubeApiserver.version };
    writeFileSync(join(folder, INFO_FILE), JSON.stringify(info));
    return { info, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

let shared: ClusterInfo | undefined;

/** The run's cluster, as global setup wrote it. */
export function cluster(): ClusterInfo {
  if (shared !== undefined) return shared;
  const folder = process.env.WEBTERMINAL_TEST_CLUSTER;
  if (folder === undefined || !existsSync(join(folder, INFO_FILE))) {
    throw new Error('no test cluster: jest global setup starts one (support/run-folder.ts); run the tests with `npm test` or `npx jest`');
  }
  shared = JSON.parse(readFileSync(join(folder, INFO_FILE), 'utf8')) as ClusterInfo;
  return shared;
}

/** A client of the run's cluster as its administrator. */
export function adminClient(): KubeClient {
  const { server, caPath, admin } = cluster();
  return new KubeClient({ server, caPath, ...admin } satisfies KubeCredentials);
}
