import { describe, expect, it } from 'vitest';
import { applyPatch } from '../../src/core/json-patch.js';

describe('applyPatch', () => {
  const doc = { repos: [{ name: 'shop', collaborators: [{ login: 'a', permission: 'pull' }] }], org: { 'a/b': 1 } };

  it('adds, appends, replaces and removes without touching the input', () => {
    const out = applyPatch(doc, [
      { op: 'add', path: '/repos/0/collaborators/-', value: { login: 'b', permission: 'push' } },
      { op: 'replace', path: '/repos/0/collaborators/0/permission', value: 'push' },
      { op: 'add', path: '/org/new', value: true },
      { op: 'remove', path: '/org/a~1b' },
    ]);
    expect(out).toEqual({
      repos: [
        {
          name: 'shop',
          collaborators: [
            { login: 'a', permission: 'push' },
            { login: 'b', permission: 'push' },
          ],
        },
      ],
      org: { new: true },
    });
    expect(doc.repos[0]?.collaborators).toHaveLength(1);
  });

  it('refuses paths that name nothing, so a stale patch fails loudly', () => {
    expect(() => applyPatch(doc, [{ op: 'replace', path: '/repos/5/name', value: 'x' }])).toThrow(/nothing at "5"/);
    expect(() => applyPatch(doc, [{ op: 'replace', path: '/org/missing', value: 1 }])).toThrow(/no member/);
    expect(() => applyPatch(doc, [{ op: 'remove', path: '/repos/3' }])).toThrow(/no index 3/);
  });
});
