// The redactor's multi-literal search: whatever literals and text, it must replace exactly what
// one alternation of the literals, longest first, replaces.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LiteralSearch } from '../../src/core/literal-search.js';

const byAlternation = (literals: readonly string[], text: string, replacement: string) => {
  const list = [...new Set(literals)].filter((l) => l.length > 0).sort((a, b) => b.length - a.length);
  if (list.length === 0) return text;
  const re = new RegExp(list.map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return text.replace(re, () => replacement);
};

describe('LiteralSearch', () => {
  it('replaces leftmost first, the longest of those starting at one place, and each found once', () => {
    const search = new LiteralSearch(['abcdef', 'abcdefgh', 'defghi', 'xyz123']);
    expect(search.replaceAll('abcdefghi', '#')).toBe('#i');
    expect(search.replaceAll('xyz123xyz123', '#')).toBe('##');
    expect(search.replaceAll('..xyz123', '#')).toBe('..#');
    expect(search.replaceAll('xyz12', '#')).toBe('xyz12');
    expect(search.replaceAll('', '#')).toBe('');
  });

  it('returns the very text when nothing is found, and with no literals', () => {
    const text = 'nothing to see here';
    expect(new LiteralSearch(['secret']).replaceAll(text, '#')).toBe(text);
    expect(new LiteralSearch([]).replaceAll(text, '#')).toBe(text);
  });

  it('finds literals of any code units: quotes, backslashes, surrogate pairs', () => {
    const search = new LiteralSearch(['a"b\\c😀d', '😀😀😀']);
    expect(search.replaceAll('x a"b\\c😀d 😀😀😀😀', '#')).toBe('x # #😀');
  });

  it("looks past code units that share a low byte with a literal's, and finds the literal", () => {
    // The first filter reads two code units' low bytes only: "Šá" and "`á" look alike to it.
    const search = new LiteralSearch(['ŠáŠáŠáŠá']);
    expect(search.replaceAll('`á`á`á`á ŠáŠáŠáŠá `áŠáŠáŠá', '#')).toBe('`á`á`á`á # `áŠáŠáŠá');
  });

  it('agrees with one alternation of the literals, whatever they and the text hold', () => {
    // A small alphabet makes literals overlap, nest and repeat in the text.
    const unit = fc.constantFrom('a', 'b', 'c', '"', '😀');
    const literal = fc.string({ unit, minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(
        fc.array(literal, { minLength: 1, maxLength: 12 }),
        fc.string({ unit, maxLength: 60 }),
        (literals, text) => {
          expect(new LiteralSearch(literals).replaceAll(text, '#')).toBe(byAlternation(literals, text, '#'));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('agrees with it for literals longer than its grams, which it looks for only every few places', () => {
    // Texts are made of pieces of the literals and stray code units, so literals occur at every
    // offset from the sampled places, overlapping and nested.
    const unit = fc.constantFrom('a', 'b', '"', '😀');
    const literal = fc.string({ unit, minLength: 9, maxLength: 24 });
    fc.assert(
      fc.property(
        fc.array(literal, { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.string({ unit, maxLength: 5 })), { maxLength: 12 }),
        (literals, pieces) => {
          const text = pieces
            .map(([which, cut, stray]) => {
              const l = literals[which % literals.length] as string;
              return stray + (cut % 3 === 0 ? l.slice(cut % l.length) : l);
            })
            .join('');
          expect(new LiteralSearch(literals).replaceAll(text, '#')).toBe(byAlternation(literals, text, '#'));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('holds hundreds of literals, each still found', () => {
    const literals = Array.from({ length: 700 }, (_, i) => `secret-${(i * 7919).toString(36)}-${i}`);
    const search = new LiteralSearch(literals);
    const text = literals.map((l, i) => `row ${i}: ${l};`).join('\n');
    expect(search.replaceAll(text, '#')).toBe(literals.map((_, i) => `row ${i}: #;`).join('\n'));
  });
});
