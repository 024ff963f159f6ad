// Everything a person reads is escaped, proven end to end: the demo company's systems serve
// names, emails, descriptions and policy names that are attacks (test/fixtures/hostile), the
// scan runs through the CLI, and every output is read the way its consumer reads it: the HTML
// parsed as a browser would, the Markdown with its escapes consumed, the CSV cell by cell, the
// terminal output byte by byte, the JSON parsed back.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { type DefaultTreeAdapterMap, parse } from 'parse5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { REPORT_FILES } from '../../reports/index.js';
import { DEMO_DIR } from '../../src/app/demo.js';
import { resolveRelativeDates } from '../../src/core/dates.js';
import { CONTROL_OR_BIDI, FORMULA_START, PAYLOADS } from '../fixtures/hostile/payloads.js';
import { hostileRegister, hostileScenario } from '../fixtures/hostile/scenarios.js';
import { parseCsv } from '../reports/csv-parse.js';
import {
  type CliRun,
  demoScenario,
  emailBlock,
  type Mailbox,
  NOW,
  type ScanSetup,
  SMTP_PASSWORD_ENV,
  setupScan,
  startMailbox,
} from './harness.js';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

let setup: ScanSetup;
let run: CliRun;
let json: CliRun;
/** Every report file, by name. */
const texts = new Map<string, string>();
const file = (format: keyof typeof REPORT_FILES) => readFile(join(setup.outDir, REPORT_FILES[format]), 'utf8');

let mailbox: Mailbox;

beforeAll(async () => {
  const register = hostileRegister(resolveRelativeDates(await readFile(join(DEMO_DIR, 'register.yaml'), 'utf8'), NOW));
  mailbox = await startMailbox('mailbox-password');
  setup = await setupScan({
    scenario: await hostileScenario(await demoScenario(), connectors),
    register,
    config: { organization: `Northwind ${PAYLOADS.clearScreen}`, email: emailBlock(mailbox.port) },
    env: { [SMTP_PASSWORD_ENV]: 'mailbox-password' },
  });
  json = await setup.scan('--quiet', '--json', '--no-history');
  run = await setup.scan('--verbose', '--email', '--no-history');
  for (const name of Object.values(REPORT_FILES)) texts.set(name, await readFile(join(setup.outDir, name), 'utf8'));
});
afterAll(async () => {
  await setup.close();
  await mailbox.close();
});

describe('a scan of systems full of hostile names', () => {
  it('reads every system in full: no name can blind the scanner', () => {
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).toContain('report emailed');
    expect(run.stdout).not.toContain('FAILED');
  });

  it('prints no escape sequence, control character or bidi override to the terminal', () => {
    for (const [stream, text] of Object.entries({
      stdout: run.stdout,
      stderr: run.stderr,
      'stdout --json': json.stdout,
      'stderr --json': json.stderr,
    })) {
      const found = CONTROL_OR_BIDI.exec(text);
      expect(
        found,
        `${stream}: ${JSON.stringify(text.slice(Math.max(0, (found?.index ?? 0) - 40), (found?.index ?? 0) + 20))}`,
      ).toBeNull();
    }
    // The data did reach the terminal, as plain text.
    expect(run.stdout).toContain('cleared');
  });

  it('prints nothing the GitHub Actions runner would take for a workflow command', () => {
    for (const [stream, text] of Object.entries({
      stdout: run.stdout,
      stderr: run.stderr,
      'stdout --json': json.stdout,
      'stderr --json': json.stderr,
    })) {
      expect(text.includes('##['), stream).toBe(false);
      expect(
        text.split('\n').filter((line) => /^\s*::/.test(line)),
        stream,
      ).toEqual([]);
    }
    // The --json output still says what the system said, to a JSON reader.
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain('##[error]');
  });

  it('gives each SARIF message exactly its own lines: no evidence forges one', async () => {
    const sarif = JSON.parse(await readFile(join(setup.outDir, 'report.sarif'), 'utf8')) as {
      runs: { results: { message: { text: string } }[] }[];
    };
    const doc = JSON.parse(await file('json')) as {
      findings: { evidence: string[]; remediation: { steps: string[] } }[];
    };
    const results = sarif.runs[0]?.results ?? [];
    expect(results.length).toBe(doc.findings.length);
    results.forEach((r, i) => {
      const f = doc.findings[i];
      const expected = 1 + (f?.evidence.length ?? 0) + ((f?.remediation.steps.length ?? 0) > 0 ? 1 : 0);
      expect(r.message.text.split('\n')).toHaveLength(expected);
    });
  });

  it('findings.json parses back to the same document, with the hostile strings intact', async () => {
    const text = await file('json');
    const doc = JSON.parse(text) as unknown;
    expect(`${JSON.stringify(doc, null, 2)}\n`).toBe(text);
    expect(JSON.parse(json.stdout)).toEqual(doc);
    // Data is data in JSON: a consumer must get exactly what the system said.
    expect(text).toContain(JSON.stringify(PAYLOADS.script).slice(1, -1));
    expect(text).toContain(JSON.stringify(PAYLOADS.hyperlink).slice(1, -1));
    // The other JSON outputs parse too (SARIF once the renderers write it).
    for (const name of Object.values(REPORT_FILES).filter((f) => /\.(json|sarif)$/.test(f)))
      expect(() => JSON.parse(texts.get(name) ?? ''), name).not.toThrow();
  });
});

