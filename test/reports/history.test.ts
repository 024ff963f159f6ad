// The report side of history: "What changed since", "open for N days", accepted and lapsed
// risks, the trend of open findings and the per-person timelines, in report.html and report.md.
import { describe, expect, it } from 'vitest';
import { niceStep, trendChart } from '../../reports/html.js';
import { renderReport } from '../../reports/index.js';
import { buildView } from '../../reports/view.js';
import { demoInput, HOSTILE, richInput } from './fixture.js';

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
const section = (html: string, id: string) =>
  new RegExp(`<section aria-labelledby="${id}">[\\s\\S]*?</section>`).exec(html)?.[0] ?? '';

describe('What changed since', () => {
  it('says history is off when the scan keeps none', () => {
    const input = demoInput();
    const words = text(section(renderReport('html', input), 'changes'));
    expect(words).toContain('What changed since the last scan');
    expect(words).toContain('History is off for this scan, so there is nothing to compare with.');
    expect(renderReport('md', input)).toContain('History is off for this scan');
  });

  it('says a first scan has nothing to compare with', () => {
    const input = demoInput({ history: { trend: [], firstSeen: {} } });
    const words = text(section(renderReport('html', input), 'changes'));
    expect(words).toContain('This is the first scan in the history: there is nothing to compare with yet.');
    expect(renderReport('md', input)).toContain('This is the first scan in the history');
  });

  it('lists a key rotated, the old one gone, apart from keys created: not access added', () => {
    const input = richInput();
    input.history?.drift?.changes.push({
      kind: 'credential-rotated',
      system: 'aws',
      target: '111111111111',
      account: 'arn:aws:iam::111111111111:user/ci',
      login: 'ci',
      detail: 'access-key AKIA…NEW2 created 2026-11-27',
    });
    const words = text(section(renderReport('html', input), 'changes'));
    expect(words).toContain('1 credential created, 1 credential rotated,');
    expect(words).toContain(
      '▼ credential rotated aws 111111111111 arn:aws:iam::111111111111:user/ci (ci) – access-key AKIA…NEW2 created 2026-11-27',
    );
  });

  it('lists every kind of change with its detail, additions ▲ and removals ▼, and what was not compared', () => {
    const html = renderReport('html', richInput());
    const words = text(section(html, 'changes'));
    expect(words).toContain('What changed since 2026-11-22');
    expect(words).toContain('Compared with the scan of 2026-11-22 09:00 UTC.');
    expect(words).toContain(
      '1 account added, 1 grant added, 1 level raised, 1 lane gained, 1 credential created, 1 account removed, 1 grant removed.',
    );
    for (const row of [
      '▲ account added github northwind quickfix-dev – new human account',
      '▲ grant added github northwind quickfix-dev northwind/shop now holds write (code) · lanes code',
      '▲ level raised github northwind samortiz northwind/infra write became admin · lanes production',
      '▲ lane gained github northwind samortiz northwind/infra gained production',
      '▲ credential created aws 111111111111 arn:aws:iam::111111111111:user/sam-ortiz (sam-ortiz) – access-key AKIA…WXYZ created 2026-11-27',
      '▼ account removed github northwind old-intern – account gone',
      '▼ grant removed github northwind old-intern northwind/shop no longer holds write',
    ])
      expect(words).toContain(row);
    expect(words).toContain('could not read them: slack T0NORTH.');
    const md = renderReport('md', richInput());
    expect(md).toContain('## What changed since 2026-11-22');
    expect(md).toContain(
      '| ▲ level raised | github northwind | samortiz | northwind/infra | write became admin · lanes production |',
    );
    expect(md).toContain('**2 new** since the last scan · 7 changes in access since 2026-11-22');
  });

  it('says when nothing changed', () => {
    const input = richInput();
    input.history = { ...input.history!, drift: { since: '2026-11-22T09:00:00.000Z', changes: [], notCompared: [] } };
    const words = text(section(renderReport('html', input), 'changes'));
    expect(words).toContain('Nothing was added, raised or removed.');
    expect(words).not.toContain('Change System Account');
  });
});

