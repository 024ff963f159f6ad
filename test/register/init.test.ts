// register init: a draft from a scan that `register check` rejects, naming each open answer and
// its line, until the answers are filled in; then it passes and links every person's accounts.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { connectors } from '../../connectors/index.js';
import { runRegisterInit } from '../../src/app/commands/register.js';
import { PolicySchema } from '../../src/core/config.js';
import { evaluate } from '../../src/pipeline/evaluate/index.js';
import { checkRegisterFile, loadRegister } from '../../src/pipeline/register/index.js';
import { draftRegister } from '../../src/pipeline/register/init.js';
import { tempDir } from '../cli/harness.js';
import { NOW, snapshot } from '../offboard/fixture.js';
import { day } from '../support/builders.js';

const knownSystems = connectors.map((c) => c.id);
let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const draft = draftRegister({
  snapshot: snapshot(),
  organization: 'Northwind Supply',
  employeeDomains: ['northwind.example'],
  now: NOW,
});

describe('draftRegister', () => {
  it('makes one person per human, joined across systems by email, with the reason in a comment', () => {
    const doc = parseDocument(draft.text);
    const people = doc.toJS().people as { id: string; kind: string; accounts: Record<string, unknown> }[];
    expect(people.map((p) => p.id)).toEqual(['dana', 'ops-admin', 'sam', 'sam-ortiz']);
    expect(people.find((p) => p.id === 'sam')!.accounts).toEqual({
      gcp: 'sam@ortiz.dev',
      github: 'samortiz',
      slack: 'sam.ortiz',
    });
    expect(draft.text).toContain('  # one person because they share the email sam@ortiz.dev\n  - id: sam\n');
    expect(draft.text).toContain(
      "    kind: employee # confirm: guessed from the email domain northwind.example; an employee's access is approved by employment, so no grants are drafted\n",
    );
    // Nothing to decide for an employee: no grants, so no TODO to answer.
    const dana = (doc.toJS().people as { id: string; grants?: unknown; owner?: unknown }[]).find(
      (p) => p.id === 'dana',
    )!;
    expect(dana.grants).toBeUndefined();
    expect(dana.owner).toBeUndefined();
    expect(draft.text).toContain("    kind: contractor # confirm: guessed, no email in the company's domains\n");
    expect(draft.summary).toEqual({
      people: 4,
      employees: 1,
      contractors: 3,
      sharedAccounts: 2,
      grants: 6,
      skipped: 0,
    });
  });

  it('is the same text for the same scan, whatever the order of its records', () => {
    const s = snapshot();
    const shuffled = { ...s, accounts: [...s.accounts].reverse(), grants: [...s.grants].reverse() };
    const again = draftRegister({
      snapshot: shuffled,
      organization: 'Northwind Supply',
      employeeDomains: ['northwind.example'],
      now: NOW,
    });
    expect(again.text).toBe(draft.text);
  });

  it('fails register check with every open answer, by field and line', async () => {
    const path = join(dir, 'draft.yaml');
    await writeFile(path, draft.text);
    const check = await checkRegisterFile(path, knownSystems);
    expect(check.ok).toBe(false);
    expect(new Set(check.problems.map((p) => p.code))).toEqual(new Set(['LK_REGISTER_PLACEHOLDER']));
    const lines = draft.text.split('\n');
    for (const p of check.problems) {
      // Each problem points at the line that holds the TODO it names.
      expect(lines[p.line! - 1], `${p.field}`).toMatch(/: TODO$/);
      expect(lines[p.line! - 1]!.replace(/^\s*(- )?/, '').split(':')[0]).toBe(p.field!.split('.').at(-1));
    }
    const byField = Object.fromEntries(check.problems.map((p) => [p.field, p.message]));
    expect(byField['people[1].owner']).toBe('the owner (the employee who owns the approvals) is still "TODO"');
    expect(byField['people[2].grants[0].task']).toBe('the task (what the access is for) is still "TODO"');
    expect(byField['people[2].grants[0].end']).toBe('the end date (the last day of access) is still "TODO"');
    expect(byField['shared_accounts[0].owner']).toBe('the owner (the employee who owns the approvals) is still "TODO"');
    expect(byField['shared_accounts[1].purpose']).toBe('the purpose is still "TODO"');
    // 6 contractors' grants × (task, end) + 3 contractors' owners + 2 shared accounts × (owner, purpose).
    expect(check.problems).toHaveLength(6 * 2 + 3 + 2 * 2);
  });

  it('passes once the answers are filled in, and then links every human account', async () => {
    const doc = parseDocument(draft.text);
    const people = doc.get('people') as { items: unknown[] };
    people.items.forEach((_, i) => {
      if (doc.getIn(['people', i, 'owner']) === 'TODO') doc.setIn(['people', i, 'owner'], 'dana');
      const grants = (doc.getIn(['people', i, 'grants']) as { items: unknown[] } | undefined)?.items ?? [];
      grants.forEach((_, j) => {
        doc.setIn(['people', i, 'grants', j, 'task'], 'Keep the shop running');
        doc.setIn(['people', i, 'grants', j, 'end'], day(30));
      });
    });
    for (const k of [0, 1]) {
      doc.setIn(['shared_accounts', k, 'owner'], 'dana');
      doc.setIn(['shared_accounts', k, 'purpose'], 'Deploys from CI');
    }
    const path = join(dir, 'filled.yaml');
    await writeFile(path, doc.toString());
    const check = await checkRegisterFile(path, knownSystems);
    expect(check.problems).toEqual([]);
    expect(check.ok).toBe(true);
    // Comments written by init survive the edit.
    expect(await readFile(path, 'utf8')).toContain('# one person because they share the email sam@ortiz.dev');

    const { register } = await loadRegister(path, { knownSystems });
    const evaluation = evaluate({ snapshot: snapshot(), register, policy: PolicySchema.parse({}), now: NOW });
    const humans = snapshot()
      .accounts.filter((a) => a.kind === 'human')
      .map((a) => a.id);
    expect(evaluation.unlinked.filter((u) => humans.includes(u.account))).toEqual([]);
    // Every live grant is approved by the filled draft: nothing unapproved or expired.
    const rules = new Set(evaluation.findings.map((f) => f.rule));
    expect(rules.has('unapproved-access')).toBe(false);
    expect(rules.has('expired-access-active')).toBe(false);
  });
});

describe('runRegisterInit', () => {
  it('writes the draft from a saved inventory and never overwrites without --force', async () => {
    const inventoryPath = join(dir, 'inventory.json');
    await writeFile(inventoryPath, JSON.stringify(snapshot()));
    const outPath = join(dir, 'register.yaml');
    const io = { out: '', err: '' };
    const write = { stdout: (t: string) => (io.out += t), stderr: (t: string) => (io.err += t) };
    const options = { inventoryPath, outPath, employeeDomains: ['northwind.example'], now: NOW, env: {} };
    expect(await runRegisterInit(options, write)).toBe(0);
    expect(io.out).toContain(
      'drafted 4 people (1 employees, 3 contractors, to confirm), 6 grants and 2 shared accounts',
    );
    const text = await readFile(outPath, 'utf8');
    expect(text).toBe(draft.text.replace('organization: Northwind Supply', 'organization: TODO'));

    expect(await runRegisterInit(options, write)).toBe(2);
    expect(io.err).toContain('exists; pass --force to replace it');
    expect(await runRegisterInit({ ...options, force: true }, write)).toBe(0);
    expect(await runRegisterInit({ outPath, now: NOW, env: {} }, write)).toBe(2);
  });
});
