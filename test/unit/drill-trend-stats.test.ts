/**
 * Nearest-rank percentiles as reports/drill/trend-stats.ts defines them: the value at rank
 * ⌈p/100 · n⌉ of the sorted list, always an observed value. Checked against hand-worked lists and,
 * for random lists, against a brute-force reading of the definition ("the smallest value with at
 * least p% of the values at or below it").
 */
import fc from 'fast-check';
import { formatDurationMs, nearestRankPercentile, spreadOf } from '../../reports/drill/trend-stats';

describe('nearest-rank percentiles', () => {
  test('hand-worked lists', () => {
    expect(nearestRankPercentile([15, 20, 35, 40, 50], 50)).toBe(35);
    expect(nearestRankPercentile([15, 20, 35, 40, 50], 90)).toBe(50);
    expect(nearestRankPercentile([15, 20, 35, 40, 50], 30)).toBe(20);
    expect(nearestRankPercentile([15, 20, 35, 40, 50], 100)).toBe(50);
    // Even count: p50 is the lower middle value, not the mean of the two.
    expect(nearestRankPercentile([4, 1, 3, 2], 50)).toBe(2);
    // Ten values: p90 is the 9th, not the 10th.
    expect(nearestRankPercentile([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 90)).toBe(9);
    // 7 of 100: rank exactly 7, which floating point would push to 8 as (7/100)·100.
    expect(nearestRankPercentile(Array.from({ length: 100 }, (_, i) => i + 1), 7)).toBe(7);
    expect(nearestRankPercentile([42], 50)).toBe(42);
    expect(nearestRankPercentile([42], 90)).toBe(42);
    expect(nearestRankPercentile([], 50)).toBeUndefined();
  });

  test('refuses percentiles outside (0, 100] and non-finite values, naming them', () => {
    expect(() => nearestRankPercentile([1], 0)).toThrow('percentile must be greater than 0 and at most 100, got 0');
    expect(() => nearestRankPercentile([1], 101)).toThrow('got 101');
    expect(() => nearestRankPercentile([1, Number.NaN], 50)).toThrow('non-finite value (NaN)');
  });

  test('matches the definition for random lists', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 100 }), (values, p) => {
        const got = nearestRankPercentile(values, p)!;
        const sorted = [...values].sort((a, b) => a - b);
        const expected = sorted.find((candidate) => sorted.filter((value) => value <= candidate).length * 100 >= p * sorted.length);
        expect(got).toBe(expected);
        expect(values).toContain(got);
      }),
    );
  });

  test('spreadOf leaves out missing values and counts what it used', () => {
    expect(spreadOf([30_000, undefined, 10_000, 20_000])).toEqual({ count: 3, p50: 20_000, p90: 30_000 });
    expect(spreadOf([undefined])).toEqual({ count: 0, p50: undefined, p90: undefined });
  });

  test('durations read as people write them', () => {
    expect(formatDurationMs(850)).toBe('850 ms');
    expect(formatDurationMs(42_900)).toBe('42 s');
    expect(formatDurationMs(185_000)).toBe('3m 05s');
    expect(formatDurationMs(3_720_000)).toBe('1h 02m');
    expect(formatDurationMs(undefined)).toBe('—');
  });
});
