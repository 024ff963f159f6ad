// One way to compare who someone is across systems: every email and login from every connector,
// and every email and account link in the register, goes through here before two are compared.
// A trailing space in Slack, a capital in GitHub or a decomposed accent in an IAM tag must not
// unlink an employee from themselves.

/** Unicode NFC, trimmed, whitespace inside removed, case-folded. */
function fold(value: string): string {
  return value.normalize('NFC').trim().replace(/\s+/g, '').toLocaleLowerCase('en-US');
}

/**
 * An email as a key: NFC, trimmed, the domain case-folded, and the local part too (every system
 * lanekeeper reads treats addresses case-insensitively: Google Workspace, Slack, GitHub, IAM tags).
 */
export function normalizeEmail(email: string): string {
  return fold(email);
}

/** A login, user name or account id as a key: GitHub, IAM and Slack compare them case-insensitively. */
export function normalizeLogin(login: string): string {
  return fold(login);
}

/** Whether a string reads as an email address. */
export function looksLikeEmail(value: string): boolean {
  return /^[^@\s]+@[^@\s]+$/.test(value.trim());
}

/** The domain part of an email, normalised; undefined when it has none. */
export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  return at < 0 ? undefined : normalizeEmail(email.slice(at + 1));
}
