import { formatDuration } from '../../lib/private/promql';

describe('formatDuration', () => {
  test.each([
    [900, '15m'],
    [630, '10m30s'],
    [30, '30s'],
    [0, '0s'],
    [90000, '1d1h'],
  ])('formatDuration(%j) is %j', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});
