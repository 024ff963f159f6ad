// Where a JSON file breaks, as a line and column: V8 names an offset for most errors and none for
// an unexpected token (a comma after the last entry), which jsonErrorOffset finds by walking the text.
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset, jsonSyntaxAt } from '../../src/core/source.js';

const SAMPLE = JSON.stringify(
  { a: [1, -2.5e3, 'x\u00e9"\\', true, false, null, {}], b: { c: [], d: '\n\u2028' }, e: 0.5 },
  null,
  2,
);
const NOISE = ['{', '}', '[', ']', ',', ':', '"', '\\', '1', '-', '.', 'e', ' ', '\n', 't', 'x', '\u0001'];

/** A seeded stream of numbers in [0, 1): the same mutations on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** SAMPLE with one or two characters dropped, added or replaced. */
function mutations(count: number): string[] {
  const next = random(7);
  return Array.from({ length: count }, () => {
    let text = SAMPLE;
    for (let edits = 1 + Math.floor(next() * 2); edits > 0; edits--) {
      const at = Math.floor(next() * text.length);
      const kind = next();
      const char = NOISE[Math.floor(next() * NOISE.length)] ?? '';
      text = text.slice(0, at) + (kind < 0.33 ? '' : char) + text.slice(kind < 0.66 && kind >= 0.33 ? at : at + 1);
    }
    return text;
  });
}

function parseError(text: string): Error | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    return e as Error;
  }
}

describe('jsonErrorOffset', () => {
  const texts = mutations(3000);

  it('calls a text JSON exactly when JSON.parse does, and breaks where V8 says it breaks', () => {
    let positioned = 0;
    for (const text of texts) {
      const error = parseError(text);
      const offset = jsonErrorOffset(text);
      expect(offset === undefined, JSON.stringify(text)).toBe(error === undefined);
      const v8 = error && /at position (\d+)/.exec(error.message);
      if (v8) {
        positioned++;
        expect(offset, JSON.stringify(text)).toBe(Number(v8[1]));
      }
    }
    // Both kinds were tried: texts that still parse, and many V8 places.
    expect(texts.filter((t) => parseError(t) === undefined).length).toBeGreaterThan(50);
    expect(positioned).toBeGreaterThan(1000);
  });

  it('walks nesting deeper than any call stack without overflowing', () => {
    expect(jsonErrorOffset('['.repeat(200_000) + ']'.repeat(200_000))).toBeUndefined();
    expect(jsonErrorOffset(`${'['.repeat(200_000)}}`)).toBe(200_000);
  });
});

describe('jsonSyntaxAt', () => {
  it('names the line and column of a comma after the last entry, where V8 gives no position, without quoting the text', () => {
    const text = '{\n  "formats": [\n    "html",\n  ]\n}';
    const at = jsonSyntaxAt(text, parseError(text));
    expect(at).toEqual({ message: "Unexpected token ']'", line: 4, column: 3 });
  });

  it('names the end of a text cut short, one column past its last character', () => {
    const text = '{\n  "a": [1,';
    expect(jsonSyntaxAt(text, parseError(text))).toMatchObject({ line: 2, column: 11 });
  });
});
