// The access register: who, which task, which system, which lane, from when to when,
// and which employee owns the approval. Edited by people, reviewed in pull requests.
// Structure is checked here; cross-references (owners exist, owners are employees,
// dates in order) are checked in validate.ts so that every problem is reported at once.
import { z } from 'zod';
import { isCalendarDate } from './dates.js';
import { LaneSchema, LevelSchema } from './model.js';

/** A calendar date, YYYY-MM-DD, that exists (2026-02-30 does not). */
export const DateSchema = z.string().refine(isCalendarDate, { message: 'must be a date written YYYY-MM-DD' });

const Id = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lower-case letters, digits, ".", "_" or "-"');
const NonEmpty = z.string().trim().min(1, 'must not be empty');
const OneOrMany = z.union([NonEmpty, z.array(NonEmpty).min(1)]);

export const RegisterGrantSchema = z.strictObject({
  /** What the access is for, in words a reviewer understands. */
  task: NonEmpty,
  system: NonEmpty,
  /** Glob over the connector's resource names: "northwind/shop", "northwind/*", "#support", "workspace". */
  scope: OneOrMany,
  lane: LaneSchema,
  access: LevelSchema,
  start: DateSchema,
  /** Last day of access, inclusive. Missing is allowed by the schema and reported by register-incomplete. */
  end: DateSchema.optional(),
  ticket: NonEmpty.optional(),
  /** The employee who approved this grant when it is not the person's owner. */
  approved_by: Id.optional(),
});
export type RegisterGrant = z.infer<typeof RegisterGrantSchema>;

export const PersonSchema = z.strictObject({
  id: Id,
  name: NonEmpty,
  kind: z.enum(['employee', 'contractor']),
  /** The employee who owns this person's approvals. Required for contractors (checked in validate). */
  owner: Id.optional(),
  emails: z.array(z.string().trim().toLowerCase().pipe(z.email())).default([]),
  /** Explicit links where emails do not match: { github: "samortiz", aws: ["sam", "arn:…"] }. */
  accounts: z.record(NonEmpty, OneOrMany).default({}),
  /** The engagement: after `end`, nothing this person holds is approved. */
  start: DateSchema.optional(),
  end: DateSchema.optional(),
  /** An approved exception to the one-lane rule, with its reason and the employee who approved it. */
  lanes_exception: z.strictObject({ reason: NonEmpty, approved_by: Id, end: DateSchema.optional() }).optional(),
  grants: z.array(RegisterGrantSchema).default([]),
});
export type Person = z.infer<typeof PersonSchema>;

export const SharedAccountSchema = z.strictObject({
  system: NonEmpty,
  /** Account id or login in that system (ARN, login, member string, Slack id or name). */
  id: NonEmpty,
  kind: z.enum(['service', 'bot', 'shared']),
  owner: Id,
  purpose: NonEmpty,
  /** People who use it; they inherit its access for offboarding and drift. */
  users: z.array(Id).default([]),
});
export type SharedAccount = z.infer<typeof SharedAccountSchema>;

/** A group principal (GCP group, Identity Center group) and the people it stands for. */
export const GroupSchema = z.strictObject({
  system: NonEmpty,
  id: NonEmpty,
  members: z.array(Id),
});
export type RegisterGroup = z.infer<typeof GroupSchema>;

export const AcceptedRiskSchema = z.strictObject({
  /** The finding's fingerprint, or rule + account below. */
  fingerprint: NonEmpty.optional(),
  rule: NonEmpty.optional(),
  system: NonEmpty.optional(),
  account: NonEmpty.optional(),
  /** Narrow rule + account to one target (an org, an AWS account) or one resource. */
  target: NonEmpty.optional(),
  resource: NonEmpty.optional(),
  reason: NonEmpty,
  accepted_by: Id,
  end: DateSchema,
});
export type AcceptedRisk = z.infer<typeof AcceptedRiskSchema>;

export const RegisterSchema = z.strictObject({
  organization: NonEmpty,
  /** Email domains of employees; used to tell insiders from outsiders. */
  domains: z.array(NonEmpty).default([]),
  people: z.array(PersonSchema).default([]),
  shared_accounts: z.array(SharedAccountSchema).default([]),
  groups: z.array(GroupSchema).default([]),
  accepted_risks: z.array(AcceptedRiskSchema).default([]),
});
export type Register = z.infer<typeof RegisterSchema>;
