// The registry lists exactly the rule files, each rule's id is its file name, and each has its test.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../../src/core/finding.js';
import { allRules, ruleById } from '../../src/rules/index.js';
import type { Rule } from '../../src/rules/types.js';

const rulesDir = fileURLToPath(new URL('../../src/rules/', import.meta.url));
const testsDir = fileURLToPath(new URL('./', import.meta.url));

const ruleFiles = readdirSync(rulesDir)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'types.ts')
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

describe('rule registry', () => {
  it('lists exactly the rule files in src/rules/', () => {
    expect(allRules.map((r) => r.id).sort()).toEqual(ruleFiles);
  });

  it('has no duplicate ids or aliases', () => {
    const names = allRules.flatMap((r) => [r.id, ...(r.aliases ?? [])]);
    expect(names.length).toBe(new Set(names).size);
  });

  it.each(ruleFiles)('%s has its test file', (id) => {
    expect(existsSync(`${testsDir}${id}.test.ts`)).toBe(true);
  });

  it.each(ruleFiles)('%s has its section in src/rules/README.md', (id) => {
    expect(readFileSync(`${rulesDir}README.md`, 'utf8')).toContain(`\n### ${id}\n`);
  });

  it.each(ruleFiles)('%s exports the rule its file is named after', async (id) => {
    const module = (await import(/* @vite-ignore */ pathToFileURL(`${rulesDir}${id}.ts`).href)) as Record<
      string,
      unknown
    >;
    const exported = Object.values(module).filter(
      (v): v is Rule => typeof v === 'object' && v !== null && 'evaluate' in v && 'id' in v,
    );
    expect(exported.map((r) => r.id)).toEqual([id]);
    expect(ruleById(id)).toBe(exported[0]);
  });

  it.each(allRules.map((r) => [r.id, r] as const))('%s carries its metadata', (_id, rule) => {
    expect(rule.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(SEVERITIES).toContain(rule.severity);
    for (const text of [rule.title, rule.why, rule.remediation]) expect(text.trim().length).toBeGreaterThan(10);
    expect(rule.why).not.toContain('\n');
  });

  it('lists every rule of DESIGN.md, drift included', () => {
    for (const id of [
      'shared-admin-account',
      'expired-access-active',
      'multiple-lanes',
      'unapproved-access',
      'drift',
    ]) {
      expect(ruleById(id)?.id).toBe(id);
    }
  });
});
