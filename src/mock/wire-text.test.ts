import { describe, expect, it } from 'vitest';
import { wireChunks, wireForm, wireFormRepeating } from './wire-text.js';

const utf8Of = (wire: string) => Buffer.from(wire, 'latin1').toString('utf8');

describe('wire form', () => {
  it('is the UTF-8 bytes of the text, one per character; ASCII is its own wire form', () => {
    for (const t of ['plain ascii', ' café', 'naïve "quoted" \\n', 'Zürich → 東京 🎉']) {
      const w = wireForm(t);
      expect(Buffer.byteLength(w, 'latin1')).toBe(Buffer.byteLength(t, 'utf8'));
      expect(utf8Of(w)).toBe(t);
    }
    expect(wireForm('plain ascii')).toBe('plain ascii');
  });

  it('converts text that quotes a part several times to exactly what converting it whole gives', () => {
    const part = JSON.stringify('Un café naïve 🎉 à Zürich').slice(1, -1);
    const texts = [
      `{"text":"${part}"}{"part":{"text":"${part}"}}{"output":[{"text":"${part}"}],"instructions":"Réponds ✓"}`,
      `${part}${part}`, // back to back, at both ends
      `🎉${part}🎉`, // astral characters right against the repeats
      'no repeat of it here: ünïcode',
      'ascii only',
      '',
    ];
    for (const t of texts) expect(wireFormRepeating(t, part)).toBe(wireForm(t));
    expect(wireFormRepeating('a café here', 'plain')).toBe(wireForm('a café here'));
    expect(wireFormRepeating('a café here', '')).toBe(wireForm('a café here'));
  });

  it('groups pieces per content event in wire form, the last event taking what is left', () => {
    const pieces = ['Un', ' café', ' naïve', ' test', '.'];
    expect(wireChunks(pieces, 1)).toEqual(pieces.map(wireForm));
    const two = wireChunks(pieces, 2);
    expect(two).toHaveLength(3);
    expect(two.map(utf8Of)).toEqual(['Un café', ' naïve test', '.']);
    expect(wireChunks([], 3)).toEqual([]);
  });
});
