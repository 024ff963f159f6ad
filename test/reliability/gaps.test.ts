// Fail closed on every partial read: each way part of a system can go unseen is a named gap, and
// through the CLI it makes the scan incomplete (exit 3), named in the terminal, in findings.json
// and on report.html's first screen; the config's coverage.accept acknowledges it, until a date.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DefaultTreeAdapterMap, parse } from 'parse5';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REPORT_FILES } from '../../reports/index.js';
import type { EmulatorOptions } from '../../src/core/connector.js';
import { demoScenario, type ScanSetup, setupScan } from './harness.js';

// The CLI's retries wait milliseconds: a GCP folder that answers 403 is not retried anyway.
vi.mock('../../connectors/index.js', async () => (await import('./tuned-registry.js')).tunedRegistry());

// biome-ignore lint/suspicious/noExplicitAny: scenarios are plain JSON
type Json = Record<string, any>;

interface GapCase {
  kind: string;
  /** Makes the demo company show that gap. */
  make(scenario: Json): void;
  /** Faults the emulators inject for it. */
  emulator?: Partial<EmulatorOptions>;
  /** Other gaps the same cause shows, accepted with the demo's own so the case isolates its kind. */
  alsoShows?: string[];
}

const CASES: GapCase[] = [
  {
    kind: 'github.two-factor',
    make: (s) => {
      s.github.twoFactorVisible = false;
    },
  },
  // The demo's own: its token cannot list fine-grained tokens (its config accepts it; these tests do not).
  { kind: 'github.pat-grants', make: () => {} },
  {
    kind: 'github.base-permission',
    make: (s) => {
      s.github.orgDetailsVisible = false;
    },
    // Without the organisation's details its plan is unknown too, so a 404 on custom roles is.
    alsoShows: ['github.custom-repository-roles'],
  },
  {
    kind: 'github.repository-coverage',
    make: (s) => {
      // An installation on selected repositories: the private ones left out are not seen.
      s.github.selectedRepositories = [s.github.repos[0].name];
    },
  },
  {
    kind: 'github.org-secrets',
    make: (s) => {
      s.github.orgSecrets = null;
    },
  },
  {
    kind: 'github.app-installations',
    make: (s) => {
      s.github.installations = null;
    },
  },
  {
    kind: 'github.enterprise-owners',
    make: (s) => {
      s.github.enterpriseOwners = null;
    },
  },
  {
    kind: 'github.organization-roles',
    make: (s) => {
      s.github.organizationRoles = null;
    },
  },
  {
    kind: 'github.custom-repository-roles',
    make: (s) => {
      s.github.customRepositoryRoles = null;
    },
  },
  {
    kind: 'records-invalid',
    make: (s) => {
      s.github.repos[0].unresolvedCollaborators = 2;
    },
  },
  {
    kind: 'gcp.service-account-policies',
    make: (s) => {
      s.gcp.projects[0].serviceAccounts[0].policyDenied = true;
    },
  },
  {
    kind: 'gcp.group-members',
    make: (s) => {
      s.gcp.groupsDenied = true;
    },
  },
  {
    kind: 'aws.credential-report',
    make: (s) => {
      s.aws.accounts[0].credentialReport = 'denied';
    },
  },
  {
    kind: 'aws.root-credentials',
    make: (s) => {
      s.aws.accounts[0].reportHasRoot = false;
    },
  },
  {
    // The demo's exports bucket, whose policy names the agency's account, may not be read.
    kind: 'aws.bucket-policies',
    make: (s) => {
      for (const b of s.aws.accounts[0].buckets) b.policyDenied = true;
    },
  },
  {
    kind: 'aws.key-policies',
    make: (s) => {
      s.aws.accounts[0].keys = null;
    },
  },
  {
    // A folder search does not list, and that answers 503 to every look-up, retries included:
    // the project below it cannot be placed, so it is skipped, by name.
    kind: 'gcp.folder-unreadable',
    make: (s) => {
      s.gcp.folders.push({
        id: '555555555555',
        displayName: 'hidden',
        parent: 'organizations/123456789012',
        unlisted: true,
      });
      s.gcp.projects.push({ projectId: 'northwind-hidden', parent: 'folders/555555555555', bindings: [] });
    },
    emulator: {
      faults: {
        seed: 1,
        rate: 1,
        kinds: ['unavailable'],
        operations: ['cloudresourcemanager.folders.get'],
        persistent: true,
      },
    },
  },
  {
    kind: 'gcp.custom-role-unreadable',
    make: (s) => {
      s.gcp.projects[0].bindings.push({
        role: 'organizations/123456789012/roles/gone',
        members: ['user:dana@northwind.example'],
      });
    },
  },
  {
    // The demo's analytics bucket, whose own IAM lets the agency read it, may not be read.
    kind: 'gcp.bucket-policies',
    make: (s) => {
      for (const p of s.gcp.projects) for (const b of p.buckets ?? []) b.denied = true;
    },
  },
  {
    kind: 'gcp.dataset-access',
    make: (s) => {
      for (const p of s.gcp.projects) p.datasetsDenied = true;
    },
  },
  {
    // A workspace on the free plan: Slack keeps no integration log to read.
    kind: 'slack.apps',
    make: (s) => {
      s.slack.freePlan = true;
    },
  },
  {
    kind: 'slack.two-factor',
    make: (s) => {
      s.slack.token = { ...s.slack.token, seesTwoFactor: false };
    },
  },
];

