import { expect, it } from 'vitest';
import { didYouMean, editDistance } from './suggest.js';

it('edit distance counts transpositions as one edit', () => {
  expect(editDistance('ttft', 'tftt')).toBe(1);
  expect(editDistance('', 'abc')).toBe(3);
  expect(editDistance('kitten', 'sitting')).toBe(3);
});

it('suggests close keys, ignoring case and separators, and nothing for far ones', () => {
  const keys = ['maxInFlight', 'phases'];
  expect(didYouMean('maxInflight', keys)).toBe('maxInFlight');
  expect(didYouMean('max_in_flight', keys)).toBe('maxInFlight');
  expect(didYouMean('phase', keys)).toBe('phases');
  expect(didYouMean('concurrency', keys)).toBeUndefined();
  expect(didYouMean('p96', ['p90', 'p95', 'p99'])).toBeUndefined();
});
