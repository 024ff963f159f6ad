// Exit codes and the problems lanekeeper reports about its input. Every expected problem has a
// code, a one-line message and a fix, and the fixes live in one table (PROBLEMS) so the wording
// stays consistent and every code is documented in one place.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config's own reference syntax, quoted on purpose

import { printable } from './log.js';
import { byText } from './order.js';

export const ExitCode = {
  /** Scan complete, nothing at or above --fail-on. */
  OK: 0,
  /** Scan complete, at least one finding at or above --fail-on. */
  FINDINGS: 1,
  /** Bad usage, config or register: nothing was scanned. */
  BAD_INPUT: 2,
  /** A system could not be read: the scan is incomplete. */
  INCOMPLETE: 3,
  /** The report was written but could not be delivered (email). */
  DELIVERY_FAILED: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

interface ProblemDefinition {
  /** What the code means, for documentation. */
  readonly summary: string;
  /** What the user should do, one or two sentences. */
  readonly fix: string;
}

export const PROBLEMS = {
  // Reading a file (register or config).
  LK_REGISTER_NOT_FOUND: {
    summary: 'The register file does not exist.',
    fix: 'Check the path (relative paths in the config are resolved against the config file).',
  },
  LK_REGISTER_UNREADABLE: {
    summary: 'The register file exists but could not be read.',
    fix: 'Make the file readable by the user running lanekeeper, and make sure the path is a file.',
  },
  LK_REGISTER_TOO_LARGE: {
    summary: 'The register file is larger than lanekeeper accepts.',
    fix: 'A register is a list of people and approvals; split or trim it, or check that the right file is named.',
  },
  LK_REGISTER_ENCODING: {
    summary: 'The register file is not valid UTF-8.',
    fix: 'Save the file as UTF-8 (most editors: "Save with encoding").',
  },
  LK_REGISTER_EMPTY: {
    summary: 'The register file is empty.',
    fix: 'Start from register.example.yaml at the root of the lanekeeper repository.',
  },
  LK_REGISTER_SYNTAX: {
    summary: 'The register is not valid YAML or JSON.',
    fix: 'Fix the syntax at the given line; check indentation, quotes and brackets.',
  },
  LK_REGISTER_DUPLICATE_KEY: {
    summary: 'A key appears twice in the same mapping.',
    fix: 'Keep one of the two keys; YAML would otherwise silently drop one of the answers.',
  },
  LK_REGISTER_ALIAS_BOMB: {
    summary: 'The register expands YAML aliases beyond the safe limit.',
    fix: 'Write the entries out instead of repeating them with anchors (&) and aliases (*).',
  },
  LK_REGISTER_NOT_MAPPING: {
    summary: 'The top level of the register is not a mapping.',
    fix: 'The register starts with keys such as "organization:" and "people:"; see register.example.yaml.',
  },
  // The register's shape.
  LK_REGISTER_UNKNOWN_KEY: {
    summary: 'A key the register does not know (often a typo).',
    fix: 'Remove the key or correct its spelling; see register.example.yaml for every key.',
  },
  LK_REGISTER_MISSING_FIELD: {
    summary: 'A required field is missing.',
    fix: 'Add the field; see register.example.yaml.',
  },
  LK_REGISTER_WRONG_TYPE: {
    summary: 'A field has the wrong type (a number where text is expected, a list where one value is expected).',
    fix: 'Write the value in the expected form; quote values that YAML would read as numbers.',
  },
  LK_REGISTER_BAD_VALUE: {
    summary: 'A field has a value outside the allowed ones.',
    fix: 'Use one of the allowed values listed in the message.',
  },
  LK_REGISTER_BAD_DATE: {
    summary: 'A date is not a real calendar date written YYYY-MM-DD.',
    fix: 'Write the date as YYYY-MM-DD, for example 2026-05-08.',
  },
  LK_REGISTER_PLACEHOLDER: {
    summary: 'A draft left an answer open (TODO, TBD, "?" or empty).',
    fix: 'Fill in the answer before the approval is merged; an approval without it cannot be checked.',
  },
  // The register's cross-references.
  LK_REGISTER_DUPLICATE_PERSON: {
    summary: 'Two people have the same id.',
    fix: 'Give each person a unique id, or merge the two entries.',
  },
  LK_REGISTER_OWNER_UNKNOWN: {
    summary: 'An owner names nobody in the register.',
    fix: 'Use the id of an employee listed under people.',
  },
  LK_REGISTER_OWNER_NOT_EMPLOYEE: {
    summary:
      'A live engagement or a declared account is owned by someone who is not an employee (register check fails; the scan reports it).',
    fix: 'Make an employee the owner; contractors cannot own approvals.',
  },
  LK_REGISTER_APPROVER_UNKNOWN: {
    summary: 'An approver (approved_by, accepted_by) names nobody in the register.',
    fix: 'Use the id of an employee listed under people.',
  },
  LK_REGISTER_APPROVER_NOT_EMPLOYEE: {
    summary:
      'A live approval or accepted risk was given by someone who is not an employee (register check fails; the scan reports it, and such an acceptance does not count).',
    fix: 'Only employees approve access and accept risks; name an employee.',
  },
  LK_REGISTER_UNKNOWN_PERSON: {
    summary: 'A list of people (group members, shared-account users) names somebody not in the register.',
    fix: 'Use ids of people listed under people, or add the person.',
  },
  LK_REGISTER_END_BEFORE_START: {
    summary: 'An end date is before its start date.',
    fix: 'Swap or correct the dates; end is the last day of access, inclusive.',
  },
  LK_REGISTER_UNKNOWN_SYSTEM: {
    summary: 'A system no connector provides.',
    fix: 'Use the id of a connector (github, aws, gcp, slack, ...).',
  },
  LK_REGISTER_ACCOUNT_CLAIMED_TWICE: {
    summary: 'One account is claimed by two people, or by a person and a shared account.',
    fix: 'An account belongs to one person; declare it under shared_accounts (with its users) if several people use it.',
  },
  LK_REGISTER_DUPLICATE_EMAIL: {
    summary: 'Two people list the same email address.',
    fix: 'An email links accounts to one person; keep it on the right person only.',
  },
  LK_REGISTER_DUPLICATE_SHARED_ACCOUNT: {
    summary: 'The same shared account is declared twice.',
    fix: 'Keep one declaration and merge its users.',
  },
  LK_REGISTER_RISK_UNTARGETED: {
    summary: 'An accepted risk names no finding.',
    fix: 'Give the finding\'s fingerprint, or both "rule" and "account".',
  },
  LK_REGISTER_RISK_UNMATCHED: {
    summary: 'An accepted risk in its dates matched no finding of a complete scan (warning).',
    fix: 'Remove it if the finding is fixed; otherwise name the rule, system and account (its id or login) as the report shows them, or give the fingerprint.',
  },
  LK_REGISTER_INCOMPLETE_OWNER: {
    summary:
      'A contractor has no owner: no employee answers for their access (register check fails; the scan reports it).',
    fix: 'Add "owner:" with the id of the employee who owns the contractor\'s approvals.',
  },
  LK_REGISTER_INCOMPLETE_END: {
    summary: "A contractor's grant has no end date (register check fails; the scan reports it).",
    fix: 'Add "end:" with the last day of access; renew it on purpose when the work continues.',
  },
  LK_REGISTER_VAGUE_TASK: {
    summary: 'A task too short to review (register check fails; the scan reports it).',
    fix: 'Say what the access is for in a sentence a reviewer understands, with the ticket if there is one.',
  },
  LK_REGISTER_OWNER_LEFT: {
    summary: "A contractor's owner has left the company (register check fails; the scan reports it).",
    fix: 'Make an employee who is still here the owner, or end the engagement.',
  },
  LK_REGISTER_ACCOUNT_OWNER_LEFT: {
    summary: "A declared service, bot or shared account's owner has left (register check fails; the scan reports it).",
    fix: 'Make an employee who is still here the owner, or retire the account.',
  },
  LK_REGISTER_APPROVER_LEFT: {
    summary: 'A live grant was approved by someone who has left (register check fails; the scan reports it).',
    fix: 'Have an employee who is still here approve it again (approved_by), or end the grant.',
  },
  LK_REGISTER_GRANT_OUTLASTS_ENGAGEMENT: {
    summary: "A grant ends after the person's engagement ends (register check fails; the scan reports it).",
    fix: "End the grant on or before the person's end date, or extend the engagement.",
  },
  LK_REGISTER_GRANT_BEFORE_ENGAGEMENT: {
    summary: "A grant starts before the person's engagement starts (register check fails; the scan reports it).",
    fix: "Start the grant on or after the person's start date, or move the engagement's start.",
  },
  LK_REGISTER_EXCEPTION_NO_END: {
    summary: "A contractor's lanes exception has no end date (register check fails; the scan reports it).",
    fix: 'Add "end:" to the lanes_exception: the last day the person may hold more than one lane.',
  },
  LK_REGISTER_EXCEPTION_APPROVER_LEFT: {
    summary:
      'A lanes exception in effect was approved by someone who has left: it no longer excuses holding several lanes (register check fails; the scan reports it).',
    fix: 'Have an employee who is still here approve it again (approved_by), or end it.',
  },
  LK_REGISTER_SCOPE_UNMATCHED: {
    summary: 'A grant scope matches nothing the scan found (warning).',
    fix: 'Check the scope against the resource names in inventory.json (GitHub org/repo, AWS account id or name, GCP projects/<id>, Slack #channel).',
  },
  // The config.
  LK_CONFIG_NOT_FOUND: {
    summary: 'The config file does not exist.',
    fix: 'Check the path, or start from config.example.json.',
  },
  LK_CONFIG_UNREADABLE: {
    summary: 'The config file exists but could not be read.',
    fix: 'Make the file readable by the user running lanekeeper, and make sure the path is a file.',
  },
  LK_CONFIG_TOO_LARGE: {
    summary: 'The config file is larger than lanekeeper accepts.',
    fix: 'Check that the right file is named.',
  },
  LK_CONFIG_ENCODING: {
    summary: 'The config file is not valid UTF-8.',
    fix: 'Save the file as UTF-8.',
  },
  LK_CONFIG_EMPTY: {
    summary: 'The config file is empty.',
    fix: 'Start from config.example.json.',
  },
  LK_CONFIG_SYNTAX: {
    summary: 'The config is not valid JSON.',
    fix: 'Fix the JSON at the given line: commas between entries, none after the last, double quotes around keys and strings.',
  },
  LK_CONFIG_DUPLICATE_KEY: {
    summary: 'A key appears twice in the same object.',
    fix: 'Keep one of the two keys; JSON parsers silently drop one of them.',
  },
  LK_CONFIG_NOT_OBJECT: {
    summary: 'The top level of the config is not a JSON object.',
    fix: 'The config is an object with "connectors", "policy" and "report"; see config.example.json.',
  },
  LK_CONFIG_ENV_MISSING: {
    summary: 'The config refers to an environment variable that is not set.',
    fix: 'Set the variable in the environment lanekeeper runs in, or, for a value that is not a secret, give a default: ${NAME:-value}.',
  },
  LK_CONFIG_ENV_SYNTAX: {
    summary: 'A ${...} reference in the config is malformed.',
    fix: 'Write ${NAME} or ${NAME:-default}; NAME is letters, digits and underscores. Write $${ for a literal ${.',
  },
  LK_CONFIG_SECRET_IN_FILE: {
    summary: 'A secret is written into the config file.',
    fix: 'Put the secret in an environment variable and refer to it as ${NAME}; config files are committed and shared.',
  },
  LK_CONFIG_NO_REGISTER: {
    summary: 'Neither the config nor the command line names a register.',
    fix: 'Set "register" in the config to the register file (register.yaml), or pass --register FILE; lanekeeper register init drafts one.',
  },
  LK_CONFIG_INSECURE_ENDPOINT: {
    summary: "A connector's endpoint is plain http off this machine: its token would travel in clear.",
    fix: 'Use https; for a private network you control, set "allowInsecureEndpoints": true.',
  },
  LK_CONFIG_UNKNOWN_CONNECTOR: {
    summary: 'A connector block names no known connector.',
    fix: 'Use one of the connector ids listed in the message.',
  },
  LK_CONFIG_NO_CONNECTORS: {
    summary: 'No connector is enabled: the scan would read nothing.',
    fix: 'Add a block under "connectors" or set "enabled": true on one.',
  },
  LK_CONFIG_UNKNOWN_KEY: {
    summary: 'A key the config does not know (often a typo).',
    fix: 'Remove the key or correct its spelling; editors autocomplete keys from config.schema.json.',
  },
  LK_CONFIG_MISSING_FIELD: {
    summary: 'A required field is missing.',
    fix: 'Add the field; see config.example.json.',
  },
  LK_CONFIG_WRONG_TYPE: {
    summary: 'A field has the wrong type.',
    fix: 'Write the value in the expected form: numbers and booleans without quotes.',
  },
  LK_CONFIG_BAD_VALUE: {
    summary: 'A field has a value outside the allowed ones.',
    fix: 'Use one of the allowed values listed in the message.',
  },
  LK_CONFIG_BAD_URL: {
    summary: 'A URL in the config is not a valid URL.',
    fix: 'Write a full URL with its scheme, for example https://github.example.com/api/v3.',
  },
  LK_REQUEST_SECOND_LANE: {
    summary: 'A request would give a contractor a second lane (code, data, production) at the same time.',
    fix: 'Keep the contractor to one lane: end the other grant first, or add a lanes_exception (reason, approved_by an employee) to the person.',
  },
  LK_REQUEST_OUTSIDE_ENGAGEMENT: {
    summary: "A request starts before the person's engagement starts.",
    fix: "Start the grant on or after the person's start date, or correct the engagement.",
  },
  LK_REQUEST_SELF_APPROVAL: {
    summary: 'A request would be approved by the person it gives access to.',
    fix: 'Name another employee with --approved-by (or as the owner).',
  },
  LK_USAGE_BAD_OPTION: {
    summary: 'A command-line option has a value lanekeeper does not accept.',
    fix: 'See lanekeeper --help for the accepted values.',
  },
} as const satisfies Record<`LK_${string}`, ProblemDefinition>;

export type ProblemCode = keyof typeof PROBLEMS;

export interface Problem {
  code: ProblemCode;
  /** One line, no trailing period. */
  message: string;
  /** Warnings are shown but do not stop the scan; absent means error. */
  severity?: 'error' | 'warning';
  /** The file as the user named it. */
  file?: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
  /** Where in the document: people[3].owner, connectors.github.org. */
  field?: string;
  fix?: string;
}

export interface ProblemLocation {
  file?: string;
  line?: number;
  column?: number;
  field?: string;
}

/** A problem with the fix from the table (or a more specific one). */
export function problem(
  code: ProblemCode,
  message: string,
  where: ProblemLocation = {},
  options: { fix?: string; severity?: 'error' | 'warning' } = {},
): Problem {
  const out: Problem = { code, message };
  // Only the keys that are known, so problems compare and serialise cleanly.
  if (where.file !== undefined) out.file = where.file;
  if (where.line !== undefined) out.line = where.line;
  if (where.column !== undefined) out.column = where.column;
  if (where.field !== undefined) out.field = where.field;
  const fix = options.fix ?? PROBLEMS[code].fix;
  if (fix) out.fix = fix;
  if (options.severity === 'warning') out.severity = 'warning';
  return out;
}

export function isError(p: Problem): boolean {
  return p.severity !== 'warning';
}

/**
 * `LK_REGISTER_OWNER_NOT_EMPLOYEE register.yaml:41 people[3].owner: "sam" is a contractor; owners must be employees`
 * with the fix on the next line. Redacted: messages can quote config values.
 */
export function formatProblem(p: Problem): string {
  const where = p.file ? (p.line ? `${p.file}:${p.line}` : p.file) : undefined;
  const head = [p.code, p.severity === 'warning' ? '(warning)' : undefined, where].filter(Boolean).join(' ');
  // Messages quote the input (a register value may hold escape sequences or a token): each line
  // is redacted and made terminal-safe, in the order the logger uses.
  const first = printable(p.field ? `${head} ${p.field}: ${p.message}` : `${head} ${p.message}`);
  return p.fix ? `${first}\n  fix: ${printable(p.fix)}` : first;
}

/** Sorted by file, line, column, then code: the order a reader walks the file in. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      byText(a.file ?? '', b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      byText(a.code, b.code) ||
      byText(a.field ?? '', b.field ?? ''),
  );
}

/**
 * An error the CLI expects. The one exit-code mapping (src/app/exit.ts) prints its lines
 * (redacted and made terminal-safe there) and exits with its code; anything else is unexpected
 * and fails closed (exit 3).
 */
export abstract class LanekeeperError extends Error {
  abstract readonly exitCode: ExitCode;
  /** What the person reading the terminal is told, one line each. */
  abstract lines(): string[];
}

/** A wrong invocation found after the arguments were parsed: one message, exit 2. */
export class UsageError extends LanekeeperError {
  override readonly name = 'UsageError';
  readonly exitCode = ExitCode.BAD_INPUT;
  lines(): string[] {
    return [this.message];
  }
}

/** Bad input: nothing may be scanned. The CLI prints every problem and exits 2. */
export class InputError extends LanekeeperError {
  override readonly name = 'InputError';
  readonly exitCode = ExitCode.BAD_INPUT;
  readonly problems: Problem[];

  /** `outcome` is what did not happen because of it: "nothing was scanned", "nothing was written". */
  constructor(
    problems: readonly Problem[],
    readonly outcome = 'nothing was scanned',
  ) {
    const sorted = sortProblems(problems);
    const errors = sorted.filter(isError).length;
    super(
      `${errors} problem${errors === 1 ? '' : 's'} in the input; ${outcome}\n${sorted.map(formatProblem).join('\n')}`,
    );
    this.problems = sorted;
  }

  lines(): string[] {
    return [...this.problems.map(formatProblem), this.outcome];
  }
}

/** The first line of an error's message: what a one-line report of a library's error can hold. */
export function firstLineOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}

/** A command that judges access needs the register: its absence is bad input, named by code. */
export function noRegisterError(configPath: string | undefined): InputError {
  return new InputError([
    problem('LK_CONFIG_NO_REGISTER', 'no register: the config has no "register" and no --register was given', {
      ...(configPath ? { file: configPath } : {}),
      field: 'register',
    }),
  ]);
}