const ACCEPTED = { reason: 'known and accepted for now', until: '2027-01-31' };

let open: ScanSetup | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function scanWith(gap: GapCase, accept: { gap: string; reason: string; until: string }[]) {
  const scenario = structuredClone(await demoScenario()) as Json;
  gap.make(scenario);
  // Every other gap the demo shows stays accepted, so each case isolates one kind.
  const others = ['github.pat-grants', ...(gap.alsoShows ?? [])]
    .filter((kind) => kind !== gap.kind)
    .map((kind) => ({ gap: kind, ...ACCEPTED }));
  open = await setupScan({
    scenario,
    config: { coverage: { accept: [...others, ...accept] } },
    ...(gap.emulator ? { emulator: gap.emulator } : {}),
  });
  const run = await open.scan('--quiet');
  const findings = JSON.parse(await readFile(join(open.outDir, REPORT_FILES.json), 'utf8')) as {
    complete: boolean;
    gaps: { kind: string; accepted?: { reason: string; until: string } }[];
  };
  const html = await readFile(join(open.outDir, REPORT_FILES.html), 'utf8');
  return { run, findings, firstScreen: firstScreen(html) };
}

/** The text of report.html above its table of contents: what a reader sees before scrolling. */
function firstScreen(html: string): string {
  const document = parse(html);
  const text: string[] = [];
  let done = false;
  const walk = (node: DefaultTreeAdapterMap['node']) => {
    if (done) return;
    if ('tagName' in node && node.tagName === 'nav') {
      done = true;
      return;
    }
    if (node.nodeName === '#text') text.push((node as DefaultTreeAdapterMap['textNode']).value);
    if ('childNodes' in node) for (const child of node.childNodes) walk(child);
  };
  walk(document);
  return text.join(' ').replace(/\s+/g, ' ');
}

describe.each(CASES)('$kind', (gap) => {
  it('makes the scan incomplete, named in the terminal, findings.json and the first screen', async () => {
    const { run, findings, firstScreen: screen } = await scanWith(gap, []);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout + run.stderr).toContain(gap.kind);
    expect(findings.complete).toBe(false);
    expect(findings.gaps.filter((g) => g.kind === gap.kind && !g.accepted).length).toBeGreaterThan(0);
    expect(screen).toContain('INCOMPLETE SCAN');
    expect(screen).toContain(gap.kind);
  });

  it('is listed but does not fail the scan while the config accepts it', async () => {
    const { run, findings, firstScreen: screen } = await scanWith(gap, [{ gap: gap.kind, ...ACCEPTED }]);
    expect(run.code, run.stderr).toBe(0);
    expect(findings.complete).toBe(true);
    expect(findings.gaps.filter((g) => g.kind === gap.kind).every((g) => g.accepted?.until === '2027-01-31')).toBe(
      true,
    );
    expect(screen).toContain('Known gaps, accepted');
    expect(screen).toContain(gap.kind);
  });
});

it('counts a gap again once its acceptance has lapsed', async () => {
  const lapsed = { gap: 'github.two-factor', reason: 'was fine last quarter', until: '2026-11-28' };
  const { run, findings } = await scanWith(CASES[0] as GapCase, [lapsed]);
  expect(run.code).toBe(3);
  expect(findings.gaps.find((g) => g.kind === 'github.two-factor')?.accepted).toBeUndefined();
});
