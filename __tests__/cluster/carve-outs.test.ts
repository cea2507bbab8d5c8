/**
 * Routes through real Traefik, on two replicas, as Ingress and as IngressRoute: the original owner's
 * carve-out (nine exact asset paths public to a second backend, everything else gated), exact paths
 * beside prefixes (`/skills` and `/skills/x` both reach the skills backend), and compress (gzip on a
 * large answer, a WebSocket upgrade through a compressing route). For every declared path example on
 * every replica, the backend that answers and whether it was gated match the declaration; a path next
 * to a carve-out stays gated; the router names the probe is given are the ones Traefik gives.
 */
import https from 'node:https';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { TerminalStack, type TerminalStackProps, TtydBackend } from '../../lib';
import { Testing } from '../../lib/private/cdktf';
import { AuthentikOutpost, OUTPOST_PREFIX, SESSION_COOKIE, SESSION_VALUE, applyOutpostService } from '../support/authentik';
import { ASSETS, carveOutRoutes } from '../support/carve-out-case';
import { adminClient, cluster } from '../support/cluster';
import type { KubeClient } from '../support/kube-client';
import { claimLabAddress, releaseLabAddress } from '../support/lab-network';
import { applyStack } from '../support/provider-apply';
import { objectsOf } from '../support/provider-stand-in';
import { NamedBackend, TtydStandIn } from '../support/servers';
import { selfSignedCertificate, tlsSecret } from '../support/tls';
import { routedRequest, sharedReplicaOptions, TraefikReplica } from '../support/traefik';

const KINDS = ['Ingress', 'IngressRoute'] as const;
type Kind = (typeof KINDS)[number];
const OUTPOST = { namespace: 'carve-authentik', name: 'ak-outpost', port: 9000 };
const SIGNED_IN = { Cookie: `${SESSION_COOKIE}=${SESSION_VALUE}` };
const hostOf = (kind: Kind) => `terminal.${kind.toLowerCase()}.carve.test`;
const namespaceOf = (kind: Kind) => `carve-${kind.toLowerCase()}`;

let admin: KubeClient;
const addresses: string[] = [];
let vm: string;
let ttyd: TtydStandIn;
let live: TtydStandIn;
let assets: NamedBackend;
let skills: NamedBackend;
let clipboard: NamedBackend;
let worker: NamedBackend;
let outpost: AuthentikOutpost;
const replicas: TraefikReplica[] = [];

function stackProps(kind: Kind): TerminalStackProps {
  return {
    host: hostOf(kind),
    namespace: namespaceOf(kind),
    ttyd: TtydBackend.externalHost({ address: vm, port: ttyd.port }),
    ingressKind: kind,
    routes: carveOutRoutes({ clipboard: clipboard.port, assets: assets.port, skills: skills.port, live: live.port, worker: worker.port }),
    authentikOutpost: OUTPOST,
    createAuthMiddleware: true,
    authOutpostUrl: outpost.authUrl,
    probe: { enabled: false },
  };
}

beforeAll(async () => {
  admin = adminClient();
  vm = claimLabAddress();
  const outpostAddress = claimLabAddress();
  const replicaAddresses = [claimLabAddress(), claimLabAddress()];
  addresses.push(vm, outpostAddress, ...replicaAddresses);
  ttyd = new TtydStandIn(7681, 'X-authentik-username', undefined, vm);
  live = new TtydStandIn(7692, 'X-authentik-username', undefined, vm);
  clipboard = new NamedBackend('clipboard', 7683, vm);
  assets = new NamedBackend('assets', 7690, vm);
  skills = new NamedBackend('skills', 7691, vm);
  worker = new NamedBackend('worker', 7693, vm);
  outpost = new AuthentikOutpost(outpostAddress, OUTPOST.port);
  await Promise.all([ttyd, live, clipboard, assets, skills, worker, outpost].map((s) => s.start()));

  await applyOutpostService(admin, OUTPOST, outpostAddress);
  const dir = mkdtempSync(join(tmpdir(), 'carve-outs-'));
  const cert = selfSignedCertificate(dir, KINDS.map(hostOf));
  for (const kind of KINDS) {
    const json: unknown = JSON.parse(Testing.synth(new TerminalStack(Testing.app(), 'terminal', stackProps(kind))));
    await applyStack(admin, objectsOf(json), [tlsSecret(namespaceOf(kind), 'terminal-tls', cert)]);
  }

  const shared = await sharedReplicaOptions(admin, cluster(), [...KINDS.map(namespaceOf), 'traefik', OUTPOST.namespace], OUTPOST, outpostAddress);
  replicaAddresses.forEach((address, i) =>
    replicas.push(new TraefikReplica({ ...shared, address, websecurePort: 8443, apiPort: 8080, dir: join(dir, `traefik-${i}`) })),
  );
  await Promise.all(replicas.map((r) => r.start()));
  // Every replica has every router of both stacks before the matrix runs.
  await Promise.all(replicas.map((r) => r.waitForRouters(KINDS.flatMap((kind) => probeRouters(kind).own))));
}, 90_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await Promise.all([ttyd, live, clipboard, assets, skills, worker, outpost].map((s) => s?.stop()));
  for (const kind of KINDS) await admin?.delete('v1', 'Namespace', undefined, namespaceOf(kind));
  await admin?.delete('v1', 'Namespace', undefined, OUTPOST.namespace);
  admin?.close();
  for (const a of addresses) releaseLabAddress(a);
});

