// A person's action in "Start here": its heading and its step must be true of every finding
// grouped under it, whatever mix of rules they come from.
import { describe, expect, it } from 'vitest';
import { type ActionFinding, groupActions } from '../../reports/actions.js';
import type { Severity } from '../../src/core/finding.js';

const STEP: Record<string, string> = {
  'mfa-missing': 'Turn on MFA for the account.',
  'expiring-soon': 'Before the end date, extend the approval or plan to remove the access.',
  'stale-credential': 'Delete unused keys.',
  'register-incomplete': 'Give the grant an end date.',
  'unapproved-access': 'Remove the access, or approve it in the register.',
  'contractor-production-write': 'Lower the contractor to read in production.',
  'multiple-lanes': 'Remove the access in all but one lane.',
  drift: 'Confirm the change with its owner.',
};

let n = 0;
const finding = (rule: string, severity: Severity, commands: string[] = []): ActionFinding => {
  n++;
  return {
    fingerprint: `fp-${n}`,
    anchor: `f-${n}`,
    rule,
    severity,
    title: rule,
    personId: 'pia',
    person: 'Pia Lund (pia)',
    lanes: ['code'],
    where: 'github pia',
    steps: [STEP[rule] ?? `fix ${rule}`],
    commands,
    isNew: false,
    engaged: true,
  };
};
const action = (...list: ActionFinding[]) => {
  const [only, ...more] = groupActions(list);
  expect(more).toEqual([]);
  return only!;
};

describe("a person's action", () => {
  it('does not say their access is unapproved when only MFA and an approval ending soon are at issue', () => {
    const a = action(finding('mfa-missing', 'high', ['aws iam enable-mfa-device']), finding('expiring-soon', 'info'));
    expect(a.title).not.toContain('back to what the register approves');
    expect(a.title).toBe('Pia Lund (pia): turn on MFA; extend the approval that ends soon or plan the removal');
    // One step for each kind of finding, worst first; a command for one of them alone would mislead.
    expect(a.fix).toBe(`${STEP['mfa-missing']} ${STEP['expiring-soon']}`);
    expect(a.command).toBeUndefined();
  });

  it('names every kind of hygiene finding it groups, worst first', () => {
    const a = action(
      finding('expiring-soon', 'info'),
      finding('stale-credential', 'medium'),
      finding('stale-credential', 'medium'),
      finding('register-incomplete', 'high'),
    );
    expect(a.title).toBe(
      'Pia Lund (pia): complete the register entry; rotate or delete the credentials; extend the approval that ends soon or plan the removal',
    );
  });

  it('says "confirm or undo" for changes since the last scan, not that the access is unapproved', () => {
    expect(action(finding('drift', 'low')).title).toBe('Pia Lund (pia): confirm or undo the access change');
  });

  it('keeps "bring the access back" when some of the access is not what the register approves', () => {
    for (const rule of ['unapproved-access', 'multiple-lanes', 'contractor-production-write']) {
      const a = action(
        finding(rule, 'high', ['one command']),
        finding('mfa-missing', 'high'),
        finding('expiring-soon', 'info'),
      );
      expect(a.title).toBe('Bring the access of Pia Lund (pia) back to what the register approves');
      expect(a.fix).toBe(STEP[rule]);
      expect(a.command).toBe('one command');
    }
  });

  it('keeps the heading of a single kind of finding', () => {
    expect(action(finding('mfa-missing', 'high')).title).toBe('Turn on MFA for Pia Lund (pia)');
    expect(action(finding('expiring-soon', 'info')).title).toBe(
      'Approval of Pia Lund (pia) ends soon: extend it or plan the removal',
    );
    expect(action(finding('stale-credential', 'medium')).title).toBe(
      'Rotate or delete the credential of Pia Lund (pia)',
    );
    expect(action(finding('register-incomplete', 'high')).title).toBe('Complete the register entry of Pia Lund (pia)');
  });
});

describe('the offboarding action', () => {
  const gone = (): ActionFinding => ({ ...finding('expired-access-active', 'critical'), engaged: false });

  it('prints a command that runs as printed: offboard needs the config the scan read', () => {
    const [a] = groupActions([gone()], { offboardArgs: ['--config', 'ops/lanekeeper config.json'] });
    expect(a?.title).toBe('Offboard Pia Lund (pia)');
    expect(a?.command).toBe("lanekeeper offboard pia --config 'ops/lanekeeper config.json'");
  });
});

describe('the shared admin accounts action', () => {
  const nobodys = (title: string, where: string): ActionFinding => ({
    ...finding('shared-admin-account', 'critical'),
    title,
    personId: '',
    where,
  });

  it('says what fixes a workload’s key file or a root account, not a named account for each admin', () => {
    const [key] = groupActions([nobodys('Admin key file: whoever holds it is admin', 'gcp ci-deployer')]);
    expect(key?.title).toBe(
      'Admin key file, gcp ci-deployer: replace the keys with workload identity or short-lived tokens',
    );
    const [root] = groupActions([
      nobodys('Root account with live credentials', 'aws 111111111111'),
      nobodys('Root account with live credentials', 'aws 222222222222'),
    ]);
    expect(root?.title).toBe(
      '2 root accounts with live credentials: delete their access keys, turn on MFA and seal the passwords',
    );
  });

  it('keeps the general words for a group of mixed cases', () => {
    const [mixed] = groupActions([
      nobodys('Admin key file: whoever holds it is admin', 'gcp ci-deployer'),
      nobodys('Admin account nobody is accountable for', 'github northwind-admin'),
    ]);
    expect(mixed?.title).toBe('2 shared admin accounts: give each admin a named account, then retire them');
  });
});
