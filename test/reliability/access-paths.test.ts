// Findings on the access paths people really use, through the CLI against the emulators: each
// class of miss and of noise has a case where the finding must appear and one where it must
// not. The demo company is the base; each case changes only what it is about.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPORT_FILES } from '../../reports/index.js';
import { DEMO_DIR } from '../../src/app/demo.js';
import { resolveRelativeDates } from '../../src/core/dates.js';
import { demoScenario, NOW, runCli, type ScanSetup, setupScan, tempDir } from './harness.js';

// biome-ignore lint/suspicious/noExplicitAny: scenarios are plain JSON
type Json = Record<string, any>;

interface Finding {
  rule: string;
  severity: string;
  account: string;
  resource?: string;
  person?: string;
  evidence: string[];
  remediation?: { steps: string[]; commands: string[] };
}

const PROD = '111111111111';
const STAGING = '222222222222';
const arn = (kind: 'user' | 'role', name: string, account = PROD) => `arn:aws:iam::${account}:${kind}/${name}`;
const day = (offset: number) => new Date(NOW.getTime() + offset * 86_400_000).toISOString();

let open: ScanSetup | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await open?.close();
  if (open) dirs.push(open.dir);
  open = undefined;
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

interface Scan {
  findings: Finding[];
  /** Findings of a rule on an account (and resource), by the account's id. */
  of(rule: string, account: string, resource?: string): Finding[];
  offboard(person: string): Promise<string>;
}

/** Scans the demo company changed by `change`, reading only the systems named. */
async function scan(
  only: string[],
  change: (scenario: Json) => void,
  options: { register?: (text: string) => string; config?: Record<string, unknown> } = {},
): Promise<Scan> {
  const scenario = structuredClone(await demoScenario()) as Json;
  change(scenario);
  const register = resolveRelativeDates(await readFile(join(DEMO_DIR, 'register.yaml'), 'utf8'), NOW);
  open = await setupScan({
    scenario,
    only,
    register: options.register ? options.register(register) : register,
    ...(options.config ? { config: options.config } : {}),
  });
  const setup = open;
  const run = await setup.scan('--quiet');
  expect(run.code, run.stderr).toBe(0);
  const doc = JSON.parse(await readFile(join(setup.outDir, REPORT_FILES.json), 'utf8')) as { findings: Finding[] };
  return {
    findings: doc.findings,
    of: (rule, account, resource) =>
      doc.findings.filter(
        (f) => f.rule === rule && f.account === account && (resource === undefined || f.resource === resource),
      ),
    async offboard(person) {
      const out = await tempDir();
      dirs.push(out);
      const result = await runCli(
        ['offboard', person, '--config', setup.configPath, '--out', out, '--now', NOW.toISOString()],
        setup.env,
        setup.dir,
      );
      expect([0, 1], result.stderr).toContain(result.code);
      return result.stdout;
    },
  };
}

const aws = (s: Json) => s.aws as Json;
const prodAccount = (s: Json) => aws(s).accounts[0] as Json;
/**
 * The demo without its northwind-assets bucket, whose policy lets every principal of the
 * organisation read its objects: for a case about another path, which that read would cloud.
 */
const withoutOrgWideBucket = (change: (s: Json) => void) => (s: Json) => {
  prodAccount(s).buckets = (prodAccount(s).buckets as Json[]).filter((b) => b.name !== 'northwind-assets');
  change(s);
};
const user = (s: Json, name: string) => (prodAccount(s).users as Json[]).find((u) => u.name === name) as Json;
const statement = (Action: string | string[], Resource: string | string[] = '*', Effect = 'Allow') => ({
  Effect,
  Action,
  Resource,
});
const inline = (name: string, ...Statement: Json[]) => ({ name, document: { Version: '2012-10-17', Statement } });
const trust = (Principal: Json, Action = 'sts:AssumeRole', Condition?: Json) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal, Action, ...(Condition ? { Condition } : {}) }],
});