/** The routers the stack tells its probe about (`PROBE_OWN_ROUTERS`), from the same props with the probe on. */
function probeRouters(kind: Kind): { own: string[] } {
  const stack = new TerminalStack(Testing.app(), 'terminal', {
    ...stackProps(kind),
    probe: { enabled: true, replicas: '10.0.0.1', routerInventory: true },
  });
  const cron = objectsOf(JSON.parse(Testing.synth(stack)) as unknown).find((r) => r.object.kind === 'CronJob');
  const spec = cron?.object.spec as { jobTemplate: { spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } } } };
  const env = Object.fromEntries(spec.jobTemplate.spec.template.spec.containers[0].env.map((e) => [e.name, e.value ?? '']));
  return { own: env.PROBE_OWN_ROUTERS.split(',') };
}

/** Who answered a request: a named backend, ttyd or the live stand-in (they count requests), Authentik's redirect, or Traefik's own 404. */
async function whoAnswers(replica: TraefikReplica, host: string, path: string, headers: Record<string, string> = {}): Promise<string> {
  const before = ttyd.requests.length;
  const beforeLive = live.requests.length;
  const answer = await routedRequest(replica.options.address, replica.options.websecurePort, host, path, { headers });
  if (answer.status === 307) {
    const location = new URL(String(answer.headers.location));
    return location.host === host && location.pathname.startsWith(OUTPOST_PREFIX) ? 'gated' : `redirect to ${location.href}`;
  }
  if (ttyd.requests.length > before) return 'ttyd';
  if (live.requests.length > beforeLive) return 'live';
  if (answer.status === 404 && answer.body === '404 page not found\n') return 'traefik 404';
  try {
    return (JSON.parse(answer.body) as { backend: string }).backend;
  } catch {
    return `status ${answer.status}: ${answer.body.slice(0, 80)}`;
  }
}

/** Each declared path example: the backend it reaches signed in, and whether it is gated without a session. */
const MATRIX: readonly [path: string, backend: string, gated: boolean][] = [
  ...ASSETS.map((path): [string, string, boolean] => [path, 'assets', false]),
  // Next to a carve-out: still the terminal's, gated.
  ['/manifest.webmanifest.bak', 'ttyd', true],
  ['/icons/other.png', 'ttyd', true],
  ['/icons/', 'ttyd', true],
  ['/favicon.ico/x', 'ttyd', true],
  ['/fonts/inter.woff', 'ttyd', true],
  ['/skills', 'skills', true],
  ['/skills/x', 'skills', true],
  ['/skillsx', 'ttyd', true],
  ['/sw.js', 'worker', true],
  ['/clipboard/paste', 'clipboard', true],
  ['/live/x', 'live', true],
  ['/token', 'ttyd', true],
  ['/', 'ttyd', true],
];