describe('open for N days', () => {
  it('tells each finding how long it has been open, and which are new', () => {
    const view = buildView(richInput());
    // New ones first, then the report order.
    expect(view.findings.map((f) => [f.rule, f.age, f.isNew])).toEqual([
      ['unknown-account', 'new in this scan', true],
      ['expiring-soon', 'new in this scan', true],
      ['expired-access-active', 'open for 28 days', false],
      ['shared-admin-account', 'open for 3 days', false],
      ['multiple-lanes', 'open for 7 days', false],
    ]);
    expect(view.newCount).toBe(2);
    const md = renderReport('md', richInput());
    expect(md).toMatch(/#### Access outlived its approval\n\n\*open for 28 days\*/);
  });

  it('says "less than a day" rather than "0 days", and nothing without history', () => {
    const input = richInput();
    const fp = input.evaluation.findings[0]!.fingerprint;
    input.history!.firstSeen[fp] = new Date(input.now.getTime() - 3_600_000).toISOString();
    expect(buildView(input).findings.find((f) => f.fingerprint === fp)?.age).toBe('open for less than a day');
    expect(renderReport('html', demoInput())).not.toMatch(/open for|new in this scan/);
  });
});

describe('accepted risks', () => {
  it('lists each accepted finding with its reason, who accepted it and until when', () => {
    const html = renderReport('html', richInput());
    const words = text(section(html, 'accepted'));
    expect(words).toContain('Medium Account linked to nobody');
    expect(words).toContain('Reason CI bot until the GitHub App lands');
    expect(words).toContain('Accepted by Dana Whitfield (dana)');
    expect(words).toContain('Applies until 2027-03-31 (122 days left)');
    // Not among the open findings: it is out of the counts.
    expect(html.match(/data-finding /g)).toHaveLength(5);
  });

  it('lists lapsed acceptances as such, and marks their findings', () => {
    const html = renderReport('html', richInput());
    const words = text(section(html, 'accepted'));
    expect(words).toContain('Acceptances that lapsed');
    expect(words).toContain('Critical Admin account nobody answers for');
    expect(words).toContain('Lapsed ended 2026-10-31 (29 days ago)');
    const finding =
      /<details[^>]*data-finding[^>]*>(?:(?!<\/details>)[\s\S])*Admin account nobody answers for[\s\S]*?<\/details>/.exec(
        html,
      )![0];
    expect(text(finding)).toContain(
      'Acceptance lapsed: Dana Whitfield (dana) accepted it ("Break-glass owner account"); that acceptance ended 2026-10-31 (29 days ago), so it counts again.',
    );
    expect(text(section(html, 'summary'))).toContain('1 accepted as a risk (not counted) · 1 acceptance lapsed');
    const md = renderReport('md', richInput());
    expect(md).toContain('## Accepted risks');
    expect(md).toContain('  - Accepted by Dana Whitfield \\(dana\\), until 2027-03-31 \\(122 days left\\)');
    expect(md).toContain('### Acceptances that lapsed');
    expect(md).toContain('  - Accepted by Dana Whitfield \\(dana\\), **ended 2026-10-31 \\(29 days ago\\)**');
  });

  it('says an acceptance lapsed because the employee who accepted it left', () => {
    const input = richInput();
    const lapsed = input.lapsedAcceptances!.map((l) => ({ ...l, acceptedByLeft: '2026-11-15' }));
    const html = renderReport('html', { ...input, lapsedAcceptances: lapsed });
    expect(text(section(html, 'accepted'))).toContain('Lapsed ended when they left on 2026-11-15');
    expect(renderReport('md', { ...input, lapsedAcceptances: lapsed })).toContain(
      '  - Accepted by Dana Whitfield \\(dana\\), **ended when they left on 2026-11-15**',
    );
  });

  it('says when nothing is accepted', () => {
    expect(text(section(renderReport('html', demoInput()), 'accepted'))).toContain('No finding is accepted as a risk.');
  });
});

describe('the trend of open findings', () => {
  it('draws one labelled, stacked bar per scan in inline SVG, the current scan marked', () => {
    const html = renderReport('html', richInput());
    const svg = /<svg[\s\S]*?<\/svg>/.exec(html)![0];
    expect(svg).toContain('role="img"');
    expect(svg.match(/<g>/g)).toHaveLength(6);
    expect(svg.match(/class="total"[^>]*>(\d+)</g)?.map((m) => m.replace(/.*>/, '').replace('<', ''))).toEqual([
      '3',
      '4',
      '6',
      '7',
      '5',
      '5',
    ]);
    expect(svg).toContain('>this scan</text>');
    expect(text(svg)).toContain('2026-11-29: 5 open (2 critical, 1 high, 1 medium, 0 low, 1 info)');
    expect(html).toContain('<figcaption>Open findings by severity, last 6 scans</figcaption>');
    expect(renderReport('md', richInput())).toContain('| 2026-11-29 (this scan) | 2 | 1 | 1 | 0 | 1 | 5 |');
  });

  it('stacks segments to the bar total on a scale that ends at a round tick above the largest bar', () => {
    const chart = trendChart(buildView(richInput()).trend)!;
    // The largest bar is 7: ticks every 2, the scale ends at 8.
    expect(chart.ticks.map((t) => t.n)).toEqual([0, 2, 4, 6, 8]);
    const tallest = chart.bars.find((b) => b.total === 7)!;
    const top = Math.min(...tallest.segments.map((s) => s.y));
    expect(top).toBeGreaterThan(chart.ticks.at(-1)!.y);
    expect(top).toBeLessThan(chart.ticks.at(-2)!.y);
    for (const bar of chart.bars) {
      const height = bar.segments.reduce((n, s) => n + s.height, 0);
      expect(height).toBeCloseTo((bar.total / 8) * 150, 0);
    }
  });

  it('picks round ticks at any size', () => {
    expect([1, 1.75, 2.2, 7, 12.5, 26, 130, 4000].map(niceStep)).toEqual([1, 2, 5, 10, 20, 50, 200, 5000]);
  });

  it('is left out without history', () => {
    expect(renderReport('html', demoInput())).not.toContain('<svg');
    expect(renderReport('md', demoInput())).not.toContain('Open findings, last');
  });
});

describe('per-person timelines', () => {
  it('draws each register grant from start to end against today, access held past its end in red', () => {
    const html = renderReport('html', richInput());
    const words = text(section(html, 'timelines'));
    expect(words).toContain('on one scale from 2026-05-04 to 2027-01-31; the line marks today (2026-11-29)');
    expect(words).toContain(
      'Fix the payment step that fails on some phones github northwind/shop · code · write · SHOP-142 2026-05-04 → 2026-06-01 · ✕ ended 2026-06-01, still held 181 days later',
    );
    expect(words).toContain(
      'Redesign the storefront github northwind/storefront · code · write · WEB-7 2026-11-01 → 2027-01-31 · active, 63 days left',
    );
    expect(words).toContain(
      'Storefront analytics github northwind/analytics · code · read 2026-12-10 → 2027-01-15 · starts in 11 days',
    );
    expect(words).toContain(
      'Old prototype github northwind/proto · code · write 2026-06-01 → 2026-07-15 · ended 2026-07-15, nothing held past it',
    );
    // Only the grant still held past its end carries the red stretch.
    expect(html.match(/class="tl-bar tl-overdue"/g)).toHaveLength(1);
    expect(html).toMatch(/<div class="tl-row tl-row-held-past-end">[\s\S]*?class="tl-bar tl-overdue"/);
    expect(html).toContain(
      'Sam Ortiz <span class="muted">(sam, contractor, engagement 2026-05-01 → 2026-06-01)</span>',
    );
    // People without grants get no empty timeline.
    expect(words).not.toContain('Dana Whitfield (dana, employee');
    const md = renderReport('md', richInput());
    expect(md).toContain(
      '| Sam Ortiz (sam) | Fix the payment step that fails on some phones | github | northwind/shop | code | write | 2026-05-04 | 2026-06-01 | ✕ **ended 2026-06-01, still held 181 days later** |',
    );
    // Every section once: the timeline table was once written twice, one after the other.
    const headings = md.split('\n').filter((line) => line.startsWith('## '));
    expect(headings).toContain('## Grants over time');
    expect(new Set(headings).size).toBe(headings.length);
  });

  it("counts an expired grant as still held when the finding's resource answers to the scope by an alias", () => {
    const input = richInput();
    const sam = input.registerPeople!.find((p) => p.id === 'sam')!;
    // The AWS account 111111111111 is "northwind-prod" by its alias (the fixture's grant says so).
    sam.grants = sam.grants.map((g) => (g.system === 'aws' ? { ...g, scope: 'northwind-prod' } : g));
    const awsRow = (findings: typeof input.evaluation.findings) =>
      text(section(renderReport('html', { ...input, evaluation: { ...input.evaluation, findings } }), 'timelines'));
    const expired = {
      ...input.evaluation.findings[0]!,
      fingerprint: 'fp-expired-aws',
      system: 'aws',
      target: '111111111111',
      account: 'arn:aws:iam::111111111111:user/sam-ortiz',
      resource: '111111111111',
    };
    expect(awsRow([...input.evaluation.findings, expired])).toContain(
      'Read checkout error logs aws northwind-prod · data · read 2026-05-20 → 2026-05-31 · ✕ ended 2026-05-31, still held',
    );
    expect(awsRow(input.evaluation.findings)).toContain(
      'Read checkout error logs aws northwind-prod · data · read 2026-05-20 → 2026-05-31 · ended 2026-05-31, nothing held past it',
    );
    // An alias given as one string names the resource too, as it does for coverage.
    for (const g of input.snapshot.grants) if (g.attributes?.aliases) g.attributes.aliases = 'northwind-prod';
    expect(awsRow([...input.evaluation.findings, expired])).toContain('✕ ended 2026-05-31, still held');
  });

  it('is left out when the register is not given', () => {
    expect(renderReport('html', demoInput())).not.toContain('id="timelines"');
    expect(renderReport('md', demoInput())).not.toContain('## Grants over time');
  });
});

describe('the new sections are deterministic and safe', () => {
  it('give the same bytes whatever order their inputs come in', () => {
    const a = richInput();
    const b = richInput();
    b.history!.drift!.changes.reverse();
    b.registerPeople = [...b.registerPeople!].reverse().map((p) => ({ ...p, grants: [...p.grants].reverse() }));
    b.accepted = [...b.accepted!].reverse();
    for (const format of ['html', 'md'] as const) expect(renderReport(format, b)).toBe(renderReport(format, a));
  });

  it('show hostile strings in drift, acceptances and the register as text only', () => {
    const input = richInput();
    let i = 0;
    const next = () => HOSTILE[i++ % HOSTILE.length]!;
    for (const c of input.history!.drift!.changes) {
      c.login = next();
      c.detail = next();
      c.resource = next();
    }
    input.history!.drift!.since = next();
    input.history!.drift!.notCompared = [next(), next()];
    for (const a of [...input.accepted!, ...input.lapsedAcceptances!]) {
      a.reason = next();
      a.acceptedBy = next();
      a.finding.title = next();
    }
    for (const p of input.registerPeople!) {
      p.name = next();
      for (const g of p.grants) {
        g.task = next();
        g.scope = next();
        g.ticket = next();
      }
    }
    const html = renderReport('html', input);
    expect(html).not.toMatch(/<img|<script>alert|onerror\s*=/i);
    expect(html.match(/<script/g)).toHaveLength(1);
    for (const style of html.match(/\sstyle\s*=\s*"[^"]*"/gi) ?? [])
      expect(style).toMatch(/^\sstyle="(?:[a-z-]+:-?[0-9.]+(?:%|px);?)+"$/);
    const md = renderReport('md', input);
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('](http://evil.example)');
  });
});
