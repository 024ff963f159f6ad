// The contract between the core and one system. The core never names a system:
// it reads the registry in connectors/index.ts and talks to every connector
// through this interface only.
import type { z } from 'zod';
import type { AnswerCache } from './answers.js';
import type { Logger } from './log.js';
import type { Account, Credential, Gap, Grant, Lane, Level, Secret, UnclassifiedGrant } from './model.js';
import type { ConnectorOffboarding, ConnectorRemediation } from './remediation.js';

export interface Classification {
  lanes: Lane[];
  level: Level;
}

/** Where one target's records go while it is being read. All or nothing: a target that throws keeps none. */
export interface TargetOutput {
  account(account: Account): void;
  /** Lanes and level are the pipeline's to set (classify); a connector need not fill them. */
  grant(grant: UnclassifiedGrant): void;
  credential(credential: Credential): void;
  secret(secret: Secret): void;
  /** A note for the reader that changes nothing about what was seen. Shown in the report. */
  warn(message: string): void;
  /**
   * Something this target's read could not see (a permission missing, records that failed their
   * schema): the target is incomplete unless the config acknowledges the gap's kind. Never drop
   * what could not be read silently: name it here, with a count where there is one.
   */
  gap(gap: Gap): void;
  /**
   * Count one API call (for the report's call counts and the benchmark). `unchanged`: the system
   * answered "not modified" to a conditional request, which GitHub does not charge to the rate limit.
   */
  call(operation: string, outcome?: 'unchanged'): void;
  /** This target's answers from the previous scan, for conditional requests (see AnswerCache). */
  readonly answers: AnswerCache;
}

export interface CollectContext {
  readonly now: Date;
  readonly log: Logger;
  /** Aborted when the system's deadline passes or the scan is cancelled. Pass it to every request. */
  readonly signal: AbortSignal;
  /** How many requests this system may have in flight; connectors size their p-queue from it. */
  readonly concurrency: number;
  /**
   * Read one target (org, AWS account, GCP project, Slack team). A throw marks that target failed
   * with the (redacted) reason and drops its partial records; other targets go on.
   */
  runTarget(target: string, read: (out: TargetOutput) => Promise<void>): Promise<boolean>;
}

export type FaultKind =
  | 'rate-limit' // the system's primary rate-limit answer (429, Throttling, RESOURCE_EXHAUSTED)
  | 'secondary-rate-limit' // GitHub's 403 "secondary rate limit"; Slack's 200 ok:false ratelimited
  | 'server-error' // 500
  | 'bad-gateway' // 502
  | 'unavailable' // 503
  | 'reset' // the connection is destroyed without an answer
  | 'slow' // the answer comes later than the client's timeout
  | 'malformed' // a truncated body
  | 'empty-page' // an empty page that still links to a next page
  | 'repeat-cursor'; // a next cursor equal to the current one

export interface FaultPlan {
  /** Seed of the deterministic sequence that decides which requests fail. */
  seed: number;
  /** Share of requests that get a fault, 0..1. */
  rate: number;
  kinds: FaultKind[];
  /** Operations (as the emulator logs them) that may fail; all when absent. */
  operations?: string[];
  /**
   * A stuck server rather than a flaky one: the same operation may fail again on the very next
   * request, so retries do not get through (a cursor that always repeats, a 503 that never ends).
   */
  persistent?: boolean;
}

export interface EmulatorOptions {
  /** Scenario dates like "now-180d" resolve against this clock. */
  now: Date;
  /** Items per page the emulator serves at most (down to 1 in tests). */
  pageSize?: number;
  faults?: FaultPlan;
  /** Fixed latency plus jitter per request, for the benchmark. */
  latencyMs?: number;
  jitterMs?: number;
  /** Rate limits enforced the way the service does; none when absent. */
  rateLimits?: RateLimitPlan;
}

/** A request budget over a sliding window. */
export interface RequestBudget {
  limit: number;
  windowMs: number;
}

/**
 * The limits an emulator enforces. Past one, the request is answered with the system's own
 * throttling answer (the emulator's renderFault) and a Retry-After of the time until it would pass.
 */
export interface RateLimitPlan {
  /** Requests in flight at once; past it, 'secondary-rate-limit' (GitHub: 100 concurrent requests). */
  concurrent?: number;
  /** Every operation together (AWS per-account request rate, a GCP per-minute quota); past it, 'rate-limit'. */
  overall?: RequestBudget;
  /** Per operation (Slack's tiers: per method per minute); past it, 'rate-limit'. */
  perOperation?: Record<string, RequestBudget>;
  /** The windows above are each caller's own (AWS: per account and service), as the emulator names callers. */
  perCaller?: boolean;
  /** GitHub's primary budget per hour, told in x-ratelimit-* headers; past it, 403 until the reset. */
  hourly?: number;
  /** The window of that budget in seconds: an hour, unless a test shortens it to see a reset. */
  hourlyWindowSeconds?: number;
}