describe.each(KINDS)('the stack as %s, on every replica of real Traefik', (kind) => {
  const host = hostOf(kind);

  test('the router names the probe is given are the ones Traefik gives, colliding Ingress paths included', async () => {
    const own = probeRouters(kind).own;
    for (const replica of replicas) {
      const names = (await replica.routers()).map((r) => r.name);
      const ns = namespaceOf(kind);
      const ours = names.filter((name) => name.startsWith(`${ns}-`) || name.startsWith(`${OUTPOST.namespace}-${ns}-`));
      expect([...ours].sort()).toStrictEqual([...own].sort());
    }
  });

  test('every declared path: the backend that answers and whether it was gated match the declaration', async () => {
    const want: string[] = [];
    const got: string[] = [];
    for (const [i, replica] of replicas.entries()) {
      for (const [path, backend, gated] of MATRIX) {
        want.push(`replica ${i} ${path}: ${gated ? 'gated' : backend} / ${backend}`);
        const anonymous = await whoAnswers(replica, host, path);
        const signedIn = await whoAnswers(replica, host, path, SIGNED_IN);
        got.push(`replica ${i} ${path}: ${anonymous} / ${signedIn}`);
      }
    }
    expect(got).toStrictEqual(want);
  });

  test('a carve-out is public without any call to Authentik, reaches its backend with the path as sent, without forged headers', async () => {
    for (const replica of replicas) {
      const before = outpost.requests.length;
      const forged = { 'X-authentik-username': 'mallory', 'x-AUTHENTIK-groups': 'admins' };
      const answer = await routedRequest(replica.options.address, 8443, host, '/icons/icon-192.png', { headers: forged });
      expect(outpost.requests.length).toBe(before);
      const seen = JSON.parse(answer.body) as { backend: string; path: string; headers: Record<string, string> };
      expect(seen).toMatchObject({ backend: 'assets', path: '/icons/icon-192.png' });
      // No forward-auth runs here, and still no forged identity reaches the carve-out's backend.
      expect(Object.keys(seen.headers).filter((h) => h.startsWith('x-authentik-'))).toStrictEqual([]);
    }
  });

  test('the carve-out’s routers carry the explicit priority, the catch-all the lowest, the other routes Traefik’s rule length', async () => {
    const ns = namespaceOf(kind);
    for (const replica of replicas) {
      const routers = (await replica.routers()).filter((r) => r.name.startsWith(`${ns}-`)) as unknown as { rule: string; priority: number }[];
      const priorityOf = (path: string) => routers.filter((r) => r.rule.includes(path)).map((r) => r.priority);
      expect(ASSETS.flatMap(priorityOf)).toStrictEqual(ASSETS.map(() => 10000));
      // The catch-all: no path but "/".
      expect(routers.filter((r) => !/Path(Prefix)?\(["`]\/[^"`]/.test(r.rule)).map((r) => r.priority)).toStrictEqual([1]);
      expect(priorityOf('/skills')).toStrictEqual(priorityOf('/skills').map(() => expect.any(Number)));
      expect(Math.min(...priorityOf('/skills'))).toBeGreaterThan(1);
    }
  });

  test('compress: a large answer comes gzipped to Accept-Encoding gzip, and is what the backend sent', async () => {
    for (const replica of replicas) {
      const answer = await rawRequest(replica.options.address, host, '/skills/big', {
        ...SIGNED_IN,
        'Accept-Encoding': 'gzip',
        // The backend echoes the request's headers: this makes its answer larger than Traefik's 1024-byte minimum.
        'X-Pad': 'x'.repeat(3000),
      });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-encoding']).toBe('gzip');
      expect(JSON.parse(gunzipSync(answer.body).toString('utf8'))).toMatchObject({ backend: 'skills', path: '/big' });
    }
  });

  test('a WebSocket upgrade through a compressing route still switches protocols', async () => {
    for (const replica of replicas) {
      const before = live.handshakes;
      const answer = await routedRequest(replica.options.address, 8443, host, '/live/ws', {
        headers: { ...SIGNED_IN, 'Accept-Encoding': 'gzip' },
        websocket: true,
      });
      expect(answer.status).toBe(101);
      expect(live.handshakes).toBe(before + 1);
      expect(live.requests.at(-1)?.path).toBe('/ws');
    }
  });
});

/** One GET with the host's SNI, the body as bytes. */
function rawRequest(address: string, host: string, path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    const req = https.request({
      host: address,
      port: 8443,
      path,
      servername: host,
      rejectUnauthorized: false,
      headers: { Host: host, ...headers },
      agent: false,
      timeout: 5000,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('timeout', () => req.destroy(new Error(`${host}${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
