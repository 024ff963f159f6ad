// Loading the config: strict JSON with a line for every problem, `${VAR}` interpolation from the
// environment (secrets registered with the redactor as they are read), the core checked by
// ConfigSchema and each connector block by that connector's own schema. All problems at once.
import { dirname, resolve } from 'node:path';
import { isMap } from 'yaml';
import type { z } from 'zod';
import {
  ConfigSchema,
  ConnectorCommonSchema,
  type EmailConfig,
  type FailOn,
  FailOnSchema,
  type GapAcceptance,
  type Policy,
  type REPORT_FORMATS,
} from '../../core/config.js';
import type { AnyConnector, ConnectorEndpoint } from '../../core/connector.js';
import { InputError, type Problem, problem } from '../../core/errors.js';
import { registerSecret, registerSecretsFromEnv } from '../../core/redact.js';
import {
  closest,
  formatPath,
  issuesToProblems,
  jsonSyntaxAt,
  MAX_NESTING,
  nestsDeeperThan,
  parseSource,
  readInputText,
} from '../../core/source.js';

const DEFAULT_HISTORY_PATH = '.lanekeeper/history.db';

export interface ConfigOverrides {
  /** --register: a path resolved against the working directory. */
  register?: string;
  /** --out: a path resolved against the working directory. */
  outDir?: string;
  /** --fail-on. */
  failOn?: string;
  /** --only: connector ids; each must be configured and enabled. */
  only?: readonly string[];
}

export interface LoadConfigOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** The registry (connectors/index.ts). */
  connectors: readonly AnyConnector[];
  overrides?: ConfigOverrides;
  /** How problems name the file; the path as given when absent. */
  displayPath?: string;
  /** Accept a config with no enabled connector (commands that do not collect). */
  allowNoSystems?: boolean;
  /**
   * Nothing will be called (scan --inventory): an unset variable is not an error, since the job
   * that merges shards holds no tokens. Its reference stays in the value, unresolved.
   */
  offline?: boolean;
}

/** The core of the config after defaults, with paths made absolute. */
export interface CoreConfig {
  organization?: string;
  /** The register, resolved against the config's folder (or the working directory for --register). */
  registerPath?: string;
  policy: Policy;
  /** outDir resolved against the config's folder (or the working directory for --out). */
  report: { outDir: string; formats: (typeof REPORT_FORMATS)[number][] };
  /** History store settings; a path the config writes resolved against its folder, the default left relative (to the working directory). */
  history: { path: string; retentionDays: number };
  email?: EmailConfig;
  /** Gaps the company accepts for a while. */
  coverage: { accept: GapAcceptance[] };
}

export interface ConfiguredSystem {
  connector: AnyConnector;
  /** The block parsed by the connector's schema, with the common settings' defaults filled in. */
  config: { enabled: boolean; deadlineSeconds: number; concurrency: number } & Record<string, unknown>;
}

export interface LoadedConfig {
  path: string;
  baseDir: string;
  config: CoreConfig;
  /** Enabled systems only, in registry order. */
  systems: ConfiguredSystem[];
  /** What the config allows but the person running it should know (a token sent to an unofficial host). */
  warnings: string[];
  /** The lanes globs written in the config for enabled systems, located: checked against the scan (lanes.ts). */
  laneGlobs: LaneGlob[];
}

/** One glob of `connectors.<id>.lanes.<key>`, where it is written. */
export interface LaneGlob {
  system: string;
  /** The lane or class it puts resources in: production, data, staging. */
  key: string;
  glob: string;
  where: { file: string; line?: number; column?: number; field?: string };
}

/** Whether the config file names `history.path` itself (rather than leaving the default). */
function writesHistoryPath(json: unknown): boolean {
  return isRecord(json) && isRecord(json.history) && typeof json.history.path === 'string';
}

/** Reads and checks a config; throws InputError listing every problem. */
export async function loadConfig(path: string, options: LoadConfigOptions): Promise<LoadedConfig> {
  const file = options.displayPath ?? path;
  const text = await readInputText(path, 'CONFIG', file);
  return parseConfig(text, { ...options, path, displayPath: file });
}

