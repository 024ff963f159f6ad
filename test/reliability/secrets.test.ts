// No secret in output, proven three ways: a full demo scan through the CLI (stdout, stderr, every
// file it wrote, the history database), the same scan with wrong tokens (every system fails, and
// its errors are printed and stored), and every error a connector or SDK raises against a server
// that echoes the credentials back, serialised as a logger or a careless catch would.

import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmailSchema } from '../../src/core/config.js';
import type { AnyConnector, CollectContext, TargetOutput } from '../../src/core/connector.js';
import type { Logger } from '../../src/core/log.js';
import { clearSecrets, redact } from '../../src/core/redact.js';
import { describeError } from '../../src/pipeline/collect.js';
import { sendEmail } from '../../src/pipeline/deliver.js';
import {
  demoSystems,
  emailBlock,
  filesUnder,
  type Mailbox,
  NOW,
  type ScanSetup,
  SMTP_PASSWORD_ENV,
  setupScan,
  startMailbox,
} from './harness.js';
import { tunedRegistry } from './tuned-registry.js';

/** Recognisable, and shaped like nothing the redactor's patterns know: only registration can hide it. */
const SMTP_PASSWORD = 'LKFAKE-smtp-password-6a4f2c8e0d';

const { connectors, connectorById } = await tunedRegistry();

/** Each connector's fake secrets, from its test kit, and the SMTP password. */
const kits = new Map(await Promise.all(connectors.map(async (c) => [c.id, await c.testKit()] as const)));
const SECRETS = [...[...kits.values()].flatMap((kit) => kit.secrets.values), SMTP_PASSWORD];

/** A secret as it could leak: as is, URL-encoded, base64 (a Basic auth header, a stored blob). */
function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
}

function leaks(text: string, secrets: readonly string[]): string[] {
  return secrets.flatMap((s) => forms(s).filter((f) => text.includes(f)));
}

/** Everything a scan left behind: what it printed and every file in its folder, bytes read as latin1. */
async function everything(setup: ScanSetup, run: { stdout: string; stderr: string }): Promise<Map<string, string>> {
  const texts = new Map([
    ['stdout', run.stdout],
    ['stderr', run.stderr],
  ]);
  // latin1 keeps every byte: a token inside SQLite pages or a compressed blob is still found.
  for (const file of await filesUnder(setup.dir)) texts.set(file, await readFile(file, 'latin1'));
  return texts;
}

let setup: ScanSetup | undefined;
beforeEach(() => {
  // What an earlier test registered must not hide a leak here.
  clearSecrets();
});
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

let mailbox: Mailbox | undefined;
afterEach(async () => {
  await mailbox?.close();
  mailbox = undefined;
});

/** The demo, with the weekly email going to a local mailbox; the SMTP password from the environment. */
async function scanWithEmail(port: number): Promise<ScanSetup> {
  return setupScan({ env: { [SMTP_PASSWORD_ENV]: SMTP_PASSWORD }, config: { email: emailBlock(port) } });
}

describe('a full demo scan through the CLI', () => {
  it('prints, writes and mails none of the secrets, in any form', async () => {
    mailbox = await startMailbox(SMTP_PASSWORD);
    const server = mailbox;
    setup = await scanWithEmail(server.port);
    const run = await setup.scan('--verbose', '--email');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('report emailed');
    expect(server.mails).toHaveLength(1);
    // Every secret-named variable the emulators hand out (one or more per system), and the SMTP password.
    const secrets = Object.entries(setup.env)
      .filter(([name]) => /TOKEN|SECRET|PASSWORD/.test(name))
      .map(([, value]) => value);
    expect(secrets.length).toBeGreaterThan((await demoSystems()).length);
    const texts = await everything(setup, run);
    // The history database is among what was searched.
    expect(texts.has(setup.historyPath)).toBe(true);
    expect([...texts.keys()].some((f) => f.endsWith('findings.json'))).toBe(true);
    // The email as sent, and decoded: body parts and attachments are base64 or quoted-printable on the wire.
    const mail = await simpleParser(server.mails[0] ?? '');
    texts.set('the email', server.mails[0] ?? '');
    texts.set('the email, decoded', [mail.subject, mail.text, mail.html || ''].join('\n'));
    expect(mail.attachments.length).toBeGreaterThan(0);
    for (const a of mail.attachments) texts.set(`the email's ${a.filename}`, a.content.toString('utf8'));
    for (const [where, text] of texts) expect(leaks(text, secrets), where).toEqual([]);
  });

  it('prints, writes and mails none of the wrong secrets when every system and the mail server refuse them', async () => {
    mailbox = await startMailbox('not the password the config gives');
    const server = mailbox;
    setup = await scanWithEmail(server.port);
    // Every value the sandbox gave (not the SMTP password) is replaced by a wrong one; all but identifiers (…_ID) are secrets.
    const wrong: string[] = [];
    for (const name of Object.keys(setup.env)) {
      if (name === SMTP_PASSWORD_ENV) continue;
      setup.env[name] = `LKFAKE-${name.toLowerCase()}-7c1d9e`;
      if (!name.endsWith('_ID')) wrong.push(setup.env[name]);
    }
    const run = await setup.scan('--verbose', '--email');
    expect(run.code).toBe(3);
    expect(server.tried).toContain(SMTP_PASSWORD);
    expect(run.stderr).toContain('email not sent');
    const failed = JSON.parse(await readFile(`${setup.outDir}/findings.json`, 'utf8')) as {
      systems: { system: string; ok: boolean; error?: string }[];
    };
    // Each system failed, so each error was printed and stored: exactly where a token would show.
    for (const system of await demoSystems()) {
      expect(failed.systems.filter((s) => s.system === system && !s.ok).length, system).toBeGreaterThan(0);
    }
    const texts = await everything(setup, run);
    for (const [where, text] of texts) expect(leaks(text, [...wrong, SMTP_PASSWORD]), where).toEqual([]);
  });
});

