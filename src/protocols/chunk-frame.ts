/**
 * Checking a stream's compact Chat Completions chunks (json-scan.ts's frame check) at the cost
 * of what differs between them.
 *
 * The chunks of one stream differ only in their delta: the text before it (id, object,
 * created, model, system_fingerprint, …, `"delta":{`) and, for plain content chunks, the text
 * after the content string (`},"logprobs":null,"finish_reason":null}]}`) repeat. A StreamFrame
 * remembers both once checked, so a later chunk costs two string comparisons (V8 compares
 * whole strings at memcmp speed) and the scan of its own content string.
 */
import { detach, frameDepth, stringEnd } from './json-scan.js';

export interface StreamFrame {
  /** the checked text up to and including `"delta":{`, and the nesting depth there */
  prefix: string;
  depth: number;
  /** the checked text after a content string that starts the delta, and its finish_reason */
  suffix: string;
  suffixFinish: string | null;
  /** tails that differed from the remembered one in a row: a stream whose tails all differ stops remembering */
  suffixMisses: number;
}

export const newStreamFrame = (): StreamFrame => ({ prefix: '', depth: 0, suffix: '', suffixFinish: null, suffixMisses: 0 });

/**
 * Tails that differ this many times in a row are not worth remembering: OpenAI's per-chunk
 * `obfuscation` padding, say, makes every tail unique.
 */
const SUFFIX_MISSES_GIVE_UP = 4;

export const DELTA_KEY = '"delta":{';
const CONTENT_KEY = '"content":"';

/** `s.slice(from) === text`, without making the slice when the lengths differ. */
const endsAs = (s: string, from: number, text: string): boolean => s.length - from === text.length && s.slice(from) === text;

/**
 * A plain content chunk the frame has seen the like of: its text before the delta and after
 * its content string are the remembered ones. Returns the content string's [start, end) and
 * the remembered finish_reason, or null to take the general path.
 */
export function framedContent(data: string, frame: StreamFrame): { start: number; end: number; finish: string | null } | null {
  const p = frame.prefix.length;
  if (p === 0 || frame.suffix.length === 0 || frame.suffixMisses >= SUFFIX_MISSES_GIVE_UP || data.length <= p || data.slice(0, p) !== frame.prefix) return null;
  if (!data.startsWith(CONTENT_KEY, p)) return null;
  const start = p + CONTENT_KEY.length;
  if (data.charCodeAt(start) === 34) return null; // empty content: the role-only opening chunk
  const end = stringEnd(data, start);
  if (end < 0 || !endsAs(data, end + 1, frame.suffix)) return null;
  frame.suffixMisses = 0;
  return { start, end, finish: frame.suffixFinish };
}

/**
 * Is the chunk well-formed, and where does `"delta":{` start (-1: no delta)? Learns the
 * stream's prefix from the first chunk that has a delta.
 */
export function checkFramed(data: string, frame: StreamFrame | undefined): { ok: boolean; delta: number } {
  const n = data.length;
  if (n < 2 || data.charCodeAt(0) !== 123 || data.charCodeAt(n - 1) !== 125) return { ok: false, delta: -1 };
  if (frame !== undefined) {
    const p = frame.prefix.length;
    if (p > 0 && n > p && data.slice(0, p) === frame.prefix) return { ok: frameDepth(data, p, n, frame.depth) === 0, delta: p - DELTA_KEY.length };
  }
  if (frameDepth(data, 0, n, 0) !== 0) return { ok: false, delta: -1 };
  const delta = data.indexOf(DELTA_KEY);
  if (frame !== undefined && delta >= 0) {
    const end = delta + DELTA_KEY.length;
    const depth = frameDepth(data, 0, end, 0);
    if (depth > 0) {
      frame.prefix = detach(data.slice(0, end));
      frame.depth = depth;
      frame.suffix = '';
    }
  }
  return { ok: true, delta };
}

/**
 * After the general path read a well-formed chunk whose delta starts with its content string
 * (closing quote at `end`) and that carries no usage: remember the text after that string.
 */
export function rememberSuffix(frame: StreamFrame, data: string, contentKeyAt: number, end: number, finish: string | null): void {
  if (frame.suffixMisses >= SUFFIX_MISSES_GIVE_UP) return;
  if (contentKeyAt !== frame.prefix.length || frame.prefix.length === 0 || data.slice(0, frame.prefix.length) !== frame.prefix) return;
  if (frame.suffix.length > 0) {
    if (endsAs(data, end + 1, frame.suffix)) return;
    frame.suffixMisses++;
  }
  frame.suffix = detach(data.slice(end + 1));
  frame.suffixFinish = finish;
}
