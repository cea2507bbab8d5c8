/**
 * Measures the alerts' time to fire per fault class with promtool and writes `bench/alert-timelines.json`,
 * which `npm run docs:tables` turns into the alert tables of docs/alerts.md:
 *   node scripts/run-ts.cjs bench/alert-timelines.ts
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { TIMELINES_FILE, measureAlertTimelines } from './measure-timelines';

const timelines = measureAlertTimelines();
for (const c of timelines.classes) console.log(`${c.title}: ${c.minutes ?? 'never'} min (${JSON.stringify(c.fired)})`);
console.log(`healthy day (${timelines.healthyDay.runs} runs): ${timelines.healthyDay.alertsRaised.join(', ') || 'no alert'}`);
writeFileSync(TIMELINES_FILE, `${JSON.stringify(timelines, null, 2)}\n`);
console.log(`written to ${relative(process.cwd(), TIMELINES_FILE)}`);
