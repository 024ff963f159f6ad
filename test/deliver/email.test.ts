import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { renderEmail } from '../../reports/email.js';
import { EmailSchema } from '../../src/core/config.js';
import type { Evaluation } from '../../src/core/evaluation.js';
import { RegisterSchema } from '../../src/core/register.js';
import { DeliveryError, sendEmail, shouldSend } from '../../src/pipeline/deliver.js';

const evaluation: Evaluation = {
  findings: [
    {
      fingerprint: 'aaaa',
      rule: 'expired-access-active',
      severity: 'critical',
      title: 'Access outlived its approval',
      person: 'sam',
      system: 'github',
      target: 'northwind',
      account: 'samortiz',
      resource: 'northwind/shop',
      evidence: ['push on northwind/shop'],
      remediation: { steps: [], commands: [] },
    },
    {
      fingerprint: 'bbbb',
      rule: 'unknown-account',
      severity: 'high',
      title: 'Account linked to nobody',
      system: 'github',
      target: 'northwind',
      account: '<script>alert(1)</script>',
      evidence: [],
      remediation: { steps: [], commands: [] },
    },
  ],
  summary: { critical: 1, high: 1, medium: 0, low: 0, info: 0 },
  people: [
    {
      person: 'sam',
      name: 'Sam Ortiz',
      kind: 'contractor',
      owner: 'dana',
      lanes: { code: 'expired', data: 'none', production: 'unapproved' },
      accounts: [],
    },
  ],
  unlinked: [],
  warnings: [],
};

const register = RegisterSchema.parse({
  organization: 'Northwind Supply',
  people: [
    { id: 'dana', name: 'Dana Whitfield', kind: 'employee' },
    { id: 'sam', name: 'Sam Ortiz', kind: 'contractor', owner: 'dana' },
  ],
});

const content = renderEmail({
  organization: 'Northwind Supply',
  now: new Date('2026-11-29T09:00:00Z'),
  complete: true,
  failed: [],
  evaluation,
  register,
  drift: {
    since: '2026-11-22',
    changes: [
      {
        kind: 'grant-added',
        system: 'github',
        target: 'northwind',
        account: 'x',
        login: 'x',
        resource: 'northwind/shop',
        detail: 'now holds write (code)',
      },
    ],
    notCompared: [],
  },
  newFingerprints: new Set(['bbbb']),
  attachments: { attached: ['report.html', 'access.csv', 'findings.json'], tooLarge: [], folder: 'out' },
  trend: [
    { date: '2026-11-22', total: 1 },
    { date: '2026-11-29', total: 2 },
  ],
});

const attachments = [
  { filename: 'report.html', content: '<html></html>', contentType: 'text/html' },
  { filename: 'findings.json', content: '{}', contentType: 'application/json' },
  { filename: 'access.csv', content: 'person\n', contentType: 'text/csv' },
];

let server: SMTPServer | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

interface Received {
  raw: string;
  user?: string;
  secure: boolean;
}

async function startSmtp(): Promise<{ port: number; received: Received[] }> {
  const received: Received[] = [];
  server = new SMTPServer({
    // No `secure`: the client starts in plain text and must upgrade with STARTTLS (smtp-server's own test certificate).
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, cb) {
      if (auth.username === 'reports' && auth.password === 'smtp-secret-password') cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          raw: Buffer.concat(chunks).toString('utf8'),
          user: session.user as string,
          secure: session.secure,
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return { port: (server.server.address() as AddressInfo).port, received };
}

const emailConfig = (port: number, pass = 'smtp-secret-password') =>
  EmailSchema.parse({
    to: ['founders@northwind.example'],
    from: 'lanekeeper@northwind.example',
    smtp: { host: '127.0.0.1', port, secure: false, requireTLS: true, user: 'reports', pass },
  });

// The local server's certificate is smtp-server's self-signed test certificate.
const trustLocal = { transportOverrides: { tls: { rejectUnauthorized: false } } };

describe('the weekly email', () => {
  it('arrives over STARTTLS with auth, with subject, HTML, text and the three attachments', async () => {
    const { port, received } = await startSmtp();
    await expect(sendEmail(emailConfig(port), content, attachments, trustLocal)).resolves.toEqual({ sent: true });
    expect(received).toHaveLength(1);
    expect(received[0]?.user).toBe('reports');
    expect(received[0]?.secure).toBe(true);
    const mail = await simpleParser(received[0]?.raw ?? '');
    expect(mail.subject).toBe('Northwind Supply access review: 1 critical, 1 high, 1 new since 2026-11-22');
    expect(mail.text).toContain(
      '[critical] Access outlived its approval: github samortiz northwind/shop — sam (owner Dana Whitfield)',
    );
    expect(mail.html).toContain('Who holds which lane');
    expect(mail.html).toContain('expired, still held');
    expect(mail.attachments.map((a) => a.filename)).toEqual(['report.html', 'findings.json', 'access.csv']);
  });

  it('escapes data in the HTML body, inlines its CSS and carries no script', () => {
    expect(content.html).not.toContain('<script>alert(1)</script>');
    expect(content.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(content.html).not.toMatch(/<script|<style|src="http/i);
    expect(content.html).toMatch(/<td[^>]*style="[^"]*border/);
  });

  it('names the server and the reason when sending fails, never the password', async () => {
    const { port } = await startSmtp();
    const error = await sendEmail(emailConfig(port, 'wrong-password-123'), content, attachments, trustLocal).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).not.toContain('wrong-password-123');
  });

  it('fails with the server named when nothing listens', async () => {
    const { port } = await startSmtp();
    await new Promise<void>((r) => server?.close(() => r()));
    server = undefined;
    await expect(sendEmail(emailConfig(port), content, attachments, trustLocal)).rejects.toThrow(
      `SMTP server 127.0.0.1:${port}`,
    );
  });

  it('sends only when the config says so', () => {
    const none = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
    expect(shouldSend('always', none)).toBe(true);
    expect(shouldSend('findings', none)).toBe(false);
    expect(shouldSend('findings', { ...none, info: 1 })).toBe(true);
    expect(shouldSend('critical', { ...none, high: 3 })).toBe(false);
    expect(shouldSend('critical', { ...none, critical: 1 })).toBe(true);
  });
});
