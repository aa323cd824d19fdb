import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { parseScenario } from './load.js';
import { userErrorOf } from '../../test/helpers/user-error.js';

const env = { cwd: '/proj', now: new Date('2026-11-29T20:15:00.123Z') };

const fail = (text: string): UserError => userErrorOf(() => parseScenario(text, '/proj/s.yaml', {}, env));

const withEpisode = (episode: string): string => `name: t
dataset: { file: prompts.jsonl }
load:
  phases:
    - { duration: 5s, rate: 1 }
chaos:
  episodes:
    - ${episode}
`;

describe('chaos episode mistakes', () => {
  it('a mistyped kind is named as the unknown key, not as "needs exactly one of"', () => {
    const err = fail(withEpisode('{ at: 1s, for: 1s, toxics: { type: latency, attributes: { latency: 100 } } }'));
    expect(err.message).toMatch(/unknown field 'chaos\.episodes\[0\]\.toxics' — did you mean 'toxic'\?/);
    expect(err.where).toMatch(/s\.yaml:8:\d+$/);
  });

  it('an episode with no kind at all still says it needs one', () => {
    const err = fail(withEpisode('{ at: 1s, for: 1s }'));
    expect(err.message).toMatch(/needs exactly one of toxic, down, http/);
  });
});
