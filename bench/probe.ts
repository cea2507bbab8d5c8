/**
 * Benchmark of the probe script against the test fixtures (real Pushgateway, dnsmasq, nginx replicas
 * and edge, ttyd stand-in, black hole):
 *   node scripts/run-ts.cjs bench/probe.ts
 *
 * Wall time: measured around the process, spawn to exit.
 * Peak RSS: `process.resourceUsage().maxRSS` (the kernel's high-water mark of the process, KiB) read
 * in an `exit` hook preloaded with `--require`, so it covers the whole run including the push; the
 * hook itself adds nothing measurable. This is the figure the CronJob's memory request/limit follow.
 *
 * Drills:
 * - endless inventory: three "Traefik APIs" on 127.0.0.5-7 whose every page is ~4 MiB (or ~0.49 MiB,
 *   just under the probe's page limit) and whose X-Next-Page never ends; peak RSS must stay under the
 *   pod's memory request (lib/private/defaults.ts PROBE_MEMORY_MIB);
 * - black-holed DNS: resolv.conf names a UDP server that never answers (edge and replica names go
 *   to it), timeout 1 s, deadline 2 s; the run must end within deadline + timeout.
 * - the route matrix: 1,000 replicas × 20 routes, every pair judged (a deadline of 60 s lets them all
 *   finish): every replica refusing (every pair fails, 20,000 `route_ok` series pushed), and every replica
 *   answering (one TLS server on 0.0.0.0 for all of 127.3.0.0/16: the outpost redirect, so gated routes
 *   pass and carve-outs are walled off). `--matrix` runs this section alone and records nothing.
 */
import { writeFileSync } from 'node:fs';
import { POD_SEARCH, REPLICAS_NAME } from '../__tests__/support/fixtures';
import { freePort } from '../__tests__/support/processes';
import { BlackHole, DnsBlackHole, EndlessRouterApi } from '../__tests__/support/servers';
import { join } from 'node:path';
import { ProbeRun, runProbe, startProbeFixtures } from '../__tests__/support/fixtures';
import { makeTempDir } from '../__tests__/support/processes';
import { median } from './timing';
import { BenchFigure, recordResults } from './record';
import { PROBE_MEMORY_MIB } from '../lib/private/defaults';
import { tools } from '../__tests__/support/tools';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { EDGE_HOST } from '../__tests__/support/fixtures';
import { selfSignedCertificate } from '../__tests__/support/tls';

const HEALTHY_RUNS = 5;
const BLACK_HOLE_RUNS = 3;
const TARGET_WALL_MS = 1500;
const TARGET_RSS_MIB = PROBE_MEMORY_MIB.request;
const BLACK_HOLE_TIMEOUT_SECONDS = 1;
const BLACK_HOLE_DEADLINE_SECONDS = 3;
const RSS_MARKER = 'probe-bench-maxrss-kib=';
const DRILL_RUNS = 3;
const DRILL_ADDRESSES = ['127.0.0.5', '127.0.0.6', '127.0.0.7'];
const DRILL_PAGE_SIZES = [4 * 1024 * 1024 - 1024, 500 * 1024];
const DNS_TIMEOUT_SECONDS = 1;
const DNS_DEADLINE_SECONDS = 2;

/** Printed on stderr at exit; the probe calls process.exit, which still runs `exit` listeners. */
const RSS_HOOK = `process.on('exit', () => { require('node:fs').writeSync(2, '\\n${RSS_MARKER}' + process.resourceUsage().maxRSS + '\\n'); });\n`;

function peakRssMiB(run: ProbeRun): number {
  const match = new RegExp(`${RSS_MARKER}(\\d+)`).exec(run.stderr);
  if (match === null) throw new Error(`no RSS figure in the probe's stderr:\n${run.stderr}`);
  return Number(match[1]) / 1024;
}

/** Where a peak stands against the pod's memory request and limit. */
function memoryVerdict(peakMiB: number): string {
  if (peakMiB <= PROBE_MEMORY_MIB.request) return `under the pod's request (${PROBE_MEMORY_MIB.request} MiB)`;
  if (peakMiB <= PROBE_MEMORY_MIB.limit) return `over the request, under the pod's limit (${PROBE_MEMORY_MIB.limit} MiB)`;
  return `OVER the pod's limit (${PROBE_MEMORY_MIB.limit} MiB)`;
}

