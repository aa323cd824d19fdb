/** "Did you mean …?" for mistyped keys, enum values and metric names. */

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push(Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i]!;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, at(i - 2, j - 2) + 1);
      row[j] = d;
    }
  }
  return at(a.length, b.length);
}

/** Case, `_` and `-` are ignored: `max_in_flight` and `maxinflight` both suggest `maxInFlight`. */
function fold(s: string): string {
  return s.toLowerCase().replace(/[_\-\s]/g, '');
}

/**
 * The closest candidate, or undefined when nothing is close enough to be a likely typo, or when
 * several are equally close (`p96`: p90, p95 or p99?) — a wrong guess is worse than none.
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const x = fold(input);
  let best: string | undefined;
  let bestD = Infinity;
  let tie = false;
  for (const c of candidates) {
    const d = editDistance(x, fold(c));
    const limit = Math.max(1, Math.floor(Math.max(x.length, c.length) / 3));
    if (d > limit || d > bestD) continue;
    tie = d === bestD;
    if (d < bestD) [best, bestD] = [c, d];
  }
  return tie ? undefined : best;
}
