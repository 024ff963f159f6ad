// Config loading: the broken configs in test/fixtures/configs/cases.json, and what a good config
// turns into (defaults, resolved paths, enabled systems in registry order, secrets registered).
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config's own reference syntax, quoted on purpose
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectors } from '../../connectors/index.js';
import { ExitCode, formatProblem, InputError, type Problem } from '../../src/core/errors.js';
import { clearSecrets, redact } from '../../src/core/redact.js';
import { loadConfig, parseConfig } from '../../src/pipeline/config/index.js';
import { testConnectors } from './connectors.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/configs');
// Values no redaction pattern recognises, so only registration can mask them.
const ENV = { GITHUB_TOKEN: 'fixture-github-token-0001', SLACK_BOT_TOKEN: 'fixture-slack-token-0002' };

interface ExpectedProblem {
  code: string;
  line?: number;
  column?: number;
  field?: string;
  message?: string;
}
interface Case {
  file: string;
  why: string;
  env: Record<string, string>;
  exact: boolean;
  problems: ExpectedProblem[];
}

const cases = JSON.parse(await readFile(join(FIXTURES, 'cases.json'), 'utf8')) as Case[];

function matches(p: Problem, e: ExpectedProblem): boolean {
  return (
    p.code === e.code &&
    (e.line === undefined || p.line === e.line) &&
    (e.column === undefined || p.column === e.column) &&
    (e.field === undefined || p.field === e.field) &&
    (e.message === undefined || p.message.includes(e.message))
  );
}

async function refusal(file: string, env: Record<string, string>): Promise<InputError> {
  const error = await loadConfig(join(FIXTURES, file), { env, connectors: testConnectors, displayPath: file }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof InputError)) throw new Error(`expected an InputError, got ${String(error)}`);
  return error;
}

afterEach(() => clearSecrets());

describe('broken configs', () => {
  it('has at least 10 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases)('$file: $why', async (c) => {
    const error = await refusal(c.file, c.env);
    expect(error.exitCode).toBe(ExitCode.BAD_INPUT);
    for (const expected of c.problems) {
      expect(
        error.problems.some((p) => matches(p, expected)),
        `${JSON.stringify(expected)} in\n${error.message}`,
      ).toBe(true);
    }
    if (c.exact) expect(error.problems, error.message).toHaveLength(c.problems.length);
    for (const p of error.problems) {
      expect(p.file).toBe(c.file);
      expect(p.fix).toBeTruthy();
    }
  });

  it('never prints a token pasted into the file', async () => {
    const error = await refusal('secret-in-file.json', ENV);
    expect(error.message).not.toContain('ghp_literalTokenInTheFile');
    expect(error.problems.map(formatProblem).join('\n')).not.toContain('ghp_literalTokenInTheFile');
  });

  it('refuses a missing file', async () => {
    const error = await refusal('nope.json', ENV);
    expect(error.problems).toMatchObject([{ code: 'LK_CONFIG_NOT_FOUND', file: 'nope.json' }]);
  });
});

