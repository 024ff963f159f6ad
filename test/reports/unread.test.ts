// An incomplete scan: a system that failed is reported as failed, never as empty. The people ×
// lanes matrix and the approval timelines say "unknown" where the access was not read.
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../reports/index.js';
import { demoEmail, demoInput, demoRegisterPeople } from './fixture.js';

function unread() {
  const input = demoInput({ registerPeople: demoRegisterPeople() });
  const aws = input.snapshot.systems.find((s) => s.system === 'aws')!;
  aws.ok = false;
  aws.error = 'AccessDenied';
  const mia = input.evaluation.people.find((p) => p.person === 'mia')!;
  mia.lanes = { code: 'held', data: 'unknown', production: 'unknown' };
  return input;
}

const email = (input: ReturnType<typeof demoInput>) =>
  demoEmail(input.evaluation, { complete: false, failed: ['aws 111111111111: AccessDenied'] });

describe('a matrix cell about a system that could not be read', () => {
  const input = unread();

  it('says unknown in report.md, with its meaning in the legend', () => {
    const md = renderReport('md', input);
    expect(md).toContain(
      '| Mia Laurent (mia) | contractor | Dana Whitfield \\(dana\\) | ● held | ? **unknown (not read)** | ? **unknown (not read)** |',
    );
    expect(md).toContain(
      '? **unknown (not read)**: nothing held was read, but a system where they may hold it could not be read',
    );
  });

  it('says unknown in report.html and in the email', () => {
    const html = renderReport('html', input);
    expect(html).toContain(
      '<td class="cell cell-unknown"><span class="sym" aria-hidden="true">?</span>unknown (not read)</td>',
    );
    expect(html).toMatch(/<li class="cell-unknown">.*unknown \(not read\)/);
    const mail = email(input).html;
    expect(mail).toMatch(/<td class="cell unknown"[^>]*>unknown: not read<\/td>/);
  });

  it('keeps the legend of a complete matrix as it was', () => {
    const complete = demoInput();
    expect(renderReport('md', complete)).not.toContain('unknown (not read)');
    expect(renderReport('html', complete)).not.toContain('cell-unknown"');
  });

  it('does not say "nothing held past it" of an approval in a system that could not be read', () => {
    const md = renderReport('md', input);
    const aws = md.split('\n').filter((l) => l.includes('| aws |') && l.includes('ended 2026-05-31'));
    expect(aws).toHaveLength(1);
    expect(aws[0]).toContain('ended 2026-05-31, not known whether still held: aws 111111111111 could not be read');
    // Where the system was read, the timeline still says so.
    const read = renderReport('md', demoInput({ registerPeople: demoRegisterPeople() }));
    expect(read).toContain('ended 2026-05-31, nothing held past it');
  });
});
