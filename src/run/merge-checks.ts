/** Whether results belong together before they are merged: same run, a consistent set of shards. */
import { UserError } from '../errors.js';
import type { Results } from '../metrics/results.js';

export const MISMATCH_HINT = 'merge the parts of one run (same scenario file, seed and model), or pass --allow-mismatch to merge anyway';
export const DAMAGED_HINT = 'the results file may be damaged; pass the results.json an `llm-bench run` wrote';
export const shardLabel = (s: { index: number; count: number }): string => `${s.index}/${s.count}`;

export function parseTime(value: unknown, field: string, where: string): number {
  const t = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(t)) throw new UserError(`${field} is not a timestamp (${JSON.stringify(value)})`, { where, hint: DAMAGED_HINT });
  return t;
}

export function checkSameRun(parts: readonly Results[], name: (i: number) => string): void {
  const first = parts[0]!;
  const fields: Array<[string, (r: Results) => unknown]> = [
    ['scenarioHash', (r) => r.meta.scenarioHash],
    ['seed', (r) => r.meta.seed],
    ['target.model', (r) => r.meta.target?.model],
  ];
  parts.forEach((p, i) => {
    if (i === 0) return;
    for (const [field, get] of fields) {
      const a = get(first);
      const b = get(p);
      if (a !== b) {
        throw new UserError(`${field} ${JSON.stringify(b)} differs from ${name(0)}'s ${JSON.stringify(a)}: not a part of the same run`, { where: name(i), hint: MISMATCH_HINT });
      }
    }
  });
}

/**
 * Shards must be distinct and agree on the count. When every part is a shard, the set must be
 * complete; with allowMismatch a gap is returned as a partial reason instead.
 */
export function checkShards(parts: readonly Results[], name: (i: number) => string, allow: boolean): string | null {
  const seen = new Map<number, number>();
  let count: { n: number; at: number } | null = null;
  parts.forEach((p, i) => {
    const s = p.meta.shard;
    if (!s) return;
    if (!Number.isInteger(s.count) || !Number.isInteger(s.index) || s.count < 1 || s.index < 1 || s.index > s.count) {
      throw new UserError(`meta.shard ${JSON.stringify(s)} is not a shard i/n with 1 <= i <= n`, { where: name(i), hint: DAMAGED_HINT });
    }
    if (count && s.count !== count.n) {
      throw new UserError(`shard ${shardLabel(s)} is from a split into ${s.count}, but ${name(count.at)} is from a split into ${count.n}`, {
        where: name(i),
        hint: 'merge the shards of one run: every part must come from the same --shard i/n split',
      });
    }
    count ??= { n: s.count, at: i };
    const dup = seen.get(s.index);
    if (dup !== undefined) {
      throw new UserError(`shard ${shardLabel(s)} is given twice (also ${name(dup)})`, { where: name(i), hint: 'pass each shard once; merging a shard twice would count its requests twice' });
    }
    seen.set(s.index, i);
  });
  const n = (count as { n: number } | null)?.n;
  if (n === undefined || !parts.every((p) => p.meta.shard)) return null;
  const missing = Array.from({ length: n }, (_, k) => k + 1).filter((k) => !seen.has(k));
  if (missing.length === 0) return null;
  const list = missing.map((k) => `${k}/${n}`).join(', ');
  if (!allow) {
    const have = [...seen.keys()].sort((a, b) => a - b).map((k) => `${k}/${n}`).join(', ');
    throw new UserError(`incomplete shard set: missing ${list} (got ${have})`, {
      hint: `add the missing shard's results, or pass --allow-mismatch to merge what there is (marked partial)`,
    });
  }
  return `merged ${seen.size} of ${n} shards (missing ${list})`;
}
