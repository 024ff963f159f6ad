// `lanekeeper register init (--config FILE | --inventory FILE) --out register.yaml`: drafts a
// register from a scan. Exit 0 when the draft was written, 2 for bad input (or an existing file
// without --force), 3 when a system could not be read (the draft is written, but misses its people).
import { writeFile } from 'node:fs/promises';
import { ExitCode, formatProblem, InputError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import type { Snapshot } from '../../core/model.js';
import { redact } from '../../core/redact.js';
import { readConfig, readScan } from '../../pipeline/offboard/source.js';
import { draftRegister } from '../../pipeline/register/init.js';
import type { CommandIo } from './offboard.js';

export interface RegisterInitOptions {
  configPath?: string;
  inventoryPath?: string;
  outPath: string;
  /** Overwrite an existing file. */
  force?: boolean;
  /** Employee domains when no config gives them. */
  employeeDomains?: readonly string[];
  now: Date;
  env: Readonly<Record<string, string | undefined>>;
}

export async function runRegisterInit(options: RegisterInitOptions, io: CommandIo): Promise<number> {
  const fail = (message: string) => {
    io.stderr(`lanekeeper register init: ${redact(message)}\n`);
    return ExitCode.BAD_INPUT;
  };
  if (!options.configPath && !options.inventoryPath) return fail('give --config FILE or --inventory FILE');
  let snapshot: Snapshot;
  let organization: string | undefined;
  let domains = [...(options.employeeDomains ?? [])];
  try {
    const config = options.configPath
      ? await readConfig(options.configPath, options.env, options.inventoryPath !== undefined)
      : undefined;
    organization = config?.config.organization;
    if (config) domains = [...new Set([...domains, ...config.config.policy.employeeDomains])];
    snapshot = await readScan({
      ...(config ? { config } : {}),
      ...(options.inventoryPath ? { inventoryPath: options.inventoryPath } : {}),
      now: options.now,
      log: createLogger('normal', io.stderr),
    });
  } catch (e) {
    if (e instanceof InputError) {
      for (const p of e.problems) io.stderr(`${formatProblem(p)}\n`);
      return ExitCode.BAD_INPUT;
    }
    return fail(e instanceof Error ? e.message : String(e));
  }

  const draft = draftRegister({
    snapshot,
    ...(organization ? { organization } : {}),
    employeeDomains: domains,
    now: options.now,
  });
  try {
    // "wx": never overwrite a register someone has been filling in, unless asked to.
    await writeFile(options.outPath, redact(draft.text), { flag: options.force ? 'w' : 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      return fail(`${options.outPath} exists; pass --force to replace it`);
    }
    throw e;
  }
  const s = draft.summary;
  io.stdout(
    `${options.outPath}: drafted ${s.people} people (${s.employees} employees, ${s.contractors} contractors, to confirm), ` +
      `${s.grants} grants and ${s.sharedAccounts} shared accounts.\n` +
      `Fill in every TODO, then run: lanekeeper register check ${options.outPath}\n`,
  );
  const failed = [...new Set(snapshot.systems.filter((x) => !x.ok).map((x) => x.system))].sort();
  if (failed.length > 0) {
    io.stderr(`incomplete: ${failed.join(', ')} could not be read; the people only they know are missing\n`);
    return ExitCode.INCOMPLETE;
  }
  return ExitCode.OK;
}
