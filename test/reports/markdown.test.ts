import { describe, expect, it } from 'vitest';
import { REPORT_FILES, renderReport } from '../../reports/index.js';
import { completeness } from '../../src/core/completeness.js';
import { demoInput, NOW } from './fixture.js';

describe('report.md', () => {
  const md = renderReport('md', demoInput());
  const lines = md.split('\n');

  it('is report.md with a title, the date and a trailing newline', () => {
    expect(REPORT_FILES.md).toBe('report.md');
    expect(lines[0]).toBe('# Northwind Supply access review');
    expect(md).toContain('Scan of 2026-11-29 09:00 UTC');
    expect(md.endsWith('\n')).toBe(true);
    expect(md.endsWith('\n\n')).toBe(false);
  });

  it('says the scan is incomplete, naming the failed system and why', () => {
    expect(md).toContain('> **INCOMPLETE SCAN.**');
    expect(md).toContain('> - **slack T0NORTH**: auth.test: invalid\\_auth');
  });

  it("names a gap's count in parentheses of its own, after a space", () => {
    const input = demoInput();
    const [first] = input.snapshot.systems;
    first!.gaps = [{ kind: 'gcp.bucket-policies', detail: 'who reads 3 buckets is unknown', count: 3 }];
    const text = renderReport('md', { ...input, completeness: completeness(input.snapshot, [], NOW) });
    expect(text).toContain('gcp.bucket-policies: who reads 3 buckets is unknown (3 records)');
  });

  it('has a severity table', () => {
    const start = lines.indexOf('| Severity | Findings |');
    expect(lines.slice(start, start + 7)).toEqual([
      '| Severity | Findings |',
      '| --- | ---: |',
      '| Critical | 2 |',
      '| High | 1 |',
      '| Medium | 1 |',
      '| Low | 0 |',
      '| Info | 1 |',
    ]);
  });

  it('starts with the actions, then one table line per finding, then each in detail', () => {
    const start = md.slice(md.indexOf('## Start here'), md.indexOf('## Who holds which lane'));
    expect(start).toContain(
      '2. **Critical: Offboard Sam Ortiz \\(sam\\)** (2 findings: 1 access after its end, 1 second lane).',
    );
    expect(start).toContain('```sh\nlanekeeper offboard sam\n```');
    expect(md).toContain(
      '| Critical | Access outlived its approval | Sam Ortiz \\(sam\\) | github samortiz · northwind/shop |  |',
    );
    const headings = lines.filter((l) => l.startsWith('### ') || l.startsWith('#### '));
    expect(headings).toEqual([
      '### Details',
      '#### Access outlived its approval',
      '#### Admin account nobody answers for',
      '#### Contractor in more than one lane',
      '#### Account linked to nobody',
      '#### Approval ends soon',
    ]);
    const first = md.slice(md.indexOf('#### Access outlived'), md.indexOf('#### Admin account'));
    expect(first).toContain('- **Person:** Sam Ortiz \\(sam\\) (owner Dana Whitfield \\(dana\\))');
    expect(first).toContain('- **System:** github · **Target:** northwind');
    expect(first).toContain('- **Account:** samortiz');
    expect(first).toContain('- **Resource:** northwind/shop');
    expect(first).toContain('- approval SHOP-142 ended 2026-06-01');
    expect(first).toContain('1. Remove samortiz from northwind/shop.');
    expect(first).toContain("```sh\ngh api -X DELETE '/repos/northwind/shop/collaborators/samortiz'\n```");
  });

  it('has the people × lanes matrix in words', () => {
    expect(md).toContain('| Person | Kind | Owner | code | data | production |');
    expect(md).toContain(
      '| Sam Ortiz (sam) | contractor | Dana Whitfield \\(dana\\) | ✕ **expired but held** | ✕ **expired but held** | ▲ **held, not approved** |',
    );
    expect(md).toContain(
      '| Mia Laurent (mia) | contractor | Dana Whitfield \\(dana\\) | ○ approved | · none | · none |',
    );
  });

  it('lists unlinked accounts, systems, register problems and warnings', () => {
    expect(md).toContain('| github | northwind | quickfix-dev | quickfix-dev | no email and no register link |');
    expect(md).toContain('| github | northwind | ✓ read | 5 | 7 | 12 | PAT grants need a GitHub App token |');
    expect(md).toContain('| slack | T0NORTH | ✕ **FAILED**: auth.test: invalid\\_auth | 0 | 0 | 1 | – |');
    expect(md.indexOf('register.yaml:9 ')).toBeLessThan(md.indexOf('register.yaml:41 '));
    expect(md).toContain('- scope "northwind/legacy-\\*" of sam matches nothing in the inventory');
  });

  it('says so when there is nothing to report', () => {
    const input = demoInput();
    input.evaluation = { ...input.evaluation, findings: [], unlinked: [], warnings: [] };
    input.snapshot.systems = input.snapshot.systems.filter((s) => s.ok);
    input.completeness = completeness(input.snapshot, [], NOW);
    const empty = renderReport('md', input);
    expect(empty).toContain('**Complete scan.**');
    expect(empty).toContain('No findings.');
    expect(empty).toContain('Every account is linked');
  });

  it('leaves out a command too long for a comment instead of cutting it', () => {
    const input = demoInput();
    input.evaluation.findings[0]!.remediation.commands = [`echo ${'x'.repeat(2000)}`, 'echo short'];
    const out = renderReport('md', input);
    expect(out).toContain('```sh\necho short\n```');
    expect(out).toContain('1 command is too long to show here');
    expect(out).not.toContain('x'.repeat(1001));
  });

  it('says the register has incomplete entries only for register-incomplete findings, as the HTML does', () => {
    const html = (input: ReturnType<typeof demoInput>) => renderReport('html', input).replace(/<[^>]+>/g, '');
    const withFinding = (rule: string) => {
      const input = demoInput({ register: { path: 'register.yaml', problems: [] } });
      const base = input.evaluation.findings[2]!;
      const f = { ...base, rule, fingerprint: `fp-${rule}-register`, target: 'register', account: '' };
      input.evaluation = { ...input.evaluation, findings: [f] };
      return input;
    };
    const incomplete = 'The register loaded, but entries in it are incomplete: see the register findings above.';
    const fine = 'The register loaded without problems.';
    expect(renderReport('md', withFinding('register-incomplete'))).toContain(incomplete);
    expect(html(withFinding('register-incomplete'))).toContain(incomplete);
    expect(renderReport('md', withFinding('multiple-lanes'))).toContain(fine);
    expect(html(withFinding('multiple-lanes'))).toContain(fine);
  });

  it('calls a complete scan with accepted gaps read in full but for them, as the HTML does', () => {
    const input = demoInput();
    input.snapshot.systems = input.snapshot.systems.filter((s) => s.ok);
    input.snapshot.systems[0]!.gaps = [{ kind: 'github.pat-grants', detail: 'PAT grants need a GitHub App token' }];
    const accept = [{ gap: 'github.pat-grants', reason: 'no App yet', until: '2027-01-31' }];
    input.completeness = completeness(input.snapshot, accept, NOW);
    const sentence = '**Complete scan.** Every system below was read in full, but for the known gaps listed below.';
    expect(renderReport('md', input)).toContain(sentence);
    expect(renderReport('html', input).replace(/<[^>]+>/g, '')).toContain(sentence.replace(/\*\*/g, ''));
  });
});
