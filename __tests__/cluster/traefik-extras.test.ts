/**
 * Two things real Traefik v3.7 does that the stand-ins only assumed, through the real API server:
 * mutual TLS to an external ttyd through the stack's ServersTransport (Ingress and IngressRoute), and
 * the probe's router inventory against a real `/api/http/routers` that lists more than one page.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { ProbeMetric, TerminalStack, TtydBackend } from '../../lib';
import { Testing } from '../../lib/private/cdktf';
import { AuthentikOutpost, SESSION_COOKIE, SESSION_VALUE } from '../support/authentik';
import { adminClient, cluster } from '../support/cluster';
import { Pushgateway } from '../support/daemons';
import { runProbe } from '../support/fixtures';
import type { KubeClient, KubeObject } from '../support/kube-client';
import { claimLabAddress, releaseLabAddress } from '../support/lab-network';
import { NO_ROUTER_BODY } from '../support/nginx';
import { freePort, makeTempDir, waitFor } from '../support/processes';
import { applyStack } from '../support/provider-apply';
import { objectsOf } from '../support/provider-stand-in';
import { TtydStandIn } from '../support/servers';
import { type MutualTlsFiles, mutualTlsFiles, selfSignedCertificate, tlsSecret } from '../support/tls';
import { routedRequest, TraefikReplica, traefikToken } from '../support/traefik';

const KINDS = ['Ingress', 'IngressRoute'] as const;
type Kind = (typeof KINDS)[number];
/** `mtls`: the stack with `mutualTls`; `plain`: the same stack without it, pointed at the same https ttyd. */
type Variant = 'mtls' | 'plain';
/** This file's own forward-auth Middleware; the drill and routing.test.ts own theirs. */
const AUTH_MIDDLEWARE = { namespace: 'traefik', name: 'traefik-extras-forward-auth' };
const SIGNED_IN = { Cookie: `${SESSION_COOKIE}=${SESSION_VALUE}` };
const CLIENT_SECRET = 'ttyd-client';
const TTYD_PORT: Record<Kind, number> = { Ingress: 7681, IngressRoute: 7682 };
const ROUTERS_NAMESPACE = 'traefik-extra-routers';
const INGRESS_ROUTERS = 190;
const CRD_ROUTERS = 15;
/** Traefik's default `per_page` (pkg/api/criterion.go), which the probe asks for explicitly. */
const PAGE = 100;
const PROBE_JOB = 'traefik-extras-inventory';

const namespaceOf = (kind: Kind, variant: Variant) => `traefik-extra-${variant}-${kind.toLowerCase()}`;
const hostOf = (kind: Kind, variant: Variant) => `terminal.${variant}-${kind.toLowerCase()}.extras.test`;

interface TlsPeer {
  readonly path: string;
  readonly authorized: boolean;
  readonly subject: string;
  readonly issuer: string;
}

/** The https ttyd stand-in (ttyd `--ssl --ssl-ca`), also recording the client certificate each request came with. */
class MutualTlsTtyd extends TtydStandIn {
  readonly peers: TlsPeer[] = [];
  readonly tlsErrors: string[] = [];

  constructor(port: number, files: MutualTlsFiles, host: string) {
    const tls = { cert: readFileSync(files.server.certPath), key: readFileSync(files.server.keyPath), ca: readFileSync(files.caPath) };
    super(port, 'X-authentik-username', { ...tls, requestCert: true, rejectUnauthorized: true }, host);
    const record = (request: { url?: string; socket: unknown }) => {
      const socket = request.socket as TLSSocket;
      const peer = socket.getPeerCertificate();
      const cn = (name: { CN?: string | string[] } | undefined) => String(name?.CN ?? '');
      this.peers.push({ path: request.url ?? '/', authorized: socket.authorized, subject: cn(peer.subject), issuer: cn(peer.issuer) });
    };
    this.server.on('request', record);
    this.server.on('upgrade', record);
    this.server.on('tlsClientError', (error: Error) => this.tlsErrors.push(error.message));
  }
}

