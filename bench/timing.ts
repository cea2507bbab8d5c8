import { spawnSync } from 'child_process';

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs a command `runs` times and returns the wall time of each run in seconds; a failed run throws. */
export function timeCommand(command: string, args: string[], runs: number, env: NodeJS.ProcessEnv = process.env): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const run = spawnSync(command, args, { env, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
    times.push(seconds);
  }
  return times;
}

/** One line: label, median and every run. */
export function report(label: string, times: number[], target?: string): void {
  const runs = times.map((t) => t.toFixed(2)).join(' ');
  console.log(`${label.padEnd(34)} median ${median(times).toFixed(2)} s  (runs: ${runs})${target ? `  target ${target}` : ''}`);
}
