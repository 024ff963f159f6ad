// `lanekeeper request --register FILE (--person ID | --new-person ID --name … --kind …)
// --task … --system … --scope … --lane … --access … --start … --end … [--ticket …]`: appends
// one approval to a person's grants, or brings a new person in with their first grant. The
// change is validated by the register loader and the request rules (one lane per contractor,
// inside the engagement, nobody approving their own access) first.
// Exit 0 when written, 2 when refused (nothing written).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { ExitCode, formatProblem, InputError, UsageError } from '../../core/errors.js';
import { writeFileSafely } from '../../core/safe-write.js';
import type { GrantRequest, NewPerson, RequestResult } from '../../pipeline/register/request.js';
import { withExitCode } from '../exit.js';
import type { Io } from '../io.js';

export interface RequestCommandOptions extends Omit<GrantRequest, 'person' | 'start' | 'end'> {
  registerPath: string;
  /** An existing person… */
  person?: string;
  /** …or a new one, added with this grant. */
  newPerson?: NewPerson;
  /** Default: the new person's engagement. */
  start?: string;
  end?: string;
  /** Resolve `$today…` tokens while validating (a demo register); the file keeps them. */
  relativeDates?: Date;
}

/** `2026-12-01..2027-02-28`: the engagement's first and last day. */
export function parseEngagement(value: string): { start: string; end: string } {
  const m = /^(\S+)\.\.(\S+)$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('expected START..END, e.g. 2026-12-01..2027-02-28');
  return { start: m[1]!, end: m[2]! };
}

/** `github=kai-dev`, repeatable: account links where the person's emails do not match. */
export function parseAccount(value: string, previous: Record<string, string[]> = {}): Record<string, string[]> {
  const m = /^([^=\s]+)=(\S+)$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('expected SYSTEM=LOGIN, e.g. github=kai-dev');
  return { ...previous, [m[1]!]: [...(previous[m[1]!] ?? []), m[2]!] };
}

export function requestCommand(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('request')
    .description(
      'add an approval to the register, keeping its comments and formatting: a grant for a person, or a new person with their first grant; refused (exit 2, nothing written) when a reviewer would refuse it',
    )
    .requiredOption('--register <file>', 'access register (YAML)')
    .option('--person <id>', 'register id of the person (an existing one)')
    .option('--new-person <id>', 'register id for a person not in the register yet, added with this grant')
    .option('--name <text>', 'with --new-person: their name')
    .option('--kind <kind>', 'with --new-person: contractor or employee')
    .option('--owner <id>', "with --new-person: the employee who owns the person's approvals")
    .option('--email <addresses...>', "with --new-person: the person's email addresses")
    .option(
      '--account <system=login>',
      'with --new-person: an account link, e.g. github=kai-dev (repeatable)',
      parseAccount,
    )
    .option(
      '--engagement <start..end>',
      'with --new-person: the engagement, e.g. 2026-12-01..2027-02-28',
      parseEngagement,
    )
    .requiredOption('--task <text>', 'what the access is for')
    .requiredOption('--system <id>', 'the connector id: github, aws, gcp, slack...')
    .requiredOption('--scope <glob...>', 'resource glob(s): northwind/shop, projects/x, #support')
    .requiredOption('--lane <lane>', 'code, data or production')
    .requiredOption('--access <level>', 'read, write or admin')
    .option('--start <date>', 'first day, YYYY-MM-DD (default with --new-person: the engagement start)')
    .option('--end <date>', 'last day, YYYY-MM-DD (default with --new-person: the engagement end)')
    .option('--ticket <id>', 'ticket or issue that asked for it')
    .option('--approved-by <id>', 'the employee approving it, when not the owner')
    .action(async (opts) => {
      done(
        await runRequest(
          {
            registerPath: resolve(io.cwd, opts.register),
            ...(opts.person ? { person: opts.person } : {}),
            ...(opts.newPerson
              ? {
                  newPerson: {
                    id: opts.newPerson,
                    name: opts.name,
                    kind: opts.kind,
                    ...(opts.owner ? { owner: opts.owner } : {}),
                    ...(opts.email ? { emails: opts.email } : {}),
                    ...(opts.account ? { accounts: opts.account } : {}),
                    ...(opts.engagement ?? {}),
                  },
                }
              : {}),
            task: opts.task,
            system: opts.system,
            scope: opts.scope.length === 1 ? opts.scope[0] : opts.scope,
            lane: opts.lane,
            access: opts.access,
            ...(opts.start ? { start: opts.start } : {}),
            ...(opts.end ? { end: opts.end } : {}),
            ...(opts.ticket ? { ticket: opts.ticket } : {}),
            ...(opts.approvedBy ? { approved_by: opts.approvedBy } : {}),
          },
          io,
          {
            personOnly: ['name', 'kind', 'owner', 'email', 'account', 'engagement'].filter(
              (k) => opts[k] !== undefined,
            ),
          },
        ),
      );
    });
}

export function runRequest(
  options: RequestCommandOptions,
  io: Pick<Io, 'stdout' | 'stderr'>,
  given: { personOnly?: string[] } = {},
): Promise<number> {
  return withExitCode('request', io, async () => {
    const { registerPath, relativeDates, person, newPerson, ...fields } = options;
    if ((person === undefined) === (newPerson === undefined))
      throw new UsageError('give --person ID (someone in the register) or --new-person ID (someone new), not both');
    if (person !== undefined && given.personOnly?.length)
      throw new UsageError(
        `${given.personOnly.map((k) => `--${k}`).join(', ')} describe a new person: use them with --new-person`,
      );
    if (newPerson !== undefined) {
      const missing = (['name', 'kind'] as const).filter((k) => !newPerson[k]);
      if (missing.length > 0) throw new UsageError(`--new-person needs ${missing.map((k) => `--${k}`).join(' and ')}`);
    }
    const start = fields.start ?? newPerson?.start;
    const end = fields.end ?? newPerson?.end;
    if (start === undefined) throw new UsageError('give --start (or --engagement with --new-person)');
    if (end === undefined) throw new UsageError('give --end (or --engagement with --new-person)');
    const request = { ...fields, start, end };

    const { connectors } = await import('../../../connectors/index.js');
    const { appendGrant, addPerson } = await import('../../pipeline/register/request.js');
    let text: string;
    try {
      text = await readFile(registerPath, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${registerPath}: ${(e as Error).message}`);
    }
    const requestOptions = {
      knownSystems: connectors.map((c) => c.id),
      path: registerPath,
      ...(relativeDates ? { relativeDates } : {}),
    };
    let result: RequestResult;
    try {
      result = newPerson
        ? addPerson(text, newPerson, request, requestOptions)
        : appendGrant(text, { ...request, person: person! }, requestOptions);
    } catch (e) {
      throw e instanceof InputError ? new InputError(e.problems, 'nothing was written') : e;
    }
    for (const w of result.warnings) io.stderr(`${formatProblem(w)}\n`);
    // Written beside the file and renamed: a reader never sees half a register.
    await writeFileSafely(registerPath, result.text);
    const scope = [request.scope].flat().join(', ');
    const who = newPerson
      ? `added ${newPerson.id} (${newPerson.kind}) with a first grant`
      : `added to ${person}'s grants`;
    io.stdout(
      `${registerPath}: ${who}: ${request.access} on ${scope} (${request.system}, ${request.lane} lane), ${start} to ${end}\n`,
    );
    return ExitCode.OK;
  });
}
