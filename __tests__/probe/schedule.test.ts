import { CronSchedule, parseCron, shortestIntervalSeconds, unsteadyReason } from '../../lib/private/schedule';

function parsed(expression: string): CronSchedule {
  const result = parseCron('schedule', expression);
  if (typeof result === 'string') throw new Error(result);
  return result;
}

describe('parseCron', () => {
  test.each([
    ['*/5 * * JAN-DEC SUN-SAT', 300],
    ['*/5 * * jan-dec sun-sat', 300],
    ['@hourly', 3600],
    ['@daily', 86400],
    ['*/5 * ? * *', 300],
    ['0,30 * * * 0-7', 1800],
  ])('reads %s as Kubernetes does: every day, every %i s', (expression, seconds) => {
    const schedule = parsed(expression);
    expect(schedule.everyDay).toBe(true);
    expect(shortestIntervalSeconds(schedule)).toBe(seconds);
    expect(unsteadyReason('schedule', schedule)).toBeUndefined();
  });

  test.each([
    ['0 0 30 2 *', 'never fires'],
    ['0 0 31 4,6,9,11 *', 'never fires'],
    ['*/5 * * *', 'is not a cron schedule (five fields'],
    ['*/5 * * * MOON', 'day of week "MOON" is not a number or a name (SUN-SAT)'],
    ['*/5 25 * * *', 'hour "25" is outside 0-23'],
    ['@every 5m', 'is not a cron schedule'],
  ])('refuses %s', (expression, message) => {
    expect(parseCron('schedule', expression)).toContain(message);
  });

  test('29 February fires, in leap years', () => {
    expect(parsed('0 0 29 2 *').everyDay).toBe(false);
  });

  test.each([
    ['*/5 * * * MON-FRI', 'does not run every day'],
    ['*/5 * 1-15 * *', 'does not run every day'],
    ['*/7 * * * *', 'has uneven gaps between runs (4, 7 minutes)'],
    ['0 9,17 * * *', 'has uneven gaps between runs (480, 960 minutes)'],
  ])('calls %s unsteady, with the reason', (expression, reason) => {
    expect(unsteadyReason('schedule', parsed(expression))).toContain(reason);
  });

  test('both day fields restricted: either may match, as in cron', () => {
    // the 13th of each month or every Friday: not every day, but it fires
    expect(parsed('0 0 13 * FRI').everyDay).toBe(false);
  });
});
