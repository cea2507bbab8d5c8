import * as fs from 'fs';
import * as path from 'path';
import { alertRows, alertsTable, faultClassesTable, runbookHeader } from './alerts';
import { benchmarksTables } from './benchmarks';
import { configKeysTable } from './config-keys';
import { probeEnvTable } from './probe-env';

/**
 * The docs' reference tables, rendered from their single sources between marker comments:
 *
 *     <!-- generated:config-keys -->
 *     ...
 *     <!-- /generated -->
 *
 * `node scripts/run-ts.cjs scripts/docs-tables.ts` rewrites the pages (`npm run docs:tables`; per-file mode, not
 * `--bundle`: the TypeScript checker it runs reads its lib files from beside its own module);
 * with `--check` it writes nothing and fails when a page is stale. `__tests__/repository/docs.test.ts` does the
 * same check in memory.
 */

/** Which tables each page carries, by marker name. */
function blocks(root: string): Record<string, Record<string, () => string>> {
  const pages: Record<string, Record<string, () => string>> = {
    'docs/configuration.md': { 'config-keys': () => configKeysTable(root) },
    'docs/probe.md': { 'probe-env': probeEnvTable },
    'docs/alerts.md': { alerts: alertsTable, 'fault-classes': faultClassesTable },
    'CONTRIBUTING.md': { benchmarks: () => benchmarksTables(root) },
  };
  for (const { alert } of alertRows()) pages[`docs/runbooks/${alert}.md`] = { 'runbook-header': () => runbookHeader(alert) ?? '' };
  return pages;
}

const MARKER = /<!-- generated:([a-z-]+) -->\n[\s\S]*?<!-- \/generated -->/g;

/** The pages as they should be, by path relative to `root`: only those with generated blocks. */
export function renderDocs(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [page, tables] of Object.entries(blocks(root))) {
    const text = fs.readFileSync(path.join(root, page), 'utf8');
    const seen = new Set<string>();
    out[page] = text.replace(MARKER, (_whole, name: string) => {
      const render = tables[name];
      if (render === undefined) throw new Error(`${page}: no generated table named "${name}"`);
      seen.add(name);
      return `<!-- generated:${name} -->\n${render()}\n<!-- /generated -->`;
    });
    const missing = Object.keys(tables).filter((name) => !seen.has(name));
    if (missing.length > 0) throw new Error(`${page}: no marker for ${missing.map((m) => `<!-- generated:${m} -->`).join(', ')}`);
  }
  return out;
}
