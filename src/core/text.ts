// Every string a report shows may come from an API or the register, so from someone who
// wants it to do more than be read. One helper per output: the terminal, Markdown and CSV.
// (HTML goes through handlebars' own escaping; these helpers strip what escaping cannot.)

// ESC [ … final byte (CSI), ESC ] … BEL or ST (OSC, e.g. hyperlinks), ESC P/X/^/_ … ST (DCS, SOS,
// PM, APC strings), then any other two- or three-byte ESC sequence.
const ESCAPE_SEQUENCES =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control sequences is the point
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[PX^_][^\u001b]*\u001b\\|\u001b[ -/]*[0-~]/g;
// Line breaks and tabs become spaces so a value cannot forge a line of its own.
const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
// C0 and C1 controls, DEL, and the bidi embeddings, overrides and isolates that reorder what is shown.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text that cannot move the cursor, recolour, hyperlink, clear the screen, or reverse itself in
 * a terminal: escape sequences, control characters and bidi overrides are removed, line breaks
 * and tabs become spaces.
 */
export function terminalSafe(s: string): string {
  if (!NEEDS_CLEANING.test(s)) return s;
  return neutraliseWorkflowCommands(s.replace(ESCAPE_SEQUENCES, '').replace(LINE_BREAKS, ' ').replace(CONTROLS, ''));
}

// Anything terminalSafe would change: every escape sequence starts with ESC (a control), every
// line break is a control or U+2028/9, and the workflow-command forms. Most values have none and
// are returned as they are: a large scan formats millions of cells.
const NEEDS_CLEANING =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|##\[|^\s*::/;

/**
 * GitHub Actions acts on `::command::` at a line's start and on its older form `##[command]`
 * anywhere in a line: an IAM path or a key title could hide a line of the log or set an
 * output. Both are broken up where they could appear; the text still reads the same.
 */
export function neutraliseWorkflowCommands(s: string): string {
  return s.replace(/##\[/g, '## [').replace(/^(\s*)::/, '$1: :');
}

/**
 * JSON.stringify leaves C1 controls, bidi overrides and line separators raw, and a terminal acts
 * on them; written as \u escapes they are the same JSON, read back to the same strings.
 */
export function jsonForTerminal(json: string): string {
  return (
    json
      .replace(
        /[\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      )
      // `##[` can only be inside a string here; \u005b is the same "[" to a JSON reader, and
      // not a workflow command to the Actions runner.
      .replace(/##\[/g, '##\\u005b')
  );
}

// Spacing oneLine tidies: a run of spaces, whitespace at either end.
const UNTIDY_SPACING = / {2}|^\s|\s$/;
// Anything oneLine would change: what terminalSafe cleans, or its spacing.
const UNTIDY = new RegExp(`${NEEDS_CLEANING.source}|${UNTIDY_SPACING.source}`);

/** terminalSafe, with runs of spaces collapsed and the ends trimmed: one tidy line. */
export function oneLine(s: string): string {
  // One test for the common case, a value already tidy: millions of cells pass through here.
  if (!UNTIDY.test(s)) return s;
  const safe = terminalSafe(s);
  return UNTIDY_SPACING.test(safe) ? safe.replace(/ {2,}/g, ' ').trim() : safe;
}

/** Cuts at `max` code points (never inside a surrogate pair) and says how much was left out. */
export function truncate(s: string, max: number): string {
  // No more code units than max: no more code points either, and nothing to cut.
  if (s.length <= max) return s;
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  const left = chars.length - max;
  return `${chars.slice(0, max).join('')}… (${left} more ${left === 1 ? 'character' : 'characters'})`;
}

/** Longest value shown in Markdown: PR comments stop at 65,536 characters. */
export const MARKDOWN_MAX_FIELD = 300;

// Characters that start Markdown or GFM syntax anywhere in a line: code spans, emphasis,
// strikethrough, links and images, raw HTML and autolinks, entities, table cells, math, headings.
const MARKDOWN_PUNCTUATION = /[\\`*_~[\]()<>#|&!{}$]/g;
const ZERO_WIDTH_SPACE = '\u200b';
// Anything markdownText's replacements below could match: the punctuation, "@", ":" before "//",
// "www.", a line's first "-", "+", "=" or digit. Built from the punctuation class itself, so the
// two cannot drift apart.
const MARKDOWN_SENSITIVE = new RegExp(`${MARKDOWN_PUNCTUATION.source}|@|:\\/\\/|www\\.|^[-+=\\d]`, 'i');

/**
 * A value as plain Markdown text: no link, image, HTML, code span, heading, list, table cell
 * or GitHub mention can come out of it. Escapes are CommonMark backslash escapes, so the
 * rendered text reads exactly as the value (minus controls, shortened past `max`).
 */
export function markdownText(s: string, max = MARKDOWN_MAX_FIELD): string {
  const text = truncate(oneLine(s), max);
  // Most values (names, ids, dates) hold nothing any rule below would change.
  if (!MARKDOWN_SENSITIVE.test(text)) return text;
  return (
    text
      .replace(MARKDOWN_PUNCTUATION, '\\$&')
      // GFM autolinks "http://…" when it meets the ":" and "www.…" when it meets the "w":
      // an escaped ":" or "." is consumed by the escape and never reaches either.
      .replace(/:(?=\/\/)/g, '\\:')
      .replace(/(www)\./gi, '$1\\.')
      // Email autolinks and @mentions are found in the rendered text, where escapes are gone:
      // a zero-width space after "@" is the only thing that keeps them apart (as Renovate does).
      .replace(/@/g, `@${ZERO_WIDTH_SPACE}`)
      // "#123" becomes a link to an issue on GitHub.
      .replace(/\\#(?=\d)/g, `\\#${ZERO_WIDTH_SPACE}`)
      // At the start of a list item or table cell: "- x", "+ x", "1. x", "===" would start a block.
      .replace(/^[-+=]/, '\\$&')
      .replace(/^(\d+)([.)])/, '$1\\$2')
  );
}

/**
 * A fence for a Markdown code block that no line of `lines` can close: one backtick more than
 * the longest run of backticks inside.
 */
export function codeFence(lines: readonly string[]): string {
  const longest = Math.max(0, ...lines.flatMap((l) => (l.match(/`+/g) ?? []).map((run) => run.length)));
  return '`'.repeat(Math.max(3, longest + 1));
}

// A spreadsheet treats a cell starting with one of these as a formula (or, for tab and CR,
// strips them and then does): =HYPERLINK(…) would run on the auditor's machine.
const FORMULA_START = /^[=+\-@\t\r]/;
// What RFC 4180 quotes a cell for.
const NEEDS_QUOTES = /[",\r\n]/;
// Anything csvCell would change after oneLine: a formula's first character, or what needs quotes.
const CSV_SPECIAL = new RegExp(`${FORMULA_START.source}|${NEEDS_QUOTES.source}`);

/** One CSV cell: controls removed, formulas neutralised with a leading quote, RFC 4180 quoting. */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  let s = oneLine(String(value));
  if (!CSV_SPECIAL.test(s)) return s;
  if (FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record, terminated by CRLF as RFC 4180 asks. */
export function csvRow(cells: readonly (string | number | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
