// The one redactor. Every secret the process learns (tokens read from the environment,
// SMTP passwords, keys) is registered here, and every logger, error printer and writer
// passes its text through redact(). Raw and URL-encoded forms are both masked.

const secrets = new Set<string>();
const MIN_SECRET_LENGTH = 6;

/** Remember a secret value so it is masked wherever it would be printed or written. */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < MIN_SECRET_LENGTH) return;
  secrets.add(value);
  secrets.add(encodeURIComponent(value));
  secrets.add(Buffer.from(value).toString('base64'));
}

/** Names of environment variables whose values are secret wherever they appear. */
const SECRET_ENV = /(TOKEN|SECRET|PASSWORD|PASS|PRIVATE_KEY|CREDENTIALS|SESSION)/i;

export function registerSecretsFromEnv(env: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(env)) if (SECRET_ENV.test(name)) registerSecret(value);
}

// Shapes that are secrets whatever their source, in case one arrives unregistered.
const PATTERNS: RegExp[] = [
  /\b(gh[pousr]_[A-Za-z0-9]{20,})\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g,
  /(authorization["']?\s*[:=]\s*["']?)(bearer|token|basic)\s+[^\s"',}]+/gi,
  /(-----BEGIN [A-Z ]*PRIVATE KEY-----)[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----)/g,
  /((?:aws_)?secret_?access_?key["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{20,}/gi,
];

export function redact(text: string): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('[REDACTED]');
  for (const pattern of PATTERNS) {
    out = out.replace(pattern, (_match, ...groups) => {
      const prefix = typeof groups[0] === 'string' && pattern.source.startsWith('(') ? groups[0] : '';
      return `${prefix}[REDACTED]`;
    });
  }
  return out;
}

/** For tests: forget every registered secret. */
export function clearSecrets(): void {
  secrets.clear();
}
