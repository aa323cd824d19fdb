import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { DURATION_PATTERN, formatDuration, parseDuration, tryParseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['60s', 60_000],
    ['1.5s', 1500],
    ['1.1s', 1100],
    ['.5s', 500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['250us', 0.25],
    ['250µs', 0.25],
    ['1m30s', 90_000],
    ['1h2m3s4ms', 3_723_004],
    ['0', 0],
    ['0s', 0],
    [0, 0],
  ])('%s -> %s ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
    if (typeof input === 'string') expect(new RegExp(DURATION_PATTERN).test(input)).toBe(true);
  });

  it.each([
    [60, /60 has no unit/],
    ['60', /60 has no unit/],
    ['1.5', /1\.5 has no unit/],
    ['', /empty/],
    ['5 s', /not a duration/],
    [' 5s', /not a duration/],
    ['5sec', /unknown unit "sec"/],
    ['5S', /unknown unit "S"/],
    ['1m30', /30 has no unit/],
    ['-5s', /negative/],
    ['1.2.3s', /has no unit/],
    ['fast', /not a duration/],
    [Number.NaN, /not a duration/],
    [null, /expected a duration/],
    [true, /expected a duration/],
  ])('rejects %j', (input, message) => {
    const r = tryParseDuration(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toMatch(message);
      expect(r.hint).toMatch(/unit|>= 0/);
    }
    if (typeof input === 'string') expect(new RegExp(DURATION_PATTERN).test(input)).toBe(false);
  });

  it('throws a UserError with the given location and a hint', () => {
    const err = (() => {
      try {
        parseDuration('30', '--duration');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(UserError);
    expect(err).toMatchObject({ where: '--duration', message: 'invalid duration: 30 has no unit', hint: expect.stringContaining('30s') });
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [0.25, '250us'],
    [1.5, '1.5ms'],
    [500, '500ms'],
    [1500, '1.5s'],
    [60_000, '1m'],
    [90_000, '1m30s'],
    [61_500, '1m1.5s'],
    [3_600_000, '1h'],
    [3_723_004, '1h2m3.004s'],
    [-1500, '-1.5s'],
  ])('%s ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips through parseDuration', () => {
    for (const ms of [0.001, 0.999, 1, 999.999, 1000, 1234.567, 59_999, 86_400_000, 123_456_789.123]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });
});
