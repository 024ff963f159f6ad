// The scan's configuration. Connector blocks are validated by each connector's own schema
// (connectors/<id>/schema.ts); this file holds what every scan shares.
import { z } from 'zod';
import { SEVERITIES } from '../rules/types.js';

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
});
export type Policy = z.infer<typeof PolicySchema>;

export const REPORT_FORMATS = ['html', 'md', 'json', 'csv', 'sarif', 'inventory'] as const;
export const ReportSchema = z.strictObject({
  outDir: z.string().min(1).default('lanekeeper-report'),
  formats: z.array(z.enum(REPORT_FORMATS)).default([...REPORT_FORMATS]),
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
});
export type RawConfig = z.infer<typeof ConfigSchema>;
