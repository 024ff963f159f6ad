// What reaches a CI log: a server's own words made terminal-safe (no escapes, no workflow
// commands), and --verbose saying what happened (calls, counts, ids), never a whole answer.
import { rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_DEBUG_LINE } from '../../src/core/log.js';
import { runCli, type ScanSetup, setupScan, tempDir } from './harness.js';

let setup: ScanSetup | undefined;
let server: Server | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await setup?.close();
  setup = undefined;
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('a server’s words on the terminal', () => {
  it('collect prints a refusal without its escapes or workflow commands', async () => {
    const body = JSON.stringify({
      message: 'Bad credentials \u001b[2J\n::error::forged ##[warning]forged',
      documentation_url: 'https://docs.github.com/rest',
    });
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const dir = await tempDir();
    dirs.push(dir);
    const config = join(dir, 'config.json');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await writeFile(
      config,
      JSON.stringify({ connectors: { github: { org: 'northwind', token: '$' + '{GITHUB_TOKEN}', baseUrl: url } } }),
    );
    const run = await runCli(
      ['collect', '--config', config, '--only', 'github', '--out', join(dir, 'shard.json')],
      { GITHUB_TOKEN: 'fixture-github-token-0001' },
      dir,
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('Bad credentials');
    expect(run.stderr).not.toContain('\u001b');
    expect(run.stderr).not.toContain('##[');
    expect(run.stderr.split('\n').filter((l) => /^\s*::/.test(l))).toEqual([]);
  });
});

describe('--verbose', () => {
  it('logs calls and counts, never a whole answer', async () => {
    setup = await setupScan();
    const run = await setup.scan('--verbose', '--no-history');
    expect(run.code, run.stderr).toBe(0);
    const debug = run.stderr.split('\n').filter((l) => l.startsWith('debug: '));
    expect(debug.length).toBeGreaterThan(10);
    for (const line of debug) expect(line.length, line.slice(0, 80)).toBeLessThanOrEqual(MAX_DEBUG_LINE + 60);
    // The workspace's people are in the reports, not in the log.
    expect(run.stderr).not.toContain('priya@northwind.example');
    expect(run.stderr).not.toContain('"real_name"');
  });
});
