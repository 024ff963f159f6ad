// IAM policy documents as IAM writes them: Statement an object or an array, Action/Resource a
// string or a list, Principal "*" or {AWS|Service|Federated|CanonicalUser}. Documents arrive
// URL-encoded from IAM's Query API and as plain JSON from SSO Admin; both come through here.
import { z } from 'zod';

const StringOrList = z.union([z.string(), z.array(z.string())]);

export const PrincipalSchema = z.union([z.literal('*'), z.record(z.string(), StringOrList)]);
export type Principal = z.infer<typeof PrincipalSchema>;

export const StatementSchema = z.object({
  Sid: z.string().optional(),
  Effect: z.enum(['Allow', 'Deny']),
  Action: StringOrList.optional(),
  NotAction: StringOrList.optional(),
  Resource: StringOrList.optional(),
  NotResource: StringOrList.optional(),
  Principal: PrincipalSchema.optional(),
  NotPrincipal: PrincipalSchema.optional(),
  Condition: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});
export type Statement = z.infer<typeof StatementSchema>;

export const PolicyDocumentSchema = z.object({
  Version: z.string().optional(),
  Id: z.string().optional(),
  Statement: z.union([StatementSchema, z.array(StatementSchema)]),
});
export type PolicyDocument = z.infer<typeof PolicyDocumentSchema>;

/** A policy with the name a person knows it by ("AdministratorAccess", "inline sam-debug"). */
export interface NamedPolicy {
  name: string;
  document: PolicyDocument;
}

export function statementsOf(document: PolicyDocument): Statement[] {
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

export function listOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Parse a policy document from IAM's wire form. IAM's Query API URL-encodes documents; SSO
 * Admin and scenario files give plain JSON. A document that is neither throws with the reason.
 */
export function parsePolicyDocument(raw: string, what: string): PolicyDocument {
  const text = raw.trimStart().startsWith('{') ? raw : safeDecode(raw);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`policy document of ${what} is not JSON: ${(e as Error).message}`);
  }
  const parsed = PolicyDocumentSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`policy document of ${what} is not an IAM policy: ${issue?.path.join('.')} ${issue?.message}`);
  }
  return parsed.data;
}

function safeDecode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** One statement in a line a reader can check against the console: "Allow s3:GetObject on arn:…". */
export function describeStatement(policy: string, s: Statement): string {
  const actions = s.Action !== undefined ? listOf(s.Action).join(', ') : `NotAction ${listOf(s.NotAction).join(', ')}`;
  const resources =
    s.Resource !== undefined ? listOf(s.Resource).join(', ') : `NotResource ${listOf(s.NotResource).join(', ')}`;
  // A resource policy's NotPrincipal turns the statement round: it is for everyone else.
  const whom = s.NotPrincipal !== undefined ? ` to everyone but ${principalNames(s.NotPrincipal).join(', ')}` : '';
  const condition = s.Condition ? ` (condition: ${Object.keys(s.Condition).join(', ')})` : '';
  return `${policy}: ${s.Effect} ${actions} on ${resources}${whom}${condition}`;
}

/** Every principal a Principal or NotPrincipal names, whatever its type, as written ("*" for "*"). */
export function principalNames(principal: Principal): string[] {
  if (principal === '*') return ['*'];
  return Object.values(principal).flatMap((v) => listOf(v));
}

/** Locale-independent ordering, so sorted output is the same on every machine. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