/** The same checks on text already in memory. */
export function parseConfig(text: string, options: LoadConfigOptions & { path: string }): LoadedConfig {
  const file = options.displayPath ?? options.path;
  const baseDir = dirname(resolve(options.path));
  const { map, duplicates } = parseSource(text, 'CONFIG', file);

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError([jsonSyntaxProblem(text, error, file)]);
  }
  if (nestsDeeperThan(json)) {
    throw new InputError([
      problem('LK_CONFIG_SYNTAX', `nested more than ${MAX_NESTING} levels deep`, { file, line: 1, column: 1 }),
    ]);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    const pos = map.locate([]);
    throw new InputError([
      problem('LK_CONFIG_NOT_OBJECT', 'the top level must be an object with "connectors"', {
        file,
        line: pos?.line,
        column: pos?.column,
      }),
    ]);
  }
  // Positions come from the YAML parse (JSON is YAML); if it could not read this JSON, problems lose their line only.
  const positions = isMap(map.document.contents) ? map : undefined;

  const problems: Problem[] = [...duplicates];
  const locate = (path: readonly PropertyKey[], at: 'value' | 'key' = 'value') => {
    const pos = positions?.locate(path, at);
    return { file, line: pos?.line, column: pos?.column, field: formatPath(path) || undefined };
  };

  const unresolved: PropertyKey[][] = [];
  const value = interpolate(json, [], {
    env: options.env,
    problems,
    locate,
    unresolved,
    offline: options.offline === true,
    ...(options.overrides?.only ? { only: options.overrides.only } : {}),
  });
  // A value whose reference could not be filled is already reported; its schema error would be noise.
  const isUnresolved = (path: readonly PropertyKey[]) =>
    unresolved.some((u) => u.length === path.length && u.every((s, i) => s === path[i]));
  const located = (issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]) =>
    issues.filter((i) => !isUnresolved([...prefix, ...i.path]));

  const core = ConfigSchema.safeParse(value);
  if (!core.success) {
    problems.push(
      ...issuesToProblems(located(core.error.issues, []), {
        kind: 'CONFIG',
        file,
        map: positions,
        input: value,
        schema: ConfigSchema,
      }),
    );
  }

  const blocks = isRecord(value) && isRecord(value.connectors) ? value.connectors : {};
  const known = options.connectors.map((c) => c.id);
  const parsedBlocks = new Map<string, ConfiguredSystem['config']>();
  for (const [id, block] of Object.entries(blocks)) {
    const connector = options.connectors.find((c) => c.id === id);
    if (!connector) {
      problems.push(
        problem(
          'LK_CONFIG_UNKNOWN_CONNECTOR',
          `unknown connector "${id}"${didYouMean(id, known)}; known: ${known.join(', ') || '(none)'}`,
          locate(['connectors', id], 'key'),
        ),
      );
      continue;
    }
    if (!isRecord(block)) continue; // ConfigSchema already said it must be an object
    const parsed = connector.configSchema.safeParse(block);
    if (!parsed.success) {
      problems.push(
        ...issuesToProblems(located(parsed.error.issues, ['connectors', id]), {
          kind: 'CONFIG',
          file,
          map: positions,
          input: block,
          prefix: ['connectors', id],
          schema: connector.configSchema,
        }),
      );
      continue;
    }
    // Connector schemas extend ConnectorCommonSchema; this fills the common defaults for any that do not.
    const common = ConnectorCommonSchema.loose().safeParse(block);
    const data = isRecord(parsed.data) ? parsed.data : {};
    parsedBlocks.set(id, { ...(common.success ? common.data : ConnectorCommonSchema.parse({})), ...data });
  }

  const allowInsecure = isRecord(value) && value.allowInsecureEndpoints === true;
  const warnings: string[] = [];
  for (const [id, block] of parsedBlocks) {
    for (const endpoint of options.connectors.find((c) => c.id === id)?.endpoints ?? []) {
      const url = (block as Record<string, unknown>)[endpoint.field];
      if (typeof url !== 'string') continue;
      const verdict = judgeEndpoint(url, endpoint, allowInsecure);
      const where = locate(['connectors', id, endpoint.field]);
      if (verdict.problem) problems.push(problem('LK_CONFIG_INSECURE_ENDPOINT', verdict.problem, where));
      if (verdict.warning) warnings.push(`${file}: connectors.${id}.${endpoint.field}: ${verdict.warning}`);
    }
  }

  const overrides = options.overrides ?? {};
  let failOn: FailOn | undefined;
  if (overrides.failOn !== undefined) {
    const parsed = FailOnSchema.safeParse(overrides.failOn);
    if (parsed.success) failOn = parsed.data;
    else {
      problems.push(
        problem('LK_USAGE_BAD_OPTION', `"${overrides.failOn}" is not one of: ${FailOnSchema.options.join(', ')}`, {
          field: '--fail-on',
        }),
      );
    }
  }

  let systems = options.connectors
    .filter((c) => parsedBlocks.get(c.id)?.enabled !== false && parsedBlocks.has(c.id))
    .map((c) => ({ connector: c, config: parsedBlocks.get(c.id)! }));
  if (overrides.only) {
    for (const id of overrides.only) {
      if (!systems.some((s) => s.connector.id === id)) {
        const why = !known.includes(id)
          ? `is not a connector (known: ${known.join(', ')})`
          : 'is not configured and enabled in the config';
        problems.push(problem('LK_USAGE_BAD_OPTION', `"${id}" ${why}`, { field: '--only' }));
      }
    }
    systems = systems.filter((s) => overrides.only?.includes(s.connector.id));
  }
  if (systems.length === 0 && !options.allowNoSystems && problems.length === 0) {
    problems.push(
      problem(
        'LK_CONFIG_NO_CONNECTORS',
        'no connector is enabled; the scan would read nothing',
        locate(['connectors']),
      ),
    );
  }

  if (problems.length > 0 || !core.success) throw new InputError(problems);

  const raw = core.data;
  const smtp = raw.email?.smtp;
  if (smtp?.pass && !smtp.secure && !smtp.requireTLS && !LOOPBACK.test(smtp.host))
    warnings.push(
      `${file}: email.smtp: "requireTLS": false with a password: if ${smtp.host} offers no STARTTLS, the password is sent in clear`,
    );
  const cwd = process.cwd();
  const config: CoreConfig = {
    policy: failOn ? { ...raw.policy, failOn } : raw.policy,
    report: {
      outDir: overrides.outDir ? resolve(cwd, overrides.outDir) : resolve(baseDir, raw.report.outDir),
      formats: raw.report.formats,
    },
    // A path the file writes is the file's, as the register and outDir are; the default
    // (.lanekeeper/history.db) stays where the scan runs, as the README says.
    history: raw.history
      ? { ...raw.history, path: writesHistoryPath(json) ? resolve(baseDir, raw.history.path) : raw.history.path }
      : { path: DEFAULT_HISTORY_PATH, retentionDays: 400 },
    coverage: raw.coverage,
  };
  if (raw.email) config.email = raw.email;
  if (raw.organization !== undefined) config.organization = raw.organization;
  if (overrides.register) config.registerPath = resolve(cwd, overrides.register);
  else if (raw.register) config.registerPath = resolve(baseDir, raw.register);
  // Only globs the file writes: a connector's default globs are not the person's typo.
  const laneGlobs: LaneGlob[] = [];
  for (const { connector } of systems) {
    const block = blocks[connector.id];
    const lanes = isRecord(block) ? block.lanes : undefined;
    if (!isRecord(lanes)) continue;
    for (const [key, globs] of Object.entries(lanes)) {
      if (!LANE_KEYS.has(key) || !Array.isArray(globs)) continue;
      for (const [n, glob] of globs.entries()) {
        if (typeof glob === 'string' && glob !== '')
          laneGlobs.push({
            system: connector.id,
            key,
            glob,
            where: locate(['connectors', connector.id, 'lanes', key, n]),
          });
      }
    }
  }
  return { path: options.path, baseDir, config, systems, warnings, laneGlobs };
}

