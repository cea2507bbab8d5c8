/**
 * What remediation adds to a probe run, against the test fixtures and the Kubernetes API stand-in:
 *   node scripts/run-ts.cjs bench/remediation.ts
 *
 * One replica without the route, 5 runs each: remediation off; on with the Lease read and written and a
 * pod lookup per run (afterRuns high, so never evicting); on with an eviction every run (afterRuns 1, the
 * Lease's state removed before each, then one unmeasured run that gives it a previous run). Prints median wall time and peak
 * RSS (the same `maxRSS` exit hook as bench/probe.ts).
 */
import { tools } from '../__tests__/support/tools';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProbeRun, REPLICA_ADDRESSES, runProbe, startProbeFixtures } from '../__tests__/support/fixtures';
import { KubeApiStandIn, makeKubeTls } from '../__tests__/support/kube-api';
import { makeTempDir } from '../__tests__/support/processes';
import { median } from './timing';
import { BenchFigure, recordResults } from './record';

const RUNS = 5;
const RSS_MARKER = 'probe-bench-maxrss-kib=';
const RSS_HOOK = `process.on('exit', () => { require('node:fs').writeSync(2, '\\n${RSS_MARKER}' + process.resourceUsage().maxRSS + '\\n'); });\n`;

function peakRssMiB(run: ProbeRun): number {
  const match = new RegExp(`${RSS_MARKER}(\\d+)`).exec(run.stderr);
  if (match === null) throw new Error(`no RSS figure in the probe's stderr:\n${run.stderr}`);
  return Number(match[1]) / 1024;
}

async function main(): Promise<void> {
  const temp = makeTempDir('remediation-bench');
  const hook = join(temp.path, 'maxrss-hook.cjs');
  writeFileSync(hook, RSS_HOOK);
  writeFileSync(join(temp.path, 'token'), 'bench-token');
  const fx = await startProbeFixtures();
  const kube = new KubeApiStandIn(makeKubeTls(temp.path), 'bench-token');
  await kube.start();
  try {
    kube.pods = REPLICA_ADDRESSES.map((podIP, i) => ({
      name: `traefik-${i}`,
      namespace: 'traefik',
      labels: { app: 'traefik' },
      podIP,
      startTime: new Date(Date.now() - 3600_000).toISOString(),
    }));
    const lease = () => ({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'bench', namespace: 'terminal', resourceVersion: '1' },
    });
    kube.lease = lease();
    await fx.replicas[1].restart({ terminalRoute: false, routers: 118 });
    const remediation = (job: string, afterRuns: string) => ({
      PROBE_ROUTER_INVENTORY: '0',
      PROBE_REMEDIATE: 'on',
      PROBE_REMEDIATE_AFTER_RUNS: afterRuns,
      PROBE_REPLICA_NAMESPACE: 'traefik',
      PROBE_REPLICA_SELECTOR: 'app=traefik',
      PROBE_REMEDIATE_LEASE: 'terminal/bench',
      PROBE_KUBE_API_URL: kube.url,
      PROBE_KUBE_TOKEN_FILE: join(temp.path, 'token'),
      PROBE_KUBE_CA_FILE: kube.caPath,
      PROBE_JOB: job,
    });
    const scenarios: Array<[string, (i: number) => Record<string, string>, RegExp]> = [
      ['off', () => ({ PROBE_ROUTER_INVENTORY: '0' }), /^(?![\s\S]*remediation)/],
      ['on, lookup only', () => remediation('bench-lookup', '100'), /result=not_confirmed/],
      ['on, evicting', (i) => remediation(`bench-evict-${i}`, '1'), /result=evicted/],
    ];
    const lines = [`node ${tools().probeNode.version} (the probe image's), ${RUNS} runs per scenario, one replica of three without the route`];
    const figures: BenchFigure[] = [];
    for (const [name, overrides, expected] of scenarios) {
      const runs: ProbeRun[] = [];
      for (let i = 0; i < RUNS; i += 1) {
        if (name === 'on, evicting') {
          kube.lease = lease();
          await runProbe(fx.env('', overrides(i)));
        }
        const run = await runProbe(fx.env(`bench-${name.replace(/\W+/g, '-')}`, overrides(i)), { nodeArgs: ['--require', hook] });
        if (run.code !== 0 || !expected.test(run.stdout)) throw new Error(`${name}: unexpected run:\n${run.stdout}${run.stderr}`);
        runs.push(run);
      }
      const rss = runs.map(peakRssMiB);
      figures.push({ what: `remediation ${name}`, seconds: median(runs.map((r) => r.wallMs)) / 1000, peakMiB: median(rss) });
      lines.push(
        `${name.padEnd(16)} wall median ${median(runs.map((r) => r.wallMs)).toFixed(0)} ms (runs: ` +
          `${runs.map((r) => r.wallMs.toFixed(0)).join(', ')}), ` +
          `peak RSS median ${median(rss).toFixed(1)} MiB, max ${Math.max(...rss).toFixed(1)} MiB`,
      );
    }
    lines.push(`evictions sent: ${kube.evictions().length}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    recordResults('remediation', {
      title:
        `Remediation: one replica of three missing the route, against the API stand-in, under Node ${tools().probeNode.version}, ` +
        `median of ${RUNS} (\`node scripts/run-ts.cjs bench/remediation.ts\`)`,
      figures,
    });
  } finally {
    await kube.stop();
    await fx.stop();
    temp.remove();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
