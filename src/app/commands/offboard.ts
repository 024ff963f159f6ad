// `lanekeeper offboard PERSON (--config FILE | --inventory FILE --register FILE) [--out DIR]`:
// prints the checklist and writes offboarding-PERSON-DATE.md. Exit 1 while anything remains,
// 0 when nothing is left behind, 2 for bad input, 3 when a system could not be read.
// Read-only: it tells, it never changes anything.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { connectors } from '../../../connectors/index.js';
import { ExitCode, formatProblem, InputError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import type { Snapshot } from '../../core/model.js';
import { redact } from '../../core/redact.js';
import { offboard, recordFileName, renderMarkdown, renderTerminal } from '../../pipeline/offboard/index.js';
import { readConfig, readScan } from '../../pipeline/offboard/source.js';
import { type LoadedRegister, loadRegister } from '../../pipeline/register/index.js';

export interface OffboardOptions {
  person: string;
  configPath?: string;
  inventoryPath?: string;
  /** Overrides the config's register. Required with an inventory and no config. */
  registerPath?: string;
  outDir: string;
  now: Date;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolve `$today-…` tokens in the register (the demo's register is written that way). */
  relativeDates?: boolean;
}

export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export async function runOffboard(options: OffboardOptions, io: CommandIo): Promise<number> {
  const fail = (message: string) => {
    io.stderr(`lanekeeper offboard: ${redact(message)}\n`);
    return ExitCode.BAD_INPUT;
  };
  if (!options.configPath && !options.inventoryPath) return fail('give --config FILE or --inventory FILE');
  if (options.inventoryPath && !options.configPath && !options.registerPath) {
    return fail('--inventory needs --register FILE (or --config FILE naming the register)');
  }
  const log = createLogger('normal', io.stderr);
  const knownSystems = connectors.map((c) => c.id);

  let register: LoadedRegister;
  let snapshot: Snapshot;
  try {
    const config = options.configPath
      ? await readConfig(options.configPath, options.env, options.inventoryPath !== undefined)
      : undefined;
    const registerPath = options.registerPath ?? config?.config.registerPath;
    if (!registerPath) return fail('no register: pass --register FILE or set "register" in the config');
    register = await loadRegister(registerPath, {
      knownSystems,
      ...(options.relativeDates ? { relativeDates: options.now } : {}),
    });
    // Checked before collecting: a typo should not cost a scan.
    const known = register.register.people.map((p) => p.id).sort();
    if (!known.includes(options.person)) {
      return fail(`"${options.person}" is not a person in the register; known: ${known.join(', ') || 'nobody'}`);
    }
    snapshot = await readScan({
      ...(config ? { config } : {}),
      ...(options.inventoryPath ? { inventoryPath: options.inventoryPath } : {}),
      now: options.now,
      log,
    });
  } catch (e) {
    if (e instanceof InputError) {
      for (const p of e.problems) io.stderr(`${formatProblem(p)}\n`);
      return ExitCode.BAD_INPUT;
    }
    return fail(e instanceof Error ? e.message : String(e));
  }

  const checklist = offboard({
    person: options.person,
    snapshot,
    register: register.register,
    now: options.now,
  });
  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, recordFileName(checklist));
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, redact(renderMarkdown(checklist)));
  await rename(tmp, path);
  io.stdout(redact(renderTerminal(checklist)));
  io.stdout(`record: ${path}\n`);

  if (checklist.failedSystems.length > 0) return ExitCode.INCOMPLETE;
  return checklist.items.length > 0 ? ExitCode.FINDINGS : ExitCode.OK;
}