/** Keys of a lanes block whose globs name resources (not topics, labels or environment names). */
const LANE_KEYS = new Set(['production', 'data', 'staging']);

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * A connector's token goes wherever its endpoint points. Plain http would hand it to anyone on
 * the path: refused unless loopback (the sandbox) or the config says allowInsecureEndpoints. A
 * host that is not the system's own is allowed (GitHub Enterprise Server, a proxy) but said.
 */
export function judgeEndpoint(
  url: string,
  endpoint: ConnectorEndpoint,
  allowInsecure: boolean,
): { problem?: string; warning?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return {}; // the schema reports a malformed URL
  }
  const host = parsed.hostname.toLowerCase();
  if (LOOPBACK.test(host)) return {};
  const out: { problem?: string; warning?: string } = {};
  if (parsed.protocol !== 'https:' && !allowInsecure)
    out.problem = `${parsed.origin} is not https: the token would travel in clear; use https, or set "allowInsecureEndpoints": true if this network is yours`;
  if (!endpoint.officialHosts.some((h) => host === h || host.endsWith(`.${h}`)))
    out.warning = `the token is sent to ${host}, which is not ${endpoint.officialHosts.join(' or ')}: make sure this server is yours`;
  return out;
}

// --- ${VAR} interpolation ---------------------------------------------------------------