describe('1. a role reached through trust inside the company is held by whoever can reach it', () => {
  it('fires: a contractor whose own policy may assume an admin role the account trusts (the demo)', async () => {
    const s = await scan(['aws'], () => {});
    const kai = arn('user', 'kai-dba');
    const [above] = s.of('unapproved-access', kai, PROD);
    expect(above?.evidence).toContain('path: kai-dba → prod-ops (111111111111)');
    expect(above?.evidence).toContain('held admin in the production lane is above the approved read');
    expect(s.of('contractor-production-write', kai, PROD)).toHaveLength(1);
    // prod-ops may go on to staging's audit role: two hops, the path says so.
    expect(s.of('unapproved-access', kai, STAGING)[0]?.evidence).toContain(
      'path: kai-dba → prod-ops (111111111111) → lanekeeper-audit (222222222222)',
    );
    const checklist = await s.offboard('kai');
    expect(checklist).toContain('can assume prod-ops');
    expect(checklist).toContain('aws iam update-assume-role-policy --role-name=prod-ops');
  });

  it('fires: a trust naming the user needs no policy of its own; across accounts both sides must allow', async () => {
    const s = await scan(['aws'], (sc) => {
      const kai = user(sc, 'kai-dba');
      kai.inlinePolicies = [inline('cross', statement('sts:AssumeRole', arn('role', 'staging-admin', STAGING)))];
      prodAccount(sc).roles.push({
        name: 'debug-prod',
        createdAt: day(-5),
        trust: trust({ AWS: arn('user', 'kai-dba') }),
        managedPolicies: ['AdministratorAccess'],
      });
      aws(sc).accounts[1].roles.push({
        name: 'staging-admin',
        createdAt: day(-5),
        trust: trust({ AWS: `arn:aws:iam::${PROD}:root` }),
        managedPolicies: ['AdministratorAccess'],
      });
    });
    const kai = arn('user', 'kai-dba');
    const prod = s.of('unapproved-access', kai, PROD)[0]?.evidence ?? [];
    expect(prod).toContain('path: kai-dba → debug-prod (111111111111)');
    expect(prod).toContain('debug-prod (111111111111) trusts kai-dba');
    expect(s.of('unapproved-access', kai, STAGING)[0]?.evidence).toContain(
      'path: kai-dba → staging-admin (222222222222)',
    );
  });

  it('is quiet: the account trusts, but the user may not call sts:AssumeRole on that role', async () => {
    const s = await scan(
      ['aws'],
      withoutOrgWideBucket((sc) => {
        const kai = user(sc, 'kai-dba');
        kai.inlinePolicies = [
          inline('other-role', statement('sts:AssumeRole', arn('role', 'reporting'))),
          inline('guard', statement('sts:AssumeRole', arn('role', 'prod-ops'), 'Deny')),
        ];
        // The same user, named by another account's role trust: that account is not this one.
        aws(sc).accounts[1].roles.push({
          name: 'named-elsewhere',
          createdAt: day(-5),
          trust: trust({ AWS: arn('user', 'kai-dba') }),
          managedPolicies: ['AdministratorAccess'],
        });
      }),
    );
    const kai = arn('user', 'kai-dba');
    expect(s.findings.filter((f) => f.account === kai && f.rule !== 'expiring-soon')).toEqual([]);
  });
});

describe('2. a role any web identity may assume is public access', () => {
  const github = 'token.actions.githubusercontent.com';
  const provider = `arn:aws:iam::${PROD}:oidc-provider/${github}`;
  const deployRole = (condition: Json | undefined) => (sc: Json) => {
    prodAccount(sc).roles.push({
      name: 'gha-deploy',
      createdAt: day(-30),
      trust: trust({ Federated: provider }, 'sts:AssumeRoleWithWebIdentity', condition),
      managedPolicies: ['AdministratorAccess'],
    });
  };

  it.each([
    ['no condition on sub', { StringEquals: { [`${github}:aud`]: 'sts.amazonaws.com' } }],
    ['a sub pattern open to every owner', { StringLike: { [`${github}:sub`]: 'repo:*' } }],
  ])('fires: %s', async (_name, condition) => {
    const s = await scan(['aws'], deployRole(condition));
    const [finding] = s.of('public-access', provider, PROD);
    expect(finding?.severity).toBe('critical');
    expect(finding?.evidence.join('\n')).toMatch(/any repository on GitHub/);
    expect(finding?.evidence).toContain(`path: ${github} → gha-deploy (111111111111)`);
  });

  it('is quiet: sub limited to the company’s repositories', async () => {
    const s = await scan(['aws'], deployRole({ StringLike: { [`${github}:sub`]: 'repo:northwind/*' } }));
    expect(s.findings.filter((f) => f.rule === 'public-access')).toEqual([]);
  });
});

describe('3. a guest the system still shows active holds access whatever expiry it promised', () => {
  const expiredGuest = (deleted: boolean) => (sc: Json) => {
    const sam = (sc.slack.users as Json[]).find((u) => u.id === 'U0SAM') as Json;
    sam.guestExpiresAt = day(-100);
    sam.deleted = deleted;
  };

  it('fires: Slack was to remove the guest 100 days ago and lists it active; scan and offboard agree', async () => {
    const s = await scan(['slack'], expiredGuest(false));
    const [finding] = s.of('expired-access-active', 'U0SAM', '#checkout-fix');
    expect(finding?.evidence.join('\n')).toMatch(
      /slack was to remove sam\.ortiz on \d{4}-\d{2}-\d{2}; the account is still active/,
    );
    expect(await s.offboard('sam')).toContain('Deactivate the guest @sam.ortiz (U0SAM)');
  });

  it('is quiet: the guest was deactivated', async () => {
    const s = await scan(['slack'], expiredGuest(true));
    expect(s.findings.filter((f) => f.account === 'U0SAM')).toEqual([]);
    expect(await s.offboard('sam')).not.toContain('U0SAM');
  });
});

