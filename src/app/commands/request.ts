// `lanekeeper request --register FILE --person ID --task … --system … --scope … --lane …
// --access … --start … --end … [--ticket …]`: appends one approval to the person's grants,
// validated by the register loader first. Exit 0 when written, 2 when refused (nothing written).
import { readFile, rename, writeFile } from 'node:fs/promises';
import { connectors } from '../../../connectors/index.js';
import { ExitCode, formatProblem, InputError } from '../../core/errors.js';
import { redact } from '../../core/redact.js';
import { appendGrant, type GrantRequest } from '../../pipeline/register/request.js';
import type { CommandIo } from './offboard.js';

export interface RequestCommandOptions extends GrantRequest {
  registerPath: string;
  /** Resolve `$today…` tokens while validating (a demo register); the file keeps them. */
  relativeDates?: Date;
}

export async function runRequest(options: RequestCommandOptions, io: CommandIo): Promise<number> {
  const { registerPath, relativeDates, ...request } = options;
  let text: string;
  try {
    text = await readFile(registerPath, 'utf8');
  } catch (e) {
    io.stderr(`lanekeeper request: cannot read ${registerPath}: ${redact((e as Error).message)}\n`);
    return ExitCode.BAD_INPUT;
  }
  try {
    const result = appendGrant(text, request, {
      knownSystems: connectors.map((c) => c.id),
      path: registerPath,
      ...(relativeDates ? { relativeDates } : {}),
    });
    for (const w of result.warnings) io.stderr(`${formatProblem(w)}\n`);
    // Written beside the file and renamed: a reader never sees half a register.
    const tmp = `${registerPath}.tmp-${process.pid}`;
    await writeFile(tmp, result.text);
    await rename(tmp, registerPath);
    const scope = [request.scope].flat().join(', ');
    io.stdout(
      `${registerPath}: added to ${request.person}'s grants: ${request.access} on ${scope} (${request.system}, ${request.lane} lane), ${request.start} to ${request.end}\n`,
    );
    return ExitCode.OK;
  } catch (e) {
    if (e instanceof InputError) {
      for (const p of e.problems) io.stderr(`${formatProblem(p)}\n`);
      io.stderr('nothing was written\n');
      return ExitCode.BAD_INPUT;
    }
    throw e;
  }
}
