// A saved snapshot is read a line at a time when it is in the layout lanekeeper writes, and whole
// otherwise. Either way it must be what JSON.parse and the schema make of the file: the same
// records, keys in the same order, the same refusals, and the digest of its bytes.
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotChunks } from '../../reports/inventory.js';
import { UsageError } from '../../src/core/errors.js';
import { type Snapshot, SnapshotSchema } from '../../src/core/model.js';
import { readByLines, readSnapshotFile } from '../../src/pipeline/inventory-file.js';
import { account, credential, grant, snapshot, status } from '../support/builders.js';

/** Every list filled, awkward text (non-ASCII, U+2028 and U+2029, escaped quotes and line breaks). */
const AWKWARD = 'Zoë → “ops”\u2028next\u2029para "quoted" \\ back\nslash\r';

function sample(): Snapshot {
  return {
    ...snapshot({
      systems: [status('github', 'northwind'), status('aws', '111111111111', false)],
      accounts: Array.from({ length: 30 }, (_, i) => account({ id: `user-${i}`, displayName: `${AWKWARD} ${i}` })),
      grants: Array.from({ length: 50 }, (_, i) =>
        grant({ account: `user-${i % 30}`, resource: `northwind/repo-${i}`, viaName: i % 3 ? undefined : AWKWARD }),
      ),
      credentials: [credential({ account: 'user-1', id: 'key-1' })],
    }),
    source: { organization: 'Northwind', registerDigest: 'abc' },
    skipped: [{ system: 'aws', target: '222222222222' }],
    secrets: [{ system: 'github', target: 'northwind', resource: 'northwind/shop', name: 'DEPLOY_KEY' }],
  };
}

const written = (snap: Snapshot) => [...snapshotChunks(snap)].join('');

async function saved(text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'lanekeeper-inventory-')), 'inventory.json');
  await writeFile(path, text);
  return path;
}

/** What reading the file whole gives: the reference every layout must match. */
const whole = (text: string) => SnapshotSchema.parse(JSON.parse(text));

/** Reads `text` as the whole file would be read; `byLines`: whether it is read a line at a time. */
async function expectSameAsWhole(text: string, byLines: boolean): Promise<Snapshot> {
  const path = await saved(text);
  expect((await readByLines(path)) !== undefined).toBe(byLines);
  const { snapshot: read, digest } = await readSnapshotFile(path);
  // Same values and the same key order: the reports written from it are the same bytes.
  expect(JSON.stringify(read)).toBe(JSON.stringify(whole(text)));
  expect(digest).toBe(createHash('sha256').update(text).digest('hex'));
  return read;
}