function verdict(ok: boolean): string {
  return ok ? 'ok' : 'OVER TARGET';
}

const MATRIX_REPLICAS = 1000;
const MATRIX_ROUTES = 20;
const MATRIX_DEADLINE_SECONDS = 60;

/**
 * One TLS server for every replica address: the outpost redirect to every request, upgrades included.
 * @returns the server and its port
 */
async function redirectingReplicas(dir: string): Promise<{ port: number; close: () => Promise<void> }> {
  const cert = selfSignedCertificate(dir, [EDGE_HOST]);
  const server = https.createServer({ cert: readFileSync(cert.certPath), key: readFileSync(cert.keyPath) }, (request, response) => {
    response.writeHead(302, { Location: `https://${request.headers.host}/outpost.goauthentik.io/start` }).end();
  });
  server.on('upgrade', (request: { headers: Record<string, string | undefined> }, socket: import('node:net').Socket) => {
    socket.end(`HTTP/1.1 302 Found\r\nLocation: https://${request.headers.host}/outpost.goauthentik.io/start\r\nContent-Length: 0\r\n\r\n`);
  });
  const port = await freePort(['0.0.0.0']);
  await new Promise<void>((resolve) => server.listen(port, '0.0.0.0', resolve));
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** 1,000 replicas × 20 routes (half gated, half carve-outs), refusing and answering; lines and figures. */
async function routeMatrix(
  fx: Awaited<ReturnType<typeof startProbeFixtures>>,
  nodeArgs: string[],
  dir: string,
): Promise<{ lines: string[]; figures: BenchFigure[] }> {
  const addresses = Array.from({ length: MATRIX_REPLICAS }, (_, i) => `127.3.${Math.floor(i / 250)}.${(i % 250) + 1}`).join(',');
  const routes = Array.from({ length: MATRIX_ROUTES }, (_, i) => ({
    name: `route-${i}`,
    host: EDGE_HOST,
    path: `/route-${i}`,
    expect: i % 2 === 0 ? 'gated' : 'public',
  }));
  const answering = await redirectingReplicas(dir);
  const lines: string[] = [];
  const figures: BenchFigure[] = [];
  try {
    const refusing = String(await freePort(['127.3.0.1']));
    for (const [shape, port] of [
      ['every replica refusing (every pair fails)', refusing],
      ['every replica answering (gated routes pass, carve-outs walled off)', String(answering.port)],
    ] as const) {
      const runs: ProbeRun[] = [];
      for (let i = 0; i < DRILL_RUNS; i += 1) {
        const env = fx.env('bench-matrix', {
          PROBE_REPLICAS: addresses,
          PROBE_MAX_REPLICAS: String(MATRIX_REPLICAS),
          PROBE_REPLICA_PORT: port,
          PROBE_ROUTER_INVENTORY: '0',
          PROBE_ROUTES: JSON.stringify(routes),
          PROBE_TIMEOUT_SECONDS: '5',
          PROBE_DEADLINE_SECONDS: String(MATRIX_DEADLINE_SECONDS),
        });
        const run = await runProbe(env, { nodeArgs, killAfterMs: (MATRIX_DEADLINE_SECONDS + 30) * 1000 });
        const failures = /route_failures=(\d+)\/(\d+)/.exec(run.stdout);
        if (run.code !== 0 || failures === null)
          throw new Error(`route-matrix run failed:\n${run.stdout.slice(0, 2000)}${run.stderr.slice(0, 2000)}`);
        lines.push(
          `  route matrix, ${shape}: route_failures=${failures[1]}/${failures[2]}, wall ${run.wallMs.toFixed(0)} ms, ` +
            `peak RSS ${peakRssMiB(run).toFixed(1)} MiB`,
        );
        runs.push(run);
      }
      const rss = runs.map(peakRssMiB);
      figures.push({
        what: `route matrix: ${MATRIX_REPLICAS} replicas × ${MATRIX_ROUTES} routes, ${shape}`,
        seconds: median(runs.map((r) => r.wallMs)) / 1000,
        peakMiB: median(rss),
        note: `max ${Math.max(...rss).toFixed(1)} MiB`,
        target: memoryVerdict(Math.max(...rss)),
      });
      lines.push(
        `route matrix ${MATRIX_REPLICAS} x ${MATRIX_ROUTES}, ${shape}: wall median ${median(runs.map((r) => r.wallMs)).toFixed(0)} ms, ` +
          `peak RSS median ${median(rss).toFixed(1)} MiB, max ${Math.max(...rss).toFixed(1)} MiB (${memoryVerdict(Math.max(...rss))})`,
      );
    }
  } finally {
    await answering.close();
  }
  return { lines, figures };
}

async function main(): Promise<void> {
  const temp = makeTempDir('probe-bench');
  const hook = join(temp.path, 'maxrss-hook.cjs');
  writeFileSync(hook, RSS_HOOK);
  const fx = await startProbeFixtures();
  try {
    const nodeArgs = ['--require', hook];
    if (process.argv.includes('--matrix')) {
      const matrix = await routeMatrix(fx, nodeArgs, temp.path);
      process.stdout.write(`node ${tools().probeNode.version} (the probe image's)\n${matrix.lines.join('\n')}\n`);
      return;
    }

    const healthy: ProbeRun[] = [];
    for (let i = 0; i < HEALTHY_RUNS; i += 1) {
      const run = await runProbe(fx.env('bench-healthy'), { nodeArgs });
      if (run.code !== 0 || !run.stdout.includes(' ok=1')) throw new Error(`healthy run failed:\n${run.stdout}${run.stderr}`);
      healthy.push(run);
    }
    const blackHole: ProbeRun[] = [];
    for (let i = 0; i < BLACK_HOLE_RUNS; i += 1) {
      const env = fx.env('bench-black-hole', {
        PROBE_EDGE_URL: fx.blackHoleUrl,
        PROBE_TIMEOUT_SECONDS: String(BLACK_HOLE_TIMEOUT_SECONDS),
        PROBE_DEADLINE_SECONDS: String(BLACK_HOLE_DEADLINE_SECONDS),
      });
      const run = await runProbe(env, { nodeArgs, killAfterMs: 30_000 });
      if (run.code !== 0) throw new Error(`black-hole run did not push:\n${run.stdout}${run.stderr}`);
      blackHole.push(run);
    }

    const drillLines: string[] = [];
    const figures: BenchFigure[] = [];
    for (const pageBytes of DRILL_PAGE_SIZES) {
      const api = new EndlessRouterApi(DRILL_ADDRESSES, await freePort(DRILL_ADDRESSES), pageBytes);
      await api.start();
      try {
        const runs: ProbeRun[] = [];
        for (let i = 0; i < DRILL_RUNS; i += 1) {
          const env = fx.env('bench-endless-inventory', { PROBE_REPLICAS: DRILL_ADDRESSES.join(','), PROBE_TRAEFIK_API_PORT: String(api.port) });
          const run = await runProbe(env, { nodeArgs, killAfterMs: 60_000 });
          if (run.code !== 0 || !/router inventory: page \d+: (body above|the run's inventory budget)/.test(run.stderr)) {
            throw new Error(`endless-inventory run did not stop at a bound:\n${run.stdout}${run.stderr}`);
          }
          runs.push(run);
        }
        const rss = runs.map(peakRssMiB);
        figures.push({
          what: `endless ${(pageBytes / 1048576).toFixed(2)} MiB router pages on 3 replicas`,
          peakMiB: median(rss),
          note: `max ${Math.max(...rss).toFixed(1)} MiB`,
          target: `< ${TARGET_RSS_MIB} MiB (the pod's request): ${Math.max(...rss) < TARGET_RSS_MIB ? 'met' : 'missed'}`,
        });
        drillLines.push(
          `endless inventory, ${(pageBytes / 1048576).toFixed(2)} MiB pages x 3 replicas: peak RSS median ${median(rss).toFixed(1)} MiB, ` +
            `max ${Math.max(...rss).toFixed(1)} MiB, ` +
            `wall median ${median(runs.map((r) => r.wallMs)).toFixed(0)} ms, pages served ${api.pagesRequested} over ${DRILL_RUNS} runs, ` +
            `target < ${TARGET_RSS_MIB} MiB: ${verdict(Math.max(...rss) < TARGET_RSS_MIB)}`,
        );
      } finally {
        await api.stop();
      }
    }

    const dnsHole = new DnsBlackHole(await freePort());
    await dnsHole.start();
    const dnsRuns: ProbeRun[] = [];
    try {
      const resolvConf = join(temp.path, 'resolv.conf');
      writeFileSync(resolvConf, `search ${POD_SEARCH.join(' ')}\nnameserver 127.0.0.1:${dnsHole.port}\noptions ndots:5\n`);
      for (let i = 0; i < BLACK_HOLE_RUNS; i += 1) {
        const env = fx.env('bench-dns-black-hole', {
          PROBE_DNS_SERVERS: '',
          PROBE_RESOLV_CONF: resolvConf,
          PROBE_PUSHGATEWAY_URL: fx.pushgateway.url,
          PROBE_REPLICAS: REPLICAS_NAME,
          PROBE_TIMEOUT_SECONDS: String(DNS_TIMEOUT_SECONDS),
          PROBE_DEADLINE_SECONDS: String(DNS_DEADLINE_SECONDS),
        });
        const run = await runProbe(env, { nodeArgs, killAfterMs: 30_000 });
        if (run.code !== 0) throw new Error(`DNS black-hole run did not push:\n${run.stdout}${run.stderr}`);
        dnsRuns.push(run);
      }
    } finally {
      await dnsHole.stop();
    }
    const dnsWall = median(dnsRuns.map((run) => run.wallMs));
    const dnsTargetMs = (DNS_DEADLINE_SECONDS + DNS_TIMEOUT_SECONDS) * 1000;
    figures.push({
      what: `black-holed DNS server (timeout ${DNS_TIMEOUT_SECONDS} s, deadline ${DNS_DEADLINE_SECONDS} s)`,
      seconds: dnsWall / 1000,
      target: `≤ deadline + timeout (${dnsTargetMs / 1000} s): ${Math.max(...dnsRuns.map((r) => r.wallMs)) <= dnsTargetMs ? 'met' : 'missed'}`,
    });
    drillLines.push(
      `black-holed DNS (timeout ${DNS_TIMEOUT_SECONDS}s, deadline ${DNS_DEADLINE_SECONDS}s): wall median ${dnsWall.toFixed(0)} ms (runs: ` +
        `${dnsRuns.map((r) => r.wallMs.toFixed(0)).join(', ')}), ` +
        `target <= deadline + timeout = ${dnsTargetMs} ms: ${verdict(Math.max(...dnsRuns.map((r) => r.wallMs)) <= dnsTargetMs)}`,
    );

    // 1,000 replicas listed: every one refusing at once, or every one a black hole (the TCP connect is
    // accepted, nothing ever answers), with the default cap and with all 1,000 checked. The pod's memory
    // request and limit are PROBE_MEMORY_MIB.
    const thousand = Array.from({ length: 1000 }, (_, i) => `127.3.${Math.floor(i / 250)}.${(i % 250) + 1}`).join(',');
    const hole = new BlackHole(await freePort(['0.0.0.0']), '0.0.0.0');
    await hole.start();
    try {
      const refusing = String(await freePort(['127.3.0.1']));
      for (const [shape, port, max] of [
        ['refusing, default PROBE_MAX_REPLICAS (50 checked)', refusing, '50'],
        ['black holes, default PROBE_MAX_REPLICAS (50 checked)', String(hole.port), '50'],
        ['refusing, PROBE_MAX_REPLICAS=1000', refusing, '1000'],
        ['black holes, PROBE_MAX_REPLICAS=1000', String(hole.port), '1000'],
      ] as const) {
        const runs: ProbeRun[] = [];
        for (let i = 0; i < DRILL_RUNS; i += 1) {
          const env = fx.env('bench-thousand', {
            PROBE_REPLICAS: thousand,
            PROBE_MAX_REPLICAS: max,
            PROBE_REPLICA_PORT: port,
            PROBE_ROUTER_INVENTORY: '0',
            PROBE_TIMEOUT_SECONDS: String(BLACK_HOLE_TIMEOUT_SECONDS),
            PROBE_DEADLINE_SECONDS: String(BLACK_HOLE_DEADLINE_SECONDS),
          });
          runs.push(await runProbe(env, { nodeArgs, killAfterMs: 60_000 }));
        }
        const rss = runs.map(peakRssMiB);
        const bound = (BLACK_HOLE_DEADLINE_SECONDS + BLACK_HOLE_TIMEOUT_SECONDS) * 1000 + 500;
        figures.push({
          what: `1,000 replica addresses, ${shape}`,
          seconds: median(runs.map((r) => r.wallMs)) / 1000,
          peakMiB: median(rss),
          note: `max ${Math.max(...rss).toFixed(1)} MiB`,
          target: `≤ ${bound / 1000} s; ${memoryVerdict(Math.max(...rss))}`,
        });
        drillLines.push(
          `1000 replicas, ${shape} (timeout ${BLACK_HOLE_TIMEOUT_SECONDS}s, deadline ${BLACK_HOLE_DEADLINE_SECONDS}s): wall median ` +
            `${median(runs.map((r) => r.wallMs)).toFixed(0)} ms (bound ${bound} ms: ${verdict(Math.max(...runs.map((r) => r.wallMs)) <= bound)}), ` +
            `peak RSS median ${median(rss).toFixed(1)} MiB, max ${Math.max(...rss).toFixed(1)} MiB (request ${TARGET_RSS_MIB} MiB: ` +
            `${verdict(Math.max(...rss) <= TARGET_RSS_MIB)})`,
        );
      }
    } finally {
      await hole.stop();
    }

    const matrix = await routeMatrix(fx, nodeArgs, temp.path);
    drillLines.push(...matrix.lines);
    figures.push(...matrix.figures);

    const healthyWall = median(healthy.map((run) => run.wallMs));
    const healthyRss = healthy.map(peakRssMiB);
    const blackHoleWall = median(blackHole.map((run) => run.wallMs));
    const blackHoleRss = blackHole.map(peakRssMiB);
    const blackHoleTargetMs = (BLACK_HOLE_DEADLINE_SECONDS + 2) * 1000;
    const lines = [
      `node ${tools().probeNode.version} (the probe image's), ${HEALTHY_RUNS} healthy runs (6 samples, 3 replicas, inventory on), ` +
        `${BLACK_HOLE_RUNS} black-hole runs ` +
        `(timeout ${BLACK_HOLE_TIMEOUT_SECONDS}s, deadline ${BLACK_HOLE_DEADLINE_SECONDS}s)`,
      `healthy     wall median ${healthyWall.toFixed(0)} ms (runs: ${healthy.map((r) => r.wallMs.toFixed(0)).join(', ')}), target <= ` +
        `${TARGET_WALL_MS} ms: ${verdict(healthyWall <= TARGET_WALL_MS)}`,
      `healthy     peak RSS median ${median(healthyRss).toFixed(1)} MiB, max ${Math.max(...healthyRss).toFixed(1)} MiB, target <= ` +
        `${TARGET_RSS_MIB} MiB: ${verdict(Math.max(...healthyRss) <= TARGET_RSS_MIB)}`,
      `black hole  wall median ${blackHoleWall.toFixed(0)} ms (runs: ${blackHole.map((r) => r.wallMs.toFixed(0)).join(', ')}), target <= ` +
        `${blackHoleTargetMs} ms: ${verdict(blackHoleWall <= blackHoleTargetMs)}`,
      `black hole  peak RSS median ${median(blackHoleRss).toFixed(1)} MiB, max ${Math.max(...blackHoleRss).toFixed(1)} MiB`,
      ...drillLines,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    recordResults('probe', {
      title: `The probe under Node ${tools().probeNode.version}, the image's (\`bench/probe.ts\`, part of \`npm run bench\`)`,
      figures: [
        {
          what: `healthy run (6 samples, 3 replicas, inventory on; median of ${HEALTHY_RUNS})`,
          seconds: healthyWall / 1000,
          peakMiB: median(healthyRss),
          target: `≤ ${TARGET_WALL_MS / 1000} s, ≤ ${TARGET_RSS_MIB} MiB (the pod's request): ${
            healthyWall <= TARGET_WALL_MS && Math.max(...healthyRss) <= TARGET_RSS_MIB ? 'met' : 'missed'
          }`,
        },
        {
          what: `black-holed edge (timeout ${BLACK_HOLE_TIMEOUT_SECONDS} s, deadline ${BLACK_HOLE_DEADLINE_SECONDS} s)`,
          seconds: blackHoleWall / 1000,
          peakMiB: median(blackHoleRss),
          target: `≤ deadline + 2 s: ${blackHoleWall <= blackHoleTargetMs ? 'met' : 'missed'}`,
        },
        ...figures,
      ],
    });
  } finally {
    await fx.stop();
    temp.remove();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