export interface RecordedRequest {
  method: string;
  /** The API operation, in the system's own words: "GET /orgs/{org}/members", "ListUsers", "users.list". */
  operation: string;
  path: string;
  status: number;
  fault?: FaultKind;
}

export interface RunningEmulator {
  /** Base URL on 127.0.0.1. */
  readonly url: string;
  /** The connector config block that points at this emulator; secrets as ${ENV} references. */
  readonly config: Record<string, unknown>;
  /** Values for the environment variables `config` references (fake tokens). */
  readonly env: Record<string, string>;
  /** Every request served, in order. */
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface Emulator<Scenario> {
  readonly scenarioSchema: z.ZodType<Scenario>;
  start(scenario: Scenario, options: EmulatorOptions): Promise<RunningEmulator>;
}

/** What a hostile scenario is made of: payloads handed out in turn, or by name. */
export interface HostileAttack {
  next(): string;
  /** One payload by name ("script", "hyperlink", "osc8Link"...). */
  payload(name: string): string;
  /** A payload kept recognisable with a short prefix. */
  labelled(label: string, payload: string): string;
}

/**
 * What the tests and the benchmark know about one system, kept beside its connector so that
 * adding a system adds its proofs without editing a central table. Loaded only by tests and
 * the benchmark (`connector.testKit()`), never by a scan.
 */
export interface ConnectorTestKit {
  /** The same connector with every wait (retry backoff, Retry-After, report polls) in milliseconds. */
  readonly fast: AnyConnector;
  /** Config fields that shorten the waits the config controls (a retry policy), merged into its block. */
  readonly fastConfig?: Record<string, unknown>;
  readonly faults: {
    /** A call made once, early: where the fault matrix injects a slow answer. */
    readonly firstCall: string;
    /** A list the connector pages through: where a stuck server repeats a cursor. */
    readonly pagedCall: string;
    /** Seconds before a slow system is failed; a client that abandons and retries slow answers needs longer. */
    readonly slowDeadlineSeconds: number;
  };
  /** Whether a request the emulator served reads, in the system's own terms (the read-only proof). */
  isRead(request: RecordedRequest): boolean;
  /**
   * The scenario with every field an outsider could write (names, descriptions, emails, titles)
   * replaced by attacks, and accounts added whose names are attacks: the escaping proof's input.
   * Identifiers the real system constrains keep their shape, as they would in the wild.
   */
  hostile(scenario: unknown, attack: HostileAttack): unknown;
  /** For the secret-hygiene proof: literal fake secrets, a config block aimed at `url` that uses them, and the system's refusal echoing what it was sent. */
  readonly secrets: {
    readonly values: readonly string[];
    block(url: string): Record<string, unknown>;
    refusal(sent: string): { status: number; contentType: string; body: string };
  };
  readonly bench: {
    /** Limits the emulator enforces in the benchmark, as the service does. */
    readonly rateLimits: RateLimitPlan;
    /** Requests in flight the benchmark runs this system at. */
    readonly concurrency: number;
    /** Fewest calls a perfect collector makes for this scenario, per operation. */
    minimumCalls(scenario: unknown): Record<string, number>;
    /** With windows per caller (`rateLimits.perCaller`): those fewest calls, per caller. */
    minimumCallsPerCaller?(scenario: unknown): number[];
  };
}

export interface Connector<Config = unknown, Scenario = unknown> {
  /** "github", "aws", "gcp", "slack": the key of its config block and of its scenario block. */
  readonly id: string;
  readonly title: string;
  readonly configSchema: z.ZodType<Config>;
  /**
   * Reads the system. Implementations import their SDK when first called, so `--help`, the
   * reports and a scan of another system never load it.
   */
  collect(config: Config, ctx: CollectContext): Promise<void>;
  /** Lane(s) and level of one raw grant under this config's lanes mapping. Pure. */
  classify(grant: Grant, config: Config): Classification;
  /** How this system takes access away: steps and exact commands for findings and offboarding. */
  readonly remediation: ConnectorRemediation;
  /** What a person could reach beyond their own grants (secrets they could read, keys they could use). */
  readonly offboarding: ConnectorOffboarding;
  /** The local server speaking this system's wire protocol (the demo, the sandbox, the tests); started lazily. */
  readonly emulator: Emulator<Scenario>;
  /** Every read-only operation collect() may call, in RecordedRequest.operation's words. */
  readonly operations: readonly string[];
  /**
   * Config fields that point the connector at another server than the system's own (a GitHub
   * Enterprise Server, the sandbox), and the system's official hosts: such a field must be
   * https (or loopback), and one naming another host is warned about, for its token goes there.
   */
  readonly endpoints?: readonly ConnectorEndpoint[];
  testKit(): Promise<ConnectorTestKit>;
}

export interface ConnectorEndpoint {
  /** The config block's field holding a URL: "baseUrl", "endpoint". */
  field: string;
  /** Hosts (and their subdomains) the system itself answers on: "api.github.com", "amazonaws.com". */
  officialHosts: readonly string[];
}

/** Erases the type parameters so connectors of different shapes share one registry. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds connectors of every config shape
export type AnyConnector = Connector<any, any>;
