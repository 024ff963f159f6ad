// The report stage: what the renderers read (one ReportInput per scan), every format rendered,
// and the files written so no reader ever sees half of one. The renderers in reports/ never
// decide; everything they show is decided here or before.
import { mkdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { EmailAttachments, EmailInput } from '../../reports/email.js';
import { REPORT_FILES, type ReportFormat, type ReportInput, reportChunks } from '../../reports/index.js';
import { sarifChunks } from '../../reports/sarif.js';
import { reportActions } from '../../reports/view.js';

export { reportActions };

import { type Completeness, openGaps } from '../core/completeness.js';
import type { Drift } from '../core/drift.js';
import type { AcceptedFinding, Evaluation } from '../core/evaluation.js';
import type { Finding, RuleMeta, Severity } from '../core/finding.js';
import type { Snapshot } from '../core/model.js';
import { redactDeep, redactEach } from '../core/redact.js';
import { writeFileSafely } from '../core/safe-write.js';
import { VERSION } from '../core/version.js';
import type { AcceptanceResult } from './accept.js';
import type { LoadedRegister } from './register/index.js';

export interface ReportHistoryFacts {
  drift?: Drift;
  /** Counts of the recent scans before this one, oldest first. */
  earlier: { scannedAt: string; counts: Record<Severity, number> }[];
  /** When each current finding was first seen; absent ones are new in this scan. */
  firstSeen: ReadonlyMap<string, string>;
}

export interface ReportFacts {
  organization: string;
  now: Date;
  snapshot: Snapshot;
  completeness: Completeness;
  evaluation: Evaluation;
  rules: readonly RuleMeta[];
  register: LoadedRegister;
  /** The register's path as the reader knows it (relative to the working directory). */
  registerDisplayPath: string;
  /** Register problems to show (warnings, scopes that match nothing), already formatted. */
  registerProblems: string[];
  /** What `offboard` reads to see what this scan saw (reports/actions.ts). */
  offboardArgs?: readonly string[];
  acceptance: Pick<AcceptanceResult, 'accepted' | 'lapsed'>;
  /** Absent when the scan keeps no history. */
  history?: ReportHistoryFacts;
}

/**
 * What every renderer reads, redacted: each registered secret is masked in its raw form here,
 * before HTML entities, Markdown escapes or CSV quotes could hide it from the final-text pass.
 */
export function reportInput(facts: ReportFacts): ReportInput {
  const { now, evaluation, history } = facts;
  const accepted: AcceptedFinding[] = facts.acceptance.accepted;
  return redactDeep({
    organization: facts.organization,
    now,
    // Redacted on its own, so the history, handed the same snapshot later, finds it done.
    snapshot: redactDeep(facts.snapshot),
    completeness: facts.completeness,
    evaluation,
    rules: facts.rules,
    register: { path: facts.registerDisplayPath, problems: facts.registerProblems },
    registerPeople: facts.register.register.people,
    ...(facts.offboardArgs ? { offboardArgs: facts.offboardArgs } : {}),
    accepted,
    lapsedAcceptances: facts.acceptance.lapsed.map((l) => ({
      finding: l.finding,
      reason: l.risk.reason,
      acceptedBy: l.risk.accepted_by,
      end: l.risk.end,
      ...(l.acceptedByLeft ? { acceptedByLeft: l.acceptedByLeft } : {}),
      ...(l.acceptedByKind ? { acceptedByKind: l.acceptedByKind } : {}),
    })),
    ...(history
      ? {
          history: {
            ...(history.drift ? { drift: history.drift } : {}),
            trend: [...history.earlier, { scannedAt: now.toISOString(), counts: evaluation.summary }],
            firstSeen: Object.fromEntries(
              evaluation.findings.map((f) => [
                f.fingerprint,
                history.firstSeen.get(f.fingerprint) ?? now.toISOString(),
              ]),
            ),
          },
        }
      : {}),
  } satisfies ReportInput);
}

export interface SarifPlace {
  register: LoadedRegister;
  registerPath: string;
  cwd: string;
}

/**
 * Every requested format (findings.json always) rendered and written one at a time and piece by
 * piece, so no report is ever one string in memory (together they are several hundred MB at the
 * benchmark's large scale). A later step that needs one reads it back from disk. Each file goes
 * beside its final name and is renamed, so a reader never sees half a report.
 */
export async function writeReportFiles(
  outDir: string,
  unredacted: ReportInput,
  formats: readonly (ReportFormat | 'sarif')[],
  sarif: SarifPlace,
): Promise<{ paths: string[] }> {
  // Redacted before rendering (reportInput's is already; an input built elsewhere is too), and
  // each piece again as it is written, as a second line: no token reaches a file even if a
  // record carried one. A piece never splits a value (reports/index.ts), so each is seen whole,
  // and redacting piece by piece gives the text redacting the whole would (written.test.ts).
  const input = redactDeep(unredacted);
  const renderers = new Map<string, () => Iterable<string>>();
  for (const format of new Set([...formats, 'json' as const])) {
    if (format === 'sarif') renderers.set('report.sarif', () => sarifOf(input.evaluation.findings, input.rules, sarif));
    else renderers.set(REPORT_FILES[format], () => reportChunks(format, input));
  }
  await mkdir(outDir, { recursive: true });
  const paths: string[] = [];
  for (const name of [...renderers.keys()].sort()) {
    const path = join(outDir, name);
    await writeFileSafely(path, redactEach(renderers.get(name)?.() ?? []));
    paths.push(path);
  }
  return { paths };
}

/** SARIF locates each finding at its person's entry in the register, or the register's first line. */
function sarifOf(findings: readonly Finding[], rules: readonly RuleMeta[], place: SarifPlace): Iterable<string> {
  const uri = (relative(place.cwd, place.registerPath) || place.registerPath).split(sep).join('/');
  const index = new Map(place.register.register.people.map((p, i) => [p.id, i]));
  const names = new Map(place.register.register.people.map((p) => [p.id, p.name]));
  return sarifChunks({
    findings,
    rules,
    toolVersion: VERSION,
    personName: (id) => names.get(id),
    locate: (f) => {
      const i = f.person === undefined ? undefined : index.get(f.person);
      return { uri, line: (i === undefined ? undefined : place.register.lineOf(['people', i])) ?? 1 };
    },
  });
}

/** What the email says: the same scan, told for an inbox. */
export function emailInput(
  input: ReportInput,
  register: LoadedRegister,
  newFingerprints: ReadonlySet<string>,
  attachments: EmailAttachments,
): EmailInput {
  const now = input.now.getTime();
  const { completeness } = input;
  return redactDeep({
    organization: input.organization,
    now: input.now,
    complete: completeness.complete,
    failed: [
      ...completeness.failed.map((f) => `${f.system} ${f.target}: ${f.error}`),
      ...openGaps(completeness).map((g) => `${g.system} ${g.target}: ${g.kind}: ${g.detail}`),
    ],
    evaluation: input.evaluation,
    register: register.register,
    actions: reportActions(input),
    ...(input.history?.drift ? { drift: input.history.drift } : {}),
    attachments,
    newFingerprints: new Set(newFingerprints),
    ...(input.history
      ? {
          openDays: new Map(
            Object.entries(input.history.firstSeen).map(([fp, at]) => [
              fp,
              Math.floor((now - Date.parse(at)) / 86_400_000),
            ]),
          ),
          trend: input.history.trend.map((t) => ({
            date: t.scannedAt.slice(0, 10),
            total: Object.values(t.counts).reduce((a, b) => a + b, 0),
            counts: t.counts,
          })),
        }
      : {}),
  } satisfies EmailInput);
}

export { REPORT_FILES };
