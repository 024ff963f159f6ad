// Replaces any of many literal strings in one pass over a text, however many there are. A
// rolling hash over each window as wide as the shortest literal says where one may start, and
// only there are the literals that begin with that window compared. One regular expression of
// all of them would be simpler, but V8 tries an alternation's branches one by one: past a few
// dozen it slowed from about 1 ms to 80–140 ms per megabyte, and the redactor holds every
// form of two credentials per AWS account a scan assumes a role in.

/** Odd, so multiplying by it modulo 2³² loses nothing. */
const BASE = 0x01000193;
/** Windows whose hash has no literal skip the map: one typed-array read per position. */
const BITS = 18;
const MASK = (1 << BITS) - 1;

export class LiteralSearch {
  private readonly width: number;
  /** Literals by the hash of their first `width` code units, longest first. */
  private readonly byStart = new Map<number, string[]>();
  private readonly maybe = new Uint8Array(1 << BITS);
  /** BASE^(width − 1): the weight of the code unit leaving the window. */
  private readonly leaving: number;

  constructor(literals: Iterable<string>) {
    const list = [...new Set(literals)].filter((l) => l.length > 0).sort((a, b) => b.length - a.length);
    this.width = list.length === 0 ? 0 : (list[list.length - 1] as string).length;
    let leaving = 1;
    for (let k = 1; k < this.width; k++) leaving = Math.imul(leaving, BASE);
    this.leaving = leaving;
    for (const literal of list) {
      const h = this.hashAt(literal, 0);
      const same = this.byStart.get(h);
      if (same) same.push(literal);
      else this.byStart.set(h, [literal]);
      this.maybe[h & MASK] = 1;
    }
  }

  /**
   * The text with each literal found replaced, leftmost first and, of those starting at the same
   * place, the longest: as one alternation of them all, longest first, would.
   */
  replaceAll(text: string, replacement: string): string {
    const w = this.width;
    if (w === 0 || text.length < w) return text;
    let out = '';
    let last = 0;
    let i = 0;
    let h = this.hashAt(text, 0);
    while (i + w <= text.length) {
      if (this.maybe[h & MASK] === 1) {
        const found = this.byStart.get(h)?.find((literal) => text.startsWith(literal, i));
        if (found) {
          out += text.slice(last, i) + replacement;
          i += found.length;
          last = i;
          if (i + w <= text.length) h = this.hashAt(text, i);
          continue;
        }
      }
      if (i + w < text.length)
        h = (Math.imul(h - Math.imul(text.charCodeAt(i), this.leaving), BASE) + text.charCodeAt(i + w)) | 0;
      i++;
    }
    return last === 0 ? text : out + text.slice(last);
  }

  private hashAt(text: string, from: number): number {
    let h = 0;
    for (let k = from; k < from + this.width; k++) h = (Math.imul(h, BASE) + text.charCodeAt(k)) | 0;
    return h;
  }
}
