// Registers that must load: the demo's, the example at the root, and the cases the rules (not
// the loader) judge. Plus the locating helpers the rest of lanekeeper uses.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import type { Snapshot } from '../../src/core/model.js';
import { incompleteEntries, loadRegister, parseRegister, scopeWarnings } from '../../src/pipeline/register/index.js';

const ROOT = join(import.meta.dirname, '../..');
const KNOWN_SYSTEMS = ['github', 'aws', 'gcp', 'slack'];
const NOW = new Date('2026-11-29T09:00:00Z');

function parse(text: string) {
  return parseRegister(text, { path: 'register.yaml', knownSystems: KNOWN_SYSTEMS });
}

function refused(text: string): InputError {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('the register loaded');
}

const SMALL = `organization: Acme
people:
  - id: dana
    name: Dana Whitfield
    kind: employee
  - id: sam
    name: Sam Ortiz
    kind: contractor
    owner: dana
    grants:
      - task: Fix the payment step that fails on some phones
        system: github
        scope: acme/shop
        lane: code
        access: write
        start: 2026-05-04
        end: 2026-05-08
`;

describe('registers that load', () => {
  it('loads the demo register with its relative dates resolved', async () => {
    const loaded = await loadRegister(join(ROOT, 'examples/demo/register.yaml'), {
      knownSystems: KNOWN_SYSTEMS,
      relativeDates: NOW,
    });
    expect(loaded.problems).toEqual([]);
    expect(loaded.register.organization).toBe('Northwind Supply');
    const sam = loaded.register.people.find((p) => p.id === 'sam');
    expect(sam?.grants[0]?.end).toBe('2026-05-31'); // $today-182d
    expect(loaded.source.text).not.toContain('$today');
  });

  it('refuses the demo register without relativeDates, and says why', async () => {
    const error = await loadRegister(join(ROOT, 'examples/demo/register.yaml'), {
      knownSystems: KNOWN_SYSTEMS,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const first = (error as InputError).problems[0];
    expect(first).toMatchObject({ code: 'LK_REGISTER_BAD_DATE', field: 'people[3].start' });
    expect(first?.fix).toContain('relative dates');
  });

  it('loads register.example.yaml without a single problem', async () => {
    const loaded = await loadRegister(join(ROOT, 'register.example.yaml'), { knownSystems: KNOWN_SYSTEMS });
    expect(loaded.problems).toEqual([]);
    const r = loaded.register;
    expect(r.people.length).toBeGreaterThanOrEqual(3);
    expect(r.shared_accounts.length).toBeGreaterThan(0);
    expect(r.groups.length).toBeGreaterThan(0);
    expect(r.accepted_risks.length).toBeGreaterThan(0);
    expect(r.people.some((p) => p.lanes_exception)).toBe(true);
  });

  it('loads the same register written as JSON', () => {
    const json = JSON.stringify({
      organization: 'Acme',
      people: [{ id: 'dana', name: 'Dana', kind: 'employee', emails: ['Dana@Acme.example'] }],
    });
    const loaded = parseRegister(json, { path: 'register.json', knownSystems: KNOWN_SYSTEMS });
    expect(loaded.register.people[0]?.emails).toEqual(['dana@acme.example']);
  });

  it('leaves a missing contractor owner, an open-ended grant and a vague task to the rules', () => {
    const text = SMALL.replace('    owner: dana\n', '')
      .replace('        end: 2026-05-08\n', '')
      .replace('Fix the payment step that fails on some phones', 'Fixes');
    const loaded = parse(text);
    expect(loaded.problems).toEqual([]);
    expect(loaded.register.people[1]?.owner).toBeUndefined();
  });

  it('allows an owner on an employee', () => {
    const text = SMALL.replace('    kind: employee\n', '    kind: employee\n    owner: dana\n');
    expect(parse(text).problems).toEqual([]);
  });

  it('does not take a task that mentions TODO for a placeholder', () => {
    const loaded = parse(SMALL.replace('Fix the payment step that fails on some phones', 'Fix the TODO list page'));
    expect(loaded.problems).toEqual([]);
  });

  it('accepts a few anchors and aliases', () => {
    const text = `organization: Acme
people:
  - id: dana
    name: Dana
    kind: employee
    emails: &emails [dana@acme.example]
  - id: lee
    name: Lee
    kind: employee
    accounts: { github: *emails }
`;
    expect(parse(text).register.people[1]?.accounts.github).toEqual(['dana@acme.example']);
  });

  it('loads a grant that outlasts the engagement, and names it as incomplete, located', () => {
    const text = SMALL.replace('    owner: dana\n', '    owner: dana\n    start: 2026-05-01\n    end: 2026-05-06\n');
    const loaded = parse(text);
    expect(loaded.problems).toEqual([]);
    const incomplete = incompleteEntries(loaded.register).map((e) => loaded.toProblem(e));
    expect(incomplete).toMatchObject([
      { code: 'LK_REGISTER_GRANT_OUTLASTS_ENGAGEMENT', line: 19, field: 'people[1].grants[0].end' },
    ]);
  });

  it('refuses an unknown owner whatever else the entry lacks', () => {
    const text = SMALL.replace('    owner: dana\n', '    owner: nobody\n    start: 2026-05-01\n    end: 2026-05-06\n');
    expect(refused(text).problems.map((p) => p.code)).toEqual(['LK_REGISTER_OWNER_UNKNOWN']);
  });
});

describe('lineOf', () => {
  const loaded = parse(SMALL);
  it('finds the line of a field by text or by path', () => {
    expect(loaded.lineOf('people[1].owner')).toBe(9);
    expect(loaded.lineOf(['people', 1, 'grants', 0, 'end'])).toBe(17);
    expect(loaded.lineOf('organization')).toBe(1);
  });
  it('falls back to the nearest ancestor for a field that is not written', () => {
    expect(loaded.lineOf('people[1].grants[0].ticket')).toBe(11);
  });
});

describe('scope warnings', () => {
  const loaded = parse(SMALL.replace('scope: acme/shop', 'scope: [acme/shop, acme/gone]'));
  const snapshot = (ok: boolean): Snapshot => ({
    schemaVersion: 1,
    collectedAt: NOW.toISOString(),
    systems: [
      {
        system: 'github',
        target: 'acme',
        ok,
        warnings: [],
        gaps: [],
        calls: 1,
        durationMs: 1,
        collectedAt: NOW.toISOString(),
      },
    ],
    accounts: [],
    grants: [
      {
        system: 'github',
        target: 'acme',
        account: 'sam',
        resource: 'acme/shop',
        permission: 'push',
        via: 'direct',
        lanes: ['code'],
        level: 'write',
      },
    ],
    credentials: [],
    secrets: [],
  });

  it('warns about a scope that matches nothing the scan found, with its line', () => {
    expect(scopeWarnings(loaded, snapshot(true))).toMatchObject([
      { code: 'LK_REGISTER_SCOPE_UNMATCHED', severity: 'warning', line: 13, field: 'people[1].grants[0].scope[1]' },
    ]);
  });

  it('says nothing about a system that failed', () => {
    expect(scopeWarnings(loaded, snapshot(false))).toEqual([]);
  });

  it('reads a scope exactly as coverage does: case-insensitive, and a lone "*" crossing slashes', () => {
    const same = parse(SMALL.replace('scope: acme/shop', 'scope: [ACME/Shop, "*"]'));
    const snap = snapshot(true);
    snap.grants[0] = { ...snap.grants[0]!, resource: 'acme/shop/sub' };
    // "ACME/Shop" names nothing here ("acme/shop/sub" is deeper); "*" names everything.
    expect(scopeWarnings(same, snap).map((w) => w.field)).toEqual(['people[1].grants[0].scope[0]']);
    snap.grants[0] = { ...snap.grants[0]!, resource: 'acme/shop' };
    expect(scopeWarnings(same, snap)).toEqual([]);
  });

  it('skips grants that have ended', () => {
    expect(scopeWarnings(loaded, snapshot(true), NOW)).toEqual([]);
  });

  it('matches account names given as aliases', async () => {
    const text = await readFile(join(ROOT, 'register.example.yaml'), 'utf8');
    const example = parseRegister(text, { path: 'register.example.yaml', knownSystems: KNOWN_SYSTEMS });
    const snap = snapshot(true);
    snap.systems.push({ ...snap.systems[0]!, system: 'aws', target: '111111111111' });
    snap.grants.push({
      ...snap.grants[0]!,
      system: 'aws',
      target: '111111111111',
      resource: '111111111111',
      attributes: { aliases: ['example-logs'] },
    });
    const aws = scopeWarnings(example, snap).filter((w) => w.message.includes('aws'));
    // "example-logs" matched through the alias; the 12-digit id of another account did not.
    expect(aws.map((w) => w.message)).toEqual(['"222222222222" matches nothing the aws scan found']);
  });
});