let admin: KubeClient;
const addresses: string[] = [];
const temp = makeTempDir('traefik-extras');
const ACCESS_LOG = join(temp.path, 'inventory-access.log');
const ttyds = {} as Record<Kind, MutualTlsTtyd>;
const tlsFiles = {} as Record<Kind, MutualTlsFiles>;
let outpost: AuthentikOutpost;
let traefik: TraefikReplica;
let inventoryTraefik: TraefikReplica;
let pushgateway: Pushgateway;

function lab(): string {
  const address = claimLabAddress();
  addresses.push(address);
  return address;
}

async function applyVariant(kind: Kind, variant: Variant, vm: string, cert: { certPath: string; keyPath: string }): Promise<void> {
  const namespace = namespaceOf(kind, variant);
  const mutualTls = variant === 'mtls' ? { clientCertSecret: CLIENT_SECRET } : undefined;
  const stack = new TerminalStack(Testing.app(), 'terminal', {
    host: hostOf(kind, variant),
    namespace,
    ttyd: TtydBackend.externalHost({ address: vm, port: TTYD_PORT[kind], mutualTls }),
    ingressKind: kind,
    authMiddleware: AUTH_MIDDLEWARE,
    probe: { enabled: false },
  });
  const { client, caPath } = tlsFiles[kind];
  const secrets = [tlsSecret(namespace, 'terminal-tls', cert)];
  // One Secret for both ends, as the ServersTransport reads it: the client pair and the CA of ttyd's certificate.
  if (mutualTls) secrets.push(tlsSecret(namespace, CLIENT_SECRET, client, caPath));
  await applyStack(admin, objectsOf(JSON.parse(Testing.synth(stack))), secrets);
}

const get = (kind: Kind, variant: Variant, path: string, websocket = false) =>
  routedRequest(traefik.options.address, traefik.options.websecurePort, hostOf(kind, variant), path, { headers: SIGNED_IN, websocket });

beforeAll(async () => {
  admin = adminClient();
  const [vm, outpostAddress, replica, inventoryReplica] = [lab(), lab(), lab(), lab()];
  for (const kind of KINDS) {
    // ttyd's certificate is for the name the ServersTransport checks by default: the Service's cluster DNS name.
    const dir = join(temp.path, kind);
    mkdirSync(dir);
    tlsFiles[kind] = mutualTlsFiles(dir, `terminal.${namespaceOf(kind, 'mtls')}.svc.cluster.local`);
    ttyds[kind] = new MutualTlsTtyd(TTYD_PORT[kind], tlsFiles[kind], vm);
  }
  outpost = new AuthentikOutpost(outpostAddress, 9000);
  pushgateway = new Pushgateway(await freePort());
  await Promise.all([...KINDS.map((k) => ttyds[k].start()), outpost.start(), pushgateway.start()]);
  await admin.apply(outpost.middleware(AUTH_MIDDLEWARE));
  const variants = KINDS.flatMap((kind) => (['mtls', 'plain'] as const).map((variant) => [kind, variant] as const));
  const cert = selfSignedCertificate(
    temp.path,
    variants.map(([k, v]) => hostOf(k, v)),
  );
  for (const [kind, variant] of variants) await applyVariant(kind, variant, vm, cert);
  await applyRouters(vm);

  const { server, caPath } = cluster();
  const token = await traefikToken(admin);
  const common = { websecurePort: 8443, apiPort: 8080, server, caPath, token };
  traefik = new TraefikReplica({
    ...common,
    address: replica,
    namespaces: [...variants.map(([k, v]) => namespaceOf(k, v)), 'traefik'],
    dir: join(temp.path, 'traefik'),
  });
  // The inventory's replica watches the routers' namespace only, so nothing another test applies moves its count.
  inventoryTraefik = new TraefikReplica({
    ...common,
    address: inventoryReplica,
    namespaces: [ROUTERS_NAMESPACE],
    flags: [
      '--accesslog=true',
      `--accesslog.filepath=${ACCESS_LOG}`,
      '--accesslog.format=json',
      '--accesslog.addinternals=true',
      '--accesslog.fields.headers.names.User-Agent=keep',
    ],
    dir: join(temp.path, 'traefik-inventory'),
  });
  await Promise.all([traefik.start(), inventoryTraefik.start()]);
  // Until the CRD provider's ServersTransport reaches the Ingress provider's router, Traefik logs "servers
  // transport not found" and the router errs: wait for the answer each variant settles on.
  for (const [kind, variant] of variants) {
    const settled = variant === 'mtls' ? 200 : 502;
    await waitFor(`${settled} from ${hostOf(kind, variant)}`, 20_000, async () => (await get(kind, variant, '/token')).status === settled);
  }
  await waitFor(`${INGRESS_ROUTERS + CRD_ROUTERS} routers on ${inventoryReplica}`, 30_000, async () => {
    const listed = await inventoryTraefik.routers();
    return listed.filter((r) => r.provider !== 'internal').length === INGRESS_ROUTERS + CRD_ROUTERS;
  });
}, 90_000);

