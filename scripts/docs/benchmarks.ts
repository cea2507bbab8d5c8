import * as path from 'path';
import { BenchFigure, readResults } from '../../bench/record';

/** The measured figures, from the file the benchmarks write (`bench/results.json`). */
export function benchmarksTables(root: string): string {
  const results = readResults(path.join(root, 'bench', 'results.json'));
  return Object.values(results)
    .map((s) =>
      [
        `**${s.title}.** ${s.machine}, ${s.measured}; ${s.source}.`,
        '',
        '| what | median | target |',
        '| --- | --- | --- |',
        ...s.figures.map((f) => `| ${f.what} | ${figure(f)} | ${f.target ?? '—'} |`),
      ].join('\n'),
    )
    .join('\n\n');
}

function figure(f: BenchFigure): string {
  const time = f.seconds === undefined ? undefined : duration(f.seconds);
  const parts = [time, f.peakMiB === undefined ? undefined : `peak RSS ${f.peakMiB.toFixed(1)} MiB`, f.note];
  return parts.filter((p) => p !== undefined).join(', ');
}

/** Milliseconds under a second, seconds with two decimals under ten, whole seconds above. */
function duration(seconds: number): string {
  if (seconds < 0.1) return `${(seconds * 1000).toFixed(1)} ms`;
  if (seconds < 1) return `${(seconds * 1000).toFixed(0)} ms`;
  return `${seconds.toFixed(seconds < 10 ? 2 : 0)} s`;
}
