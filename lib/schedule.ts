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
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

/** The values one cron field allows, or a problem sentence. */
function expandField(text: string, min: number, max: number): number[] | string {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) return `"${part}" is not a cron value`;
    const from = m[1] === '*' ? min : Number(m[2]);
    const to = m[1] === '*' ? max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? max : from;
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    if (from < min || to > max || from > to || step < 1) return `"${part}" is outside ${min}-${max}`;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

/** A parsed schedule: the minutes of the day at which it can fire. */
export interface CronSchedule {
  /** The expression as given. */
  readonly expression: string;
  /** Minutes after midnight at which it fires on a day it runs, ascending. */
  readonly minutesOfDay: readonly number[];
}

/** Parses a schedule; returns a problem sentence naming `field` when it is not valid cron. */
export function parseCron(field: string, expression: string): CronSchedule | string {
  const expanded = MACROS[expression.trim()] ?? expression.trim();
  const parts = expanded.split(/\s+/);
  if (parts.length !== 5) return `${field} ${JSON.stringify(expression)} is not a cron schedule (five fields: minute hour day-of-month month day-of-week, like "*/5 * * * *")`;
  const sets: number[][] = [];
  for (let i = 0; i < 5; i++) {
    const values = expandField(parts[i], FIELDS[i].min, FIELDS[i].max);
    if (typeof values === 'string') return `${field} ${JSON.stringify(expression)} is not a cron schedule: ${FIELDS[i].name} ${values}`;
    sets.push(values);
  }
  const minutesOfDay = sets[1].flatMap((h) => sets[0].map((m) => h * 60 + m));
  return { expression, minutesOfDay };
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