describe('reading a saved snapshot', () => {
  it('reads lanekeeper’s own layout as the whole file would be read', async () => {
    const text = written(sample());
    // The layout read by lines: lists opened on their own line, one record a line.
    expect(text).toContain('\n  "grants": [\n    {');
    const read = await expectSameAsWhole(text, true);
    expect(read.grants).toHaveLength(50);
    expect(read.accounts.find((a) => a.id === 'user-7')?.displayName).toBe(`${AWKWARD} 7`);
  });

  it('reads empty lists, a list written on one line, and CRLF line ends', async () => {
    const empty = { ...sample(), credentials: [], secrets: [] };
    expect(written(empty)).toContain('"secrets": []');
    await expectSameAsWhole(written(empty), true);
    const oneLine = written(sample()).replace(/\n {2}"secrets": \[\n {4}(.*)\n {2}\]/, '\n  "secrets": [$1]');
    expect(oneLine).not.toBe(written(sample()));
    await expectSameAsWhole(oneLine, true);
    await expectSameAsWhole(written(sample()).replaceAll('\n', '\r\n'), true);
  });

  it('reads any other layout of the same JSON whole', async () => {
    await expectSameAsWhole(JSON.stringify(sample(), null, 2), false);
    await expectSameAsWhole(JSON.stringify(sample()), false);
    await expectSameAsWhole(JSON.stringify(sample(), null, 4), false);
  });

  it('takes a list only from the top level, and a later field of the same name as JSON.parse does', async () => {
    const snap = sample();
    // "grants" opening at two spaces inside another object is not the snapshot's list.
    const nested = written(snap).replace(
      '  "source": {\n',
      `  "source": {\n  "grants": [\n    ${JSON.stringify(snap.grants[0])}\n  ],\n`,
    );
    expect(nested).not.toBe(written(snap));
    expect((await expectSameAsWhole(nested, true)).grants).toHaveLength(50);
    // The same list twice: the last one is the one JSON.parse keeps, here empty.
    const twice = written(snap).replace(/\n}\n$/, ',\n  "grants": []\n}\n');
    expect((await expectSameAsWhole(twice, false)).grants).toEqual([]);
  });

  it('names the file, the line and the field of a bad record in its own layout', async () => {
    const text = written(sample()).replace('"level":"write"', '"level":"sudo"');
    const path = await saved(text);
    const line = text.slice(0, text.indexOf('"level":"sudo"')).split('\n').length;
    const error = await readSnapshotFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(
      new RegExp(`^${path.replaceAll('.', '\\.')}:${line}: not a lanekeeper inventory: grants\\.0\\.level `),
    );
  });

  it('names the file and the field of a bad record in another layout', async () => {
    const text = JSON.stringify(sample(), null, 2).replace('"level": "write"', '"level": "sudo"');
    const path = await saved(text);
    await expect(readSnapshotFile(path)).rejects.toThrow(
      new RegExp(`^${path.replaceAll('.', '\\.')}: not a lanekeeper inventory: grants\\.0\\.level `),
    );
  });

  it.each([
    [
      'a missing comma between two grants',
      (t: string) =>
        t.replace(
          '},\n    {"system":"github","target":"northwind","account"',
          '}\n    ✗{"system":"github","target":"northwind","account"',
        ),
    ],
    [
      'a comma after the last record (V8 gives no position)',
      (t: string) => t.replace(/}\n {2}\],\n {2}"credentials"/, '},\n  ✗],\n  "credentials"'),
    ],
    ['a file cut short', (t: string) => `${t.slice(0, t.length / 2)}✗`],
  ])('refuses %s, naming the line and column where the JSON breaks', async (_name, spoil) => {
    // ✗ marks the character the message must point at; it is not in the file.
    const marked = spoil(written(sample()));
    expect(marked).toContain('✗');
    const offset = marked.indexOf('✗');
    const text = marked.replace('✗', '');
    expect(() => JSON.parse(text)).toThrow();
    const before = text.slice(0, offset);
    const [line, column] = [before.split('\n').length, offset - before.lastIndexOf('\n')];
    const error = (await readSnapshotFile(await saved(text)).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(new RegExp(`\\.json:${line}:${column}: not a readable JSON inventory \\(\\w`));
    // Neither V8's offset nor its quote of the file: only what a person can find in an editor.
    expect(error.message).not.toMatch(/position|is not valid JSON/);
  });

  it('reads a file an editor saved with a byte order mark as the same file without it', async () => {
    const text = written(sample());
    const { snapshot: read } = await readSnapshotFile(await saved(`\ufeff${text}`));
    expect(JSON.stringify(read)).toBe(JSON.stringify(whole(text)));
  });

  it.each([
    [
      'the collection time',
      (t: string) => t.replace(/"collectedAt": "[^"]+"/, '"collectedAt": "2026-02-30T09:00:00.000Z"'),
      /: not a lanekeeper inventory: collectedAt is not a real date and time: "2026-02-30T09:00:00.000Z"/,
    ],
    [
      'a system’s collection time',
      (t: string) => t.replace(/("system":"aws","target":"111111111111".*?"collectedAt":")[^"]+/, '$1yesterday'),
      /: not a lanekeeper inventory: systems\.0\.collectedAt is not a real date and time: "yesterday"/,
    ],
    [
      'a credential’s date',
      (t: string) => t.replace(/("id":"key-1".*?)}/, '$1,"lastUsedAt":"2026-04-31T00:00:00Z"}'),
      /:\d+: not a lanekeeper inventory: credentials\.0\.lastUsedAt is not a real date and time: "2026-04-31T00:00:00Z"/,
    ],
  ])('refuses a day the calendar does not have in %s, naming the field', async (_name, spoil, message) => {
    const text = spoil(written(sample()));
    expect(text).not.toBe(written(sample()));
    await expect(readSnapshotFile(await saved(text))).rejects.toThrow(message);
  });

  it('refuses a file that cannot be read, naming it', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'lanekeeper-inventory-')), 'missing.json');
    await expect(readSnapshotFile(path)).rejects.toThrow(/missing\.json: not a readable JSON inventory \(ENOENT/);
  });

  it('refuses a snapshot whose lists are not lists, naming the field', async () => {
    const text = written(sample()).replace(/"secrets": \[[\s\S]*\]\n}\n$/, '"secrets": {}\n}\n');
    expect(text).toContain('"secrets": {}');
    await expect(readSnapshotFile(await saved(text))).rejects.toThrow(/not a lanekeeper inventory: secrets /);
  });
});