describe("4. the company's own domain is the company, not the public", () => {
  const bind = (member: string) => (sc: Json) => {
    sc.gcp.projects[1].bindings.push({ role: 'roles/bigquery.dataViewer', members: [member] });
  };

  it('fires: another organisation’s domain', async () => {
    const s = await scan(['gcp'], bind('domain:partner.example'));
    expect(s.of('public-access', 'domain:partner.example')).toHaveLength(1);
  });

  it('is quiet: the register’s domain (the demo binds it too)', async () => {
    const s = await scan(['gcp'], bind('domain:northwind.example'));
    expect(s.findings.filter((f) => f.account === 'domain:northwind.example')).toEqual([]);
  });

  it('is quiet: someone who has left, on a domain-wide binding; their offboarding still names it', async () => {
    const s = await scan(['gcp'], bind('domain:northwind.example'), {
      register: (text) =>
        text.replace(
          'people:\n',
          `people:\n  - { id: ex, name: Ex Employee, kind: employee, emails: [ex@northwind.example], end: ${day(-365).slice(0, 10)} }\n`,
        ),
    });
    expect(s.findings.filter((f) => f.account === 'domain:northwind.example')).toEqual([]);
    expect(s.findings.filter((f) => f.person === 'ex')).toEqual([]);
    const checklist = await s.offboard('ex');
    expect(checklist).toContain("an address in the company's domain northwind.example");
    expect(checklist).toContain("Suspend or delete ex@northwind.example in the company's directory");
    expect(checklist).not.toContain('groups memberships delete');
  });

  it('is quiet: a domain only the config’s policy.employeeDomains names', async () => {
    const s = await scan(['gcp'], bind('domain:northwind.example'), {
      register: (text) => text.replace('domains: [northwind.example]\n', ''),
    });
    expect(s.findings.filter((f) => f.account === 'domain:northwind.example')).toEqual([]);
  });
});

describe('5. one identity normaliser: spacing, case and Unicode form never unlink a person', () => {
  it('is quiet: an employee whose Slack email has a trailing space and capitals', async () => {
    const s = await scan(['slack'], (sc) => {
      const priya = (sc.slack.users as Json[]).find((u) => u.id === 'U0PRIYA') as Json;
      priya.email = 'Priya@Northwind.Example ';
    });
    expect(s.of('unknown-account', 'U0PRIYA')).toEqual([]);
  });

  it('fires: an address that is another person’s', async () => {
    const s = await scan(['slack'], (sc) => {
      const priya = (sc.slack.users as Json[]).find((u) => u.id === 'U0PRIYA') as Json;
      priya.email = 'priya.r@northwind.example';
    });
    expect(s.of('unknown-account', 'U0PRIYA')).toHaveLength(1);
  });
});

describe('6. mfa-missing only where a person signs in', () => {
  it('fires: an IAM user with a console password and no MFA (the demo’s ops-admin)', async () => {
    const s = await scan(['aws'], () => {});
    expect(s.of('mfa-missing', arn('user', 'ops-admin'))).toHaveLength(1);
  });

  it('is quiet: keys-only and credential-less IAM users', async () => {
    const s = await scan(['aws'], (sc) => {
      prodAccount(sc).users.push({ name: 'nothing-yet', createdAt: day(-3), mfa: false });
    });
    for (const name of ['sam-ortiz', 'kai-dba', 'nothing-yet'])
      expect(s.of('mfa-missing', arn('user', name))).toEqual([]);
  });
});

describe('7. an outside account in a trust policy is fixed in the trust policy', () => {
  it('fires with update-assume-role-policy on the trusting role; never "secure the root user"', async () => {
    const s = await scan(['aws'], () => {});
    const [finding] = s.of('unknown-account', 'arn:aws:iam::999988887777:root');
    expect(finding?.remediation?.commands.join('\n')).toContain(
      'aws iam update-assume-role-policy --role-name=agency-deploy',
    );
    // The demo's exports bucket names the same account: its access and its fix are on the finding too.
    expect(finding?.evidence.join('\n')).toContain('bucket policy of northwind-exports (data read: s3:GetObject)');
    expect(finding?.remediation?.commands).toContain(
      'aws s3api put-bucket-policy --bucket=northwind-exports --policy=file://bucket-policy-northwind-exports.json',
    );
    expect(finding?.remediation?.steps.join('\n')).not.toMatch(/root user .* cannot be removed/);
  });

  it('is quiet on this account’s own root: its advice stays about the root user', async () => {
    const s = await scan(['aws'], () => {});
    const [root] = s.of('shared-admin-account', `arn:aws:iam::${PROD}:root`);
    expect(root?.remediation?.commands.join('\n') ?? '').not.toContain('update-assume-role-policy');
  });
});

