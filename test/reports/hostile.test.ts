// Every string from outside is hostile here: display names, logins, emails, repo and channel
// names, targets, evidence, remediation, register problems. Each output must show them as text.
import { describe, expect, it } from 'vitest';
import { ACCESS_COLUMNS } from '../../reports/csv.js';
import { type FindingsDocument, renderReport } from '../../reports/index.js';
import { terminalSafe } from '../../src/core/text.js';
import { parseCsv } from './csv-parse.js';
import { HOSTILE, hostileInput } from './fixture.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
const CONTROL_OR_BIDI = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const LONG = 'x'.repeat(10_000);

// Each shift moves every hostile string to the next field, so each field meets each of them.
const SHIFTS = HOSTILE.map((_, shift) => shift);

describe.each(SHIFTS)('hostile data in report.html (shift %i)', (shift) => {
  const html = renderReport('html', hostileInput(shift));

  it('carries no tag, handler or link from the data: only their escaped text', () => {
    expect(html.match(/<script/gi)).toHaveLength(1); // the page's own filter, at the end
    expect(html.lastIndexOf('<script>')).toBeGreaterThan(html.lastIndexOf('</footer>'));
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/onerror\s*=/i);
    expect(html).not.toMatch(/\s(?:src|on\w+)\s*=/i);
    // The page's own links and positions only: same-page anchors, and numbers for the pictures.
    for (const href of html.match(/\shref\s*=\s*"[^"]*"/gi) ?? []) expect(href).toMatch(/^\shref="#[a-z0-9-]+"$/);
    for (const style of html.match(/\sstyle\s*=\s*"[^"]*"/gi) ?? [])
      expect(style).toMatch(/^\sstyle="(?:[a-z-]+:-?[0-9.]+(?:%|px);?)+"$/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(html).toContain('[click](http://evil.example)');
  });

  it('keeps no escape sequence, control character or bidi override, and wraps the long string', () => {
    expect(html).not.toMatch(CONTROL_OR_BIDI);
    expect(html).toContain('red');
    expect(html).toContain(LONG);
  });
});

describe.each(SHIFTS)('hostile data in report.md (shift %i)', (shift) => {
  const md = renderReport('md', hostileInput(shift));
  // Commands sit in fenced code blocks, where nothing is Markdown; everything else is checked.
  const outside = md.replace(/^(`{3,})sh\n[\s\S]*?\n\1$/gm, '');
  // What Markdown sees once every backslash escape has been consumed.
  const live = outside.replace(/\\[\s\S]/g, '');

  it('renders no link, image, HTML or code span from the data', () => {
    expect(live).not.toMatch(/[[\]<`&]/);
    expect(outside).not.toMatch(/(?<!\\)!\[|(?<!\\)\]\(/);
    expect(outside).toContain('\\[click\\]\\(http\\://evil.example\\)');
    expect(outside).toContain('\\!\\[x\\]\\(http\\://evil.example/a.png\\)');
    expect(outside).toContain('\\<script\\>alert\\(1\\)\\</script\\>');
  });

  it('leaves no bare URL, email or mention for GitHub to turn into a link', () => {
    expect(live).not.toMatch(/:\/\/|www\./i);
    expect(outside).not.toMatch(/@(?!\u200b)/);
  });

  it('keeps every table row to its columns and every value on its line', () => {
    const tables: string[][] = [];
    for (const line of outside.split('\n')) {
      if (!line.startsWith('|')) continue;
      const previous = outside.split('\n')[outside.split('\n').indexOf(line) - 1] ?? '';
      if (!previous.startsWith('|') || tables.length === 0) tables.push([]);
      tables.at(-1)!.push(line.replace(/\\[\s\S]/g, ''));
    }
    expect(tables.length).toBeGreaterThanOrEqual(4);
    for (const rows of tables) {
      const pipes = rows.map((r) => r.split('|').length);
      expect(new Set(pipes).size, rows[0]).toBe(1);
    }
    expect(outside).toContain('a \\| b c d');
    expect(md).not.toMatch(CONTROL_OR_BIDI);
  });

  it('only ever starts a line with its own syntax', () => {
    for (const line of outside.split('\n')) {
      expect(line).toMatch(/^$|^#{1,4} |^- \*\*|^- |^> |^>$|^\| |^\d+\. |^\d+ commands? |^\*|^[A-Z][a-z]+|^○ /);
      // A data value after a list marker cannot open a nested block.
      expect(line).not.toMatch(/^- (?!\*\*)[-+*>#]|^- \d+[.)]/);
    }
  });

  it('stays short enough for a pull-request comment despite a 10,000-character value', () => {
    expect(md).not.toContain(LONG.slice(0, 1000));
    expect(Math.max(...outside.split('\n').map((l) => l.length))).toBeLessThan(2000);
  });
});

describe.each(SHIFTS)('hostile data in access.csv (shift %i)', (shift) => {
  const input = hostileInput(shift);
  const rows = parseCsv(renderReport('csv', input));

  it('is still a well-formed sheet with one row per live grant', () => {
    expect(rows[0]).toEqual([...ACCESS_COLUMNS]);
    expect(rows).toHaveLength(1 + 6);
  });

  it('never lets a cell start a formula', () => {
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    const cells = rows.flat();
    // The hostile values are there, neutralised rather than dropped.
    expect(cells.filter((c) => /^'[=+\-@]/.test(c)).length).toBeGreaterThan(3);
  });

  it('keeps no control character or bidi override in any cell', () => {
    for (const cell of rows.flat()) expect(cell).not.toMatch(CONTROL_OR_BIDI);
    // Line breaks too: a reviewer's sheet keeps one line per cell.
    for (const cell of rows.flat()) expect(cell).not.toMatch(/[\r\n]/);
  });
});

describe('hostile data in findings.json and inventory.json', () => {
  it('keeps the data exactly, as JSON strings that any reader parses back', () => {
    const input = hostileInput();
    const doc = JSON.parse(renderReport('json', input)) as FindingsDocument;
    expect(doc.findings.map((f) => f.title).sort()).toEqual(input.evaluation.findings.map((f) => f.title).sort());
    const inventory = JSON.parse(renderReport('inventory', input)) as typeof input.snapshot;
    expect(inventory.accounts.map((a) => a.displayName).sort()).toEqual(
      input.snapshot.accounts.map((a) => a.displayName).sort(),
    );
  });
});

describe('terminalSafe on the hostile strings', () => {
  it('leaves no escape character or bidi override', () => {
    for (const s of HOSTILE) {
      const safe = terminalSafe(s);
      expect(safe).not.toContain('\u001b');
      expect(safe).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
      expect(safe).not.toMatch(CONTROL_OR_BIDI);
    }
  });
});
