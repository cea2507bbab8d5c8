/**
 * The whole terminal stack in miniature, on 127.0.0.0/8, for the probe script: Pushgateway, dnsmasq,
 * three Traefik replicas (nginx) on 127.0.0.2-4, the edge (nginx) on 127.0.0.1, a ttyd stand-in and a
 * black hole. Started once per test file; `stop()` ends every process it started.
 */
import { tools } from './tools';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dnsmasq, Pushgateway } from './daemons';
import { EdgeProxy, TraefikReplica } from './nginx';
import { freePort, makeTempDir, requireBinaries } from './processes';
import { BlackHole, TtydStandIn } from './servers';
import { selfSignedCertificate } from './tls';
import { PROBE_NODE_FLAGS, PROBE_SCRIPT_FILE, probeFiles } from '../../lib/private/probe-files';

/**
 * The probe's folder as the pod mounts it: the ConfigMap's files (its modules and contract), written from the
 * same function that fills the ConfigMap, in a folder named by their hash, in the temporary folder:
 * the jest run's (support/run-folder.ts), shared by its workers, or the system's for the benchmarks.
 * Written beside and renamed into place, so a worker never sees half of it.
 */
function probeFolder(): string {
  const files = probeFiles();
  const hash = createHash('sha256').update(JSON.stringify(files)).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `webterminal-probe-configmap-${hash}`);
  if (existsSync(dir)) return dir;
  const partial = mkdtempSync(`${dir}.partial-`);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(partial, file), text);
  try {
    renameSync(partial, dir);
  } catch {
    rmSync(partial, { recursive: true, force: true }); // another process was first
  }
  return dir;
}

export const PROBE_SCRIPT = join(probeFolder(), PROBE_SCRIPT_FILE);

export const EDGE_HOST = 'terminal.example.test';
export const REPLICAS_NAME = 'traefik-replicas.test';
/** A name in the local zone with no record: resolves to nothing. */
export const EMPTY_NAME = 'no-replicas.test';
export const REPLICA_ADDRESSES = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
/** Names for the in-cluster services, so the probe's lookups all go through dnsmasq. */
const TTYD_HOST = 'ttyd.test';
const PUSHGATEWAY_HOST = 'pushgateway.test';
/** The Pushgateway's "Service" in a cluster-like zone, reached by its short name through `search`. */
export const PUSHGATEWAY_SERVICE_FQDN = 'pushgateway.monitoring.svc.cluster.test';
/** resolv.conf `search` of a pod in namespace "terminal" of that zone. */
export const POD_SEARCH = ['terminal.svc.cluster.test', 'svc.cluster.test', 'cluster.test'];

export interface ProbeFixtures {
  readonly pushgateway: Pushgateway;
  readonly dns: Dnsmasq;
  readonly replicas: TraefikReplica[];
  readonly edge: EdgeProxy;
  readonly ttyd: TtydStandIn;
  readonly blackHole: BlackHole;
  readonly replicaPort: number;
  readonly apiPort: number;
  readonly edgeUrl: string;
  readonly originUrl: string;
  readonly pushgatewayUrl: string;
  /** An edge URL whose host resolves to the black hole's address and port. */
  readonly blackHoleUrl: string;
  /** A healthy-stack environment for the probe (inventory on); tests override what they vary. */
  env(job: string, overrides?: Record<string, string>): Record<string, string>;
  /** Puts every replica back to the healthy routing table with the given router counts. */
  healReplicas(routers?: number[]): Promise<void>;
  stop(): Promise<void>;
}

export const HEALTHY_ROUTERS = [119, 119, 119];

