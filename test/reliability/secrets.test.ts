// No secret in output, proven three ways: a full demo scan through the CLI (stdout, stderr, every
// file it wrote, the history database), the same scan with wrong tokens (every system fails, and
// its errors are printed and stored), and every error a connector or SDK raises against a server
// that echoes the credentials back, serialised as a logger or a careless catch would.

import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmailSchema } from '../../src/core/config.js';
import type { AnyConnector, CollectContext, TargetOutput } from '../../src/core/connector.js';
import type { Logger } from '../../src/core/log.js';
import { clearSecrets, redact } from '../../src/core/redact.js';
import { NO_ANSWERS } from '../../src/pipeline/answers.js';
import { describeError } from '../../src/pipeline/collect.js';
import { sendEmail } from '../../src/pipeline/deliver.js';
import { openDatabase } from '../../src/pipeline/history/sqlite.js';
import {
  demoScenario,
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
  // latin1 keeps every byte: a token inside SQLite pages is still found.
  for (const file of await filesUnder(setup.dir)) texts.set(file, await readFile(file, 'latin1'));
  // The history keeps each snapshot and each scan's findings deflated: searched as the text they inflate to.
  for (const table of ['snapshot_parts', 'finding_parts'] as const)
    texts.set(`the history’s ${table}, inflated`, inflatedParts(setup.historyPath, table));
  return texts;
}

