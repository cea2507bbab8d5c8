import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The measured figures the docs quote, one section per benchmark, in `bench/results.json`: a benchmark
 * replaces its own section when it runs, and `npm run docs:tables` writes them into CONTRIBUTING.md.
 */
export const RESULTS_FILE = path.join(__dirname, 'results.json');

export interface BenchFigure {
  /** What was measured (Markdown). */
  readonly what: string;
  /** Median wall time, seconds. */
  readonly seconds?: number;
  /** Median peak RSS, MiB. */
  readonly peakMiB?: number;
  /** Anything else the figure needs (Markdown): the runs, the load, a comparison. */
  readonly note?: string;
  /** The target, and whether it was met (Markdown). */
  readonly target?: string;
}

export interface BenchSection {
  /** What the section measures, and how to run it (Markdown). */
  readonly title: string;
  /** Day of the measurement (YYYY-MM-DD). */
  readonly measured: string;
  /** The machine and Node it ran on. */
  readonly machine: string;
  /** How the figures got here: `measured` by the benchmark, or copied from an earlier measurement. */
  readonly source: string;
  readonly figures: readonly BenchFigure[];
}

export type BenchResults = Readonly<Record<string, BenchSection>>;

export function readResults(file = RESULTS_FILE): BenchResults {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResults) : {};
}

/** Replaces one section of the results file, keeping the others and their order. */
export function recordResults(id: string, section: Omit<BenchSection, 'measured' | 'machine' | 'source'>, file = RESULTS_FILE): void {
  const measured = new Date().toISOString().slice(0, 10);
  const machine = `${os.cpus().length} cores, Node ${process.version.slice(1)}, load average ${os.loadavg()[0].toFixed(1)}`;
  const results = { ...readResults(file), [id]: { ...section, measured, machine, source: 'measured' } };
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`written to ${path.relative(process.cwd(), file)} (${id})`);
}
