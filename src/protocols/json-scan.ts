/**
 * Cheap checks on JSON text for the stream parsers' hot paths: where a string ends, and
 * whether text is framed as one object (strings closed, brackets balanced, nothing after the
 * outer object). Not a parser: enough to tell a truncated or garbled event from a whole one
 * at a fraction of JSON.parse's cost; the full parse then names the problem.
 */

/**
 * Nesting depth after the characters [from, to) of `s`, begun at `depth` outside any string;
 * -1 when they break the frame of one object (a string left open, a bracket closed that was
 * not open, anything after the outer object closes).
 */
export function frameDepth(s: string, from: number, to: number, depth: number): number {
  const last = s.length - 1;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      // skip the string, honouring escapes
      for (i++; i < to; i++) {
        const d = s.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
      if (i >= to) return -1;
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      if (--depth < 0) return -1;
      if (depth === 0 && i !== last) return -1;
    }
  }
  return depth;
}

/** Index of the closing quote of a JSON string whose body starts at `from` (-1: none). */
export function stringEnd(s: string, from: number): number {
  let i = from;
  for (;;) {
    const q = s.indexOf('"', i);
    if (q < 0) return -1;
    let bs = 0;
    for (let j = q - 1; j >= from && s.charCodeAt(j) === 92; j--) bs++;
    if ((bs & 1) === 0) return q;
    i = q + 1;
  }
}

/** Is `s` framed as one complete JSON object? */
export function wellFormedObject(s: string): boolean {
  const n = s.length;
  return n >= 2 && s.charCodeAt(0) === 123 && s.charCodeAt(n - 1) === 125 && frameDepth(s, 0, n, 0) === 0;
}

/**
 * A copy of `s` that keeps nothing else alive. V8 makes a slice of 13 or more characters a view
 * into the string it was cut from — here a whole socket read, up to 64 KB — so a piece kept for
 * the rest of a request would keep its read too. Concatenating and slicing again makes V8 copy
 * the characters into a string of their own (about 70 ns for a token's piece).
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (s + ' ').slice(0, -1);
}