describe('8. the evidence shows what narrowed the access', () => {
  const withPolicies =
    (...policies: Json[]) =>
    (sc: Json) => {
      user(sc, 'kai-dba').inlinePolicies = policies;
    };

  it('fires: a Deny and a NotAction that shaped the grant are in its evidence', async () => {
    const s = await scan(
      ['aws'],
      withPolicies(
        inline('power', { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }),
        inline('no-secrets', statement('secretsmanager:*', '*', 'Deny')),
      ),
    );
    const evidence = s.findings.filter((f) => f.account === arn('user', 'kai-dba')).flatMap((f) => f.evidence);
    expect(evidence.join('\n')).toMatch(
      /narrowed by no-secrets \(inline\): Deny secretsmanager:\* on \*: it removes secretsmanager:GetSecretValue/,
    );
    expect(evidence.join('\n')).toMatch(/narrowed by NotAction in power \(inline\)/);
  });

  it('is quiet: nothing narrowed, no such line', async () => {
    const s = await scan(['aws'], withPolicies(inline('ops', statement('ec2:*'))));
    const evidence = s.findings.filter((f) => f.account === arn('user', 'kai-dba')).flatMap((f) => f.evidence);
    expect(evidence.length).toBeGreaterThan(0);
    expect(evidence.join('\n')).not.toContain('narrowed by');
  });
});

describe('9. a principal that can raise its own access is an administrator', () => {
  const own = arn('user', 'kai-dba');
  const withPolicy =
    (...statements: Json[]) =>
    (sc: Json) => {
      user(sc, 'kai-dba').inlinePolicies = [inline('self', ...statements)];
    };
  const levels = (s: Scan) =>
    s.findings
      .filter((f) => f.account === own && f.rule === 'unapproved-access')
      .flatMap((f) => f.evidence)
      .filter((e) => e.startsWith('holds '));

  it.each([
    ['iam:PutUserPolicy on itself', [statement('iam:PutUserPolicy', own)]],
    ['iam:CreatePolicyVersion on one policy', [statement('iam:CreatePolicyVersion', `arn:aws:iam::${PROD}:policy/x`)]],
    [
      'iam:PassRole with lambda:CreateFunction',
      [statement('iam:PassRole', arn('role', 'app')), statement('lambda:CreateFunction')],
    ],
  ])('fires: %s', async (_name, statements) => {
    const s = await scan(['aws'], withPolicy(...statements));
    expect(levels(s).some((e) => e.startsWith('holds admin'))).toBe(true);
  });

  it('is quiet: managing its own access keys is not admin', async () => {
    const s = await scan(['aws'], withPolicy(statement(['iam:CreateAccessKey', 'iam:DeleteAccessKey'], own)));
    expect(levels(s).length).toBeGreaterThan(0);
    expect(levels(s).some((e) => e.startsWith('holds admin'))).toBe(false);
  });
});

describe('10. a GitHub App installed on the organisation is an identity of its own', () => {
  const APP = 'app:quickship-deploy';
  const declare = (users: string) => (text: string) =>
    text.replace(
      'shared_accounts:\n',
      `shared_accounts:\n  - { system: github, id: quickship-deploy, kind: bot, owner: dana, purpose: Deploys the storefront from CI, users: [${users}] }\n`,
    );

  it("fires: another owner's app with write on every repository, registered by nobody (the demo)", async () => {
    const s = await scan(['github'], () => {});
    const [finding, ...more] = s.of('unknown-account', APP);
    expect(more).toEqual([]);
    expect(finding?.severity).toBe('high');
    expect(finding?.evidence).toContain(
      'linked to nobody: a principal of another organisation that the register does not name',
    );
    expect(finding?.remediation?.steps.at(-1)).toMatch(/^Uninstall the GitHub App quickship-deploy from northwind/);
  });

  it('is quiet: the same app declared in the register with an owner', async () => {
    const s = await scan(['github'], () => {}, { register: declare('') });
    expect(s.findings.filter((f) => f.account === APP)).toEqual([]);
  });

  it("is no outsider: the organisation's own app is its bot (still to be registered)", async () => {
    const s = await scan(['github'], (sc) => {
      const app = sc.github.installations[0];
      app.owner = 'northwind';
      app.permissions = { metadata: 'read', contents: 'read' };
    });
    const [finding] = s.of('unknown-account', APP);
    expect(finding?.evidence[0]).toContain('(bot, app-installation, active)');
    expect(finding?.evidence.join(' ')).not.toContain('another organisation');
  });

  it('offboarding a person who used it names what the app still reaches', async () => {
    const s = await scan(['github'], () => {}, { register: declare('sam') });
    expect(await s.offboard('sam')).toContain('quickship-deploy holds write on northwind/* now');
  });
});