describe.each([
  ['report.html', 'report.html.hbs'],
  ['the email', 'email.hbs'],
])('%s, parsed as a browser parses it', (name, template) => {
  let html: string;
  let elements: Element[];
  beforeAll(async () => {
    html = name === 'the email' ? await emailHtml() : await file('html');
    elements = [];
    walk(parse(html), (n) => {
      if ('tagName' in n) elements.push(n);
    });
  });

  it('has no element, attribute or URL that came from the data', async () => {
    const ownTags = await templateTags(template);
    expect(ownTags.has('img')).toBe(false);
    expect(elements.map((e) => e.tagName).filter((tag) => !ownTags.has(tag))).toEqual([]);
    // The report's own filter script, nothing else; none at all in the email.
    expect(elements.filter((e) => e.tagName === 'script')).toHaveLength(name === 'report.html' ? 1 : 0);
    for (const e of elements) {
      for (const a of e.attrs) {
        expect(a.name, `<${e.tagName} ${a.name}>`).not.toMatch(/^on/i);
        expect(a.value, `<${e.tagName} ${a.name}>`).not.toMatch(/evil\.example|javascript:/i);
      }
    }
  });

  it('shows the hostile strings as text', () => {
    const text: string[] = [];
    walk(parse(html), (n) => {
      if (n.nodeName === '#text' && 'value' in n) text.push(n.value);
    });
    const shown = text.join('\n');
    // The email shows the critical and high findings only; the report shows everything.
    expect(shown).toMatch(/<(img|script|svg)/);
    expect(shown).toContain('cleared');
    if (name === 'report.html') {
      expect(shown).toContain(PAYLOADS.script);
      expect(shown).toContain(PAYLOADS.img);
      expect(shown).toContain(PAYLOADS.markdownLink);
      expect(shown).toContain('=HYPERLINK(');
    }
  });

  it('carries no control character or bidi override', () => {
    expect(html).not.toMatch(CONTROL_OR_BIDI);
  });
});

describe('report.html in a browser, should escaping ever fail', () => {
  it('forbids every script but its own and every request', async () => {
    const elements: Element[] = [];
    walk(parse(await file('html')), (n) => {
      if ('tagName' in n) elements.push(n);
    });
    const csp = elements.find(
      (e) =>
        e.tagName === 'meta' &&
        e.attrs.some((a) => a.name === 'http-equiv' && /content-security-policy/i.test(a.value)),
    );
    const policy = csp?.attrs.find((a) => a.name === 'content')?.value ?? '';
    expect(policy).toMatch(/default-src 'none'/);
    expect(policy).toMatch(/script-src 'sha256-/);
    expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/);
  });
});

describe('report.md, read as a Markdown renderer reads it', () => {
  let md: string;
  let outside: string;
  let live: string;
  beforeAll(async () => {
    md = await file('md');
    // Inside a fenced block nothing is Markdown; the fence is checked to be unbreakable below.
    outside = md.replace(/^(`{3,})[a-z]*\n[\s\S]*?\n\1$/gm, '');
    // What the renderer acts on once every backslash escape is consumed.
    live = outside.replace(/\\[\s\S]/g, '');
  });

  it('renders no link, image, HTML or autolink from the data', () => {
    expect(live).not.toMatch(/\]\(|!\[|<[a-z!/?]/i);
    expect(live).not.toMatch(/https?:\/\/|www\./i);
    expect(outside).not.toMatch(/@(?!\u200b)/);
  });

  it('shows the hostile strings, escaped', () => {
    expect(outside).toContain('\\[click\\]\\(http\\://evil.example/link\\)');
    expect(outside).toContain('\\<script\\>alert\\(1\\)\\</script\\>');
  });

  it('keeps fenced commands unbreakable and the whole file free of controls', () => {
    for (const fence of md.matchAll(/^(`{3,})[a-z]*\n([\s\S]*?)\n\1$/gm)) {
      const [, ticks = '', body = ''] = fence;
      expect(body).not.toMatch(new RegExp(`^\`{${ticks.length},}`, 'm'));
    }
    expect(md).not.toMatch(CONTROL_OR_BIDI);
  });
});

describe('access.csv, read cell by cell as a spreadsheet reads it', () => {
  let rows: string[][];
  beforeAll(async () => {
    rows = parseCsv(await file('csv'));
  });

  it('has no cell that starts a formula', () => {
    const cells = rows.flat();
    expect(cells.filter((c) => FORMULA_START.test(c))).toEqual([]);
    expect(cells.filter((c) => CONTROL_OR_BIDI.test(c))).toEqual([]);
  });

  it('neutralised the formulas the data carried, rather than dropping them', () => {
    const neutralised = rows.flat().filter((c) => /^'[=+\-@]/.test(c));
    expect(neutralised.length).toBeGreaterThan(0);
    expect(rows.flat().some((c) => c.includes('HYPERLINK'))).toBe(true);
  });
});

/** The HTML part of the email the scan sent. */
async function emailHtml(): Promise<string> {
  expect(mailbox.mails).toHaveLength(1);
  const mail = await simpleParser(mailbox.mails[0] ?? '');
  return mail.html || '';
}

/** Every tag a template (and the partials) writes, and those a parser adds around them. */
async function templateTags(template: string): Promise<Set<string>> {
  const dir = join(import.meta.dirname, '../../reports/templates');
  const sources = await Promise.all(
    [template, ...(await readdir(join(dir, 'partials'))).map((p) => `partials/${p}`)].map((f) =>
      readFile(join(dir, f), 'utf8'),
    ),
  );
  const tags = new Set(['html', 'head', 'body', 'tbody']);
  for (const source of sources)
    for (const m of source.matchAll(/<([a-z][a-z0-9-]*)/gi)) tags.add((m[1] as string).toLowerCase());
  return tags;
}

function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  const children = 'childNodes' in node ? node.childNodes : [];
  for (const child of children) walk(child as Node, visit);
  if ('content' in node && node.content) walk(node.content as Node, visit);
}
