// The one redactor. Every secret the process learns (tokens read from the environment,
// SMTP passwords, keys, credentials minted at run time) is registered here, and every
// logger, error printer and writer passes its text through redact(); reports and the
// history redact their whole model before rendering. Raw, URL-encoded, base64 and escaped
// forms are all masked.

import { LiteralSearch } from './literal-search.js';
import { mapStrings } from './map-strings.js';

const secrets = new Set<string>();
const MIN_SECRET_LENGTH = 6;
/** Every secret's every form, found in one pass; rebuilt when a secret is added. */
let anySecret: LiteralSearch | undefined;
/** Counts the secrets registered: a value redacted at one generation needs no second pass at it. */
let generation = 0;

/** Remember a secret value so it is masked wherever it would be printed or written. */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < MIN_SECRET_LENGTH || secrets.has(value)) return;
  // Its raw, URL-encoded and base64 forms, and the forms escaping gives it in HTML, Markdown,
  // JSON and CSV, for text that was escaped before the final pass saw it.
  for (const form of [
    value,
    encodeURIComponent(value),
    Buffer.from(value).toString('base64'),
    htmlEscaped(value),
    JSON.stringify(value).slice(1, -1),
    value.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&'),
    value.replace(/"/g, '""'),
  ])
    if (form.length >= MIN_SECRET_LENGTH) secrets.add(form);
  anySecret = undefined;
  generation++;
}

function htmlEscaped(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * A credential the process minted or was handed at run time (a GitHub App JWT or installation
 * token, a Google access token, an AWS session token), registered from the header that carries
 * it, as it leaves: before any server could echo it back. Basic credentials register the password.
 */
export function registerCredentialHeader(value: string | null | undefined): void {
  if (!value) return;
  const m = /^\s*(bearer|token|basic)\s+(\S+)\s*$/i.exec(value);
  if (!m) {
    registerSecret(value.trim());
    return;
  }
  const credential = m[2] ?? '';
  registerSecret(credential);
  if (m[1]?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    registerSecret(decoded.slice(decoded.indexOf(':') + 1));
  }
}

/** Names of environment variables whose values are secret wherever they appear. */
const SECRET_ENV = /(TOKEN|SECRET|PASSWORD|PASS|PRIVATE_KEY|CREDENTIALS|SESSION)/i;

export function registerSecretsFromEnv(env: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(env)) if (SECRET_ENV.test(name)) registerSecret(value);
}

// Shapes that are secrets whatever their source, in case one arrives unregistered.
// MAYBE_PATTERN finds where any of them could start; text without one skips them all. It runs
// on every string and every piece of every report, so it is case-blind only where the patterns
// are, letter by letter: V8 ran that a third faster than the `i` flag on the whole alternation
// (0.37 s against 0.56 s over the 292 MB of a large scan's reports).
const anyCase = (word: string) => word.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`);
const MAYBE_PATTERN = new RegExp(
  [
    'gh[pousr]_',
    'github_pat_',
    'xox[abposr]-',
    '-----BEGIN',
    anyCase('authorization'),
    `${anyCase('secret')}_?${anyCase('access')}_?${anyCase('key')}`,
  ].join('|'),
);
const PATTERNS: RegExp[] = [
  /\b(gh[pousr]_[A-Za-z0-9]{20,})\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g,
  /(authorization["']?\s*[:=]\s*["']?)(bearer|token|basic)\s+[^\s"',}]+/gi,
  /(-----BEGIN [A-Z ]*PRIVATE KEY-----)[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----)/g,
  /((?:aws_)?secret_?access_?key["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{20,}/gi,
];

export function redact(text: string): string {
  // Nothing shorter than the shortest secret can hold one, nor match a pattern below.
  if (text.length < MIN_SECRET_LENGTH) return text;
  let out = text;
  if (secrets.size > 0) {
    // Of secrets found at one place the longest, so a secret that contains another is masked whole.
    anySecret ??= new LiteralSearch(secrets);
    out = anySecret.replaceAll(out, '[REDACTED]');
  }
  if (!MAYBE_PATTERN.test(out)) return out;
  for (const pattern of PATTERNS) {
    out = out.replace(pattern, (_match, ...groups) => {
      const prefix = typeof groups[0] === 'string' && pattern.source.startsWith('(') ? groups[0] : '';
      return `${prefix}[REDACTED]`;
    });
  }
  return out;
}

/**
 * A text written piece by piece, each piece redacted. Whole only when no piece splits a value
 * (a report's or a shard's pieces are whole records or lines), so each secret is seen whole.
 */
export function* redactEach(pieces: Iterable<string>): Generator<string> {
  for (const piece of pieces) yield redact(piece);
}

/**
 * Every string in a value redacted, before anything renders it: once HTML entities, Markdown
 * backslashes or CSV quotes are added, a secret holding `&`, `'` or `=` no longer matches the
 * final-text pass. Dates and other objects keep their class; plain objects, arrays and maps are
 * copied only where a secret was masked, and are otherwise the same objects.
 */
export function redactDeep<T>(value: T): T {
  // An object this function returned, with no secret registered since, is redacted already,
  // wherever it sits: reportInput() redacts the snapshot, and writeReportFiles() and the history
  // are handed it again; a second walk of 200,000 grants would find nothing.
  const out = mapStrings(value, redact, isRedacted);
  if (typeof out === 'object' && out !== null) redactedAt.set(out, generation);
  return out;
}

const isRedacted = (value: object) => redactedAt.get(value) === generation;

const redactedAt = new WeakMap<object, number>();

/** For tests: forget every registered secret. */
export function clearSecrets(): void {
  secrets.clear();
  anySecret = undefined;
}
