// The weekly email's attachments: the reports go while they fit together under the config's
// maxAttachmentsMB, most wanted first; the rest are named in the message, with where they are.
// A large scan's reports are over 100 MB, and a mail server refuses the whole message past its limit.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { type EmailAttachments, renderEmail } from '../../reports/email.js';
import { RegisterSchema } from '../../src/core/register.js';
import { fitAttachments } from '../../src/pipeline/deliver.js';
import {
  emailBlock,
  type Mailbox,
  type ScanSetup,
  SMTP_PASSWORD_ENV,
  setupScan,
  startMailbox,
} from '../reliability/harness.js';
import { demoInput } from '../reports/fixture.js';

describe('fitAttachments', () => {
  const c = (filename: string, bytes: number) => ({ filename, bytes });

  it('takes each in order while they fit together, skipping one too large for a smaller one after it', () => {
    const fit = fitAttachments([c('a', 60), c('b', 50), c('c', 30), c('d', 10)], 100);
    expect(fit.attached.map((a) => a.filename)).toEqual(['a', 'c', 'd']);
    expect(fit.tooLarge.map((a) => a.filename)).toEqual(['b']);
  });

  it('takes one exactly the room left, and nothing when none fits', () => {
    expect(fitAttachments([c('a', 100), c('b', 1)], 100).attached.map((a) => a.filename)).toEqual(['a']);
    expect(fitAttachments([c('a', 101)], 100)).toEqual({ attached: [], tooLarge: [c('a', 101)] });
  });
});

describe('the email names what it carries and what it could not', () => {
  const input = demoInput();
  const all: EmailAttachments = {
    attached: ['report.html', 'access.csv', 'findings.json'],
    tooLarge: [],
    folder: 'out',
  };
  const email = (attachments: EmailAttachments) =>
    renderEmail({
      organization: 'Northwind Supply',
      now: input.now,
      complete: true,
      failed: [],
      evaluation: input.evaluation,
      register: RegisterSchema.parse({ organization: 'Northwind Supply', people: [] }),
      newFingerprints: new Set(),
      attachments,
    });

  it('lists the attachments, and the ones too large with their size and folder, in HTML and text', () => {
    const content = email({
      attached: ['access.csv'],
      tooLarge: [
        { name: 'report.html', bytes: 64_123_456 },
        { name: 'findings.json', bytes: 912 },
      ],
      folder: 'out/<weekly>',
    });
    expect(content.text).toContain('Attached: access.csv.');
    expect(content.text).toContain(
      "Too large to send by email: report.html (64.1 MB) and findings.json (1 KB); they are with the scan's reports in out/<weekly>.",
    );
    expect(content.html).toContain('Attached: access.csv.');
    expect(content.html).toContain('report.html (64.1 MB) and findings.json (1 KB)');
    // Escaped in HTML like every value.
    expect(content.html).toContain('out/&lt;weekly&gt;');
    expect(content.html).not.toContain('<weekly>');
  });

  it('says all three are attached when nothing was left out', () => {
    const content = email(all);
    expect(content.text).toContain('Attached: report.html, access.csv and findings.json.');
    expect(content.text).not.toContain('Too large');
  });
});

describe('a scan that mails its reports', () => {
  const PASSWORD = 'LKFAKE-smtp-password-attachments';
  let mailbox: Mailbox | undefined;
  let setup: ScanSetup | undefined;
  afterEach(async () => {
    await setup?.close();
    await mailbox?.close();
    setup = undefined;
    mailbox = undefined;
  });

  it('attaches what fits under maxAttachmentsMB and names the rest', async () => {
    mailbox = await startMailbox(PASSWORD);
    setup = await setupScan({ env: { [SMTP_PASSWORD_ENV]: PASSWORD }, config: { email: emailBlock(mailbox.port) } });
    const first = await setup.scan('--email');
    expect(first.code, first.stderr).toBe(0);
    const all = await simpleParser(mailbox.mails[0] ?? '');
    expect(all.attachments.map((a) => a.filename)).toEqual(['report.html', 'access.csv', 'findings.json']);
    expect(all.text).toContain('Attached: report.html, access.csv and findings.json.');

    const size = async (name: string) => (await stat(join(setup!.outDir, name))).size;
    const [html, csv, json] = [await size('report.html'), await size('access.csv'), await size('findings.json')];
    expect(csv).toBeLessThan(html);
    // Room for access.csv alone: report.html comes first and does not fit; findings.json finds none left.
    const config = JSON.parse(await readFile(setup.configPath, 'utf8'));
    config.email.maxAttachmentsMB = csv / 1_000_000;
    await writeFile(setup.configPath, JSON.stringify(config));
    const second = await setup.scan('--email');
    expect(second.code, second.stderr).toBe(0);
    const mail = await simpleParser(mailbox.mails[1] ?? '');
    expect(mail.attachments.map((a) => a.filename)).toEqual(['access.csv']);
    const kb = (bytes: number) => `${Math.ceil(bytes / 1000)} KB`;
    expect(mail.text).toContain('Attached: access.csv.');
    expect(mail.text).toMatch(
      new RegExp(
        `Too large to send by email: report\\.html \\(${kb(html)}\\) and findings\\.json \\(${kb(json)}\\); they are with the scan's reports in \\S*out\\.`,
      ),
    );
    // What was left out is still on disk.
    expect(await size('report.html')).toBe(html);
  });
});
