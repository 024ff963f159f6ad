// Output never depends on the machine's locale: the same scan on a runner with LANG=da_DK or
// tr_TR writes the same bytes. localeCompare, toLocaleLowerCase and friends follow the locale
// unless one is named; src/core/order.ts compares by code unit instead.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(ROOT, dir, f));
}

/** A call that takes the machine's locale: localeCompare with no locale named, or a toLocale… with none. */
const LOCALE_CALL =
  /\.localeCompare\([^,()]*\)|\.toLocale(?:Lower|Upper)Case\(\)|\.toLocale(?:Date|Time)?String\(\)|new Intl\.\w+\(\s*\)/;

describe('locale', () => {
  it('no source orders or formats text by the machine’s locale', () => {
    const files = ['src', 'reports', 'connectors', 'bench', 'scripts'].flatMap(sources);
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (LOCALE_CALL.test(line) ? [`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(found).toEqual([]);
  });

  it('catches each such call', () => {
    for (const line of ['a.localeCompare(b)', 'x.toLocaleLowerCase()', 'n.toLocaleString()', 'new Intl.Collator()'])
      expect(LOCALE_CALL.test(line), line).toBe(true);
    for (const line of ["a.localeCompare(b, 'en')", "x.toLocaleLowerCase('en-US')", "n.toLocaleString('en-US')"])
      expect(LOCALE_CALL.test(line), line).toBe(false);
  });
});