afterAll(async () => {
  await Promise.all([traefik?.stop(), inventoryTraefik?.stop(), pushgateway?.stop(), outpost?.stop(), ...KINDS.map((k) => ttyds[k]?.stop())]);
  for (const kind of KINDS)
    for (const variant of ['mtls', 'plain'] as const) await admin?.delete('v1', 'Namespace', undefined, namespaceOf(kind, variant));
  await admin?.delete('v1', 'Namespace', undefined, ROUTERS_NAMESPACE);
  await admin?.delete('traefik.io/v1alpha1', 'Middleware', AUTH_MIDDLEWARE.namespace, AUTH_MIDDLEWARE.name);
  admin?.close();
  for (const a of addresses) releaseLabAddress(a);
  temp.remove();
});

describe.each(KINDS)('mutual TLS to ttyd, the stack as %s, through real Traefik', (kind) => {
  test('signed in, /token and /ws reach the https ttyd, which saw Traefik present the client certificate', async () => {
    const ttyd = ttyds[kind];
    const before = ttyd.peers.length;
    expect(await get(kind, 'mtls', '/token')).toMatchObject({ status: 200, body: '{"token": ""}' });
    expect(ttyd.requests.at(-1)?.headers['x-authentik-username']).toBe('alice');
    expect((await get(kind, 'mtls', '/ws', true)).status).toBe(101);
    const seen = ttyd.peers.slice(before);
    expect(seen.map((p) => p.path)).toEqual(['/token', '/ws']);
    for (const peer of seen) expect(peer).toMatchObject({ authorized: true, subject: 'traefik', issuer: 'probe-test-ca' });
  });

  test('without the ServersTransport the same https ttyd is unreachable: Traefik answers 502 and ttyd sees a failed handshake', async () => {
    const ttyd = ttyds[kind];
    const [requests, errors] = [ttyd.requests.length, ttyd.tlsErrors.length];
    expect((await get(kind, 'plain', '/token')).status).toBe(502);
    expect((await get(kind, 'plain', '/ws', true)).status).toBe(502);
    expect(ttyd.requests.length).toBe(requests);
    // Traefik spoke plain HTTP to the TLS port (OpenSSL: "http request").
    expect(ttyd.tlsErrors.length).toBeGreaterThan(errors);
    for (const error of ttyd.tlsErrors.slice(errors)) expect(error).toContain('http request');
  });

  test('ttyd itself refuses a TLS client without the certificate, so the transport’s certificate is what lets Traefik in', async () => {
    const ttyd = ttyds[kind];
    const ask = (withCert: boolean) =>
      new Promise<number>((resolve, reject) => {
        const { caPath, client } = tlsFiles[kind];
        const cert = withCert ? { cert: readFileSync(client.certPath), key: readFileSync(client.keyPath) } : {};
        const request = https.get({
          host: ttyd.host,
          port: ttyd.port,
          path: '/token',
          servername: `terminal.${namespaceOf(kind, 'mtls')}.svc.cluster.local`,
          ca: readFileSync(caPath),
          headers: { 'X-authentik-username': 'direct' },
          agent: false,
          timeout: 3000,
          ...cert,
        });
        request.on('response', (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', reject);
      });
    await expect(ask(true)).resolves.toBe(200);
    const errors = ttyd.tlsErrors.length;
    await expect(ask(false)).rejects.toThrow('tlsv13 alert certificate required');
    expect(ttyd.tlsErrors.slice(errors)).toEqual([expect.stringContaining('peer did not return a certificate')]);
  });
});

test('real Traefik v3.7 takes the ServersTransport without a deprecation (rootCAs, not rootCAsSecrets)', () => {
  expect(traefik.log).not.toContain('deprecated');
});

const pad = (i: number) => String(i).padStart(3, '0');

/** A selectorless Service with Endpoints (the Ingress provider skips a router whose Service has none), then the routers. */
async function applyRouters(vm: string): Promise<void> {
  const namespace = ROUTERS_NAMESPACE;
  await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  await admin.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'backend', namespace }, spec: { ports: [{ name: 'http', port: 80 }] } });
  await admin.apply({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'backend', namespace },
    subsets: [{ addresses: [{ ip: vm }], ports: [{ name: 'http', port: 7690 }] }],
  });
  const ingress = (i: number): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: `app-${pad(i)}`, namespace },
    spec: {
      ingressClassName: 'traefik',
      rules: [
        {
          host: `app-${pad(i)}.routers.extras.test`,
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'backend', port: { number: 80 } } } }] },
        },
      ],
    },
  });
  const ingressRoute = (i: number): KubeObject => ({
    apiVersion: 'traefik.io/v1alpha1',
    kind: 'IngressRoute',
    metadata: { name: `crd-${pad(i)}`, namespace },
    spec: {
      entryPoints: ['websecure'],
      routes: [{ kind: 'Rule', match: `Host(\`crd-${pad(i)}.routers.extras.test\`)`, services: [{ name: 'backend', port: 80 }] }],
    },
  });
  const objects = [
    ...Array.from({ length: INGRESS_ROUTERS }, (_, i) => ingress(i)),
    ...Array.from({ length: CRD_ROUTERS }, (_, i) => ingressRoute(i)),
  ];
  for (let i = 0; i < objects.length; i += 8) await Promise.all(objects.slice(i, i + 8).map((o) => admin.apply(o)));
}