describe('11. a Google group holds access for each of its members, nested groups included', () => {
  const RITA = 'user:rita@costa.dev';
  const PROD_PROJECT = 'projects/northwind-shop-prod';

  it('fires: a contractor in a group nested in one that edits production (the demo)', async () => {
    const s = await scan(['gcp'], () => {});
    const [write] = s.of('contractor-production-write', RITA, PROD_PROJECT);
    expect(write?.person).toBe('rita');
    expect(write?.evidence).toContain(
      'user:rita@costa.dev is a member of group:storefront-oncall@northwind.example through a group nested in it',
    );
    expect(s.findings.some((f) => f.account.startsWith('group:storefront'))).toBe(false);
    // Offboarding Rita names the group she holds it through.
    expect(await s.offboard('rita')).toContain('storefront-oncall@northwind.example');
  });

  it('is quiet: the same group without her', async () => {
    const s = await scan(['gcp'], (sc) => {
      sc.gcp.groups = sc.gcp.groups.map((g: Json) => ({
        ...g,
        members: g.members.filter((m: string) => m !== 'user:rita@costa.dev'),
      }));
    });
    expect(s.findings.filter((f) => f.account === RITA)).toEqual([]);
  });

  it('is a named gap, never silence, when the groups cannot be read (exit 3)', async () => {
    const scenario = structuredClone(await demoScenario()) as Json;
    scenario.gcp.groupsDenied = true;
    open = await setupScan({ scenario, only: ['gcp'] });
    const run = await open.scan('--quiet');
    expect(run.code).toBe(3);
    const doc = JSON.parse(await readFile(join(open.outDir, REPORT_FILES.json), 'utf8')) as {
      complete: boolean;
      findings: Finding[];
      gaps: { kind: string; detail: string }[];
    };
    expect(doc.complete).toBe(false);
    expect(doc.gaps.map((g) => g.kind)).toContain('gcp.group-members');
    // The group's grant is still judged, as the group's.
    expect(doc.findings.some((f) => f.account === 'group:storefront-oncall@northwind.example')).toBe(true);
  });
});

describe('12. a permission set is judged in full: customer-managed policies and its boundary, in each account', () => {
  const OLGA = 'arn:aws:identitystore:::user/94482488-3041-7026-18f0-6e1a2b3c4d02';
  const viewOnly = (s: Json) =>
    (s.aws.identityCenter.permissionSets as Json[]).find((p) => p.name === 'ProductionViewOnly') as Json;
  const supportTools = (s: Json) => (prodAccount(s).policies as Json[])[0] as Json;

  it("fires: a view-only set whose customer-managed policy may rewrite IAM users' policies (the demo)", async () => {
    const s = await scan(['aws'], () => {});
    const [finding] = s.of('unapproved-access', OLGA, PROD);
    expect(finding?.evidence).toContain(
      'permission set ProductionViewOnly (ViewOnlyAccess, northwind-support-tools (customer-managed))',
    );
    expect(finding?.evidence.find((e) => e.startsWith('holds '))).toMatch(/^holds admin/);
  });

  it('is quiet: the same customer-managed policy when it only reads support cases', async () => {
    const s = await scan(
      ['aws'],
      withoutOrgWideBucket((sc) => {
        supportTools(sc).document.Statement = [statement(['support:Describe*', 'health:Describe*'])];
      }),
    );
    expect(s.of('unapproved-access', OLGA, PROD)).toEqual([]);
  });

  it("is quiet: a boundary of the account's own caps the set at what it allows, and the evidence names it", async () => {
    const s = await scan(
      ['aws'],
      withoutOrgWideBucket((sc) => {
        prodAccount(sc).policies.push({
          name: 'view-only-cap',
          document: { Version: '2012-10-17', Statement: [statement(['support:Describe*', 'ec2:Describe*'])] },
        });
        viewOnly(sc).boundary = { customer: { name: 'view-only-cap' } };
      }),
    );
    expect(s.of('unapproved-access', OLGA, PROD)).toEqual([]);
    expect(s.of('contractor-production-write', OLGA, PROD)).toEqual([]);
  });

  it('is a named gap when the policy a set names is not in the account it is assigned in (exit 3)', async () => {
    const scenario = structuredClone(await demoScenario()) as Json;
    prodAccount(scenario).policies = [];
    open = await setupScan({ scenario, only: ['aws'] });
    const run = await open.scan('--quiet');
    expect(run.code).toBe(3);
    const doc = JSON.parse(await readFile(join(open.outDir, REPORT_FILES.json), 'utf8')) as {
      gaps: { kind: string; detail: string }[];
    };
    expect(doc.gaps).toContainEqual(
      expect.objectContaining({
        kind: 'aws.permission-set-policies',
        detail: expect.stringContaining(
          'northwind-support-tools as its policy, which was not found in account 111111111111',
        ),
      }),
    );
  });
});

describe('13. an owner of the enterprise holds the organisation, member or not', () => {
  it('fires: a contractor who owns the enterprise, not a member of the org', async () => {
    const s = await scan(['github'], (sc) => {
      sc.github.enterpriseOwners = [{ login: 'quickfix-dev', organizationRole: 'UNAFFILIATED' }];
    });
    const held = s.findings.filter((f) => f.account === 'quickfix-dev');
    expect(held.map((f) => f.rule)).toContain('unknown-account');
    expect(held.flatMap((f) => f.evidence).join(' ')).toContain(
      'holds admin (owner) on northwind via org-role enterprise owner; lane code + production',
    );
  });

  it('is quiet: the company’s own founder owning the enterprise too', async () => {
    const base = await scan(['github'], () => {});
    const s = await scan(['github'], (sc) => {
      sc.github.enterpriseOwners = [{ login: 'dana-w', organizationRole: 'OWNER' }];
    });
    expect(s.findings.length).toBe(base.findings.length);
  });
});

