import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.js';

describe('connector registry', () => {
  it('lists exactly the connector folders on disk, each with its README and tests', async () => {
    const root = join(import.meta.dirname, '../../connectors');
    const folders: string[] = [];
    for (const entry of await readdir(root)) if ((await stat(join(root, entry))).isDirectory()) folders.push(entry);
    expect(connectors.map((c) => c.id).sort()).toEqual(folders.sort());
    for (const id of folders) {
      expect((await stat(join(root, id, 'README.md'))).isFile(), `${id}/README.md`).toBe(true);
      expect((await stat(join(import.meta.dirname, id))).isDirectory(), `test/connectors/${id}`).toBe(true);
    }
  });

  it('declares only read-only operations', () => {
    const mutating = /\b(create|update|delete|put|patch|remove|add|set|attach|detach|invite|kick|archive)/i;
    for (const c of connectors) {
      expect(c.operations.length, c.id).toBeGreaterThan(0);
      for (const op of c.operations) {
        // GitHub's GraphQL endpoint is a POST that our connector only sends queries to.
        if (op === 'POST /graphql') continue;
        expect(op, `${c.id}: ${op}`).not.toMatch(/^(POST|PUT|PATCH|DELETE) /);
        expect(op.replace(/^GET /, ''), `${c.id}: ${op}`).not.toMatch(mutating);
      }
    }
  });
});