// ---- errors from connectors and SDKs, against a server that repeats the credentials it got ----

interface Echo {
  url: string;
  /** The credentials each request carried, as the server saw them. */
  seen: string[];
  close(): Promise<void>;
}

/** Everything the client sent that could carry a secret, as one string. */
function credentialsOf(req: IncomingMessage): string {
  return ['authorization', 'x-amz-security-token', 'cookie']
    .map((h) => req.headers[h])
    .filter(Boolean)
    .join(' ');
}

async function startEcho(system: string): Promise<Echo> {
  const kit = kits.get(system);
  if (!kit) throw new Error(`${system} is not in the registry`);
  const refuse = kit.secrets.refusal;
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(credentialsOf(req));
      const answer = refuse(credentialsOf(req));
      res.writeHead(answer.status, { 'content-type': answer.contentType });
      res.end(answer.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

interface Raised {
  errors: unknown[];
  logged: string[];
}

/** Runs one connector the way collect() does, keeping every error and log line it produced, raw. */
async function raise(connector: AnyConnector, block: Record<string, unknown>): Promise<Raised> {
  const raised: Raised = { errors: [], logged: [] };
  const log: Logger = {
    info: (m) => raised.logged.push(m),
    warn: (m) => raised.logged.push(m),
    debug: (m) => raised.logged.push(m),
  };
  const out: TargetOutput = {
    account() {},
    grant() {},
    credential() {},
    secret() {},
    warn: (m) => raised.logged.push(m),
    gap: (g) => raised.logged.push(g.detail),
    call() {},
  };
  const ctx: CollectContext = {
    now: NOW,
    log,
    signal: AbortSignal.timeout(20_000),
    concurrency: 2,
    async runTarget(_target, read) {
      try {
        await read(out);
        return true;
      } catch (e) {
        raised.errors.push(e);
        return false;
      }
    },
  };
  try {
    await connector.collect(connector.configSchema.parse(block), ctx);
  } catch (e) {
    raised.errors.push(e);
  }
  return raised;
}

/** Every way an error gets turned into text: our one-liner, a logger's inspect, JSON, its stack. */
function serialisations(error: unknown): Record<string, string> {
  const e = error as Error;
  return {
    describeError: describeError(error),
    'redact(inspect)': redact(inspect(error, { depth: 8, showHidden: true })),
    'redact(JSON)': redact(safeJson(error)),
    'redact(String)': redact(String(error)),
    'redact(stack)': redact(e?.stack ?? ''),
  };
}

function safeJson(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[circular]';
      seen.add(v);
    }
    return typeof v === 'bigint' ? String(v) : v;
  });
}

describe.each(await demoSystems())('%s errors against a server that echoes the credentials', (system) => {
  let echo: Echo;
  beforeEach(async () => {
    echo = await startEcho(system);
  });
  afterEach(async () => {
    await echo.close();
  });

  it('fails, and no serialisation of any error or log line carries the secret', async () => {
    const connector = connectorById(system);
    const block = kits.get(system)?.secrets.block;
    if (!connector || !block) throw new Error(`${system} is not in the registry`);
    const secrets = SECRETS;
    const { errors, logged } = await raise(connector, block(echo.url));
    expect(errors.length, 'the wrong credentials must fail the scan').toBeGreaterThan(0);
    // The server got a secret and wrote it into its answer: there was something to leak.
    expect(leaks(echo.seen.join('\n'), secrets).length).toBeGreaterThan(0);
    for (const error of errors) {
      for (const [how, text] of Object.entries(serialisations(error))) expect(leaks(text, secrets), how).toEqual([]);
    }
    for (const line of logged) expect(leaks(redact(line), secrets)).toEqual([]);
  });
});

describe('the SMTP password', () => {
  it('is in no serialisation of the delivery error, even when the server repeats it', async () => {
    mailbox = await startMailbox('not the password the config gives');
    const server = mailbox;
    const config = EmailSchema.parse({
      to: ['founders@northwind.example'],
      from: 'lanekeeper@northwind.example',
      smtp: { host: '127.0.0.1', port: server.port, requireTLS: false, user: 'reports', pass: SMTP_PASSWORD },
    });
    const error = await sendEmail(config, { subject: 's', html: '<p>h</p>', text: 't' }, []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(server.tried).toContain(SMTP_PASSWORD);
    expect((error as Error).message).toContain('Invalid username or password');
    for (const [how, text] of Object.entries(serialisations(error)))
      expect(leaks(text, [SMTP_PASSWORD]), how).toEqual([]);
  });
});
