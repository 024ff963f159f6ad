// `lanekeeper request --register FILE --person ID --task … --system … --scope … --lane …
// --access … --start … --end … [--ticket …]`: appends one approval to the person's grants,
// validated by the register loader first. Exit 0 when written, 2 when refused (nothing written).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode, formatProblem, InputError, UsageError } from '../../core/errors.js';
import { writeFileSafely } from '../../core/safe-write.js';
import type { GrantRequest } from '../../pipeline/register/request.js';
import { withExitCode } from '../exit.js';
import type { Io } from '../io.js';

export interface RequestCommandOptions extends GrantRequest {
  registerPath: string;
  /** Resolve `$today…` tokens while validating (a demo register); the file keeps them. */
  relativeDates?: Date;
}

export function requestCommand(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('request')
    .description("append an approval to a person's grants in the register, keeping its comments and formatting")
    .requiredOption('--register <file>', 'access register (YAML)')
    .requiredOption('--person <id>', 'register id of the person')
    .requiredOption('--task <text>', 'what the access is for')
    .requiredOption('--system <id>', 'the connector id: github, aws, gcp, slack...')
    .requiredOption('--scope <glob...>', 'resource glob(s): northwind/shop, projects/x, #support')
    .requiredOption('--lane <lane>', 'code, data or production')
    .requiredOption('--access <level>', 'read, write or admin')
    .requiredOption('--start <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--end <date>', 'last day, YYYY-MM-DD')
    .option('--ticket <id>', 'ticket or issue that asked for it')
    .option('--approved-by <id>', 'the employee approving it, when not the owner')
    .action(async (opts) => {
      done(
        await runRequest(
          {
            registerPath: resolve(io.cwd, opts.register),
            person: opts.person,
            task: opts.task,
            system: opts.system,
            scope: opts.scope.length === 1 ? opts.scope[0] : opts.scope,
            lane: opts.lane,
            access: opts.access,
            start: opts.start,
            end: opts.end,
            ...(opts.ticket ? { ticket: opts.ticket } : {}),
            ...(opts.approvedBy ? { approved_by: opts.approvedBy } : {}),
          },
          io,
        ),
      );
    });
}

export function runRequest(options: RequestCommandOptions, io: Pick<Io, 'stdout' | 'stderr'>): Promise<number> {
  return withExitCode('request', io, async () => {
    const { registerPath, relativeDates, ...request } = options;
    const { connectors } = await import('../../../connectors/index.js');
    const { appendGrant } = await import('../../pipeline/register/request.js');
    let text: string;
    try {
      text = await readFile(registerPath, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${registerPath}: ${(e as Error).message}`);
    }
    let result: ReturnType<typeof import('../../pipeline/register/request.js').appendGrant>;
    try {
      result = appendGrant(text, request, {
        knownSystems: connectors.map((c) => c.id),
        path: registerPath,
        ...(relativeDates ? { relativeDates } : {}),
      });
    } catch (e) {
      throw e instanceof InputError ? new InputError(e.problems, 'nothing was written') : e;
    }
    for (const w of result.warnings) io.stderr(`${formatProblem(w)}\n`);
    // Written beside the file and renamed: a reader never sees half a register.
    await writeFileSafely(registerPath, result.text);
    const scope = [request.scope].flat().join(', ');
    io.stdout(
      `${registerPath}: added to ${request.person}'s grants: ${request.access} on ${scope} (${request.system}, ${request.lane} lane), ${request.start} to ${request.end}\n`,
    );
    return ExitCode.OK;
  });
}
