// offboard() on a small hand-made company: every kind of leftover is on the list with a command,
// and the same company after the work was done has nothing left.
import { describe, expect, it } from 'vitest';
import type { Account, Snapshot } from '../../src/core/model.js';
import { redact } from '../../src/core/redact.js';
import {
  type ChecklistItem,
  offboard,
  renderMarkdown,
  renderTerminal,
  UnknownPersonError,
} from '../../src/pipeline/offboard/index.js';
import { cleanedSnapshot, NOW, register, snapshot } from './fixture.js';

function find(items: ChecklistItem[], kind: ChecklistItem['kind'], what: RegExp): ChecklistItem {
  const item = items.find((i) => i.kind === kind && what.test(i.what));
  expect(item, `${kind} ${what}`).toBeDefined();
  return item!;
}

describe('offboard', () => {
  const checklist = offboard({ person: 'sam', snapshot: snapshot(), register: register(), now: NOW });
  const { items } = checklist;

  it('lists the GitHub collaborator access with gh commands', () => {
    expect(find(items, 'account', /samortiz \(outside-collaborator\)/).commands).toEqual([
      'gh api --method DELETE orgs/northwind/outside_collaborators/samortiz',
    ]);
    expect(find(items, 'grant', /push on northwind\/shop/).commands).toEqual([
      'gh api --method DELETE repos/northwind/shop/collaborators/samortiz',
    ]);
    expect(find(items, 'grant', /admin on northwind\/infra/).commands).toEqual([
      'gh api --method DELETE repos/northwind/infra/collaborators/samortiz',
    ]);
  });

  it('lists the deploy key they added', () => {
    const key = find(items, 'credential', /deploy-key:4242/);
    expect(key.why[0]).toMatch(/added by samortiz/);
    expect(key.commands).toEqual(['gh api --method DELETE repos/northwind/shop/keys/4242']);
  });

  it('lists the Slack guest and its channel with the admin page steps', () => {
    const guest = find(items, 'account', /sam\.ortiz \(multi-channel-guest\)/);
    expect(guest.steps[0]).toMatch(/Deactivate the guest @sam\.ortiz \(U0SAM\): Workspace settings › Manage members/);
    expect(find(items, 'grant', /#checkout-fix/).steps[0]).toMatch(/Remove @sam\.ortiz \(U0SAM\) from #checkout-fix/);
  });

  it('lists the IAM user and its key', () => {
    const user = find(items, 'account', /^account sam-ortiz$/);
    expect(user.commands.at(-1)).toBe('aws iam delete-user --user-name=sam-ortiz');
    expect(find(items, 'credential', /AKIAIOSFODNN7EXAMPLE of sam-ortiz/).commands).toEqual([
      'aws iam update-access-key --user-name=sam-ortiz --access-key-id=AKIAIOSFODNN7EXAMPLE --status=Inactive',
      'aws iam delete-access-key --user-name=sam-ortiz --access-key-id=AKIAIOSFODNN7EXAMPLE',
    ]);
    expect(find(items, 'grant', /ReadOnlyAccess/).commands).toEqual([
      'aws iam remove-user-from-group --group-name=readers --user-name=sam-ortiz',
    ]);
  });

  it('lists the inherited GCP binding once, where it was granted, for every project it reaches', () => {
    const binding = find(items, 'grant', /roles\/editor/);
    expect(binding.what).toBe(
      'sam@ortiz.dev: roles/editor on projects/northwind-analytics, projects/northwind-shop-prod via inherited folders/987654321098 (prod)',
    );
    expect(binding.commands).toEqual([
      'gcloud resource-manager folders remove-iam-policy-binding 987654321098 --member=user:sam@ortiz.dev --role=roles/editor --all',
    ]);
    expect(items.filter((i) => i.kind === 'grant' && /roles\/editor/.test(i.what))).toHaveLength(1);
  });

  it('lists the secrets they could read, and not those of repos they never could push to', () => {
    const names = items.filter((i) => i.kind === 'secret').map((i) => i.what);
    expect(names).toEqual([
      'secret AWS_DEPLOY_ROLE_ARN in northwind/infra',
      'secret NPM_TOKEN in northwind',
      'secret STRIPE_SECRET_KEY in northwind/shop',
    ]);
    expect(find(items, 'secret', /STRIPE/).commands).toEqual([
      'gh secret set --repo=northwind/shop -- STRIPE_SECRET_KEY',
    ]);
    // Stored again with the visibility it has: gh's default (private) would take it from public repositories.
    expect(find(items, 'secret', /NPM_TOKEN/).commands).toEqual([
      'gh secret set --org=northwind --visibility=all -- NPM_TOKEN',
    ]);
  });

  it('lists the shared account key they could hold and the service-account key they could act as', () => {
    const shared = find(items, 'shared-credential', /ops-admin/);
    expect(shared.commands[0]).toBe('aws iam create-access-key --user-name=ops-admin');
    expect(shared.steps.at(-1)).toBe("Remove sam from the users of aws ops-admin in the register's shared_accounts.");
    const sa = find(items, 'service-account-key', /ci-deployer/);
    expect(sa.why[0]).toMatch(/holds roles\/editor on projects\/northwind-shop-prod/);
    expect(sa.commands.some((c) => c.includes('gcloud iam service-accounts keys list'))).toBe(true);
  });

  it('gives every item a reason, and a command wherever the system has a command line', () => {
    for (const item of items) {
      expect(item.why.length, item.what).toBeGreaterThan(0);
      expect(item.steps.length, item.what).toBeGreaterThan(0);
      if (item.system !== 'slack') expect(item.commands.length, item.what).toBeGreaterThan(0);
    }
    expect(checklist.failedSystems).toEqual([]);
  });

  it('lists a pending invitation and a group they are a member of', () => {
    const s = snapshot();
    const withMore: Snapshot = {
      ...s,
      accounts: [
        ...s.accounts,
        {
          system: 'github',
          target: 'northwind',
          id: 'invitation:77',
          login: 'sam@ortiz.dev',
          emails: ['sam@ortiz.dev'],
          kind: 'human',
          status: 'invited',
        },
        {
          system: 'gcp',
          target: 'organizations/123456789012',
          id: 'group:contractors@northwind.example',
          login: 'contractors@northwind.example',
          emails: ['contractors@northwind.example'],
          kind: 'group',
          status: 'active',
        },
      ],
    };
    const reg = register();
    reg.groups.push({ system: 'gcp', id: 'group:contractors@northwind.example', members: ['sam'] });
    const more = offboard({ person: 'sam', snapshot: withMore, register: reg, now: NOW });
    expect(find(more.items, 'invitation', /sam@ortiz\.dev/).commands).toEqual([
      'gh api --method DELETE orgs/northwind/invitations/77',
    ]);
    expect(find(more.items, 'group', /contractors@northwind\.example/).commands).toEqual([
      'gcloud identity groups memberships delete --group-email=contractors@northwind.example --member-email=sam@ortiz.dev',
    ]);
  });

  it('leaves the people who stay alone', () => {
    const dana = offboard({ person: 'dana', snapshot: snapshot(), register: register(), now: NOW });
    expect(dana.items.map((i) => i.what)).toContain('account dana-w (owner)');
    expect(items.some((i) => i.what.includes('dana-w'))).toBe(false);
  });

  it('has nothing left once the work is done', () => {
    const after = offboard({ person: 'sam', snapshot: cleanedSnapshot(), register: register(), now: NOW });
    expect(after.items).toEqual([]);
    expect(renderTerminal(after)).toMatch(/Nothing is left behind\./);
  });

  it('names the secrets of a shared account the system lists none of: a bot token, a shared password', () => {
    const base = snapshot();
    const withBot: Snapshot = {
      ...base,
      accounts: [
        ...base.accounts,
        {
          system: 'github',
          target: 'northwind',
          id: 'northwind-release-bot',
          login: 'northwind-release-bot',
          emails: [],
          kind: 'bot',
          status: 'active',
        },
      ],
    };
    const reg = register();
    reg.shared_accounts.push({
      system: 'github',
      id: 'northwind-release-bot',
      kind: 'bot',
      owner: 'dana',
      purpose: 'Tags and publishes releases',
      users: ['dana', 'sam'],
    });
    const { items } = offboard({ person: 'sam', snapshot: withBot, register: reg, now: NOW });
    const bot = find(items, 'shared-credential', /northwind-release-bot/);
    expect(bot.what).toBe('secrets of the shared account northwind-release-bot that github does not list');
    expect(bot.steps).toEqual([
      'Change the password and recovery codes of github northwind-release-bot, or regenerate its token, and give the new ones only to its remaining users.',
      "Remove sam from the users of github northwind-release-bot in the register's shared_accounts.",
    ]);
    // A shared account whose keys the system lists is rotated key by key, as before.
    expect(items.filter((i) => i.what.startsWith('secrets of the shared account ops-admin'))).toEqual([]);
  });

  it('does not say nothing is left behind where a system could not be read', () => {
    const cleaned = cleanedSnapshot();
    const failed: Snapshot = {
      ...cleaned,
      systems: cleaned.systems.map((s) => (s.system === 'aws' ? { ...s, ok: false, error: 'AccessDenied' } : s)),
    };
    const after = offboard({ person: 'sam', snapshot: failed, register: register(), now: NOW });
    for (const text of [renderTerminal(after), renderMarkdown(after)]) {
      expect(text).not.toMatch(/Nothing is left behind\./);
      expect(text).toContain('Nothing is left behind in the systems that were read.');
      expect(text).toMatch(/Incomplete: aws could not be read/);
    }
  });

  it('names the people it knows when asked about someone else', () => {
    expect(() => offboard({ person: 'samm', snapshot: snapshot(), register: register(), now: NOW })).toThrow(
      new UnknownPersonError('samm', ['dana', 'sam']),
    );
  });

  it('is deterministic whatever the order of the inventory', () => {
    const s = snapshot();
    const shuffled: Snapshot = {
      ...s,
      accounts: [...s.accounts].reverse(),
      grants: [...s.grants].reverse(),
      credentials: [...s.credentials].reverse(),
      secrets: [...s.secrets].reverse(),
    };
    expect(offboard({ person: 'sam', snapshot: shuffled, register: register(), now: NOW })).toEqual(checklist);
  });
});

describe('renderers', () => {
  const hostile = '[click](https://evil.example) <img src=x onerror=alert(1)> \u001b[2J`rm -rf`\n# heading';
  function hostileChecklist() {
    const s = snapshot();
    // Linked by email and by id, so the hostile names still belong to sam.
    const accounts: Account[] = s.accounts.map((a) =>
      a.id === 'U0SAM' || a.id === 'samortiz' ? { ...a, login: hostile } : a,
    );
    // A secret name reaches a command: there its control characters are shown, not sent to the terminal.
    const secrets = s.secrets.map((x) => (x.name === 'NPM_TOKEN' ? { ...x, name: hostile } : x));
    return offboard({ person: 'sam', snapshot: { ...s, accounts, secrets }, register: register(), now: NOW });
  }

  it('writes a terminal checklist with [ ] lines and no control characters', () => {
    const text = renderTerminal(hostileChecklist());
    expect(text).toMatch(/^\[ \] secret AWS_DEPLOY_ROLE_ARN in northwind\/infra$/m);
    expect(text).toMatch(/^ {4}\$ gh secret set --repo=northwind\/shop -- STRIPE_SECRET_KEY$/m);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(text).toContain('# contains control characters, shown escaped');
  });

  it('writes Markdown in which no link, image or HTML can render', () => {
    const md = renderMarkdown(hostileChecklist());
    expect(md).toMatch(/^# Offboarding: Sam Ortiz/);
    expect(md).toContain('- [ ] **secret STRIPE\\_SECRET\\_KEY in northwind/shop** (secret)');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
    expect(md).not.toMatch(/\u001b/);
    // Outside code blocks the hostile names are escaped text.
    const prose = withoutCodeBlocks(md);
    expect(prose).not.toContain('[click](');
    expect(prose).not.toMatch(/(?<!\\)<img/);
    expect(prose).not.toMatch(/^#+ heading/m);
    expect(prose).toContain('\\[click\\]\\(https\\:');
    // Inside them the command is literal, with the control characters shown escaped.
    expect(md).toMatch(
      /^ {2}gh secret set --org=northwind --visibility=all -- '\[click\]\(https:\/\/evil\.example\) <img src=x onerror=alert\(1\)> \\u001b\[2J`rm -rf`\\n# heading'$/m,
    );
    expect(md).toContain('  - Note: a command contains control characters');
  });
});

describe('workflow commands', () => {
  // What the Actions runner acts on: `##[` anywhere in a line, `::` at a line's start.
  function expectNoWorkflowCommand(text: string): void {
    expect(text).not.toContain('##[');
    expect(text.split('\n').filter((l) => /^\s*::/.test(l))).toEqual([]);
  }

  function withConditionTitle(title: string) {
    const s = snapshot();
    const grants = s.grants.map((g) =>
      g.system === 'gcp' && g.account === 'user:sam@ortiz.dev'
        ? {
            ...g,
            attributes: {
              ...g.attributes,
              condition: 'request.time < timestamp("2026-12-25T00:00:00Z")',
              conditionTitle: title,
            },
          }
        : g,
    );
    return offboard({ person: 'sam', snapshot: { ...s, grants }, register: register(), now: NOW });
  }

  it('prints no command carrying a workflow command from a GCP condition title, and says it was altered', () => {
    const checklist = withConditionTitle('##[error]forged annotation');
    const text = renderTerminal(checklist);
    expect(text).toContain('gcloud');
    expect(text).toContain('## [error]forged annotation');
    expectNoWorkflowCommand(text);
    const line = text.split('\n').find((l) => l.includes('## [error]forged'));
    expect(line).toMatch(/# .*check the names before running it$/);
    // The record keeps the command exactly: it is a file, not a log the runner reads.
    expect(renderMarkdown(checklist)).toContain("title=##[error]forged annotation'");
  });

  it('prints no workflow command from any value, nor from one the redactor completes', () => {
    const token = `ghp_${'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'}`;
    const s = snapshot();
    const accounts: Account[] = s.accounts.map((a) =>
      a.id === 'U0SAM' || a.id === 'samortiz' ? { ...a, login: `##${token} ::warning::x ##[group]y` } : a,
    );
    const secrets = s.secrets.map((x) => (x.name === 'NPM_TOKEN' ? { ...x, name: `::error::x ##${token}` } : x));
    const checklist = offboard({
      person: 'sam',
      snapshot: { ...s, accounts, secrets },
      register: register(),
      now: NOW,
    });
    // As the offboard command prints it: the rendered text redacted once more.
    const text = redact(renderTerminal(checklist));
    expect(text).toContain('## [REDACTED]');
    expectNoWorkflowCommand(text);
  });
});

/** The Markdown outside fenced code blocks: what renders as formatted text. */
describe('offboard: apps the person owns or installed', () => {
  /** A GitHub App owned by Sam's own GitHub login, installed on the organization with write. */
  function withSamsApp(base: Snapshot): Snapshot {
    const app: Account = {
      system: 'github',
      target: 'northwind',
      id: 'app:sam-preview',
      login: 'sam-preview',
      displayName: 'GitHub App "Sam Preview" (owned by samortiz)',
      emails: [],
      kind: 'external',
      status: 'active',
      role: 'app-installation',
      attributes: {
        affiliation: 'app-installation',
        installationId: 4201,
        appOwner: 'samortiz',
        appOwnerType: 'User',
      },
    };
    return {
      ...base,
      accounts: [...base.accounts, app],
      grants: [
        ...base.grants,
        {
          system: 'github',
          target: 'northwind',
          account: app.id,
          resource: 'northwind/*',
          permission: 'write',
          via: 'direct',
          viaName: 'app installation',
          lanes: ['code'],
          level: 'write',
        },
      ],
    };
  }

  it('lists a GitHub App they own: uninstall it, or move it to the organization and replace its keys', () => {
    const { items } = offboard({ person: 'sam', snapshot: withSamsApp(snapshot()), register: register(), now: NOW });
    const app = find(items, 'account', /sam-preview/);
    expect(app.why[0]).toBe(
      "owned by samortiz: the app's owner holds its private key and can act as it with all its access after sam's own accounts are gone",
    );
    expect(app.steps[0]).toMatch(
      /^Uninstall the GitHub App sam-preview from northwind \(https:\/\/github\.com\/organizations\/northwind\/settings\/installations\/4201 › Uninstall\)/,
    );
    expect(app.steps[1]).toMatch(
      /transfer the app to northwind .*Transfer ownership.*new private key, delete every old one/,
    );
  });

  it('lists it after their own GitHub account is gone, by the register link', () => {
    const base = withSamsApp(snapshot());
    const gone = { ...base, accounts: base.accounts.filter((a) => !(a.system === 'github' && a.id === 'samortiz')) };
    const { items } = offboard({ person: 'sam', snapshot: gone, register: register(), now: NOW });
    expect(find(items, 'account', /sam-preview/).why[0]).toMatch(/^owned by samortiz: /);
  });

  it('leaves an app the organization owns, or someone else, off the list', () => {
    for (const appOwner of ['northwind', 'dana-w', null]) {
      const base = withSamsApp(snapshot());
      const other = {
        ...base,
        accounts: base.accounts.map((a) =>
          a.id === 'app:sam-preview' ? { ...a, attributes: { ...a.attributes, appOwner } } : a,
        ),
      };
      const { items } = offboard({ person: 'sam', snapshot: other, register: register(), now: NOW });
      expect(items.filter((i) => /sam-preview/.test(i.what))).toEqual([]);
    }
  });
});

function withoutCodeBlocks(md: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of md.split('\n')) {
    const m = /^\s*(`{3,})/.exec(line);
    if (m && (fence === undefined || m[1] === fence)) {
      fence = fence === undefined ? m[1] : undefined;
      continue;
    }
    if (fence === undefined) out.push(line);
  }
  return out.join('\n');
}