describe('14. a bucket policy that names an outside account, or anyone, is access of that principal', () => {
  const SAMS_OWN = 'arn:aws:iam::444455556666:root';
  const bucket = (name: string, Principal: Json | '*') => ({
    name,
    createdAt: day(-30),
    policy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal,
          Action: ['s3:GetObject', 's3:ListBucket'],
          Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`],
        },
      ],
    },
  });
  const samsAccount = (text: string) => text.replace('aws: sam-ortiz }', 'aws: [sam-ortiz, "444455556666"] }');

  it("fires: a contractor's own AWS account still reads a bucket months after the engagement; fixed in the policy, offboarding names it", async () => {
    const s = await scan(
      ['aws'],
      (sc) => {
        prodAccount(sc).buckets.push(bucket('northwind-handover', { AWS: '444455556666' }));
      },
      { register: samsAccount },
    );
    const [finding] = s.of('expired-access-active', SAMS_OWN);
    expect(finding?.person).toBe('sam');
    expect(finding?.evidence.join('\n')).toContain('bucket policy of northwind-handover');
    expect(finding?.remediation?.commands).toContain(
      'aws s3api put-bucket-policy --bucket=northwind-handover --policy=file://bucket-policy-northwind-handover.json',
    );
    expect(await s.offboard('sam')).toContain('northwind-handover');
  });

  it("fires: a KMS key policy that still lets the contractor's account decrypt; fixed in the key policy", async () => {
    const KEY = '0a1b2c3d-0000-4000-8000-0000000000aa';
    const s = await scan(
      ['aws'],
      (sc) => {
        prodAccount(sc).keys = [
          {
            id: KEY,
            policy: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Principal: { AWS: '444455556666' }, Action: 'kms:Decrypt', Resource: '*' },
              ],
            },
          },
        ];
      },
      { register: samsAccount },
    );
    const [finding] = s.of('expired-access-active', SAMS_OWN);
    expect(finding?.evidence.join('\n')).toContain(`key policy of ${KEY}`);
    expect(finding?.remediation?.commands.join('\n')).toContain(`aws kms put-key-policy --key-id=${KEY}`);
  });

  it('is quiet: the same account when the bucket policy no longer names it', async () => {
    const s = await scan(['aws'], () => {}, { register: samsAccount });
    expect(s.of('expired-access-active', SAMS_OWN)).toEqual([]);
  });

  it('fires: a bucket anyone may read is public access', async () => {
    const s = await scan(['aws'], (sc) => {
      prodAccount(sc).buckets.push(bucket('northwind-price-lists', '*'));
    });
    expect(s.of('public-access', '*').length).toBeGreaterThan(0);
  });

  it('fires, not as public: a "*" the policy narrows to the company\'s organisation reaches its principals (the demo\'s northwind-assets)', async () => {
    const s = await scan(['aws'], () => {});
    expect(s.of('public-access', '*')).toEqual([]);
    // Within the bucket's account the policy alone lets a principal read: Olga's view-only set
    // cannot read objects itself, but the organisation's "*" lets her session in.
    const OLGA = 'arn:aws:identitystore:::user/94482488-3041-7026-18f0-6e1a2b3c4d02';
    expect(
      s
        .of('unapproved-access', OLGA, PROD)
        .flatMap((f) => f.evidence)
        .some((e) => e.includes('northwind-assets')),
    ).toBe(true);
  });
});

describe('15. a service control policy caps what a member account’s principals hold', () => {
  const TEMP = arn('user', 'temp-admin', STAGING);
  const withTempAdmin = (scps: Json[]) => (sc: Json) => {
    const staging = aws(sc).accounts[1] as Json;
    staging.users = [
      { name: 'temp-admin', createdAt: day(-20), inlinePolicies: [inline('everything', statement('*'))] },
    ];
    aws(sc).organization.units = [{ id: 'ou-lk00-00000001', accounts: [STAGING] }];
    aws(sc).organization.scps = scps;
  };

  it('fires high: an unregistered administrator in staging, no SCP in the way', async () => {
    const s = await scan(['aws'], withTempAdmin([]));
    expect(s.of('unknown-account', TEMP).map((f) => f.severity)).toEqual(['high']);
  });

  it('is quiet (not privileged): an SCP on its OU leaves it reading', async () => {
    const s = await scan(
      ['aws'],
      withoutOrgWideBucket(
        withTempAdmin([
          {
            id: 'p-00000001',
            name: 'sandbox-read-only',
            // Deny everything but reading (FullAWSAccess stays attached, as AWS attaches it everywhere).
            document: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Deny', NotAction: ['*:Describe*', '*:List*', '*:Get*'], Resource: '*' }],
            },
            targets: ['ou-lk00-00000001'],
          },
        ]),
      ),
    );
    const [finding] = s.of('unknown-account', TEMP);
    expect(finding?.severity).toBe('medium');
    expect(finding?.evidence.filter((e) => e.startsWith('holds '))).toEqual([
      expect.stringMatching(/^holds read \(everything \(inline\) \(data read: /),
      'holds read (everything (inline) (metadata read)) on 222222222222 via direct; lane code',
    ]);
  });
});

describe("16. a bucket's or a dataset's own IAM is access, even where the project grants nothing", () => {
  const PETE = 'user:pete@lindqvist.example';
  const JUN = 'user:jun@parkanalytics.example';
  const EXPORTS = 'projects/northwind-shop-prod/buckets/northwind-order-exports';
  const SALES = 'projects/northwind-analytics/datasets/sales';
  const project = (sc: Json, id: string) => (sc.gcp.projects as Json[]).find((p) => p.projectId === id) as Json;

  it("fires: the migration's export bucket still lets Pete read after his engagement (the demo); offboarding names it", async () => {
    const s = await scan(['gcp'], () => {});
    const [expired] = s.of('expired-access-active', PETE, EXPORTS);
    expect(expired?.person).toBe('pete');
    expect(expired?.evidence).toContain(`roles/storage.objectViewer granted to ${PETE} on ${EXPORTS}`);
    expect(expired?.remediation?.commands).toContain(
      `gcloud storage buckets remove-iam-policy-binding gs://northwind-order-exports --member=${PETE} --role=roles/storage.objectViewer --all`,
    );
    expect(await s.offboard('pete')).toContain('gs://northwind-order-exports');
  });

  it('is quiet: the bucket without his binding (his project role ended with its condition)', async () => {
    const s = await scan(['gcp'], (sc) => {
      project(sc, 'northwind-shop-prod').buckets = [];
    });
    expect(s.findings.filter((f) => f.account === PETE)).toEqual([]);
  });

  it('fires: a dashboard contractor approved for code reads a BigQuery dataset nobody approved (the demo)', async () => {
    const s = await scan(['gcp'], () => {});
    const [unapproved] = s.of('unapproved-access', JUN, SALES);
    expect(unapproved?.person).toBe('jun');
    expect(unapproved?.remediation?.commands).toEqual([
      'bq show --format=prettyjson northwind-analytics:sales > dataset.json',
      'bq update --source dataset.json northwind-analytics:sales',
    ]);
  });

  it("is quiet: the dataset's default entries (the project's own readers, writers and owners) add nobody", async () => {
    const s = await scan(['gcp'], (sc) => {
      project(sc, 'northwind-analytics').datasets = [{ id: 'sales', access: [] }];
    });
    expect(s.findings.filter((f) => f.resource === SALES)).toEqual([]);
    expect(s.findings.filter((f) => f.account === JUN)).toEqual([]);
  });

  it('fires: a dataset open to every Google account is public access', async () => {
    const s = await scan(['gcp'], (sc) => {
      project(sc, 'northwind-analytics').datasets[0].access.push({
        role: 'READER',
        specialGroup: 'allAuthenticatedUsers',
      });
    });
    expect(s.of('public-access', 'allAuthenticatedUsers', SALES).map((f) => f.severity)).toEqual(['critical']);
  });
});