describe('a good config', () => {
  const path = join(FIXTURES, 'valid.json');

  it('parses the core with defaults and paths resolved against its folder', async () => {
    const loaded = await loadConfig(path, { env: ENV, connectors: testConnectors });
    expect(loaded.baseDir).toBe(FIXTURES);
    expect(loaded.config.registerPath).toBe(join(FIXTURES, 'register.yaml'));
    expect(loaded.config.report).toEqual({ outDir: join(FIXTURES, 'out'), formats: ['html', 'json'] });
    expect(loaded.config.policy).toMatchObject({
      failOn: 'high',
      expiringSoonDays: 14,
      staleCredentialDays: 90,
      contractorKeyMaxDays: 30,
      employeeDomains: [],
    });
  });

  it('gives the enabled systems in registry order, each block parsed by its connector', async () => {
    const text = (await readFile(path, 'utf8')).replace('"github": {', '"github": { "enabled": true,');
    const loaded = parseConfig(text, { path, env: ENV, connectors: [...testConnectors].reverse() });
    expect(loaded.systems.map((s) => s.connector.id)).toEqual(['slack', 'github']);
    const github = loaded.systems.find((s) => s.connector.id === 'github')?.config;
    expect(github).toMatchObject({ org: 'acme', token: ENV.GITHUB_TOKEN, deadlineSeconds: 300, concurrency: 8 });
    expect(github?.lanes).toEqual({ production: [], data: [] });
    // The slack stand-in does not extend the common settings; the loader fills their defaults.
    const slack = loaded.systems.find((s) => s.connector.id === 'slack')?.config;
    expect(slack).toMatchObject({ enabled: true, deadlineSeconds: 600, concurrency: 8 });
  });

  it('leaves out disabled connectors', async () => {
    const text = (await readFile(path, 'utf8')).replace(
      '"token": "${SLACK_BOT_TOKEN}"',
      '"token": "x", "enabled": false',
    );
    const loaded = parseConfig(text.replace('"token": "x"', '"token": "${SLACK_BOT_TOKEN}"'), {
      path,
      env: ENV,
      connectors: testConnectors,
    });
    expect(loaded.systems.map((s) => s.connector.id)).toEqual(['github']);
  });

  it('registers every interpolated secret with the redactor', async () => {
    expect(redact(`token ${ENV.GITHUB_TOKEN}`)).toContain(ENV.GITHUB_TOKEN);
    await loadConfig(path, { env: ENV, connectors: testConnectors });
    expect(redact(`a ${ENV.GITHUB_TOKEN} b ${ENV.SLACK_BOT_TOKEN}`)).toBe('a [REDACTED] b [REDACTED]');
  });

  it('registers a value that fills a secret field even when its variable name looks harmless', () => {
    const text = '{ "connectors": { "github": { "org": "acme", "token": "${GH_CREDENTIAL_VALUE}" } } }';
    parseConfig(text, { path, env: { GH_CREDENTIAL_VALUE: 'plain-looking-value-1234' }, connectors: testConnectors });
    expect(redact('plain-looking-value-1234')).toBe('[REDACTED]');
  });

  it('treats camelCase secret fields as secret, and words that merely end the same way as not', () => {
    const schema = z.looseObject({ org: z.string() });
    const loose = [{ ...testConnectors[0]!, configSchema: schema }];
    const text =
      '{ "connectors": { "github": { "org": "acme", "botToken": "pasted-bot-token-1", "bypass": "north-west" } } }';
    const error = (() => {
      try {
        parseConfig(text, { path, env: ENV, connectors: loose });
      } catch (e) {
        return e;
      }
    })();
    expect((error as InputError).problems).toMatchObject([
      { code: 'LK_CONFIG_SECRET_IN_FILE', field: 'connectors.github.botToken' },
    ]);
    expect(redact('pasted-bot-token-1')).toBe('[REDACTED]');
  });

  it('does not register values that are not secret', () => {
    const text = '{ "connectors": { "github": { "org": "${GH_ORG}", "token": "${GITHUB_TOKEN}" } } }';
    parseConfig(text, { path, env: { ...ENV, GH_ORG: 'acme-org-name' }, connectors: testConnectors });
    expect(redact('acme-org-name')).toBe('acme-org-name');
  });

  it('uses ${VAR:-default} when the variable is unset and keeps $${ literal', () => {
    const text = `{ "connectors": { "github": {
      "org": "\${GH_ORG:-acme}", "token": "\${GITHUB_TOKEN}", "baseUrl": "\${GH_URL:-https://ghe.example/api/v3}"
    } }, "report": { "outDir": "reports/$\${literal}" } }`;
    const loaded = parseConfig(text, { path, env: ENV, connectors: testConnectors });
    expect(loaded.systems[0]?.config).toMatchObject({ org: 'acme', baseUrl: 'https://ghe.example/api/v3' });
    expect(loaded.config.report.outDir).toBe(join(FIXTURES, 'reports/${literal}'));
  });

  it('applies overrides: register and out against the working directory, fail-on, only', async () => {
    const loaded = await loadConfig(path, {
      env: ENV,
      connectors: testConnectors,
      overrides: { register: 'other.yaml', outDir: 'elsewhere', failOn: 'none', only: ['slack'] },
    });
    expect(loaded.config.registerPath).toBe(resolve('other.yaml'));
    expect(loaded.config.report.outDir).toBe(resolve('elsewhere'));
    expect(loaded.config.policy.failOn).toBe('none');
    expect(loaded.systems.map((s) => s.connector.id)).toEqual(['slack']);
  });

  it('refuses bad overrides, all at once', async () => {
    const error = await loadConfig(path, {
      env: ENV,
      connectors: testConnectors,
      overrides: { failOn: 'severe', only: ['aws'] },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems).toMatchObject([
      { code: 'LK_USAGE_BAD_OPTION', field: '--fail-on', message: expect.stringContaining('"severe"') },
      { code: 'LK_USAGE_BAD_OPTION', field: '--only', message: expect.stringContaining('"aws" is not a connector') },
    ]);
  });

  it('accepts no enabled connector when the caller allows it', () => {
    const text = '{ "connectors": {} }';
    const loaded = parseConfig(text, { path, env: ENV, connectors: testConnectors, allowNoSystems: true });
    expect(loaded.systems).toEqual([]);
    expect(loaded.config.registerPath).toBeUndefined();
  });
});

describe('config.example.json', () => {
  it('is valid against the real connector schemas, and its ${} references are all named', async () => {
    const text = await readFile(join(import.meta.dirname, '../../config.example.json'), 'utf8');
    const names = [...text.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(0);
    const env = Object.fromEntries(names.map((n) => [n, `value-of-${n.toLowerCase()}`]));
    const loaded = parseConfig(text, { path: 'config.example.json', env, connectors });
    expect(loaded.systems.map((s) => s.connector.id)).toEqual(['github', 'aws', 'gcp', 'slack']);
  });
});

describe('where tokens are sent, and secrets written as defaults', () => {
  const path = join(FIXTURES, 'endpoint.json');
  const github = (baseUrl: string, extra = '') =>
    `{ "connectors": { "github": { "org": "acme", "token": "\${GITHUB_TOKEN}", "baseUrl": "${baseUrl}" } }${extra} }`;
  const load = (text: string) => parseConfig(text, { path, env: ENV, connectors });
  const refusedWith = (text: string): Problem[] => {
    try {
      load(text);
    } catch (e) {
      if (e instanceof InputError) return e.problems;
      throw e;
    }
    throw new Error('the config was accepted');
  };

  it('refuses a plain-http endpoint off this machine, naming the field', () => {
    expect(refusedWith(github('http://ghe.example.com/api/v3'))).toMatchObject([
      {
        code: 'LK_CONFIG_INSECURE_ENDPOINT',
        field: 'connectors.github.baseUrl',
        message: expect.stringContaining('not https'),
      },
    ]);
  });

  it('takes plain http on loopback (the sandbox), or where the config allows it, with a warning', () => {
    expect(load(github('http://127.0.0.1:8080')).warnings).toEqual([]);
    expect(load(github('http://ghe.internal', ', "allowInsecureEndpoints": true')).warnings).toEqual([
      expect.stringContaining('the token is sent to ghe.internal, which is not api.github.com'),
    ]);
  });

  it('names an https endpoint that is not the system’s own host, and is quiet on the official one', () => {
    expect(load(github('https://ghe.example.com/api/v3')).warnings).toEqual([
      expect.stringMatching(/connectors\.github\.baseUrl: the token is sent to ghe\.example\.com/),
    ]);
    expect(load(github('https://api.github.com')).warnings).toEqual([]);
  });

  it('warns when an SMTP password may travel without TLS', () => {
    const email = (requireTLS: boolean) =>
      `, "email": { "from": "a@acme.example", "to": ["b@acme.example"], "smtp": { "host": "smtp.acme.example", "requireTLS": ${requireTLS}, "user": "u", "pass": "\${SMTP_PASS}" } }`;
    const withEmail = (requireTLS: boolean) =>
      parseConfig(github('https://api.github.com', email(requireTLS)), {
        path,
        env: { ...ENV, SMTP_PASS: 'fixture-smtp-pass-0003' },
        connectors,
      }).warnings;
    expect(withEmail(false)).toEqual([expect.stringContaining('the password is sent in clear')]);
    expect(withEmail(true)).toEqual([]);
  });

  it('refuses a secret written into the file as the default of a reference, without printing it', () => {
    const text =
      '{ "connectors": { "github": { "org": "acme", "token": "${GITHUB_TOKEN:-pasted-default-token-9}" } } }';
    const problems = (() => {
      try {
        parseConfig(text, { path, env: {}, connectors });
      } catch (e) {
        return (e as InputError).problems;
      }
      return [];
    })();
    expect(problems).toMatchObject([{ code: 'LK_CONFIG_SECRET_IN_FILE', field: 'connectors.github.token' }]);
    expect(problems.map(formatProblem).join('\n')).not.toContain('pasted-default-token-9');
    expect(redact('pasted-default-token-9')).toBe('[REDACTED]');
  });
});
