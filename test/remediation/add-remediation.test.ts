// addRemediation(): findings get their system's commands from the records of their account.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import type { ConnectorRemediation } from '../../src/core/remediation.js';
import { credentialCreated } from '../../src/pipeline/drift.js';
import { buildContext, evaluate } from '../../src/pipeline/evaluate/index.js';
import { addRemediation } from '../../src/pipeline/remediation.js';
import {
  account,
  approval,
  contractor,
  credential,
  dana,
  day,
  evaluationInput,
  grant,
  instant,
  register,
} from '../support/builders.js';

const USER = 'arn:aws:iam::111111111111:user/sam';

function scene() {
  return evaluationInput({
    accounts: [
      account({ id: 'sam', role: 'outside-collaborator' }),
      account({ id: 'omar', role: 'outside-collaborator' }),
      account({ id: 'ghost', emails: ['ghost@nowhere.example'] }),
      account({ id: 'rita', role: 'outside-collaborator' }),
      account({ system: 'aws', target: '111111111111', id: USER, login: 'sam' }),
    ],
    grants: [
      grant({ account: 'sam', resource: 'northwind/shop' }),
      grant({ account: 'omar', resource: 'northwind/shop' }),
      grant({ account: 'ghost', resource: 'northwind/infra' }),
      grant({ account: 'rita', resource: 'northwind/infra' }),
    ],
    credentials: [
      credential({ account: USER, id: 'AKIAIOSFODNN7EXAMPLE', createdAt: instant(-300), lastUsedAt: instant(-200) }),
    ],
    register: register({
      people: [
        dana,
        contractor('sam', {
          accounts: { github: 'sam', aws: 'sam' },
          grants: [approval({ start: day(-40), end: day(-10) })],
        }),
        contractor('omar', { grants: [approval({ access: 'read' })] }),
        // Write on infra ended; read on it goes on.
        contractor('rita', {
          accounts: { github: 'rita' },
          grants: [
            approval({ scope: 'northwind/infra', end: day(-2) }),
            approval({ scope: 'northwind/infra', access: 'read', start: day(-2) }),
          ],
        }),
      ],
    }),
  });
}

function byRule(findings: Finding[], rule: string, account: string): Finding {
  const found = findings.find((f) => f.rule === rule && f.account === account);
  expect(found, `${rule} on ${account}`).toBeDefined();
  return found!;
}