/** Fields whose value is a secret wherever it comes from. */
const SECRET_FIELD = /^(token|password|pass|secret|secretAccessKey|privateKey|apiKey)$/i;
/** camelCase fields ending in one of them: botToken, smtpPassword, clientSecret (not "bypass"). */
const SECRET_FIELD_SUFFIX = /[a-z0-9](Token|Password|Secret|SecretAccessKey|PrivateKey|ApiKey)$/;
const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g;
const REFERENCE_BODY = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

interface InterpolationContext {
  env: Readonly<Record<string, string | undefined>>;
  problems: Problem[];
  /** Paths whose references could not be filled. */
  unresolved: PropertyKey[][];
  offline: boolean;
  /** With --only, the systems this run reads: other systems' references need no value. */
  only?: readonly string[];
  locate(path: readonly PropertyKey[]): { file?: string; line?: number; column?: number; field?: string };
}

function interpolate(value: unknown, path: PropertyKey[], ctx: InterpolationContext): unknown {
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, [...path, i], ctx));
  if (isRecord(value)) {
    // fromEntries defines own properties, so a "__proto__" key stays a key (and is refused as unknown).
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, [...path, k], ctx)]));
  }
  if (typeof value !== 'string') return value;

  const field = [...path].reverse().find((s) => typeof s === 'string');
  const secretField = typeof field === 'string' && (SECRET_FIELD.test(field) || SECRET_FIELD_SUFFIX.test(field));
  let referenced = false;
  let inlineDefault = false;
  const before = ctx.problems.length;
  const result = value.replace(REFERENCE, (match, body: string | undefined) => {
    if (match === '$${') return '${';
    referenced = true;
    const m = REFERENCE_BODY.exec(body ?? '');
    if (!m) {
      ctx.problems.push(problem('LK_CONFIG_ENV_SYNTAX', `"${match}" is not a valid reference`, ctx.locate(path)));
      return match;
    }
    const name = m[1]!;
    const fallback = m[2];
    if (secretField && fallback !== undefined && fallback.trim() !== '') {
      // ${TOKEN:-literal}: the literal is a secret written into the file all the same.
      registerSecret(fallback);
      inlineDefault = true;
    }
    const set = ctx.env[name];
    if (set !== undefined && set !== '') {
      registerSecretsFromEnv({ [name]: set });
      if (secretField) registerSecret(set);
      return set;
    }
    if (fallback !== undefined) return fallback;
    // Offline (judging saved shards) nothing is called; with --only, the other systems are not.
    const skipped = path[0] === 'connectors' && ctx.only !== undefined && !ctx.only.includes(String(path[1]));
    if (ctx.offline || skipped) return match;
    ctx.problems.push(
      problem(
        'LK_CONFIG_ENV_MISSING',
        `environment variable ${name} is ${set === '' ? 'empty' : 'not set'}`,
        ctx.locate(path),
      ),
    );
    return match;
  });
  if (inlineDefault)
    ctx.problems.push(
      problem(
        'LK_CONFIG_SECRET_IN_FILE',
        'holds a secret written into the file as the default of a reference (:-)',
        ctx.locate(path),
      ),
    );
  if (ctx.problems.length > before) ctx.unresolved.push(path);
  if (secretField && !referenced && result.trim() !== '') {
    // Registered first so that even this error never prints it.
    registerSecret(result);
    ctx.problems.push(problem('LK_CONFIG_SECRET_IN_FILE', 'holds a secret written into the file', ctx.locate(path)));
  }
  return result;
}

/** JSON.parse reports "at position N"; the problem names the line and column. */
function jsonSyntaxProblem(text: string, error: unknown, file: string): Problem {
  const { message, line, column } = jsonSyntaxAt(text, error);
  return problem('LK_CONFIG_SYNTAX', message, line === undefined ? { file } : { file, line, column });
}

function didYouMean(word: string, candidates: readonly string[]): string {
  const guess = closest(word, candidates, 1);
  return guess ? ` (did you mean "${guess}"?)` : '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
