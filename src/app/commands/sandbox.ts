// `lanekeeper sandbox`: serve a scenario with the local emulators and write a config pointing at
// them, until stopped: for trying lanekeeper on a made-up company from another shell.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { resolveRelativeDates } from '../../core/dates.js';
import { ExitCode, UsageError } from '../../core/errors.js';
import { command, shellQuote } from '../../core/shell.js';
import { withExitCode } from '../exit.js';
import type { Io } from '../io.js';
import { parseNowOption, parsePositiveInt } from '../options.js';

export function sandboxCommand(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('sandbox')
    .description('serve a scenario with local emulators and write a config that points at them; runs until stopped')
    .requiredOption('--scenario <file>', 'scenario file (e.g. examples/demo/scenario.json)')
    .requiredOption(
      '--write-config <file>',
      'where to write the config for `lanekeeper scan`; its register.yaml and sandbox.env go beside it (a register.yaml the sandbox did not write is never replaced)',
    )
    .option(
      '--config-template <file>',
      'config whose lanes and policy the written config keeps; default: config.json beside the scenario',
    )
    .option('--page-size <n>', 'items per page the emulators serve at most', parsePositiveInt)
    .option('--now <iso>', "the clock the scenario's relative dates resolve against", parseNowOption)
    .action(async (opts) => {
      done(
        await withExitCode('sandbox', io, async () => {
          const now: Date = opts.now ?? new Date();
          const { connectors } = await import('../../../connectors/index.js');
          const { loadScenario, sandboxConfig, sandboxEnvFile, startSandbox } = await import('../sandbox.js');
          const scenarioPath = resolve(io.cwd, opts.scenario);
          const scenario = await loadScenario(scenarioPath, now);
          // The template beside a scenario is optional; one the user names must be there.
          const templatePath = opts.configTemplate
            ? resolve(io.cwd, opts.configTemplate)
            : join(dirname(scenarioPath), 'config.json');
          const { readConfigTemplate } = await import('../demo.js');
          const template = await readConfigTemplate(templatePath, now, { optional: !opts.configTemplate });
          const configPath = resolve(io.cwd, opts.writeConfig);
          // The template's register may use relative demo dates: written resolved beside the config,
          // checked before any emulator starts.
          const register =
            typeof template.register === 'string'
              ? await sandboxRegister(templatePath, template.register, join(dirname(configPath), 'register.yaml'), now)
              : undefined;
          const sandbox = await startSandbox(scenario, connectors, {
            now,
            ...(opts.pageSize ? { pageSize: opts.pageSize } : {}),
          });
          try {
            const config = sandboxConfig(template, sandbox);
            delete config.$schema;
            await mkdir(dirname(configPath), { recursive: true });
            if (register) {
              await writeFile(register.path, register.text);
              config.register = 'register.yaml';
            }
            await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
            // The made-up tokens go beside the config, readable by this user only: the config
            // itself refuses a secret written into it, as it would a real one.
            const envPath = join(dirname(configPath), 'sandbox.env');
            await writeFile(envPath, sandboxEnvFile(sandbox.env), { mode: 0o600 });
            for (const [system, emulator] of sandbox.emulators) io.stderr(`${system} emulator on ${emulator.url}\n`);
            io.stdout(
              `sandbox running; in another shell: ${command('.', envPath)} && lanekeeper scan --config ${shellQuote(configPath)}\n`,
            );
            await (io.untilStopped ?? (() => Promise.resolve()))();
          } finally {
            await sandbox.close();
          }
          return ExitCode.OK;
        }),
      );
    });
}

/** The sandbox's register starts with this line: a register.yaml without it is someone's own. */
const SANDBOX_REGISTER_MARK = '# Written by `lanekeeper sandbox`';

/**
 * The register a template names, its dates resolved, to be written at `path`: refused (exit 2)
 * when the template's register cannot be read, or when `path` holds a register the sandbox did
 * not write (a company's real register beside the config is never replaced).
 */
async function sandboxRegister(
  templatePath: string,
  named: string,
  path: string,
  now: Date,
): Promise<{ path: string; text: string }> {
  const source = resolve(dirname(templatePath), named);
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (e) {
    throw new UsageError(
      `${templatePath}: its "register" names ${source}, which cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}); put the register there or name another`,
    );
  }
  const existing = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new UsageError(`${path}: cannot be read (${e.code ?? String(e)}), so the sandbox will not write over it`);
  });
  if (existing !== undefined && !existing.startsWith(SANDBOX_REGISTER_MARK))
    throw new UsageError(
      `${path} is already there and the sandbox did not write it: the sandbox writes its register.yaml beside the config and never replaces one of yours; give --write-config a file in another folder`,
    );
  return {
    path,
    text: `${SANDBOX_REGISTER_MARK} from ${source}, its dates resolved; rewritten by each sandbox run.\n${resolveRelativeDates(text.replace(/^\uFEFF/, ''), now)}`,
  };
}
