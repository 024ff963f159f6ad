import { describe, expect, it } from 'vitest';
import { canonicalSnapshot, inventoryChunks, REPORT_FILES, renderReport } from '../../reports/index.js';
import { AccountSchema, GrantSchema, type Lane, type Snapshot, SnapshotSchema } from '../../src/core/model.js';
import { demoInput, shuffled } from './fixture.js';

const parse = (text: string) => JSON.parse(text) as Snapshot;

describe('inventory.json', () => {
  const input = demoInput();
  const text = renderReport('inventory', input);
  const inventory = parse(text);

  it('is written piece by piece: the canonical snapshot, each record on a line of its own', () => {
    const lines = (snapshot: Snapshot) => [...inventoryChunks({ ...input, snapshot })].join('').split('\n');
    const written = lines(input.snapshot);
    expect(JSON.parse(written.join('\n'))).toEqual(canonicalSnapshot(input.snapshot));
    expect([...inventoryChunks(input)].length).toBeGreaterThan(input.snapshot.grants.length);
    // Every grant is one line, whole, in canonical order: a diff of two inventories shows records.
    const canonical = canonicalSnapshot(input.snapshot);
    const grantLines = canonical.grants.map(
      (g, i) => `    ${JSON.stringify(g)}${i < canonical.grants.length - 1 ? ',' : ''}`,
    );
    const start = written.indexOf('  "grants": [');
    expect(written.slice(start + 1, start + 1 + grantLines.length)).toEqual(grantLines);
    expect(written[start + 1 + grantLines.length]).toBe('  ],');
    // Empty lists, a shard's source and its skipped targets.
    const shard: Snapshot = {
      ...input.snapshot,
      credentials: [],
      secrets: [],
      source: { registerDigest: 'abc', organization: 'Northwind' },
      skipped: [{ target: 't', system: 's' }],
    };
    const shardLines = lines(shard);
    expect(JSON.parse(shardLines.join('\n'))).toEqual(canonicalSnapshot(shard));
    expect(shardLines).toContain('  "credentials": [],');
    expect(shardLines.slice(0, 3)).toEqual([
      '{',
      `  "schemaVersion": ${shard.schemaVersion},`,
      `  "collectedAt": "${shard.collectedAt}",`,
    ]);
  });

  it('is the whole snapshot, still valid against the model', () => {
    expect(REPORT_FILES.inventory).toBe('inventory.json');
    expect(text.endsWith('\n')).toBe(true);
    expect(SnapshotSchema.safeParse(inventory).success).toBe(true);
    expect(inventory.collectedAt).toBe(input.snapshot.collectedAt);
    for (const list of ['systems', 'accounts', 'grants', 'credentials', 'secrets'] as const) {
      const written: unknown[] = inventory[list];
      // Wall time is left out: the same state must give the same bytes.
      const given: unknown[] =
        list === 'systems' ? input.snapshot.systems.map(({ durationMs: _wallTime, ...s }) => s) : input.snapshot[list];
      expect(written, list).toHaveLength(given.length);
      expect(written, list).toEqual(expect.arrayContaining(given));
    }
  });

  it('sorts every list: systems, accounts, grants by their identifying fields', () => {
    expect(inventory.systems.map((s) => s.system)).toEqual(['aws', 'github', 'slack']);
    expect(inventory.accounts.map((a) => `${a.system}/${a.id}`)).toEqual([
      'aws/arn:aws:iam::111111111111:user/sam-ortiz',
      'github/dana-w',
      'github/northwind-admin',
      'github/old-intern',
      'github/quickfix-dev',
      'github/samortiz',
    ]);
    expect(inventory.grants.map((g) => `${g.account} ${g.resource}`)).toEqual([
      'arn:aws:iam::111111111111:user/sam-ortiz 111111111111',
      'dana-w northwind',
      'northwind-admin northwind',
      'old-intern northwind/shop',
      'quickfix-dev northwind/shop',
      'quickfix-dev northwind/storefront',
      'samortiz northwind/infra',
      'samortiz northwind/shop',
    ]);
  });

  it('writes every record with the model’s key order, whatever order it was built in', () => {
    const scrambled = demoInput();
    scrambled.snapshot.accounts = scrambled.snapshot.accounts.map(
      (a) => Object.fromEntries(Object.entries(a).reverse()) as typeof a,
    );
    expect(renderReport('inventory', scrambled)).toBe(text);
    expect(Object.keys(inventory.accounts[0]!).slice(0, 4)).toEqual(['system', 'target', 'id', 'login']);
  });

  it('writes keys outside the model after its own, by name, a "__proto__" among them as data', () => {
    const odd = demoInput();
    const [first, ...rest] = odd.snapshot.grants;
    // JSON.parse and spreading keep "__proto__" an own key, as a record read from a file would.
    odd.snapshot.grants = [
      { ...first!, ...JSON.parse('{"zeta": 1, "__proto__": {"x": true}, "alpha": "a"}') },
      ...rest,
    ];
    const written = parse(renderReport('inventory', odd)).grants.find((g) => Object.hasOwn(g, 'zeta'))!;
    expect(Object.keys(written).slice(-3)).toEqual(['__proto__', 'alpha', 'zeta']);
    expect(Object.keys(written).slice(0, 3)).toEqual(['system', 'target', 'account']);
    expect(Object.getPrototypeOf(written)).toBe(Object.prototype);
  });

  it('writes records read back from it as they are, and lists inside a record in their order', () => {
    // Parsed back, each record is in canonical form already: written as it is, the same bytes.
    expect(renderReport('inventory', { ...input, snapshot: inventory })).toBe(text);
    // Keys in the model's order, but lists and attributes out of theirs: still put in order.
    const inModelOrder = <T extends object>(record: T, model: { shape: object }): T => {
      const fields = record as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(model.shape)
          .filter((k) => fields[k] !== undefined)
          .map((k) => [k, fields[k]]),
      ) as T;
    };
    // One list out of order at a time: a record is copied into its form if any one is.
    const withFields = (lanes: Lane[], keys: string[], names: string[]) => {
      const copy = demoInput();
      const attributes = Object.fromEntries(keys.map((n) => [n, n.toUpperCase()]));
      const [grant, ...grants] = copy.snapshot.grants;
      const [account, ...accounts] = copy.snapshot.accounts;
      copy.snapshot.grants = [inModelOrder({ ...grant!, lanes, attributes }, GrantSchema), ...grants];
      const emails = names.map((n) => `${n}@x.example`);
      copy.snapshot.accounts = [
        inModelOrder({ ...account!, emails, identities: names, attributes }, AccountSchema),
        ...accounts,
      ];
      return renderReport('inventory', copy);
    };
    const abc = ['a', 'b', 'c'];
    const ordered = withFields(['code', 'production'], abc, abc);
    expect(withFields(['production', 'code'], abc, abc)).toBe(ordered);
    expect(withFields(['code', 'production'], ['c', 'a', 'b'], abc)).toBe(ordered);
    expect(withFields(['code', 'production'], abc, ['b', 'a', 'c'])).toBe(ordered);
    expect(ordered).toContain('"lanes":["code","production"]');
    expect(ordered).toContain('"emails":["a@x.example","b@x.example","c@x.example"]');
    expect(ordered).toContain('"identities":["a","b","c"]');
    expect(ordered).toContain('"attributes":{"a":"A","b":"B","c":"C"}');
  });

  it('gives the same bytes for the same records in any order', () => {
    expect(renderReport('inventory', shuffled(input))).toBe(text);
  });
});
