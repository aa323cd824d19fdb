/**
 * Text in its wire form: the UTF-8 bytes it is sent as, one per character, so that writing it
 * with the 'latin1' encoding is a plain copy. Node encodes a string holding any non-ASCII
 * character to UTF-8 one character at a time, and a streamed answer of ~20 KB with a single
 * "café" in it paid that for every byte. ASCII text is its own wire form.
 */
const NON_ASCII = /[^\x00-\x7f]/;
const MAX_CACHED = 4096;
const cache = new Map<string, string>();

export function wireForm(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  let wire = cache.get(text);
  if (wire === undefined) {
    wire = Buffer.from(text, 'utf8').toString('latin1');
    // token pieces repeat (a small vocabulary); other text is converted each time
    if (cache.size < MAX_CACHED && text.length < 64) cache.set(text, wire);
  }
  return wire;
}

/**
 * wireForm(text) for text that quotes `part` several times (the answer repeated by the closing
 * events): the repeats are converted once. Exact, as UTF-8 encodes code point by code point and
 * a well-formed `part` (JSON-escaped text is) never starts or ends inside a surrogate pair.
 */
export function wireFormRepeating(text: string, part: string): string {
  if (!NON_ASCII.test(part)) return wireForm(text);
  return text.split(part).map(wireForm).join(wireForm(part));
}

/** Each content event's text in wire form: `perChunk` pieces (JSON-escaped tokens) per event, the last one possibly fewer. */
export function wireChunks(pieces: readonly string[], perChunk: number): string[] {
  const wire = pieces.map(wireForm);
  if (perChunk === 1) return wire;
  const chunks = new Array<string>(Math.ceil(wire.length / perChunk));
  for (let j = 0; j < chunks.length; j++) chunks[j] = wire.slice(j * perChunk, (j + 1) * perChunk).join('');
  return chunks;
}