describe('17. a GCP deny policy takes away what roles grant, and the evidence names it', () => {
  const SAM = 'user:sam@ortiz.dev';
  const SHOP = 'projects/northwind-shop-prod';
  const guardrail = (rule: Json) => (sc: Json) => {
    sc.gcp.roles = [
      ...(sc.gcp.roles ?? []),
      { name: 'roles/editor', title: 'Editor', includedPermissions: ['run.services.update', 'storage.objects.get'] },
    ];
    sc.gcp.denyPolicies = [
      {
        attachedTo: 'organizations/123456789012',
        id: 'contractors',
        displayName: 'Contractor guardrail',
        rules: [{ deniedPrincipals: [`principal://goog/subject/sam@ortiz.dev`], ...rule }],
      },
    ];
  };

  it('is quiet: a deny on everything his editor role holds leaves Sam nothing in GCP', async () => {
    const s = await scan(
      ['gcp'],
      guardrail({ deniedPermissions: ['run.googleapis.com/*', 'storage.googleapis.com/*'] }),
    );
    expect(s.findings.filter((f) => f.account === SAM)).toEqual([]);
  });

  it('fires: the same policy when it excepts him', async () => {
    const s = await scan(
      ['gcp'],
      guardrail({
        deniedPermissions: ['run.googleapis.com/*', 'storage.googleapis.com/*'],
        exceptionPrincipals: ['principal://goog/subject/sam@ortiz.dev'],
      }),
    );
    expect(s.of('expired-access-active', SAM, SHOP)).toHaveLength(1);
  });

  it('fires capped: a deny on deploying leaves him reading: still expired, no longer a production writer', async () => {
    const s = await scan(['gcp'], guardrail({ deniedPermissions: ['run.googleapis.com/services.update'] }));
    const [expired] = s.of('expired-access-active', SAM, SHOP);
    expect(expired?.evidence).toContain(
      'deny policy "Contractor guardrail" on organizations/123456789012 (northwind.example) removes 1 of 2 permissions of roles/editor from user:sam@ortiz.dev (run.services.update): what is left is read',
    );
    expect(s.of('contractor-production-write', SAM, SHOP)).toEqual([]);
  });
});

