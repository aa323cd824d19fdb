/**
 * Seeded token text. Tokens look like real BPE pieces ("Hello", " world", ",", ".") and
 * are JSON-escaped once at load time, so the hot path only concatenates strings: the
 * escaped form of a concatenation is the concatenation of the escaped forms.
 */
import type { Rng } from './rng.js';

const STARTERS = ['Hello', 'The', 'In', 'This', 'A', 'We', 'It', 'Each', 'When', 'Our', 'Every', 'Latency'];

const WORDS = [
  ' world', ' model', ' server', ' token', ' stream', ' request', ' latency', ' the', ' of', ' and',
  ' to', ' a', ' is', ' that', ' for', ' with', ' on', ' fast', ' quick', ' brown', ' fox', ' data',
  ' benchmark', ' answer', ' response', ' time', ' first', ' load', ' test', ' every', ' second',
  ' queue', ' throughput', ' percentile', ' tail', ' budget', ' mock', ' chunk', ' event', ' line',
  ' "quoted"', ' café', ' naïve', ' 42', ' 3', ' ms', ' p99', ' back\\slash', ' cache', ' window',
];

const COMMA = ',';
const PUNCT = ['.', '.', '.', '!', '?', ';'];
const PARAGRAPH = '\n\n';

function escape(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

const E_STARTERS = STARTERS.map(escape);
const E_SPACED_STARTERS = STARTERS.map((w) => escape(' ' + w));
const E_WORDS = WORDS.map(escape);
const E_COMMA = escape(COMMA);
const E_PUNCT = PUNCT.map(escape);
const E_PARAGRAPH = escape(PARAGRAPH);

function pick(rng: Rng, list: readonly string[]): string {
  return list[Math.floor(rng() * list.length)] as string;
}

/**
 * `n` JSON-escaped tokens (without quotes) forming sentences: a capitalised opener,
 * 3+ words with the odd comma, end punctuation, sometimes a paragraph break.
 */
export function generateTokens(rng: Rng, n: number): string[] {
  const out: string[] = new Array<string>(n);
  let inSentence = 0; // words emitted in the current sentence; 0 = sentence start
  let afterBreak = true; // at text start or right after a paragraph break
  let lastWasPunct = false;
  for (let i = 0; i < n; i++) {
    let tok: string;
    if (inSentence === 0) {
      tok = pick(rng, afterBreak ? E_STARTERS : E_SPACED_STARTERS);
      inSentence = 1;
      afterBreak = false;
      lastWasPunct = false;
    } else if (lastWasPunct && inSentence < 0) {
      // Just ended a sentence: maybe a paragraph break before the next one.
      inSentence = 0;
      if (rng() < 0.2) {
        tok = E_PARAGRAPH;
        afterBreak = true;
      } else {
        tok = pick(rng, E_SPACED_STARTERS);
        inSentence = 1;
      }
      lastWasPunct = false;
    } else {
      const r = rng();
      if (inSentence >= 4 && !lastWasPunct && r < 0.12) {
        tok = pick(rng, E_PUNCT);
        inSentence = -1;
        lastWasPunct = true;
      } else if (inSentence >= 3 && !lastWasPunct && r < 0.22) {
        tok = E_COMMA;
        lastWasPunct = true;
        inSentence++;
      } else {
        tok = pick(rng, E_WORDS);
        lastWasPunct = false;
        inSentence++;
      }
    }
    out[i] = tok;
  }
  return out;
}

/** Decodes escaped tokens back to the text a client would see. */
export function decodeTokens(tokens: readonly string[]): string {
  return JSON.parse('"' + tokens.join('') + '"') as string;
}
