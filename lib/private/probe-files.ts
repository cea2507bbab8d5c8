import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** The probe's entry module, in the ConfigMap and in the pod (`/probe/<file>`). */
export const PROBE_SCRIPT_FILE = 'probe-script.mjs';

/**
 * Node's flags in the pod's command, and wherever the tests, the drill and the benchmark run the probe.
 * V8 sizes the young generation by the machine, not the pod: on a large node its semi-spaces grow to tens
 * of MiB, and with thousands of short requests (every route on every replica) each scavenge promotes
 * what is in flight, so the heap reaches 200 MiB before a full collection. Measured (`bench/probe.ts
 * --matrix`, 1,000 replicas × 20 routes, every pair failing): peak RSS 259-293 MiB without, 160-167 MiB
 * with 2 MiB semi-spaces, and no slower.
 */
export const PROBE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

/** The probe's folder: `lib/probe/` in the source tree, `dist/probe/` in the installed package. */
const PROBE_DIR = path.join(__dirname, '..', 'probe');

/**
 * The files of the probe's ConfigMap: every module of the probe and its contract, by file name (the
 * ConfigMap's keys are flat names, and the modules import each other as `./<name>`), in name order.
 * The tests execute the same bytes.
 */
export function probeFiles(): Readonly<Record<string, string>> {
  const names = fs
    .readdirSync(PROBE_DIR)
    .filter((file) => file.endsWith('.mjs') || file.endsWith('.json'))
    .sort();
  return Object.fromEntries(names.map((file) => [file, fs.readFileSync(path.join(PROBE_DIR, file), 'utf8')]));
}

/**
 * sha256 over every file of the probe, each as its name, a NUL, its bytes and a NUL, in name order: a
 * change to any module or to the contract changes it, so the pod template changes with the code it runs.
 */
export function probeFilesSha256(files: Readonly<Record<string, string>>): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(files).sort()) hash.update(`${name}\0${files[name]}\0`);
  return hash.digest('hex');
}
