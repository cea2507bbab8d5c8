import * as fs from 'fs';
import * as path from 'path';
import { renderDocs } from './docs/render';

/** `npm run docs:tables`: rewrites the generated tables of the docs; `--check` writes nothing and fails when one is stale. */
function main(): void {
  const root = path.resolve(__dirname, '..');
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  let pages: Record<string, string>;
  try {
    pages = renderDocs(root);
  } catch (error) {
    // A source without what a table needs (a variable without a description): the message, not the bundle's line.
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
  for (const [page, text] of Object.entries(pages)) {
    const file = path.join(root, page);
    if (fs.readFileSync(file, 'utf8') === text) continue;
    stale.push(page);
    if (!check) fs.writeFileSync(file, text);
  }
  if (check && stale.length > 0) {
    console.error(`stale: ${stale.join(', ')}; run npm run docs:tables`);
    process.exit(1);
  }
  console.log(stale.length === 0 ? 'docs tables: current' : `docs tables: wrote ${stale.join(', ')}`);
}

main();
