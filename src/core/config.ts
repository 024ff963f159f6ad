// The scan's configuration. Connector blocks are validated by each connector's own schema
// (connectors/<id>/schema.ts); this file holds what every scan shares.
import { z } from 'zod';
import { isCalendarDate } from './dates.js';
import { SEVERITIES } from './finding.js';

export const FailOnSchema = z.enum([...SEVERITIES, 'none']);
export type FailOn = z.infer<typeof FailOnSchema>;

/** Settings every connector block accepts besides its own. */
export const ConnectorCommonSchema = z.object({
  /** Leave the block in place but skip the system. */
  enabled: z.boolean().default(true),
  /** After this many seconds the system is failed, not hung. */
  deadlineSeconds: z.number().int().positive().default(600),
  /** Requests in flight at once for this system. */
  concurrency: z.number().int().positive().max(64).default(8),
});

export const PolicySchema = z.strictObject({
  failOn: FailOnSchema.default('critical'),
  /** expiring-soon fires this many days before a grant ends. */
  expiringSoonDays: z.number().int().nonnegative().default(14),
  /** stale-credential fires for keys unused this long. */
  staleCredentialDays: z.number().int().positive().default(90),
  /** A contractor's long-lived key older than this is stale even if used. */
  contractorKeyMaxDays: z.number().int().positive().default(30),
  /** Email domains that belong to the company (employees' addresses). */
  employeeDomains: z.array(z.string().min(1)).default([]),
  /** Severity of drift findings: low by default, raised for admin or production additions. */
  drift: z
    .strictObject({
      severity: z.enum(SEVERITIES).default('low'),
      adminSeverity: z.enum(SEVERITIES).default('high'),
      productionSeverity: z.enum(SEVERITIES).default('medium'),
    })
    .default({ severity: 'low', adminSeverity: 'high', productionSeverity: 'medium' }),
});
export type Policy = z.infer<typeof PolicySchema>;

export const REPORT_FORMATS = ['html', 'md', 'json', 'csv', 'sarif', 'inventory'] as const;
export const ReportSchema = z.strictObject({
  outDir: z.string().min(1).default('lanekeeper-report'),
  formats: z.array(z.enum(REPORT_FORMATS)).default([...REPORT_FORMATS]),
});

export const HistorySchema = z.strictObject({
  /** SQLite file; written in the config, relative to the config file's folder; the default, to the working directory. */
  path: z.string().min(1).default('.lanekeeper/history.db'),
  /** Snapshots and findings of scans older than this are pruned; their finding counts stay for trends. */
  retentionDays: z.number().int().positive().default(400),
});

/** nodemailer's own option names, so its documentation applies as written. */
export const SmtpSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().positive().max(65535).default(587),
  secure: z.boolean().default(false),
  requireTLS: z.boolean().default(true),
  user: z.string().min(1).optional(),
  pass: z.string().min(1).optional(),
});

export const EmailSchema = z
  .strictObject({
    to: z.array(z.email()).min(1),
    cc: z.array(z.email()).default([]),
    from: z.string().min(3),
    /** Send every week, only when there are findings, or only when one is critical. */
    when: z.enum(['always', 'findings', 'critical']).default('always'),
    /**
     * The reports attached (report.html, then access.csv, then findings.json) may take this many
     * MB (10⁶ bytes) together; one that does not fit is named in the message instead. Encoding
     * for mail adds a third: the default stays under the 10 MB many mail servers accept.
     */
    maxAttachmentsMB: z.number().positive().default(7),
    smtp: SmtpSchema.optional(),
    ses: z.strictObject({ region: z.string().min(1) }).optional(),
  })
  .refine((e) => (e.smtp === undefined) !== (e.ses === undefined), {
    message: 'give exactly one of "smtp" or "ses"',
  });
export type EmailConfig = z.infer<typeof EmailSchema>;

/**
 * YYYY-MM-DD, a day the calendar has: the register's check, so 2027-02-30 is refused rather than
 * rolled over to March. The pattern stays for the JSON Schema editors read; `abort` keeps a
 * malformed date to one problem. Every date in the config uses this.
 */
const DateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date written YYYY-MM-DD', abort: true })
  .refine(isCalendarDate, { message: 'is not a real calendar date' });

/**
 * A gap the company knows of and accepts for a while: a GitHub organisation on a plan without
 * fine-grained PAT grants, say. Listed in every report, it no longer makes the scan incomplete,
 * until its date passes and it counts again.
 */
export const GapAcceptanceSchema = z.strictObject({
  /** The gap's kind, as reports name it: "github.pat-grants". */
  gap: z.string().min(1),
  /** Only on this target (an org, an AWS account, a project); every target when absent. */
  target: z.string().min(1).optional(),
  /** Why it is acceptable: shown beside the gap. */
  reason: z.string().min(3),
  /** The last day it is accepted, inclusive. */
  until: DateSchema,
});
export type GapAcceptance = z.infer<typeof GapAcceptanceSchema>;

export const CoverageSchema = z.strictObject({
  accept: z.array(GapAcceptanceSchema).default([]),
});

export const ConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  /** Shown in report titles; defaults to the register's organization. */
  organization: z.string().min(1).optional(),
  /** Path of the register, relative to the config file. */
  register: z.string().min(1).optional(),
  /** One block per system, keyed by connector id; each is checked by that connector's schema. */
  connectors: z.record(z.string(), z.record(z.string(), z.unknown())),
  policy: PolicySchema.default(PolicySchema.parse({})),
  report: ReportSchema.default(ReportSchema.parse({})),
  history: HistorySchema.optional(),
  email: EmailSchema.optional(),
  /** Gaps in what the scan can see that the company accepts, each with a reason and an end. */
  coverage: CoverageSchema.default({ accept: [] }),
  /** Allow http:// endpoints off this machine (a private network you control); tokens travel in clear. */
  allowInsecureEndpoints: z.boolean().default(false),
});
export type RawConfig = z.infer<typeof ConfigSchema>;