interface ApiRouter {
  readonly name: string;
  readonly provider: string;
  readonly service: string;
  readonly rule: string;
}

async function apiGet(query: string): Promise<{ status: number; nextPage: string | null; contentType: string | null; body: string }> {
  const response = await fetch(`${inventoryTraefik.apiUrl}/api/http/routers${query}`, { signal: AbortSignal.timeout(3000) });
  return {
    status: response.status,
    nextPage: response.headers.get('x-next-page'),
    contentType: response.headers.get('content-type'),
    body: await response.text(),
  };
}

describe('the probe’s router inventory against real Traefik’s /api/http/routers', () => {
  test('real Traefik pages by 100: X-Next-Page is page+1 while more follow and 1 on the last page; past it, 400 without the header', async () => {
    const all = JSON.parse((await apiGet('?per_page=1000')).body) as ApiRouter[];
    const pages = Math.ceil(all.length / PAGE);
    expect(pages).toBeGreaterThan(2);
    expect(await apiGet('')).toMatchObject({ status: 200, nextPage: '2', contentType: 'application/json' }); // page 1, per_page 100
    for (let page = 1; page <= pages; page += 1) {
      const answer = await apiGet(`?page=${page}&per_page=${PAGE}`);
      expect(answer).toMatchObject({ status: 200, nextPage: String(page < pages ? page + 1 : 1) });
      const names = (JSON.parse(answer.body) as ApiRouter[]).map((r) => r.name);
      expect(names).toEqual(all.slice((page - 1) * PAGE, page * PAGE).map((r) => r.name));
    }
    // The nginx stand-in answers here with its own HTML 400 page and X-Next-Page: 1; Traefik sends JSON as text/plain, no header.
    const past = await apiGet(`?page=${pages + 1}&per_page=${PAGE}`);
    expect(past).toMatchObject({ status: 400, nextPage: null, contentType: 'text/plain; charset=utf-8' });
    expect(past.body).toBe(`{"message":"invalid request: page: ${pages + 1}, per_page: ${PAGE}"}\n`);
  });

  // The nginx stand-in lists `router-<i>@kubernetes`, service `svc-<i>`, backquoted rules and no @internal routers.
  test('router names: `<ns>-<ingress>-<host>@kubernetes`, `<ns>-<route>-<hash>@kubernetescrd`, and the API’s own three first', async () => {
    const all = JSON.parse((await apiGet('?per_page=1000')).body) as ApiRouter[];
    const byProvider = (p: string) => all.filter((r) => r.provider === p);
    expect(all).toHaveLength(INGRESS_ROUTERS + CRD_ROUTERS + 3);
    expect(byProvider('kubernetes')).toHaveLength(INGRESS_ROUTERS);
    expect(byProvider('kubernetescrd')).toHaveLength(CRD_ROUTERS);
    // Sorted by name, so the API's own routers (api.insecure=true) lead page 1 and count in every inventory.
    expect(all.slice(0, 3).map((r) => [r.name, r.provider])).toEqual([
      ['api@internal', 'internal'],
      ['dashboard@internal', 'internal'],
      ['ping@internal', 'internal'],
    ]);
    // An Ingress' rule is written with double quotes; the router's `service` carries no `@provider`.
    expect(byProvider('kubernetes')[0]).toMatchObject({
      name: `${ROUTERS_NAMESPACE}-app-000-app-000-routers-extras-test@kubernetes`,
      service: `${ROUTERS_NAMESPACE}-backend-80`,
      rule: 'Host("app-000.routers.extras.test") && PathPrefix("/")',
    });
    const crd = byProvider('kubernetescrd')[0];
    expect(crd.name).toMatch(new RegExp(`^${ROUTERS_NAMESPACE}-crd-000-[0-9a-f]{20}@kubernetescrd$`));
    expect(crd).toMatchObject({ service: crd.name.replace(/@kubernetescrd$/, ''), rule: 'Host(`crd-000.routers.extras.test`)' });
  });

  test('Traefik’s own 404 (no router matches) is `404 page not found` with a newline, as text/plain', async () => {
    const answer = await routedRequest(inventoryTraefik.options.address, inventoryTraefik.options.websecurePort, 'nobody.extras.test', '/');
    expect(answer).toMatchObject({ status: 404, body: `${NO_ROUTER_BODY}\n` });
    // nginx's stand-in sends `text/plain` without charset and no nosniff.
    expect(answer.headers).toMatchObject({ 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  });

  test('the probe follows every page and pushes the number of routers real Traefik lists', async () => {
    const listed = (JSON.parse((await apiGet('?per_page=1000')).body) as ApiRouter[]).length;
    const { address, websecurePort, apiPort } = inventoryTraefik.options;
    const run = await runProbe({
      PROBE_EDGE_URL: `https://${address}:${websecurePort}`,
      PROBE_ORIGIN_URL: `http://${address}:${apiPort}`,
      PROBE_PUSHGATEWAY_URL: pushgateway.url,
      PROBE_JOB: PROBE_JOB,
      PROBE_REPLICAS: address,
      PROBE_REPLICA_PORT: String(websecurePort),
      PROBE_SAMPLES: '1',
      PROBE_TIMEOUT_SECONDS: '3',
      PROBE_DEADLINE_SECONDS: '15',
      PROBE_INSECURE_TLS: '1',
      PROBE_ROUTER_INVENTORY: '1',
      PROBE_TRAEFIK_API_PORT: String(apiPort),
    });
    expect(run.code).toBe(0); // pushed; its edge checks fail (no router for the edge host), which is not this test's concern
    expect(run.stdout).toContain(`replica=${address} `);
    expect(run.stdout).toContain(`routers=${listed} `);
    const group = await pushgateway.group({ job: PROBE_JOB });
    const sample = (metric: string) => group?.metrics.get(metric)?.find((s) => s.labels.replica === address)?.value;
    expect(sample(ProbeMetric.replicaRouters)).toBe(listed);
    expect(sample(ProbeMetric.routerInventoryOk)).toBe(1);
    // What the probe asked for, from Traefik's own access log: every page once, stopping at X-Next-Page 1.
    const asked = readFileSync(ACCESS_LOG, 'utf8')
      .split('\n')
      .filter((line) => line.includes('webterminal-probe/'))
      .map((line) => (JSON.parse(line) as { RequestPath: string }).RequestPath)
      .filter((path) => path.startsWith('/api/http/routers'));
    const pages = Math.ceil(listed / PAGE);
    expect(asked).toEqual(Array.from({ length: pages }, (_, i) => `/api/http/routers?page=${i + 1}&per_page=${PAGE}`));
  });
});
