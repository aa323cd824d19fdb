/** Map a value path (`['load', 'phases', 1, 'rate']`) to a line and column in the YAML source. */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface Position {
  /** Character offset in the source, for ordering problems. */
  offset: number;
  /** 1-based */
  line: number;
  /** 1-based */
  col: number;
}

/**
 * `value`: the node at the path; `key`: the key of the last path segment (for unknown or
 * misplaced keys). When the path does not exist (a missing required key) the deepest node that
 * does exist is used, i.e. the parent mapping.
 */
export function locate(doc: Document, lc: LineCounter, path: readonly PropertyKey[], at: 'key' | 'value' = 'value'): Position {
  let node: unknown = doc.contents;
  let best: Node | null = isNode(node) ? node : null;
  for (const [i, seg] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    let keyNode: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (!pair) break;
      keyNode = pair.key;
      next = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      next = node.items[seg];
      if (next === undefined) break;
    } else {
      break;
    }
    // `key:` with no value has a null node (or one without a range): point at the key.
    const empty = isScalar(next) && next.value === null && next.range?.[0] === next.range?.[1];
    const valueNode = isNode(next) && !empty ? next : null;
    best = at === 'key' && i === path.length - 1 && isNode(keyNode) ? keyNode : valueNode ?? (isNode(keyNode) ? keyNode : best);
    node = next;
  }
  const offset = best?.range?.[0] ?? 0;
  const { line, col } = lc.linePos(offset);
  return { offset, line, col };
}

function isNode(x: unknown): x is Node {
  return typeof x === 'object' && x !== null && Array.isArray((x as Node).range);
}
