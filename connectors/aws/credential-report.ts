// IAM's credential report: one CSV row per IAM user plus the root account, with console
// password, MFA and both access keys' rotation and last use. Values that are not dates or
// booleans (`N/A`, `no_information`, `not_supported`) become undefined, never a date.

export const ROOT_USER = '<root_account>';

export interface AccessKeySlot {
  /** 1 or 2: the report's two key columns. */
  slot: 1 | 2;
  active: boolean;
  lastRotated?: string;
  lastUsedAt?: string;
  lastUsedRegion?: string;
  lastUsedService?: string;
}

export interface CredentialReportRow {
  user: string;
  arn: string;
  isRoot: boolean;
  createdAt?: string;
  /** undefined for root: the report says not_supported there. */
  passwordEnabled?: boolean;
  passwordLastUsed?: string;
  passwordLastChanged?: string;
  mfaActive: boolean;
  /** Only keys that exist (a rotation date or an active flag). */
  accessKeys: AccessKeySlot[];
}

const REQUIRED = ['user', 'arn', 'password_enabled', 'mfa_active', 'access_key_1_active', 'access_key_2_active'];

const NO_VALUE = new Set(['', 'n/a', 'no_information', 'not_supported', 'n\\a']);

export function parseCredentialReport(csv: string): CredentialReportRow[] {
  const lines = csv
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = splitCsvLine(lines[0] ?? '');
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new Error(`credential report lacks the columns ${missing.join(', ')}`);
  return lines.slice(1).map((line, i) => {
    const cells = splitCsvLine(line);
    if (cells.length < header.length)
      throw new Error(`credential report line ${i + 2} has ${cells.length} cells, the header ${header.length}`);
    const get = (column: string) => cells[header.indexOf(column)];
    return rowOf(get);
  });
}

function rowOf(get: (column: string) => string | undefined): CredentialReportRow {
  const user = get('user') ?? '';
  const row: CredentialReportRow = {
    user,
    arn: get('arn') ?? '',
    isRoot: user === ROOT_USER,
    mfaActive: bool(get('mfa_active')) ?? false,
    accessKeys: [],
  };
  setIf(row, 'createdAt', date(get('user_creation_time')));
  setIf(row, 'passwordEnabled', bool(get('password_enabled')));
  setIf(row, 'passwordLastUsed', date(get('password_last_used')));
  setIf(row, 'passwordLastChanged', date(get('password_last_changed')));
  for (const slot of [1, 2] as const) {
    const prefix = `access_key_${slot}_`;
    const active = bool(get(`${prefix}active`)) ?? false;
    const lastRotated = date(get(`${prefix}last_rotated`));
    if (!active && lastRotated === undefined) continue;
    const key: AccessKeySlot = { slot, active };
    setIf(key, 'lastRotated', lastRotated);
    setIf(key, 'lastUsedAt', date(get(`${prefix}last_used_date`)));
    setIf(key, 'lastUsedRegion', text(get(`${prefix}last_used_region`)));
    setIf(key, 'lastUsedService', text(get(`${prefix}last_used_service`)));
    row.accessKeys.push(key);
  }
  return row;
}

function setIf<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function text(value: string | undefined): string | undefined {
  if (value === undefined || NO_VALUE.has(value.trim().toLowerCase())) return undefined;
  return value.trim();
}

function bool(value: string | undefined): boolean | undefined {
  const v = text(value)?.toLowerCase();
  return v === 'true' ? true : v === 'false' ? false : undefined;
}

/** ISO instants as the report writes them (`2026-05-04T10:11:12+00:00`), normalised to `Z`. */
function date(value: string | undefined): string | undefined {
  const v = text(value);
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** RFC 4180 cells: IAM does not quote, but user names may one day need it. */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

/** The report's header, for the emulator and tests: exactly IAM's column order. */
export const CREDENTIAL_REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
] as const;