describe('addRemediation', () => {
  const input = scene();
  const evaluation = evaluate(input);
  const findings = addRemediation(evaluation.findings, buildContext(input));

  it('removes access that outlived its approval', () => {
    const f = byRule(findings, 'expired-access-active', 'sam');
    expect(f.remediation.commands).toContain('gh api --method DELETE repos/northwind/shop/collaborators/sam');
    // The rule's own steps stay first.
    expect(f.remediation.steps[0]).toBe(
      byRule(evaluation.findings, 'expired-access-active', 'sam').remediation.steps[0],
    );
  });

  it('lowers a permission above the approved level instead of removing it', () => {
    const f = byRule(findings, 'unapproved-access', 'omar');
    expect(f.remediation.commands).toEqual([
      'gh api --method PUT repos/northwind/shop/collaborators/omar -f permission=pull',
    ]);
  });

  it('lowers write kept after its approval ended to the read approval still in effect', () => {
    const f = byRule(findings, 'expired-access-active', 'rita');
    expect(f.remediation.steps[0]).toBe("Lower rita's access on northwind/infra to read, which is still approved.");
    expect(f.remediation.commands).toEqual([
      'gh api --method PUT repos/northwind/infra/collaborators/rita -f permission=pull',
    ]);
  });

  it('deactivates and deletes a stale key, and removes an unknown account', () => {
    const stale = byRule(findings, 'stale-credential', USER);
    expect(stale.remediation.commands).toEqual([
      'aws iam update-access-key --user-name=sam --access-key-id=AKIAIOSFODNN7EXAMPLE --status=Inactive',
      'aws iam delete-access-key --user-name=sam --access-key-id=AKIAIOSFODNN7EXAMPLE',
    ]);
    const unknown = byRule(findings, 'unknown-account', 'ghost');
    expect(unknown.remediation.commands).toEqual(['gh api --method DELETE repos/northwind/infra/collaborators/ghost']);
  });

  it('leaves register findings, and systems without a module, as the rule wrote them', () => {
    const register = findings.filter((f) => f.system === 'register');
    expect(register).toEqual(evaluation.findings.filter((f) => f.system === 'register'));
    const none = addRemediation(evaluation.findings, buildContext(input), () => undefined);
    expect(none).toEqual(evaluation.findings);
  });

  it('asks the module of the finding’s system, with the finding’s records', () => {
    const seen: string[] = [];
    const spy: ConnectorRemediation = {
      revokeGrant: (g) => {
        seen.push(`grant ${g.account} ${g.resource}`);
        return { steps: [], commands: [`revoke ${g.account}`] };
      },
      removeAccount: (a) => {
        seen.push(`account ${a.id}`);
        return { steps: [], commands: [] };
      },
      revokeCredential: (c) => {
        seen.push(`credential ${c.id}`);
        return { steps: [], commands: [] };
      },
    };
    addRemediation(evaluation.findings, buildContext(input), (system) =>
      system === 'github' ? { remediation: spy, offboarding: {} } : undefined,
    );
    expect(seen).toContain('grant sam northwind/shop');
    expect(seen).toContain('account ghost');
    expect(seen.some((s) => s.startsWith('credential'))).toBe(false);
  });
});

describe('addRemediation: a change since the last scan', () => {
  it('undoes a new key by deactivating it until its owner confirms it, not by deleting it', () => {
    const input = {
      ...evaluationInput({
        accounts: [account({ system: 'aws', target: '111111111111', id: USER, login: 'sam' })],
        credentials: [credential({ account: USER, id: 'AKIAIOSFODNN7EXAMPLE', createdAt: instant(-2) })],
      }),
      drift: {
        since: '2026-11-22T09:00:00Z',
        notCompared: [],
        changes: [
          {
            kind: 'credential-created' as const,
            system: 'aws',
            target: '111111111111',
            account: USER,
            login: 'sam',
            level: 'admin' as const,
            lanes: ['production' as const],
            detail: credentialCreated({ kind: 'access-key', id: 'AKIAIOSFODNN7EXAMPLE', createdAt: instant(-2) }),
          },
        ],
      },
    };
    const [drift] = addRemediation(evaluate(input).findings, buildContext(input)).filter((f) => f.rule === 'drift');
    expect(drift?.severity).toBe('high');
    expect(drift?.remediation.commands).toEqual([
      'aws iam update-access-key --user-name=sam --access-key-id=AKIAIOSFODNN7EXAMPLE --status=Inactive',
    ]);
  });
});

describe('addRemediation: a level raised since the last scan', () => {
  it('lowers it back to what the register approves, under the person whose account it is', () => {
    const input = {
      ...scene(),
      drift: {
        since: '2026-11-22T09:00:00Z',
        notCompared: [],
        changes: [
          {
            kind: 'level-raised' as const,
            system: 'github',
            target: 'northwind',
            account: 'omar',
            login: 'omar',
            resource: 'northwind/shop',
            level: 'write' as const,
            lanes: ['code' as const],
            detail: 'read became write',
          },
        ],
      },
    };
    const [drift] = addRemediation(evaluate(input).findings, buildContext(input)).filter((f) => f.rule === 'drift');
    expect(drift?.person).toBe('omar');
    expect(drift?.remediation.commands).toEqual([
      'gh api --method PUT repos/northwind/shop/collaborators/omar -f permission=pull',
    ]);
  });
});
