import { describe, expect, it } from 'vitest';
import { jsonEndingInList } from '../../reports/json-list.js';

const text = (document: unknown, items: readonly unknown[]) =>
  [...jsonEndingInList(document, items, (item) => item)].join('');

describe('jsonEndingInList', () => {
  const items = [{ a: 1, b: ['x', 'y'] }, 'line\nbreak \u2028 and [] inside', [], {}, null];

  it("gives JSON.stringify's 2-space text of the whole document, at the top level and nested", () => {
    for (const document of [
      { head: 1, list: [] },
      { head: { deep: [1, 2] }, runs: [{ tool: 'x', results: [] }] },
      [],
    ]) {
      const filled = fill(document, items);
      expect(text(document, items)).toBe(`${JSON.stringify(filled, null, 2)}\n`);
    }
  });

  it('writes the document as it is when the list is empty', () => {
    expect(text({ head: 1, list: [] }, [])).toBe(`${JSON.stringify({ head: 1, list: [] }, null, 2)}\n`);
  });

  it('gives each element a piece of its own', () => {
    const pieces = [...jsonEndingInList({ list: [] }, [1, 2, 3], (n) => ({ n }))];
    expect(pieces).toHaveLength(5);
    expect(pieces[2]).toBe('    {\n      "n": 2\n    },\n');
  });

  it('refuses a document whose last value is not its empty list', () => {
    expect(() => text({ list: [], after: 1 }, items)).toThrow(/must end with its empty list/);
    expect(() => text({ list: [1] }, items)).toThrow(/must end with its empty list/);
  });
});

/** The document with its last empty list holding the items: what the pieces must spell. */
function fill(value: unknown, items: readonly unknown[]): unknown {
  if (Array.isArray(value)) {
    if (value.length === 0) return [...items];
    return [...value.slice(0, -1), fill(value.at(-1), items)];
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const [key, last] = entries.at(-1)!;
  return { ...Object.fromEntries(entries.slice(0, -1)), [key]: fill(last, items) };
}
