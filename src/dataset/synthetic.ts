/**
 * Seeded synthetic prompts whose chat input token count hits a drawn target exactly,
 * so a run's planned input tokens are known precisely without a dataset file.
 */
import { UserError } from '../errors.js';
import type { Prompt, SyntheticSpec } from '../types.js';
import { countChatTokens } from './chat-tokens.js';
import type { TokenCounter } from './encoding.js';
import { createRng, type Rng } from '../random.js';
import { SYNTHETIC_WORDS } from './synthetic-words.js';

/** Smallest input that leaves room for at least one content token after chat framing. */
export const MIN_SYNTHETIC_INPUT_TOKENS = 8;
export const MIN_SYNTHETIC_OUTPUT_TOKENS = 1;

function checkSpec(spec: SyntheticSpec): void {
  const bad = (field: string, why: string): never => {
    throw new UserError(`dataset.synthetic.${field} ${why}`, {
      where: `dataset.synthetic.${field}`,
      hint: 'e.g. synthetic: { inputTokens: { mean: 512, stddev: 128 }, outputTokens: { mean: 128, stddev: 32 }, count: 200 }',
    });
  };
  if (!Number.isInteger(spec.count) || spec.count <= 0) bad('count', 'must be a positive integer');
  for (const key of ['inputTokens', 'outputTokens'] as const) {
    const { mean, stddev } = spec[key];
    if (!Number.isFinite(mean) || mean <= 0) bad(`${key}.mean`, 'must be a positive number');
    if (!Number.isFinite(stddev) || stddev < 0) bad(`${key}.stddev`, 'must be zero or a positive number');
  }
}

const capitalize = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * Writes text of exactly `target` tokens. Words are appended as pieces (" word", ".")
 * with memoised token costs; when the next piece would overshoot, a one-token filler
 * word is used instead. tiktoken splits text into words before merging, so piece costs
 * add up; the final full count is still verified and repaired, since that is an
 * assumption about the tokenizer rather than a guarantee.
 */
class TextBuilder {
  private readonly cost = new Map<string, number>();
  private readonly fillers: string[];

  constructor(private readonly counter: TokenCounter) {
    // One token both mid-text (" the") and at the very start ("the").
    this.fillers = SYNTHETIC_WORDS.filter((w) => this.costOf(` ${w}`) === 1 && this.costOf(w) === 1).map((w) => ` ${w}`);
    if (this.fillers.length === 0) throw new Error(`no one-token filler words for ${counter.encoding}`);
  }

  private costOf(piece: string): number {
    let c = this.cost.get(piece);
    if (c === undefined) {
      c = this.counter.count(piece);
      this.cost.set(piece, c);
    }
    return c;
  }

  private filler(rng: Rng, first: boolean): string {
    const piece = this.fillers[rng.int(this.fillers.length)] as string;
    return first ? piece.trimStart() : piece;
  }

  /** Sentence-shaped stream of pieces: capitalised first word, 5–16 words, full stop. */
  private *pieces(rng: Rng): Generator<string> {
    for (;;) {
      const length = 5 + rng.int(12);
      for (let i = 0; i < length; i++) {
        const word = SYNTHETIC_WORDS[rng.int(SYNTHETIC_WORDS.length)] as string;
        yield ` ${i === 0 ? capitalize(word) : word}`;
      }
      yield '.';
    }
  }

  build(target: number, rng: Rng): string {
    const out: string[] = [];
    let used = 0;
    const source = this.pieces(rng);
    while (used < target) {
      const first = out.length === 0;
      // The text starts without a space, and "Word" can cost differently from " Word".
      let piece = first ? (source.next().value as string).trimStart() : (source.next().value as string);
      if (used + this.costOf(piece) > target) piece = this.filler(rng, first);
      out.push(piece);
      used += this.costOf(piece);
    }
    return this.repair(out, target, rng).join('');
  }

  private repair(out: string[], target: number, rng: Rng): string[] {
    for (let attempt = 0; attempt < 100; attempt++) {
      const actual = this.counter.count(out.join(''));
      if (actual === target) return out;
      if (actual > target) out.pop();
      else out.push(this.filler(rng, out.length === 0));
    }
    throw new Error(`synthetic text could not reach exactly ${target} tokens with ${this.counter.encoding}`);
  }
}

/**
 * Draws `count` prompts: input ~ N(mean, sd) rounded and clamped to >= 8 chat tokens,
 * output ~ N(mean, sd) rounded and clamped to >= 1. Same seed, same prompts.
 */
export function generateSyntheticPrompts(spec: SyntheticSpec, counter: TokenCounter, seed: number): Prompt[] {
  checkSpec(spec);
  const rng = createRng(seed);
  const builder = new TextBuilder(counter);
  // Framing of one user message with empty content: what the text itself must not cover.
  const framing = countChatTokens([{ role: 'user', content: '' }], counter);
  const width = String(spec.count).length;
  const prompts: Prompt[] = [];

  for (let i = 0; i < spec.count; i++) {
    const inputTokens = Math.max(
      MIN_SYNTHETIC_INPUT_TOKENS,
      framing + 1,
      Math.round(rng.normal(spec.inputTokens.mean, spec.inputTokens.stddev)),
    );
    const maxOutputTokens = Math.max(
      MIN_SYNTHETIC_OUTPUT_TOKENS,
      Math.round(rng.normal(spec.outputTokens.mean, spec.outputTokens.stddev)),
    );
    const content = builder.build(inputTokens - framing, rng);
    prompts.push({
      id: `synthetic-${String(i + 1).padStart(width, '0')}`,
      messages: [{ role: 'user', content }],
      maxOutputTokens,
      inputTokens,
    });
  }
  return prompts;
}
