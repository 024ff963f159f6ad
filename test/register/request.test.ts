// `lanekeeper request`: one approval appended to a person's grants; every other byte of the
// register (comments, quoting, flow lists, blank lines) is left exactly as it was.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { runRequest } from '../../src/app/commands/request.js';
import { DEMO_DIR } from '../../src/app/demo.js';
import { InputError } from '../../src/core/errors.js';
import { loadRegister } from '../../src/pipeline/register/index.js';
import { appendGrant, type GrantRequest } from '../../src/pipeline/register/request.js';
import { tempDir } from '../cli/harness.js';
import { NOW } from '../support/builders.js';

const knownSystems = connectors.map((c) => c.id);
const DEMO = join(DEMO_DIR, 'register.yaml');

const base: Omit<GrantRequest, 'person'> = {
  task: 'Review the returns page copy',
  system: 'github',
  scope: 'northwind/storefront',
  lane: 'code',
  access: 'read',
  start: '2026-12-01',
  end: '2026-12-12',
  ticket: 'WEB-101',
};

/** The original is the result with the inserted lines taken out (and the replaced span put back). */
function expectUntouched(original: string, result: { text: string; at: number; replaced: number; inserted: string }) {
  expect(result.text.slice(0, result.at)).toBe(original.slice(0, result.at));
  expect(result.text.slice(result.at + result.inserted.length)).toBe(original.slice(result.at + result.replaced));
}

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('appendGrant', () => {
  it("appends after the person's last grant and keeps every other byte of the demo register", async () => {
    const original = await readFile(DEMO, 'utf8');
    const result = appendGrant(original, { person: 'mia', ...base }, { knownSystems, path: DEMO, relativeDates: NOW });
    expect(result.replaced).toBe(0);
    expectUntouched(original, result);
    expect(result.inserted).toBe(
      [
        '      - task: Review the returns page copy',
        '        system: github',
        '        scope: northwind/storefront',
        '        lane: code',
        '        access: read',
        '        start: 2026-12-01',
        '        end: 2026-12-12',
        '        ticket: WEB-101',
        '',
      ].join('\n'),
    );
    // Right after mia's last grant, before the comment that introduces the next person.
    expect(result.text.slice(0, result.at)).toMatch(/ticket: WEB-77\n$/);
    expect(result.text.slice(result.at + result.inserted.length)).toMatch(/^\n {2}# A QA tester/);
  });

  it('creates the grants list of a person who has none, after their last field', () => {
    const original =
      'organization: X # the company\npeople:\n  - id: dana\n    name: Dana\n    kind: employee\n    emails: [dana@x.example]   # work address\n\n  # next\n  - id: lee\n    name: Lee\n    kind: employee\n';
    const result = appendGrant(original, { person: 'dana', ...base }, { knownSystems, path: 'r.yaml' });
    expectUntouched(original, result);
    expect(result.text).toContain('    emails: [dana@x.example]   # work address\n    grants:\n      - task: Review');
  });

  it('turns an empty flow list into a block, keeping its comment on the line', () => {
    const original =
      "organization: X\npeople:\n  - id: sam\n    name: 'Sam'\n    kind: employee\n    grants: []   # none yet\n    emails: [sam@x.example]\n";
    const result = appendGrant(
      original,
      { person: 'sam', ...base, scope: ['northwind/a', 'northwind/b'] },
      { knownSystems, path: 'r.yaml' },
    );
    expectUntouched(original, result);
    expect(result.text).toBe(
      "organization: X\npeople:\n  - id: sam\n    name: 'Sam'\n    kind: employee\n    grants: # none yet\n      - task: Review the returns page copy\n        system: github\n        scope: [ northwind/a, northwind/b ]\n        lane: code\n        access: read\n        start: 2026-12-01\n        end: 2026-12-12\n        ticket: WEB-101\n    emails: [sam@x.example]\n",
    );
  });

  it('keeps CRLF line endings and a file without a final newline', () => {
    const original = 'organization: X\r\npeople:\r\n  - id: sam\r\n    name: Sam\r\n    kind: employee';
    const result = appendGrant(original, { person: 'sam', ...base }, { knownSystems, path: 'r.yaml' });
    expectUntouched(original, result);
    expect(result.inserted.startsWith('\r\n    grants:\r\n      - task:')).toBe(true);
    expect(result.text.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('refuses an unknown person, naming the known ones', () => {
    const original =
      'organization: X\npeople:\n  - id: sam\n    name: Sam\n    kind: employee\n  - id: lee\n    name: Lee\n    kind: employee\n';
    expect(() => appendGrant(original, { person: 'samm', ...base }, { knownSystems, path: 'r.yaml' })).toThrow(
      /--person: "samm" is not a person in the register; known: lee, sam/,
    );
  });

  it('refuses invalid values, each by its option, all at once', () => {
    const original = 'organization: X\npeople:\n  - id: sam\n    name: Sam\n    kind: employee\n';
    try {
      appendGrant(
        original,
        { person: 'sam', ...base, lane: 'ops', access: 'root', end: '2026-02-30', system: 'gitlab' },
        { knownSystems, path: 'r.yaml' },
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      const messages = (e as InputError).problems.map((p) => p.message);
      expect(messages.some((m) => m.startsWith('--lane:'))).toBe(true);
      expect(messages.some((m) => m.startsWith('--access:'))).toBe(true);
      expect(messages).toContain('--end: "2026-02-30" is not a real calendar date');
      expect(messages.some((m) => m.startsWith('--system: "gitlab" is not a known system'))).toBe(true);
    }
  });

  it('refuses a result the register loader rejects (an end before the start)', () => {
    const original = 'organization: X\npeople:\n  - id: sam\n    name: Sam\n    kind: employee\n';
    expect(() =>
      appendGrant(original, { person: 'sam', ...base, end: '2026-11-01' }, { knownSystems, path: 'r.yaml' }),
    ).toThrow(/LK_REGISTER_END_BEFORE_START/);
  });
});

describe('runRequest', () => {
  it('writes the demo register with the new grant, which then loads', async () => {
    const path = join(dir, 'register.yaml');
    const original = await readFile(DEMO, 'utf8');
    await writeFile(path, original);
    let stdout = '';
    const code = await runRequest(
      {
        registerPath: path,
        person: 'olga',
        ...base,
        system: 'aws',
        scope: 'northwind-production',
        lane: 'production',
        relativeDates: NOW,
      },
      { stdout: (t) => (stdout += t), stderr: () => {} },
    );
    expect(code).toBe(0);
    expect(stdout).toContain("added to olga's grants: read on northwind-production (aws, production lane)");
    const written = await readFile(path, 'utf8');
    // The original with the new grant after olga's last one, and nothing else changed.
    const after = original.indexOf('        ticket: OPS-31\n') + '        ticket: OPS-31\n'.length;
    const block = [
      '      - task: Review the returns page copy',
      '        system: aws',
      '        scope: northwind-production',
      '        lane: production',
      '        access: read',
      '        start: 2026-12-01',
      '        end: 2026-12-12',
      '        ticket: WEB-101',
      '',
    ].join('\n');
    expect(written).toBe(original.slice(0, after) + block + original.slice(after));
    for (const comment of original.split('\n').filter((l) => l.trim().startsWith('#')))
      expect(written).toContain(comment);
    const loaded = await loadRegister(path, { knownSystems, relativeDates: NOW });
    expect(loaded.register.people.find((p) => p.id === 'olga')!.grants.at(-1)).toMatchObject({
      system: 'aws',
      scope: 'northwind-production',
      end: '2026-12-12',
    });
  });

  it('exits 2 and writes nothing when refused', async () => {
    const path = join(dir, 'refused.yaml');
    const original = await readFile(DEMO, 'utf8');
    await writeFile(path, original);
    let stderr = '';
    const code = await runRequest(
      { registerPath: path, person: 'nobody', ...base, relativeDates: NOW },
      { stdout: () => {}, stderr: (t) => (stderr += t) },
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/known: dana, fatima, jun, kai, lee, mia, olga, omar, pete, priya, rita, sam/);
    expect(stderr).toContain('nothing was written');
    expect(await readFile(path, 'utf8')).toBe(original);
  });
});
