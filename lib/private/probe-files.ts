import * as fs from 'fs';
import * as path from 'path';

/** File name of the probe script, in the ConfigMap and in the pod (`/probe/<file>`). */
export const PROBE_SCRIPT_FILE = 'probe-script.mjs';

/** File name of the metric, label and check names the script reads from beside itself. */
const PROBE_NAMES_FILE = 'probe-names.json';

/**
 * The files of the probe's ConfigMap (script and names), read from this module's parent folder: `lib/` in
 * the source tree, `dist/` in the installed package. The tests execute the same bytes.
 */
export function probeFiles(): Readonly<Record<string, string>> {
  const read = (file: string): string => fs.readFileSync(path.join(__dirname, '..', file), 'utf8');
  return { [PROBE_SCRIPT_FILE]: read(PROBE_SCRIPT_FILE), [PROBE_NAMES_FILE]: read(PROBE_NAMES_FILE) };
}
