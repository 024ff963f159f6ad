// report.sarif: SARIF 2.1.0 for code-scanning UIs (GitHub, GitLab, Azure DevOps).
// One SARIF rule per lanekeeper rule, each finding located in the register at the
// person's or grant's line, so the pull request that changes access shows it in place.
import { type Finding, type RuleMeta, type Severity, severityRank } from '../src/core/finding.js';
import { byText } from '../src/core/order.js';
import { oneLine } from '../src/core/text.js';
import { jsonEndingInList } from './json-list.js';

export interface SarifLocation {
  /** Path of the register relative to the repository root, with forward slashes. */
  uri: string;
  line: number;
}

export interface SarifInput {
  findings: readonly Finding[];
  rules: readonly RuleMeta[];
  toolVersion: string;
  /** Where in the register a finding belongs; the register's first line when nothing closer exists. */
  locate(finding: Finding): SarifLocation;
  /** A person's name from the register, to name them as the other reports do: "Sam Ortiz (sam)". */
  personName?(id: string): string | undefined;
  /** Results at most (SARIF_MAX_RESULTS unless a test says otherwise). */
  maxResults?: number;
}

/**
 * GitHub code scanning rejects a whole run of more than 25,000 results ("Analysis SARIF file
 * rejected due to result limits"), and a large organisation reaches that: the bench's has 24,212
 * findings. Past it the most severe are kept and the run says how many are left out, and where.
 */
export const SARIF_MAX_RESULTS = 25_000;

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

// GitHub ranks code-scanning alerts by this property (0.0–10.0).
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

/**
 * The SARIF log in pieces, one result each (see jsonEndingInList): byte for byte
 * `JSON.stringify(log, null, 2)` and a newline, without the whole log in memory at once.
 */
export function sarifChunks(input: SarifInput): Iterable<string> {
  const max = input.maxResults ?? SARIF_MAX_RESULTS;
  // The most severe first, each severity in the order given (a stable sort), when some must go.
  const results =
    input.findings.length <= max
      ? input.findings
      : [...input.findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity)).slice(0, max);
  const left = input.findings.length - results.length;
  const rules = [...input.rules].sort((a, b) => byText(a.id, b.id));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'lanekeeper',
            version: input.toolVersion,
            informationUri: 'https://github.com/lanekeeper/lanekeeper',
            rules: rules.map((r) => ({
              id: r.id,
              name: pascal(r.id),
              shortDescription: { text: r.title },
              fullDescription: { text: r.why },
              help: { text: `${r.why}\n\nFix: ${r.remediation}`, markdown: `${r.why}\n\n**Fix:** ${r.remediation}` },
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { 'security-severity': SECURITY_SEVERITY[r.severity], tags: ['security', 'access'] },
            })),
          },
        },
        ...(left > 0
          ? {
              invocations: [
                {
                  executionSuccessful: true,
                  toolExecutionNotifications: [
                    {
                      level: 'warning',
                      message: {
                        text: `${left} of the ${input.findings.length} findings ${left === 1 ? 'is' : 'are'} left out, the least severe: code scanning takes at most ${max} results in a run. All of them are in findings.json and report.html.`,
                      },
                    },
                  ],
                },
              ],
            }
          : {}),
        // Last, so the log ends with it: each result is written on its own.
        results: [],
      },
    ],
  };
  return jsonEndingInList(log, results, (f) => {
    const at = input.locate(f);
    return {
      ruleId: f.rule,
      ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) } : {}),
      level: LEVEL[f.severity],
      message: { text: message(f, input.personName) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: at.uri },
            region: { startLine: Math.max(1, at.line) },
          },
        },
      ],
      partialFingerprints: { 'lanekeeper/v1': f.fingerprint },
      properties: {
        severity: f.severity,
        system: f.system,
        target: f.target,
        account: f.account,
        ...(f.person ? { person: f.person } : {}),
        ...(f.resource ? { resource: f.resource } : {}),
      },
    };
  });
}

/**
 * Our lines, each value on one: evidence from an API cannot forge a line of the message. The
 * first names the person, when there is one: a finding about the register has nothing else to tell
 * one result from another ("register" is its system and its target).
 */
function message(f: Finding, personName: SarifInput['personName']): string {
  const name = f.person === undefined ? undefined : personName?.(f.person);
  const who = f.person === undefined ? [] : [name && name !== f.person ? `${name} (${f.person})` : f.person];
  const place = [f.system, f.target === f.system ? '' : f.target, f.account, f.resource].filter(Boolean).join(' / ');
  const lines = [`${f.title}: ${[...who, place].join(', ')}`, ...f.evidence.map((e) => `- ${e}`)];
  if (f.remediation.steps.length > 0) lines.push(`Fix: ${f.remediation.steps.join(' ')}`);
  return lines.map(oneLine).join('\n');
}

function pascal(id: string): string {
  return id
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}
