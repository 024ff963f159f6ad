// `lanekeeper sandbox`: serve a scenario with the local emulators and write a config pointing at
// them, until stopped: for trying lanekeeper on a made-up company from another shell.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { resolveRelativeDates } from '../../core/dates.js';
import { ExitCode } from '../../core/errors.js';
import { command, shellQuote } from '../../core/shell.js';
import { withExitCode } from '../exit.js';
import type { Io } from '../io.js';
import { parseNowOption, parsePositiveInt } from '../options.js';

export function sandboxCommand(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('sandbox')
    .description('serve a scenario with local emulators and write a config that points at them; runs until stopped')
    .requiredOption('--scenario <file>', 'scenario file (e.g. examples/demo/scenario.json)')
    .requiredOption('--write-config <file>', 'where to write the config for `lanekeeper scan`')
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
          const templatePath = opts.configTemplate
            ? resolve(io.cwd, opts.configTemplate)
            : join(dirname(scenarioPath), 'config.json');
          const { readConfigTemplate } = await import('../demo.js');
          const template = await readConfigTemplate(templatePath, now);
          const sandbox = await startSandbox(scenario, connectors, {
            now,
            ...(opts.pageSize ? { pageSize: opts.pageSize } : {}),
          });
          try {
            const configPath = resolve(io.cwd, opts.writeConfig);
            const config = sandboxConfig(template, sandbox);
            delete config.$schema;
            await mkdir(dirname(configPath), { recursive: true });
            if (typeof template.register === 'string') {
              // The template's register may use relative demo dates: write it resolved beside the config.
              const source = resolve(dirname(templatePath), template.register);
              const registerPath = join(dirname(configPath), 'register.yaml');
              await writeFile(registerPath, resolveRelativeDates(await readFile(source, 'utf8'), now));
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
