import { describe, expect, it } from 'vitest';
import { codeFence, csvCell, csvRow, markdownText, oneLine, terminalSafe, truncate } from '../../src/core/text.js';

const ESC = '\u001b';
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('terminalSafe', () => {
  it('removes colour, hyperlink and other escape sequences with their parameters', () => {
    expect(terminalSafe(`${ESC}[31mred${ESC}]8;;http://evil.example\u0007link${ESC}]8;;\u0007`)).toBe('redlink');
    expect(terminalSafe(`a${ESC}[2J${ESC}[Hb`)).toBe('ab');
    expect(terminalSafe(`a${ESC}]0;title${ESC}\\b`)).toBe('ab');
    expect(terminalSafe(`a${ESC}Pq#0;2;0;0;0${ESC}\\b`)).toBe('ab');
    expect(terminalSafe(`a${ESC}cb${ESC}(Bc`)).toBe('abc');
  });

  it('removes C0 and C1 controls and bidi overrides, and turns line breaks into spaces', () => {
    expect(terminalSafe('\u202Eevil\u202C')).toBe('evil');
    expect(terminalSafe('\u2066a\u2067b\u2068c\u2069')).toBe('abc');
    expect(terminalSafe('a\u0000b\u0007c\u007fd\u009b31me')).toBe('abcd31me');
    expect(terminalSafe('one\ntwo\r\nthree\tfour')).toBe('one two  three four');
  });

  it('leaves no escape, control or override in any hostile string', () => {
    const hostile = [
      `${ESC}[31mred${ESC}]8;;http://evil.example\u0007`,
      `${ESC}]8;;http://evil.example`, // unterminated OSC
      `${ESC}`,
      `\u009b31m\u009d8;;x\u009c`,
      '\u202Eevil\u202D\u202A\u202B',
    ];
    for (const s of hostile) expect(terminalSafe(s)).not.toMatch(UNSAFE);
  });

  it('keeps ordinary text, accents and right-to-left scripts', () => {
    expect(terminalSafe('Zoë Ångström — שלום')).toBe('Zoë Ångström — שלום');
  });
});

describe('oneLine and truncate', () => {
  it('collapses runs of spaces and trims', () => {
    expect(oneLine('  a \n\n b  ')).toBe('a b');
  });

  it('cuts at code points and says how much was left out', () => {
    expect(truncate('abcdef', 4)).toBe('abcd… (2 more characters)');
    expect(truncate('😀😀😀', 2)).toBe('😀😀… (1 more character)');
    expect(truncate('abc', 3)).toBe('abc');
  });
});

describe('markdownText', () => {
  it('escapes links, images, HTML and code spans into plain text', () => {
    expect(markdownText('[click](http://evil.example)')).toBe('\\[click\\]\\(http\\://evil.example\\)');
    expect(markdownText('![x](http://evil.example/a.png)')).toBe('\\!\\[x\\]\\(http\\://evil.example/a.png\\)');
    expect(markdownText('<script>alert(1)</script>')).toBe('\\<script\\>alert\\(1\\)\\</script\\>');
    expect(markdownText('`code` **b** _i_ ~~s~~')).toBe('\\`code\\` \\*\\*b\\*\\* \\_i\\_ \\~\\~s\\~\\~');
    expect(markdownText('&lt; $x$')).toBe('\\&lt; \\$x\\$');
  });

  it('keeps a value inside its table cell and on its line', () => {
    expect(markdownText('a | b\nc\r\nd')).toBe('a \\| b c d');
  });

  it('cannot start a block: heading, list, numbered list, quote', () => {
    expect(markdownText('# title')).toBe('\\# title');
    expect(markdownText('-1')).toBe('\\-1');
    expect(markdownText('+1')).toBe('\\+1');
    expect(markdownText('1. one')).toBe('1\\. one');
    expect(markdownText('> quote')).toBe('\\> quote');
    expect(markdownText('    indented code')).toBe('indented code');
  });

  it('breaks bare-URL autolinks, email autolinks, mentions and issue references', () => {
    expect(markdownText('see https://evil.example')).toBe('see https\\://evil.example');
    expect(markdownText('www.evil.example')).toBe('www\\.evil.example');
    expect(markdownText('@SUM(A1)')).toBe('@\u200bSUM\\(A1\\)');
    expect(markdownText('sam@ortiz.dev')).toBe('sam@\u200bortiz.dev');
    expect(markdownText('#12')).toBe('\\#\u200b12');
    expect(markdownText('#support')).toBe('\\#support');
  });

  it('strips terminal escapes and bidi overrides, and shortens very long values', () => {
    expect(markdownText('\u001b[31mred\u001b]8;;http://evil.example\u0007')).toBe('red');
    expect(markdownText('\u202Eevil')).toBe('evil');
    const long = markdownText('x'.repeat(10_000));
    expect(long.length).toBeLessThan(400);
    expect(long).toContain('9700 more characters');
  });
});

describe('codeFence', () => {
  it('is longer than any run of backticks inside', () => {
    expect(codeFence(['echo hi'])).toBe('```');
    expect(codeFence(['a ```` b', '``'])).toBe('`````');
  });
});

describe('the fast paths of markdownText and csvCell', () => {
  // Each skips its rewrites for a value that holds nothing they would change: every trigger of
  // every rewrite must still reach them, alone in an otherwise plain value.
  it('let every Markdown trigger through to its escape', () => {
    const triggers = [...'\\`*_~[]()<>#|&!{}$@'].map((ch) => `a${ch}b`);
    triggers.push('a://b', 'www.b', '-a', '+a', '=a', '1. a', '2) a');
    for (const value of triggers) expect(markdownText(value), value).not.toBe(value);
    for (const plain of ['Ada Lovelace', 'arn:aws:iam::1:user/a', '2026-11-29', 'a.b-c d'])
      expect(markdownText(plain)).toBe(plain);
  });

  it('let every formula start and every character that needs quotes through', () => {
    for (const value of ['=a', '+a', '-a', '@a', 'a"b', 'a,b']) expect(csvCell(value), value).not.toBe(value);
    for (const plain of ['Ada Lovelace', 'a=b', 'a-b', 'team:infra']) expect(csvCell(plain)).toBe(plain);
  });
});

describe('csvCell and csvRow', () => {
  it('neutralises every formula start with a leading quote', () => {
    expect(csvCell('=HYPERLINK("http://evil.example","x")')).toBe('"\'=HYPERLINK(""http://evil.example"",""x"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1+1')).toBe("'=1+1");
    expect(csvCell('\r=1+1')).toBe("'=1+1");
  });

  it('quotes as RFC 4180 asks and keeps plain cells bare', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(3)).toBe('3');
  });

  it('puts each value on one line and ends records with CRLF', () => {
    expect(csvRow(['a\nb', 'c'])).toBe('a b,c\r\n');
  });
});
