import { spawnSync } from 'child_process';
import * as fs from 'fs';

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One run of a command: wall time, and the peak RSS of its largest process (itself or a child it waited for). */
export interface Run {
  seconds: number;
  /** user + system CPU seconds: less swayed than wall time by other work on the machine. */
  cpuSeconds: number;
  peakMiB: number;
}

/** GNU time (Debian package `time`; `tools/ensure-packages.sh` installs it): `%M` is the kernel's ru_maxrss in KiB. */
const GNU_TIME = '/usr/bin/time';

/**
 * Runs a command `runs` times under GNU time; a failed run throws. Wall time is measured around the
 * spawn, so it includes GNU time's own start (about a millisecond).
 */
export function measureCommand(command: string, args: string[], runs: number, env: NodeJS.ProcessEnv = process.env): Run[] {
  if (!fs.existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} is missing: install the Debian package "time" (bash tools/ensure-packages.sh does)`);
  const results: Run[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const run = spawnSync(GNU_TIME, ['-f', 'cpu-seconds=%U+%S peak-rss-kib=%M', command, ...args], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 120_000,
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
    const figures = /cpu-seconds=([\d.]+)\+([\d.]+) peak-rss-kib=(\d+)\s*$/.exec(run.stderr);
    if (!figures) throw new Error(`${GNU_TIME} printed no figures: ${run.stderr}`);
    results.push({ seconds, cpuSeconds: Number(figures[1]) + Number(figures[2]), peakMiB: Number(figures[3]) / 1024 });
  }
  return results;
}

/** One line: label, median wall time and peak RSS, every run, and the targets. */
export function report(label: string, runs: Run[], target?: { seconds: number; peakMiB: number }): Run & { met?: boolean } {
  const seconds = median(runs.map((r) => r.seconds));
  const cpu = median(runs.map((r) => r.cpuSeconds));
  const peak = median(runs.map((r) => r.peakMiB));
  const each = runs.map((r) => `${r.seconds.toFixed(2)}s/${r.peakMiB.toFixed(0)}M`).join(' ');
  const verdict = target
    ? `  target <= ${target.seconds} s, <= ${target.peakMiB} MiB: ${seconds <= target.seconds && peak <= target.peakMiB ? 'met' : 'MISSED'}`
    : '';
  console.log(
    `${label.padEnd(42)} median ${seconds.toFixed(2)} s (cpu ${cpu.toFixed(2)} s), peak RSS ${peak.toFixed(0)} MiB  (runs: ${each})${verdict}`,
  );
  return { seconds, cpuSeconds: cpu, peakMiB: peak, met: target && seconds <= target.seconds && peak <= target.peakMiB };
}
