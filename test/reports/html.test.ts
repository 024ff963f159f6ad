import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FILTER_SCRIPT, REPORT_CSP } from '../../reports/html.js';
import { REPORT_FILES, renderReport } from '../../reports/index.js';
import { completeness } from '../../src/core/completeness.js';
import { demoEmail, demoInput, NOW } from './fixture.js';

const decode = (s: string) =>
  s
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
const text = (html: string) =>
  decode(
    html
      .replace(/<style>[\s\S]*?<\/style>|<script>[\s\S]*?<\/script>/g, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' '),
  );

describe('report.html', () => {
  const html = renderReport('html', demoInput());
  const words = text(html);

  it('is a complete page for report.html with the organisation and the scan date', () => {
    expect(REPORT_FILES.html).toBe('report.html');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(words).toContain('Northwind Supply access review');
    expect(words).toContain('2026-11-29 09:00 UTC');
  });

  it('makes no external request: no src, no link, no url(), no remote href', () => {
    expect(html).not.toMatch(/\ssrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/href="(?!#)/i);
  });

  it('allows only its own filter script, by hash, and no request at all', () => {
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    expect(scripts).toEqual([FILTER_SCRIPT]);
    const hash = createHash('sha256').update(FILTER_SCRIPT).digest('base64');
    const csp = decode(/http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!);
    expect(csp).toBe(REPORT_CSP);
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).toContain("default-src 'none'");
  });

  it('shows the INCOMPLETE banner naming the failed system and why', () => {
    expect(words).toContain('INCOMPLETE SCAN.');
    expect(words).toContain('slack T0NORTH : auth.test: invalid_auth');
    const input = demoInput();
    input.snapshot.systems = input.snapshot.systems.filter((s) => s.ok);
    input.completeness = completeness(input.snapshot, [], NOW);
    const complete = text(renderReport('html', input));
    expect(complete).not.toContain('INCOMPLETE');
    expect(complete).toContain('Complete scan.');
  });

  it('counts findings by severity, starts with the actions that close them, then one line per finding', () => {
    expect(words).toMatch(/2 Critical 1 High 1 Medium 0 Low 1 Info/);
    // Start here: the person's findings are one action, with the command that closes them.
    const start = text(/<h3 id="start-here">[\s\S]*?<\/ol>/.exec(html)![0]).trim();
    expect(start).toMatch(
      /^Start here Critical Shared admin account, github northwind-admin: give each admin a named account, then retire it /,
    );
    expect(start).toMatch(
      /Critical Offboard Sam Ortiz \(sam\) 2 findings: 1 access after its end, 1 second lane .* lanekeeper offboard sam Copy Medium /,
    );
    // Every finding is one <details> line, worst first; the facts are inside it.
    const severities = [...html.matchAll(/<details class="finding[^"]*"[^>]*data-severity="(\w+)"/g)].map((m) => m[1]);
    expect(severities).toEqual(['critical', 'critical', 'high', 'medium', 'info']);
    const finding = /<details[^>]*data-severity="critical"[\s\S]*?<\/details>/.exec(html)![0];
    for (const fact of [
      'Access outlived its approval',
      'Sam Ortiz (sam)',
      'owner Dana Whitfield (dana)',
      'northwind/shop',
      'samortiz',
      'approval SHOP-142 ended 2026-06-01',
      'Remove samortiz from northwind/shop.',
      'Work that ended keeps its keys.',
    ])
      expect(text(finding), fact).toContain(fact);
    expect(decode(finding)).toContain(
      "<pre><code>gh api -X DELETE '/repos/northwind/shop/collaborators/samortiz'</code></pre>",
    );
  });

  it('marks findings for the filter and hides the filter until the script shows it', () => {
    expect(html).toContain('<form id="filters" class="filters" hidden>');
    expect(html).toMatch(/data-severity="high" data-system="github" data-person="sam" data-lanes="code production"/);
  });

  it('labels every matrix cell in words as well as colour', () => {
    const matrix = /<h2 id="matrix">[\s\S]*?<\/table>/.exec(html)![0];
    const row = (name: string) =>
      text(/<tr>\s*<th scope="row">([\s\S]*?)<\/tr>/g.exec(matrix.slice(matrix.indexOf(name) - 40))![0]);
    expect(row('Sam Ortiz')).toMatch(/expired but held .* expired but held .* held, not approved/);
    expect(row('Dana Whitfield')).toMatch(/● held · none ● held/);
    expect(row('Mia Laurent')).toMatch(/○ approved · none · none/);
    expect(matrix).toContain('class="cell cell-expired"');
  });

  it('lists unlinked accounts, systems with calls and warnings, register problems and warnings', () => {
    expect(words).toContain('quickfix-dev quickfix-dev no email and no register link');
    expect(words).toMatch(/github northwind ✓ read warning: PAT grants need a GitHub App token 5 7 12 /);
    expect(words).toMatch(/slack T0NORTH ✕ FAILED : auth.test: invalid_auth 0 0 1/);
    // Register problems in file order, not text order.
    expect(words.indexOf('register.yaml:9')).toBeLessThan(words.indexOf('register.yaml:41'));
    expect(words).toContain('scope "northwind/legacy-*" of sam matches nothing in the inventory');
  });

  it('stays inside a 390 px screen: long strings wrap, tables scroll in their own box', () => {
    expect(html).toMatch(/body\{[^}]*overflow-wrap:anywhere/);
    expect(html).toMatch(/\.scroll\{overflow-x:auto/);
    expect(html).toMatch(/pre\{white-space:pre-wrap;overflow-wrap:anywhere/);
    const tables = html.match(/<table[ >]/g)!.length;
    expect(html.match(/<div class="scroll">\s*<table[ >]/g)).toHaveLength(tables);
    // On a phone, data tables become one stacked card per row: only the lanes matrix stays a grid.
    expect(html.match(/<table class="stack">/g)).toHaveLength(tables - 1);
  });

  it('writes one card per finding, whatever a value holds: the mark where the cards go cannot be forged', () => {
    const input = demoInput();
    const mark = '\u0000lanekeeper-findings\u0000';
    const forged = {
      ...input,
      evaluation: {
        ...input.evaluation,
        findings: input.evaluation.findings.map((f, i) => (i === 0 ? { ...f, title: `before ${mark} after` } : f)),
      },
    };
    const page = renderReport('html', forged);
    expect(page.match(/<details class="finding/g)).toHaveLength(input.evaluation.findings.length);
    expect(page).toContain('before lanekeeper-findings after');
    expect(page).not.toContain('\u0000');
  });
});

describe('where a finding is, when it has no account', () => {
  const input = demoInput();
  const base = input.evaluation.findings[0]!;
  const noAccount = { ...base, fingerprint: 'fp-no-account', account: '', resource: 'northwind/analytics' };
  const register = { ...base, fingerprint: 'fp-register', system: 'register', target: 'register', account: '' };
  delete (register as { resource?: string }).resource;
  input.evaluation = { ...input.evaluation, findings: [noAccount, register] };

  it('joins only the parts present, in the HTML, the Markdown and the email', () => {
    const where = [...renderReport('html', input).matchAll(/<span class="c-where">([\s\S]*?)<\/span>/g)].map((m) =>
      m[1]!.replace(/<wbr>/g, ''),
    );
    expect(where).toEqual(['github · northwind/analytics', 'register']);
    const md = renderReport('md', input);
    expect(md).toContain('| github · northwind/analytics |');
    expect(md).toContain('| register |');
    const email = demoEmail(input.evaluation);
    expect(text(email.html)).toContain('github · northwind/analytics');
    expect(text(email.html)).not.toMatch(/· ·|· $|register ·/);
    expect(email.text).toContain(': github northwind/analytics');
    expect(email.text).not.toMatch(/github {2}northwind/);
  });
});
