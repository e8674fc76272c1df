import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Length } from '../../../src/core/trace/bytes';

const encoded = (s: string): number => new TextEncoder().encode(s).length;

describe('utf8Length', () => {
  it('counts what TextEncoder writes, lone surrogates as U+FFFD', () => {
    for (const s of ['', 'a', 'é', '€', '😀', 'aé😀', '\ud800', '\udc00', '\ud800a', '\ud800é', '\ud800\u4e00', '\ud800\ud800\udc00', '\udc00\ud800']) {
      expect(utf8Length(s), JSON.stringify(s)).toBe(encoded(s));
    }
  });

  it('counts a slice as TextEncoder counts that slice, a pair cut in two included', () => {
    const s = 'a😀é';
    for (let from = 0; from <= s.length; from++) for (let to = from; to <= s.length; to++) expect(utf8Length(s, from, to)).toBe(encoded(s.slice(from, to)));
  });

  it('agrees with TextEncoder on arbitrary UTF-16 strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: fc.integer({ min: 0xd7f0, max: 0xe010 }).map((c) => String.fromCharCode(c)) }), (a, b) => utf8Length(a + b) === encoded(a + b)));
  });
});
