/**
 * Just enough of cron to check a Kubernetes CronJob schedule and know how often it fires: the five
 * standard fields with `*`, numbers, ranges, steps and lists, and the `@hourly`-style macros.
 */

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const FIELDS = [
  { name: 'minute', min: 0, max: 59, names: [] as string[] },
  { name: 'hour', min: 0, max: 23, names: [] as string[] },
  { name: 'day of month', min: 1, max: 31, names: [] as string[] },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
] as const;

/** One field's allowed values, and whether it was a bare `*`/`?` (which matters for the day fields). */
interface Field {
  readonly values: ReadonlySet<number>;
  readonly star: boolean;
}

/** The values one cron field allows (names and `?` as the Kubernetes controller's parser reads them), or a problem sentence. */
function expandField(text: string, spec: (typeof FIELDS)[number]): Field | string {
  const { min, max, names } = spec;
  const first = names.length > 0 && spec.name === 'month' ? 1 : 0;
  const number = (word: string): number => {
    const named = (names as readonly string[]).indexOf(word.toUpperCase());
    return named >= 0 ? named + first : /^\d+$/.test(word) ? Number(word) : NaN;
  };
  const values = new Set<number>();
  let star = false;
  for (const part of text.split(',')) {
    const m = /^(\*|\?|([A-Za-z]+|\d+)(?:-([A-Za-z]+|\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) return `"${part}" is not a cron value`;
    const all = m[1] === '*' || m[1] === '?';
    const from = all ? min : number(m[2]);
    const to = all ? max : m[3] !== undefined ? number(m[3]) : m[4] !== undefined ? max : from;
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    if (Number.isNaN(from) || Number.isNaN(to))
      return `"${part}" is not a number${names.length > 0 ? ` or a name (${names[0]}-${names[names.length - 1]})` : ''}`;
    if (from < min || to > max || from > to || step < 1) return `"${part}" is outside ${min}-${max}`;
    if (all && step === 1) star = true;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return { values, star };
}

/** A parsed schedule: the minutes of the day at which it can fire, and on which days. */
export interface CronSchedule {
  /** The expression as given. */
  readonly expression: string;
  /** Minutes after midnight at which it fires on a day it runs, ascending. */
  readonly minutesOfDay: readonly number[];
  /** Whether it runs on every day of the year (no day-of-month, month or day-of-week restriction that bites). */
  readonly everyDay: boolean;
}

/** Days the schedule runs on, over 28 years (a whole cycle of leap years and weekdays): [matching, total]. */
function matchingDays(dom: Field, month: Field, dow: Field): [number, number] {
  let matching = 0;
  let total = 0;
  for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2052, 0, 1); t += 86_400_000) {
    const d = new Date(t);
    const domOk = dom.values.has(d.getUTCDate());
    const weekday = d.getUTCDay();
    const dowOk = dow.values.has(weekday) || (weekday === 0 && dow.values.has(7));
    // As cron (and the Kubernetes controller): both day fields restricted means either may match.
    const dayOk = dom.star || dow.star ? domOk && dowOk : domOk || dowOk;
    if (dayOk && month.values.has(d.getUTCMonth() + 1)) matching++;
    total++;
  }
  return [matching, total];
}

/** Parses a schedule; returns a problem sentence naming `field` when it is not valid cron or can never fire. */
export function parseCron(field: string, expression: string): CronSchedule | string {
  const trimmed = expression.trim();
  const expanded = MACROS[trimmed.toLowerCase()] ?? trimmed;
  const parts = expanded.split(/\s+/);
  if (parts.length !== 5)
    return (
      `${field} ${JSON.stringify(expression)} is not a cron schedule (five fields: minute hour day-of-month month day-of-week, like ` +
      `"*/5 * * * *")`
    );
  const fields: Field[] = [];
  for (let i = 0; i < 5; i++) {
    const parsed = expandField(parts[i], FIELDS[i]);
    if (typeof parsed === 'string') return `${field} ${JSON.stringify(expression)} is not a cron schedule: ${FIELDS[i].name} ${parsed}`;
    fields.push(parsed);
  }
  const [minutes, hours, dom, month, dow] = fields;
  const [matching, total] = matchingDays(dom, month, dow);
  if (matching === 0) return `${field} ${JSON.stringify(expression)} never fires (no date has that day of month in those months)`;
  const minutesOfDay = [...hours.values].sort((a, b) => a - b).flatMap((h) => [...minutes.values].sort((a, b) => a - b).map((m) => h * 60 + m));
  return { expression, minutesOfDay, everyDay: matching === total };
}

/**
 * The shortest time between two runs, in seconds. Within a day it is the smallest gap between
 * firing minutes; across midnight, from the last run to the first one of the next day.
 */
export function shortestIntervalSeconds(schedule: CronSchedule): number {
  const m = schedule.minutesOfDay;
  let gap = m[0] + 24 * 60 - m[m.length - 1];
  for (let i = 1; i < m.length; i++) gap = Math.min(gap, m[i] - m[i - 1]);
  return gap * 60;
}

/**
 * Why a schedule is not steady (the same gap between every two runs, every day), or `undefined`.
 * A staleness alert derived from the interval needs a steady one, or it fires in every longer gap.
 */
export function unsteadyReason(field: string, schedule: CronSchedule): string | undefined {
  const quoted = JSON.stringify(schedule.expression);
  if (!schedule.everyDay)
    return `${field} ${quoted} does not run every day; the staleness alert needs a steady interval and would fire on the days it skips`;
  const m = schedule.minutesOfDay;
  const gaps = new Set<number>([m[0] + 24 * 60 - m[m.length - 1]]);
  for (let i = 1; i < m.length; i++) gaps.add(m[i] - m[i - 1]);
  if (gaps.size > 1)
    return (
      `${field} ${quoted} has uneven gaps between runs (${[...gaps].sort((a, b) => a - b).join(', ')} minutes); the staleness alert ` +
      `needs a steady interval`
    );
  return undefined;
}
