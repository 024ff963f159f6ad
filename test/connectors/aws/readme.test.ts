// The README's least-privilege policies must allow every operation the connector calls,
// and only read-only ones: checked with the connector's own policy evaluator.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { globMatches } from '../../../connectors/aws/evaluator.js';
import { AWS_OPERATIONS } from '../../../connectors/aws/operations.js';
import { listOf, PolicyDocumentSchema, statementsOf } from '../../../connectors/aws/policy.js';

describe('aws README least-privilege policy', async () => {
  const readme = await readFile(join(import.meta.dirname, '../../../connectors/aws/README.md'), 'utf8');
  const documents = [...readme.matchAll(/```json\n([\s\S]*?)```/g)]
    // The configuration example is a fragment of a config file, not a document of its own.
    .filter((m) => (m[1] as string).startsWith('{'))
    .map((m) => JSON.parse(m[1] as string) as unknown)
    .filter((d) => PolicyDocumentSchema.safeParse(d).success)
    .map((d) => PolicyDocumentSchema.parse(d));
  const permissionPolicies = documents.filter((d) => statementsOf(d).every((s) => s.Principal === undefined));
  const allowed = permissionPolicies.flatMap((d) => statementsOf(d).flatMap((s) => listOf(s.Action)));

  it('holds the audit role, its trust policy and the scanner policy as JSON ready to paste', () => {
    expect(permissionPolicies).toHaveLength(2);
    expect(documents).toHaveLength(3);
  });

  it('allows every operation the connector calls', () => {
    // GetCallerIdentity needs no permission.
    for (const op of AWS_OPERATIONS.filter((o) => o !== 'sts:GetCallerIdentity'))
      expect(
        allowed.some((a) => globMatches(a, op)),
        op,
      ).toBe(true);
  });

  it('names no action the connector does not call and no wildcard', () => {
    for (const action of allowed) {
      expect(action).not.toContain('*');
      expect(AWS_OPERATIONS as readonly string[]).toContain(action);
    }
  });
});