describe('18. a custom repository role is judged by the permissions it adds to its base', () => {
  const withRole = (permissions: string[]) => (sc: Json) => {
    sc.github.customRepositoryRoles = [{ id: 41, name: 'qa-tester', baseRole: 'read', permissions }];
    const shop = (sc.github.repos as Json[]).find((r) => r.name === 'shop') as Json;
    shop.collaborators = (shop.collaborators as Json[]).map((c) =>
      c.login === 'omar-qa' ? { ...c, permission: 'pull', role: 'qa-tester' } : c,
    );
  };
  const omarOnShop = (s: Scan) => s.findings.filter((f) => f.account === 'omar-qa' && f.resource === 'northwind/shop');

  it('is quiet: a read role that only adds triage, where the register approves read', async () => {
    const s = await scan(['github'], withRole(['add_label', 'close_issue']));
    expect(omarOnShop(s)).toEqual([]);
  });

  it('fires: the same role with bypass_branch_protection administers the code, beyond the approval', async () => {
    const s = await scan(['github'], withRole(['add_label', 'bypass_branch_protection']));
    const findings = omarOnShop(s);
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([['unapproved-access', 'high']]);
    expect(findings[0]?.evidence).toContain('bypass_branch_protection reaches admin, beyond its base role');
  });
});

describe('19. a Slack app whose scopes read messages is an identity reading the workspace', () => {
  const APP = 'app:A0NOTES';
  const installed =
    (more: Json[] = []) =>
    (sc: Json) => {
      sc.slack.integrationLogs = [
        {
          appId: 'A0NOTES',
          appName: 'Meeting Notes AI',
          userId: 'U0SAM',
          userName: 'sam.ortiz',
          date: day(-150),
          change: 'added',
          scopes: ['channels:history', 'groups:history', 'chat:write'],
        },
        ...more,
      ];
    };

  it('fires: an app a contractor installed still reads every channel, registered by nobody', async () => {
    const s = await scan(['slack'], installed());
    const [finding, ...more] = s.of('unknown-account', APP);
    expect(more).toEqual([]);
    expect(finding?.severity).toBe('high');
    expect(finding?.evidence).toContain(
      'holds read (app-reads-messages) on workspace via direct app installation; lane code + data',
    );
    expect(finding?.remediation?.steps.join(' ')).toMatch(/Manage apps › Meeting Notes AI › Remove App/);
    // Offboarding the contractor who installed it names it: a bot install outlives its installer.
    const checklist = await s.offboard('sam');
    expect(checklist).toContain("installed by U0SAM: an app keeps working after sam's own accounts are gone");
    expect(checklist).toContain('Manage apps › Meeting Notes AI › Remove App');
  });

  it('is quiet: the same app removed since, as the log says', async () => {
    const removed = {
      appId: 'A0NOTES',
      appName: 'Meeting Notes AI',
      userId: 'U0DANA',
      userName: 'dana',
      date: day(-10),
    };
    const s = await scan(['slack'], installed([{ ...removed, change: 'removed' }]));
    expect(s.findings.filter((f) => f.account === APP)).toEqual([]);
    expect(await s.offboard('sam')).not.toContain('Meeting Notes AI');
  });

  it('is quiet: the app declared in the register with an owner', async () => {
    const s = await scan(['slack'], installed(), {
      register: (text) =>
        text.replace(
          'shared_accounts:\n',
          'shared_accounts:\n  - { system: slack, id: "app:A0NOTES", kind: bot, owner: dana, purpose: Meeting notes for the team }\n',
        ),
    });
    expect(s.findings.filter((f) => f.account === APP)).toEqual([]);
  });
});

describe('20. a Slack user group that adds someone to a channel is named where their removal is', () => {
  const oncall = (users: string[]) => (sc: Json) => {
    sc.slack.userGroups = [{ id: 'S0SUPPORT', handle: 'support-rota', channels: ['G0SUPPORT'], users }];
  };

  it('fires: offboarding Sam names the group whose default channels put him back in #support', async () => {
    const s = await scan(['slack'], oncall(['U0DANA', 'U0SAM']));
    const [finding] = s.of('expired-access-active', 'U0SAM', '#support');
    expect(finding?.evidence).toContain(
      'in user group @support-rota, whose default channels include #support: Slack adds its members there',
    );
    expect(await s.offboard('sam')).toContain('out of the user group @support-rota');
  });

  it('is quiet: the same group without him', async () => {
    const s = await scan(['slack'], oncall(['U0DANA']));
    expect(s.findings.some((f) => f.evidence.some((e) => e.includes('@support-rota')))).toBe(false);
    expect(await s.offboard('sam')).not.toContain('@support-rota');
  });
});
