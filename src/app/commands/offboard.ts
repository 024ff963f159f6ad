// `lanekeeper offboard PERSON (--config FILE | --inventory FILE --register FILE) [--out DIR]`:
// prints the checklist and writes offboarding-PERSON-DATE.md. Exit 1 while anything remains,
// 0 when nothing is left behind, 2 for bad input, 3 when a system could not be read.
// Read-only: it tells, it never changes anything.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode, noRegisterError, UsageError } from '../../core/errors.js';
import { createLogger } from '../../core/log.js';
import { redact } from '../../core/redact.js';
import { writeFileSafely } from '../../core/safe-write.js';
import { withExitCode } from '../exit.js';
import type { Io } from '../io.js';
import { parseNowOption } from '../options.js';

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

export function offboardCommand(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('offboard')
    .description(
      "a contractor's last day: everything they hold and every shared secret to rotate, with the commands (read-only)",
    )
    .argument('<person>', 'register id of the person')
    .option('--config <file>', 'scan the configured systems now')
    .option('--inventory <file>', 'use a saved inventory.json instead of scanning')
    .option('--register <file>', "access register (default: the config's)")
    .option('--out <dir>', 'where the offboarding record is written', '.')
    .option('--now <iso>', 'the clock (default: now)', parseNowOption)
    .action(async (person: string, opts) => {
      done(
        await runOffboard(
          {
            person,
            ...(opts.config ? { configPath: resolve(io.cwd, opts.config) } : {}),
            ...(opts.inventory ? { inventoryPath: resolve(io.cwd, opts.inventory) } : {}),
            ...(opts.register ? { registerPath: resolve(io.cwd, opts.register) } : {}),
            outDir: resolve(io.cwd, opts.out),
            now: opts.now ?? new Date(),
            env: io.env,
          },
          io,
        ),
      );
    });
}

export function runOffboard(options: OffboardOptions, io: Pick<Io, 'stdout' | 'stderr'>): Promise<number> {
  return withExitCode('offboard', io, async () => {
    // With both, the inventory is judged under the config's lanes and register.
    if (!options.configPath && !options.inventoryPath) throw new UsageError('give --config FILE or --inventory FILE');
    const { connectors } = await import('../../../connectors/index.js');
    const { offboard, recordFileName, renderMarkdown, renderTerminal } = await import(
      '../../pipeline/offboard/index.js'
    );
    const { readConfig, readScan } = await import('../../pipeline/offboard/source.js');
    const { loadRegister } = await import('../../pipeline/register/index.js');
    if (options.inventoryPath && !options.configPath && !options.registerPath) {
      throw new UsageError('--inventory needs --register FILE (or --config FILE naming the register)');
    }
    const config = options.configPath
      ? await readConfig(options.configPath, options.env, options.inventoryPath !== undefined)
      : undefined;
    const registerPath = options.registerPath ?? config?.config.registerPath;
    if (!registerPath) throw noRegisterError(options.configPath);
    const register = await loadRegister(registerPath, {
      knownSystems: connectors.map((c) => c.id),
      ...(options.relativeDates ? { relativeDates: options.now } : {}),
    });
    // Checked before collecting: a typo should not cost a scan.
    const known = register.register.people.map((p) => p.id).sort();
    if (!known.includes(options.person)) {
      throw new UsageError(
        `"${options.person}" is not a person in the register; known: ${known.join(', ') || 'nobody'}`,
      );
    }
    const snapshot = await readScan({
      ...(config ? { config } : {}),
      ...(options.inventoryPath ? { inventoryPath: options.inventoryPath } : {}),
      now: options.now,
      log: createLogger('normal', io.stderr),
    });

    const checklist = offboard({
      person: options.person,
      snapshot,
      register: register.register,
      now: options.now,
      ...(config ? { employeeDomains: config.config.policy.employeeDomains } : {}),
    });
    const outDir = resolve(options.outDir);
    await mkdir(outDir, { recursive: true });
    const path = join(outDir, recordFileName(checklist));
    await writeFileSafely(path, redact(renderMarkdown(checklist)));
    io.stdout(redact(renderTerminal(checklist)));
    io.stdout(`record: ${path}\n`);

    if (checklist.failedSystems.length > 0) return ExitCode.INCOMPLETE;
    return checklist.items.length > 0 ? ExitCode.FINDINGS : ExitCode.OK;
  });
}