function inflatedParts(historyPath: string, table: 'snapshot_parts' | 'finding_parts'): string {
  const db = openDatabase(historyPath);
  try {
    const parts = db.prepare(`SELECT part FROM ${table} ORDER BY scan_id, seq`).all() as { part: Uint8Array }[];
    expect(parts.length).toBeGreaterThan(0);
    return parts.map((p) => inflateRawSync(p.part).toString('utf8')).join('');
  } finally {
    db.close();
  }
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

describe('a secret with characters escaping changes', () => {
  // Shaped like nothing the patterns know, with what HTML, Markdown, JSON and CSV escape.
  const SECRET = `LKFAKE&tok='9f3c'<x>="q"_*[1]`;
  const escaped = [
    SECRET,
    SECRET.replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;'),
    SECRET.replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#x27;'),
    SECRET.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&'),
    JSON.stringify(SECRET).slice(1, -1),
    SECRET.replace(/"/g, '""'),
    'LKFAKE&amp;tok', // any HTML-escaped prefix of it
  ];

  it('is masked in every report format and the email when a system echoes it into a record', async () => {
    mailbox = await startMailbox(SMTP_PASSWORD);
    const scenario = structuredClone(await demoScenario()) as { slack: { users: { id: string; realName?: string }[] } };
    const priya = scenario.slack.users.find((u) => u.id === 'U0PRIYA');
    if (priya) priya.realName = `Priya ${SECRET}`;
    setup = await setupScan({
      scenario,
      env: { [SMTP_PASSWORD_ENV]: SMTP_PASSWORD, NORTHWIND_DEPLOY_TOKEN: SECRET },
      config: { email: emailBlock(mailbox.port) },
    });
    const run = await setup.scan('--email');
    expect(run.code, run.stderr).toBe(0);
    const texts = await everything(setup, run);
    const mail = await simpleParser(mailbox.mails[0] ?? '');
    texts.set('the email, decoded', [mail.subject, mail.text, mail.html || ''].join('\n'));
    for (const a of mail.attachments) texts.set(`the email's ${a.filename}`, a.content.toString('utf8'));
    // The account is in the reports (the name was read), its secret part is not.
    expect([...texts.values()].some((t) => t.includes('[REDACTED]'))).toBe(true);
    for (const [where, text] of texts)
      for (const form of escaped) expect(text.includes(form), `${where}: ${form}`).toBe(false);
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

/**
 * `plainTextPad`: answer every request 401 with a plain-text page instead, the credentials after
 * that many characters: a client that cuts a long page short must not cut through a token.
 */
async function startEcho(system: string, plainTextPad?: number): Promise<Echo> {
  const kit = kits.get(system);
  if (!kit) throw new Error(`${system} is not in the registry`);
  const refuse =
    plainTextPad === undefined
      ? kit.secrets.refusal
      : (credentials: string) => ({
          status: 401,
          contentType: 'text/plain',
          body: `${'x'.repeat(plainTextPad)} you sent ${credentials}`,
        });
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
    answers: NO_ANSWERS,
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

/** Every piece of a secret ten characters long or more, wherever a cut left it. */
function partialLeaks(text: string, secrets: readonly string[]): string[] {
  return secrets.flatMap((secret) =>
    Array.from({ length: Math.max(0, secret.length - 9) }, (_, i) => secret.slice(i, i + 10)).filter((piece) =>
      text.includes(piece),
    ),
  );
}

describe.each(await demoSystems())('%s errors from a plain-text page that echoes the credentials', (system) => {
  // Pads that put the credentials across the first 200 characters, where error messages are cut.
  it.each([150, 170, 180, 190])(
    'leaves no piece of a secret when the page is cut (%i characters before it)',
    async (pad) => {
      const echo = await startEcho(system, pad);
      try {
        const connector = connectorById(system);
        const block = kits.get(system)?.secrets.block;
        if (!connector || !block) throw new Error(`${system} is not in the registry`);
        const { errors, logged } = await raise(connector, block(echo.url));
        expect(errors.length).toBeGreaterThan(0);
        expect(partialLeaks(echo.seen.join('\n'), SECRETS).length).toBeGreaterThan(0);
        for (const error of errors)
          for (const [how, text] of Object.entries(serialisations(error)))
            expect(partialLeaks(text, SECRETS), how).toEqual([]);
        for (const line of logged) expect(partialLeaks(redact(line), SECRETS)).toEqual([]);
      } finally {
        await echo.close();
      }
    },
  );
});

// ---- credentials minted at run time: registered as they are obtained, before any echo ----

interface Minting {
  url: string;
  /** Every Authorization / X-Amz-Security-Token value the server received. */
  seen: string[];
  close(): Promise<void>;
}

/** A server that mints a credential where `mint` says, and refuses everything else echoing what it got. */
async function startMinting(system: string, mint: (path: string) => unknown): Promise<Minting> {
  const refuse = kits.get(system)?.secrets.refusal;
  if (!refuse) throw new Error(`${system} is not in the registry`);
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const sent = credentialsOf(req);
      if (sent) seen.push(sent);
      const minted = mint(new URL(req.url ?? '/', 'http://x').pathname);
      if (minted !== undefined) {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify(minted));
        return;
      }
      const answer = refuse(sent);
      res.writeHead(answer.status, { 'content-type': answer.contentType });
      res.end(answer.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The bare credential of each header value: "Bearer x" → x. */
const credentialIn = (header: string) => header.replace(/^(bearer|token)\s+/i, '').trim();

function expectMasked(minted: readonly string[], raised: Raised): void {
  expect(minted.length).toBeGreaterThan(0);
  for (const credential of minted) expect(redact(`[${credential}]`), credential.slice(0, 12)).toBe('[[REDACTED]]');
  for (const error of raised.errors)
    for (const [how, text] of Object.entries(serialisations(error))) expect(leaks(text, minted), how).toEqual([]);
  for (const line of raised.logged) expect(leaks(redact(line), minted)).toEqual([]);
}

const { privateKey: PRIVATE_KEY } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

describe('credentials minted at run time', () => {
  let server: Minting | undefined;
  const saved = { ...process.env };
  afterEach(async () => {
    await server?.close();
    server = undefined;
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });

  it("github: the App's JWT and the installation token it mints", async () => {
    const TOKEN = 'LKFAKE-installation-token-31c9a0e7';
    server = await startMinting('github', (path) =>
      path.endsWith('/access_tokens') ? { token: TOKEN, expires_at: '2099-01-01T00:00:00Z' } : undefined,
    );
    const connector = connectorById('github');
    if (!connector) throw new Error('no github connector');
    const raised = await raise(connector, {
      org: 'northwind',
      baseUrl: server.url,
      app: { appId: 12345, privateKey: PRIVATE_KEY, installationId: 678 },
    });
    expect(raised.errors.length).toBeGreaterThan(0);
    const sent = server.seen.map(credentialIn);
    // The JWT went to the token endpoint, the token to the API, which echoed it in its refusal.
    expect(sent).toContain(TOKEN);
    expect(sent.some((c) => c.split('.').length === 3)).toBe(true);
    expectMasked([...new Set(sent)], raised);
  });

  it('gcp: the self-signed JWT (or access token) Application Default Credentials mint from a key', async () => {
    const TOKEN = 'LKFAKE-adc-access-token-5e2d9b1f';
    server = await startMinting('gcp', (path) =>
      path === '/token' ? { access_token: TOKEN, expires_in: 3600, token_type: 'Bearer' } : undefined,
    );
    const dir = await mkdtemp(join(tmpdir(), 'lanekeeper-adc-'));
    try {
      const keyFile = join(dir, 'key.json');
      await writeFile(
        keyFile,
        JSON.stringify({
          type: 'service_account',
          project_id: 'northwind-shop-prod',
          private_key_id: 'abc123',
          private_key: PRIVATE_KEY,
          client_email: 'lanekeeper@northwind-shop-prod.iam.gserviceaccount.com',
          client_id: '1',
          token_uri: `${server.url}/token`,
        }),
      );
      process.env.GOOGLE_APPLICATION_CREDENTIALS = keyFile;
      const connector = connectorById('gcp');
      if (!connector) throw new Error('no gcp connector');
      const raised = await raise(connector, {
        organization: '123456789012',
        endpoint: server.url,
        retry: { attempts: 1, baseDelayMs: 1 },
      });
      expect(raised.errors.length).toBeGreaterThan(0);
      // google-auth-library signs its own JWT for Google's APIs, or exchanges the key at token_uri:
      // whichever it minted is what reached the server, and is masked.
      const sent = [...new Set(server.seen.map(credentialIn))];
      expect(sent.every((c) => c === TOKEN || c.split('.').length === 3)).toBe(true);
      expectMasked(sent, raised);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("aws: a session token and secret key from the shared credentials file, through the SDK's chain", async () => {
    const SECRET = 'LKFAKEsharedfilesecretkey0123456789abcdef';
    const SESSION = 'LKFAKE-shared-file-session-token-77aa01';
    server = await startMinting('aws', () => undefined);
    const dir = await mkdtemp(join(tmpdir(), 'lanekeeper-aws-'));
    try {
      const file = join(dir, 'credentials');
      await writeFile(
        file,
        `[default]\naws_access_key_id = AKIALKSHAREDFILE0001\naws_secret_access_key = ${SECRET}\naws_session_token = ${SESSION}\n`,
      );
      for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
      Object.assign(process.env, { AWS_SHARED_CREDENTIALS_FILE: file, AWS_CONFIG_FILE: join(dir, 'config') });
      const connector = connectorById('aws');
      if (!connector) throw new Error('no aws connector');
      const raised = await raise(connector, { endpoint: server.url, accounts: [{ id: '111111111111' }] });
      expect(raised.errors.length).toBeGreaterThan(0);
      expect(server.seen.join(' ')).toContain(SESSION);
      expectMasked([SECRET, SESSION], raised);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
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
