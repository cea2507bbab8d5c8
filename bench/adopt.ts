import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerminalStack } from '../lib';
import { configProps } from '../__tests__/support/config-props';
import { Testing } from '../lib/private/cdktf';
import { median } from './timing';
import { recordResults } from './record';

/**
 * What `adopt` adds to a synth: the original setup (mirror, DNS, routes) built and synthesized in
 * one process, with and without import blocks, alternating, 21 times each after a warm-up.
 * In-process, so the figure is the construct work and not Node's start-up. Prints; asserts nothing.
 */
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '__tests__', 'fixtures', 'original-setup.json'), 'utf8')) as {
  config: Record<string, unknown>;
};

let importBlocks = 0;

function synthMs(adopt: boolean): number {
  const config = configProps({ ...fixture.config, adopt });
  const start = process.hrtime.bigint();
  const stack = new TerminalStack(Testing.app(), 'terminal', config);
  Testing.synth(stack);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  importBlocks = Math.max(importBlocks, stack.imports?.imports.length ?? 0);
  return ms;
}

for (let i = 0; i < 3; i++) {
  synthMs(true);
  synthMs(false);
}
const times: Record<'with' | 'without', number[]> = { with: [], without: [] };
for (let i = 0; i < 21; i++) {
  times.without.push(synthMs(false));
  times.with.push(synthMs(true));
}
console.log(`adopt benchmark on ${os.cpus().length} cores, node ${process.version}: build + synth of the original setup, median of 21`);
console.log(`without adopt  ${median(times.without).toFixed(1)} ms`);
console.log(
  `with adopt     ${median(times.with).toFixed(1)} ms  (${(median(times.with) - median(times.without)).toFixed(1)} ms for ${importBlocks} ` +
    `import blocks)`,
);
recordResults('adopt', {
  title: 'What `adopt` adds: the original setup built and synthesized in one process, median of 21 (`bench/adopt.ts`)',
  figures: [
    { what: 'without `adopt`', seconds: median(times.without) / 1000 },
    { what: `with \`adopt\` (${importBlocks} import blocks)`, seconds: median(times.with) / 1000, target: 'no noticeable synth time' },
  ],
});