/** Starts everything; on a failure part-way, stops what was started and rethrows. */
export async function startProbeFixtures(): Promise<ProbeFixtures> {
  requireBinaries('prometheus-pushgateway', 'nginx', 'dnsmasq', 'openssl');
  const temp = makeTempDir('probe-fixtures');
  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    temp.remove();
  };
  try {
    const cert = selfSignedCertificate(temp.path, [EDGE_HOST]);
    const [pgwPort, dnsPort, edgePort, ttydPort, blackHolePort, replicaPort, apiPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(REPLICA_ADDRESSES),
      await freePort(REPLICA_ADDRESSES),
    ];

    const pushgateway = new Pushgateway(pgwPort);
    stoppers.push(() => pushgateway.stop());
    const dns = new Dnsmasq(
      dnsPort,
      [
        { name: REPLICAS_NAME, addresses: REPLICA_ADDRESSES },
        { name: EDGE_HOST, addresses: ['127.0.0.1'] },
        { name: TTYD_HOST, addresses: ['127.0.0.1'] },
        { name: PUSHGATEWAY_HOST, addresses: ['127.0.0.1'] },
        { name: PUSHGATEWAY_SERVICE_FQDN, addresses: ['127.0.0.1'] },
      ],
      join(temp.path, 'dnsmasq.pid'),
    );
    stoppers.push(() => dns.stop());
    const ttyd = new TtydStandIn(ttydPort);
    stoppers.push(() => ttyd.stop());
    const blackHole = new BlackHole(blackHolePort);
    stoppers.push(() => blackHole.stop());
    const replicas = REPLICA_ADDRESSES.map(
      (address) => new TraefikReplica({ address, port: replicaPort, apiPort, host: EDGE_HOST, cert }, join(temp.path, `replica-${address}`)),
    );
    for (const replica of replicas) stoppers.push(() => replica.stop());
    const edge = new EdgeProxy({ port: edgePort, replicas: replicas.map((r) => r.options), cert }, join(temp.path, 'edge'));
    stoppers.push(() => edge.stop());

    await Promise.all([
      pushgateway.start(),
      dns.start(),
      ttyd.start(),
      blackHole.start(),
      ...replicas.map((replica, i) => replica.start({ terminalRoute: true, routers: HEALTHY_ROUTERS[i] })),
      edge.start({ refuseUpgrades: false }),
    ]);

    const edgeUrl = `https://${EDGE_HOST}:${edgePort}`;
    const originUrl = `http://${TTYD_HOST}:${ttydPort}`;
    const pushgatewayUrl = `http://${PUSHGATEWAY_HOST}:${pgwPort}`;
    return {
      pushgateway,
      dns,
      replicas,
      edge,
      ttyd,
      blackHole,
      replicaPort,
      apiPort,
      edgeUrl,
      originUrl,
      pushgatewayUrl,
      blackHoleUrl: `https://${EDGE_HOST}:${blackHolePort}`,
      env: (job, overrides = {}) => ({
        PROBE_EDGE_URL: edgeUrl,
        PROBE_ORIGIN_URL: originUrl,
        PROBE_PUSHGATEWAY_URL: pushgatewayUrl,
        PROBE_JOB: job,
        PROBE_REPLICAS: REPLICAS_NAME,
        PROBE_REPLICA_PORT: String(replicaPort),
        PROBE_SAMPLES: '6',
        PROBE_TIMEOUT_SECONDS: '5',
        PROBE_DEADLINE_SECONDS: '20',
        PROBE_INSECURE_TLS: '1',
        PROBE_DNS_SERVERS: dns.server,
        PROBE_ROUTER_INVENTORY: '1',
        PROBE_TRAEFIK_API_PORT: String(apiPort),
        ...overrides,
      }),
      healReplicas: async (routers = HEALTHY_ROUTERS) => {
        await Promise.all(
          replicas.map((replica, i) => {
            const wanted = { terminalRoute: true, routers: routers[i] };
            const same = replica.state.terminalRoute && replica.state.routers === wanted.routers && replica.state.paths === undefined;
            return same ? Promise.resolve() : replica.restart(wanted);
          }),
        );
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

export interface ProbeRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
}

/**
 * Runs the probe's entry (`probe-script.mjs` in that folder) with exactly `env` (plus PATH), killed after `killAfterMs` so a
 * hanging probe fails the test instead of hanging it. `nodeArgs` go before the script (benchmark hooks); `script` is
 * another copy of the entry (a folder with fewer modules).
 */
export function runProbe(
  env: Record<string, string>,
  options: { killAfterMs?: number; nodeArgs?: string[]; script?: string } = {},
): Promise<ProbeRun> {
  const { killAfterMs = 20_000, nodeArgs = [], script = PROBE_SCRIPT } = options;
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    // The Node of the probe's image, not the one running jest: the script must run where it runs.
    const child = spawn(tools().probeNode.path, [...nodeArgs, ...PROBE_NODE_FLAGS, script], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('error', (error) => {
      clearTimeout(killer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      resolvePromise({ code, signal, stdout, stderr, wallMs });
    });
  });
}
