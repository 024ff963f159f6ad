// Replaces any of many literal strings in a text, however many there are. Every literal is at
// least as long as the shortest, so any occurrence covers one of the positions taken every
// (shortest − gram + 1) code units together with the short "gram" that follows it, and that
// gram is one of the grams of the literal's first (shortest) code units. Only those sampled
// grams are hashed and looked up; a hit is checked against the literals that hold it there.
// One regular expression of all the literals would be simpler, but V8 tries an alternation's
// branches one by one: past a few dozen it slowed from about 1 ms to 80–140 ms per megabyte,
// and the redactor holds every form of two credentials per AWS account a scan assumes a role in.

/**
 * Code units hashed at each sampled position (fewer when the shortest literal is shorter). A
 * search reads gram ÷ (shortest − gram + 1) code units per code unit of text, so shorter grams
 * read less; they send more places to the check, but a secret's grams are rare in other text.
 * With 4 (against 8), the 292 MB a large scan writes were searched in 0.43 s instead of 1.65 s,
 * with six secrets or seven hundred, the shortest of ten code units.
 */
const GRAM = 4;
/** Odd, so multiplying by it modulo 2³² loses nothing. */
const BASE = 0x01000193;
/** Grams whose hash no literal holds skip the map: one typed-array read per sample. */
const BITS = 18;
const MASK = (1 << BITS) - 1;

/**
 * Where a gram starts: its first two code units, low bytes only. Most places of a report start
 * with no pair a literal's grams start with, and this is read before the gram is hashed: over the
 * 293 MB a large scan writes, the search took 410 ms instead of 620, with three literals or 800.
 */
const pairAt = (text: string, at: number): number =>
  ((text.charCodeAt(at) & 0xff) << 8) | (text.charCodeAt(at + 1) & 0xff);

interface Holder {
  literal: string;
  /** Where in the literal the gram starts. */
  offset: number;
}

export class LiteralSearch {
  private readonly shortest: number;
  private readonly gram: number;
  private readonly step: number;
  private readonly holders = new Map<number, Holder[]>();
  private readonly maybe = new Uint8Array(1 << BITS);
  private readonly pairs = new Uint8Array(1 << 16);

  constructor(literals: Iterable<string>) {
    const list = [...new Set(literals)].filter((l) => l.length > 0);
    this.shortest = list.length === 0 ? 0 : Math.min(...list.map((l) => l.length));
    this.gram = Math.min(GRAM, this.shortest);
    this.step = this.shortest - this.gram + 1;
    for (const literal of list)
      for (let offset = 0; offset < this.step; offset++) {
        const h = hashAt(literal, offset, this.gram);
        const same = this.holders.get(h);
        if (same) same.push({ literal, offset });
        else this.holders.set(h, [{ literal, offset }]);
        this.maybe[h & MASK] = 1;
        if (this.gram >= 2) this.pairs[pairAt(literal, offset)] = 1;
      }
    // A one-unit gram has no pair of its own: every place may start one.
    if (this.gram < 2) this.pairs.fill(1);
  }

  /**
   * The text with each literal found replaced, leftmost first and, of those starting at the same
   * place, the longest: as one alternation of them all, longest first, would.
   */
  replaceAll(text: string, replacement: string): string {
    if (this.shortest === 0 || text.length < this.shortest) return text;
    const found: { start: number; literal: string }[] = [];
    const pairs = this.pairs;
    for (let at = 0; at + this.gram <= text.length; at += this.step) {
      if (pairs[pairAt(text, at)] !== 1) continue;
      const h = hashAt(text, at, this.gram);
      if (this.maybe[h & MASK] !== 1) continue;
      for (const { literal, offset } of this.holders.get(h) ?? []) {
        const start = at - offset;
        if (start >= 0 && text.startsWith(literal, start)) found.push({ start, literal });
      }
    }
    if (found.length === 0) return text;
    found.sort((a, b) => a.start - b.start || b.literal.length - a.literal.length);
    let out = '';
    let end = 0;
    for (const { start, literal } of found) {
      if (start < end) continue;
      out += text.slice(end, start) + replacement;
      end = start + literal.length;
    }
    return out + text.slice(end);
  }
}

function hashAt(text: string, from: number, length: number): number {
  let h = 0;
  for (let k = from; k < from + length; k++) h = (Math.imul(h, BASE) + text.charCodeAt(k)) | 0;
  return h;
}
