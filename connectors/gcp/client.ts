// The wire: Resource Manager through @google-cloud/resource-manager (REST transport), IAM v1
// through REST on the same auth client, one page at a time with bounded backoff on 429/5xx.
// The client libraries' own retries cover only UNAVAILABLE on some methods and nothing on search
// (see API-NOTES.md), so retrying is done here, once, for every call.
import { FoldersClient, OrganizationsClient, ProjectsClient } from '@google-cloud/resource-manager';
import type { Gaxios } from 'gaxios';
import { GoogleAuth, OAuth2Client } from 'google-auth-library';
import { perRequestSignals } from '../../src/core/listeners.js';
import { readAllPages } from '../../src/core/paging.js';
import { redact, registerCredentialHeader, registerSecret } from '../../src/core/redact.js';
import { sleep } from '../../src/core/sleep.js';
import type { GcpOperation } from './operations.js';
import {
  ApiBucketSchema,
  type ApiDatasetAccess,
  ApiDatasetListItemSchema,
  ApiDatasetSchema,
  type ApiDenyPolicy,
  ApiDenyPolicyNameSchema,
  ApiDenyPolicySchema,
  type ApiFolder,
  ApiFolderSchema,
  ApiGroupLookupSchema,
  type ApiKey,
  ApiKeyListSchema,
  ApiKeySchema,
  type ApiOrganization,
  ApiOrganizationSchema,
  ApiPageItemsSchema,
  ApiPageSchema,
  type ApiPolicy,
  ApiPolicySchema,
  type ApiProject,
  ApiProjectSchema,
  type ApiRole,
  ApiRoleSchema,
  type ApiServiceAccount,
  ApiServiceAccountSchema,
  type ApiTransitiveMembership,
  ApiTransitiveMembershipSchema,
  type GcpConfig,
  type GcpRetry,
} from './schema.js';

const READ_ONLY_SCOPE = 'https://www.googleapis.com/auth/cloud-platform.read-only';
/** Cloud Identity does not take the cloud-platform scopes for groups: its own read-only one. */
const GROUPS_READ_ONLY_SCOPE = 'https://www.googleapis.com/auth/cloud-identity.groups.readonly';
const IAM_ENDPOINT = 'https://iam.googleapis.com';
const CLOUD_IDENTITY_ENDPOINT = 'https://cloudidentity.googleapis.com';
const STORAGE_ENDPOINT = 'https://storage.googleapis.com';
const BIGQUERY_ENDPOINT = 'https://bigquery.googleapis.com';
const PAGE_SIZE = 100;
/** The RPC codes and HTTP statuses worth another try: rate limits, overload, a dropped gateway. */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([4, 8, 13, 14]);
const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);
/** Google's guidance: truncated exponential backoff, never more than 64 s between tries. */
const MAX_DELAY_MS = 64_000;
/**
 * RESOURCE_EXHAUSTED is most often a per-minute quota: its backoff starts at this many base
 * delays (4 s by default), so the waits of one call add up to more than a minute and the next
 * window is reached, where 5xx answers keep the short steps that a passing fault needs.
 */
const QUOTA_BACKOFF_FACTOR = 8;
/**
 * A Retry-After longer than this fails the call rather than stalling the scan (as the GitHub
 * connector's rate-limit waits, never longer than two minutes each).
 */
const MAX_RETRY_AFTER_MS = 120_000;
const DROPPED_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET']);

/** Google's canonical codes: the number a gRPC-style error carries, its name and its HTTP status. */
const CANONICAL: Readonly<Record<number, [string, number]>> = {
  2: ['UNKNOWN', 500],
  3: ['INVALID_ARGUMENT', 400],
  4: ['DEADLINE_EXCEEDED', 504],
  5: ['NOT_FOUND', 404],
  7: ['PERMISSION_DENIED', 403],
  8: ['RESOURCE_EXHAUSTED', 429],
  13: ['INTERNAL', 500],
  14: ['UNAVAILABLE', 503],
  16: ['UNAUTHENTICATED', 401],
};

/** A failed call, said in one line: which method, on what, and Google's answer. Never carries headers. */
export class GcpApiError extends Error {
  constructor(
    readonly operation: GcpOperation,
    readonly resource: string,
    readonly status: number | undefined,
    readonly reason: string,
  ) {
    super(`${operation} ${resource}: ${reason}`);
    this.name = 'GcpApiError';
  }
}

/** Where each attempt of a call is counted (retries are calls too). */
export type CallCounter = (operation: GcpOperation) => void;

export interface GcpApi {
  searchOrganizations(count: CallCounter): Promise<ApiOrganization[]>;
  searchFolders(count: CallCounter): Promise<ApiFolder[]>;
  getFolder(name: string, count: CallCounter): Promise<ApiFolder>;
  searchProjects(count: CallCounter): Promise<ApiProject[]>;
  /** `label` names the resource in errors (a project's id rather than its number). */
  getIamPolicy(resource: string, count: CallCounter, label?: string): Promise<ApiPolicy>;
  listServiceAccounts(projectId: string, count: CallCounter): Promise<ApiServiceAccount[]>;
  listUserManagedKeys(projectId: string, email: string, count: CallCounter): Promise<ApiKey[]>;
  /** A service account's own IAM policy, version 3: who may act as it, beside the project's bindings. */
  getServiceAccountIamPolicy(projectId: string, email: string, count: CallCounter): Promise<ApiPolicy>;
  /** A Google group's resource name (groups/…) for its email (Cloud Identity groups:lookup). */
  lookupGroup(email: string, count: CallCounter): Promise<string>;
  /** Every member a group reaches, nested groups included (Cloud Identity searchTransitiveMemberships). */
  transitiveMembers(group: string, count: CallCounter): Promise<ApiTransitiveMembership[]>;
  /** A role's title and permissions: predefined (roles/x) or custom (organizations/…/roles/x, projects/…/roles/x). */
  getRole(name: string, count: CallCounter): Promise<ApiRole>;
  /** The names of a project's Cloud Storage buckets. */
  listBuckets(projectId: string, count: CallCounter): Promise<string[]>;
  /** A bucket's IAM policy, version 3 (conditions shown). */
  getBucketIamPolicy(bucket: string, count: CallCounter): Promise<ApiPolicy>;
  /** The ids of a project's BigQuery datasets. */
  listDatasets(projectId: string, count: CallCounter): Promise<string[]>;
  /** A dataset's access list (datasets.get: BigQuery keeps dataset access there, not in an IAM policy). */
  getDatasetAccess(projectId: string, datasetId: string, count: CallCounter): Promise<ApiDatasetAccess[]>;
  /** The names of the deny policies attached to organizations/…, folders/… or projects/… (IAM v2). */
  listDenyPolicies(node: string, count: CallCounter): Promise<string[]>;
  /** One deny policy with its rules (the list leaves them out). */
  getDenyPolicy(name: string, count: CallCounter): Promise<ApiDenyPolicy>;
  close(): Promise<void>;
}

type ClientOptions = NonNullable<ConstructorParameters<typeof ProjectsClient>[0]>;

/** The minimal surface of google-auth-library's AuthClient that we use, whichever copy provides it. */
interface RequestingAuthClient {
  getRequestHeaders(url?: string): Promise<Headers>;
}

export async function createGcpApi(
  config: GcpConfig,
  /** The scan's signal: a backoff listens to it while it waits, each request through its own. */
  signal: AbortSignal,
  /** Told of every 429 (RESOURCE_EXHAUSTED), so the scan's queue can slow down. */
  onThrottle?: () => void,
  /** How a backoff waits: tests pass one that records the wait instead of sitting through it. */
  wait: (ms: number, signal: AbortSignal) => Promise<void> = sleep,
): Promise<GcpApi> {
  const withOwnSignal = perRequestSignals(signal);
  const authClient = abortingWith(await authClientFor(config), signal);
  const endpoint = config.endpoint ? new URL(config.endpoint) : undefined;
  const transport = {
    fallback: true as const,
    // The auth client comes from the top-level google-auth-library while the clients type theirs
    // against google-gax's own copy; both speak the same getRequestHeaders/fetch contract.
    authClient: authClient as unknown as ClientOptions['authClient'],
    ...(endpoint
      ? {
          apiEndpoint: endpoint.hostname,
          port: Number(endpoint.port || (endpoint.protocol === 'https:' ? 443 : 80)),
          protocol: endpoint.protocol.replace(':', ''),
        }
      : {}),
  };
  const projects = new ProjectsClient(transport);
  const folders = new FoldersClient(transport);
  const organizations = new OrganizationsClient(transport);
  const iamBase = endpoint ? endpoint.origin : IAM_ENDPOINT;
  const identityBase = endpoint ? endpoint.origin : CLOUD_IDENTITY_ENDPOINT;
  const storageBase = `${endpoint ? endpoint.origin : STORAGE_ENDPOINT}/storage/v1`;
  const bigqueryBase = `${endpoint ? endpoint.origin : BIGQUERY_ENDPOINT}/bigquery/v2`;
  const retry = config.retry;
  const call = <T>(operation: GcpOperation, resource: string, count: CallCounter, run: () => Promise<T>) =>
    withRetry(operation, resource, count, { ...retry, wait }, signal, run, onThrottle);
  // No library retries: ours cover every method alike, and each attempt is counted.
  const gaxOptions = { retry: { retryCodes: [] } };

  /**
   * Every page of a REST list, one request per page: Google's pageToken/nextPageToken, the page
   * size under the name the API uses (`pageSize`, `maxResults`, or none), each item read by `item`.
   */
  function restPages<T>(
    operation: GcpOperation,
    resource: string,
    count: CallCounter,
    base: URL,
    field: string,
    item: (raw: unknown) => T,
    sizeParam: 'pageSize' | 'maxResults' | null = 'pageSize',
  ): Promise<T[]> {
    return pages(operation, resource, async (pageToken) => {
      const url = new URL(base);
      if (sizeParam) url.searchParams.set(sizeParam, String(PAGE_SIZE));
      if (pageToken) url.searchParams.set('pageToken', pageToken);
      const page = ApiPageSchema.parse(await call(operation, resource, count, () => restGet(url.toString())));
      const items = ApiPageItemsSchema.parse(page[field]) ?? [];
      return { items: items.map(item), next: page.nextPageToken ?? undefined };
    });
  }

  /** A GET, or a POST that reads (IAM's getIamPolicy: a POST with an empty body that changes nothing). */
  async function restGet(url: string, method: 'GET' | 'POST' = 'GET'): Promise<unknown> {
    const headers = await authClient.getRequestHeaders(url);
    const text = await withOwnSignal(async (own) => {
      const response = await fetch(url, { method, headers, signal: own });
      const body = await response.text();
      if (!response.ok) throw httpError(response.status, body, response.headers.get('retry-after'));
      return body;
    });
    return JSON.parse(text) as unknown;
  }

  return {
    async searchOrganizations(count) {
      return pages('cloudresourcemanager.organizations.search', 'organizations', async (pageToken) => {
        const [items, next] = await call('cloudresourcemanager.organizations.search', 'organizations', count, () =>
          organizations.searchOrganizations({ pageSize: PAGE_SIZE, pageToken }, { ...gaxOptions, autoPaginate: false }),
        );
        return { items: items.map((o) => ApiOrganizationSchema.parse(o)), next: next?.pageToken ?? undefined };
      });
    },
    async searchFolders(count) {
      return pages('cloudresourcemanager.folders.search', 'folders', async (pageToken) => {
        const [items, next] = await call('cloudresourcemanager.folders.search', 'folders', count, () =>
          folders.searchFolders(
            { query: 'state:ACTIVE', pageSize: PAGE_SIZE, pageToken },
            { ...gaxOptions, autoPaginate: false },
          ),
        );
        return { items: items.map((f) => ApiFolderSchema.parse(f)), next: next?.pageToken ?? undefined };
      });
    },
    async getFolder(name, count) {
      const [folder] = await call('cloudresourcemanager.folders.get', name, count, () =>
        folders.getFolder({ name }, gaxOptions),
      );
      return ApiFolderSchema.parse(folder);
    },
    async searchProjects(count) {
      return pages('cloudresourcemanager.projects.search', 'projects', async (pageToken) => {
        const [items, next] = await call('cloudresourcemanager.projects.search', 'projects', count, () =>
          projects.searchProjects(
            { query: 'state:ACTIVE', pageSize: PAGE_SIZE, pageToken },
            { ...gaxOptions, autoPaginate: false },
          ),
        );
        return { items: items.map((p) => ApiProjectSchema.parse(p)), next: next?.pageToken ?? undefined };
      });
    },
    async getIamPolicy(resource, count, label = resource) {
      // Version 3 or the answer hides conditions (and with them every end date) behind `_withcond_` roles.
      const request = { resource, options: { requestedPolicyVersion: 3 } };
      const operation = policyOperation(resource);
      const [policy] = await call(operation, label, count, () => {
        if (resource.startsWith('organizations/')) return organizations.getIamPolicy(request, gaxOptions);
        if (resource.startsWith('folders/')) return folders.getIamPolicy(request, gaxOptions);
        return projects.getIamPolicy(request, gaxOptions);
      });
      return ApiPolicySchema.parse(policy);
    },
    async listServiceAccounts(projectId, count) {
      const url = new URL(`${iamBase}/v1/projects/${encodeURIComponent(projectId)}/serviceAccounts`);
      return restPages('iam.projects.serviceAccounts.list', `projects/${projectId}`, count, url, 'accounts', (a) =>
        ApiServiceAccountSchema.parse(a),
      );
    },
    async listUserManagedKeys(projectId, email, count) {
      const operation = 'iam.projects.serviceAccounts.keys.list';
      const resource = `projects/${projectId}/serviceAccounts/${email}`;
      const url = `${iamBase}/v1/projects/${encodeURIComponent(projectId)}/serviceAccounts/${encodeURIComponent(email)}/keys?keyTypes=USER_MANAGED`;
      const body = await call(operation, resource, count, () => restGet(url));
      return (ApiKeyListSchema.parse(body).keys ?? []).map((k) => ApiKeySchema.parse(k));
    },
    async getServiceAccountIamPolicy(projectId, email, count) {
      // IAM v1 takes the version as a query parameter (its request body is empty); below 3 a
      // conditional binding would hide its condition, and with it its end date.
      const operation = 'iam.projects.serviceAccounts.getIamPolicy';
      const resource = `projects/${projectId}/serviceAccounts/${email}`;
      const url = `${iamBase}/v1/projects/${encodeURIComponent(projectId)}/serviceAccounts/${encodeURIComponent(email)}:getIamPolicy?options.requestedPolicyVersion=3`;
      const body = await call(operation, resource, count, () => restGet(url, 'POST'));
      return ApiPolicySchema.parse(body);
    },
    async getRole(name, count) {
      const url = `${iamBase}/v1/${name.split('/').map(encodeURIComponent).join('/')}`;
      const body = await call(roleOperation(name), name, count, () => restGet(url));
      return ApiRoleSchema.parse(body);
    },
    async lookupGroup(email, count) {
      const url = new URL(`${identityBase}/v1/groups:lookup`);
      url.searchParams.set('groupKey.id', email);
      const body = await call('cloudidentity.groups.lookup', `group:${email}`, count, () => restGet(url.toString()));
      return ApiGroupLookupSchema.parse(body).name;
    },
    async transitiveMembers(group, count) {
      const operation = 'cloudidentity.groups.memberships.searchTransitiveMemberships';
      const url = new URL(`${identityBase}/v1/${group}/memberships:searchTransitiveMemberships`);
      return restPages(operation, group, count, url, 'memberships', (m) => ApiTransitiveMembershipSchema.parse(m));
    },
    async listBuckets(projectId, count) {
      // Cloud Storage pages with maxResults and answers the page under `items`.
      const url = new URL(`${storageBase}/b`);
      url.searchParams.set('project', projectId);
      url.searchParams.set('fields', 'items(name),nextPageToken');
      const name = (b: unknown) => ApiBucketSchema.parse(b).name;
      return restPages('storage.buckets.list', `projects/${projectId}`, count, url, 'items', name, 'maxResults');
    },
    async getBucketIamPolicy(bucket, count) {
      const url = `${storageBase}/b/${encodeURIComponent(bucket)}/iam?optionsRequestedPolicyVersion=3`;
      const body = await call('storage.buckets.getIamPolicy', `buckets/${bucket}`, count, () => restGet(url));
      return ApiPolicySchema.parse(body);
    },
    async listDatasets(projectId, count) {
      // all=true: hidden datasets (names starting with _) hold data and access lists too.
      const url = new URL(`${bigqueryBase}/projects/${encodeURIComponent(projectId)}/datasets`);
      url.searchParams.set('all', 'true');
      const id = (d: unknown) => ApiDatasetListItemSchema.parse(d).datasetReference.datasetId;
      return restPages('bigquery.datasets.list', `projects/${projectId}`, count, url, 'datasets', id, 'maxResults');
    },
    async getDatasetAccess(projectId, datasetId, count) {
      const resource = `projects/${projectId}/datasets/${datasetId}`;
      // Version 3, as for project and bucket policies: below it BigQuery leaves out each entry's
      // condition and renames its role "<role>_with_conditionalbinding_<hash>", so a time-bound
      // grant would read as a role nobody defined, with no end.
      const url = `${bigqueryBase}/projects/${encodeURIComponent(projectId)}/datasets/${encodeURIComponent(datasetId)}?fields=access&accessPolicyVersion=3`;
      const body = await call('bigquery.datasets.get', resource, count, () => restGet(url));
      return ApiDatasetSchema.parse(body).access ?? [];
    },
    async listDenyPolicies(node, count) {
      // The attachment point is the node's full resource name, URL-encoded into one path segment;
      // IAM pages its policies by a thousand whatever pageSize says, so none is sent.
      const attachment = encodeURIComponent(`cloudresourcemanager.googleapis.com/${node}`);
      const url = new URL(`${iamBase}/v2/policies/${attachment}/denypolicies`);
      const name = (p: unknown) => ApiDenyPolicyNameSchema.parse(p).name;
      return restPages('iam.policies.listPolicies', node, count, url, 'policies', name, null);
    },
    async getDenyPolicy(name, count) {
      const body = await call('iam.policies.get', name, count, () => restGet(`${iamBase}/v2/${name}`));
      return ApiDenyPolicySchema.parse(body);
    },
    async close() {
      await Promise.all([projects.close(), folders.close(), organizations.close()]);
    },
  };
}

function policyOperation(resource: string): GcpOperation {
  if (resource.startsWith('organizations/')) return 'cloudresourcemanager.organizations.getIamPolicy';
  if (resource.startsWith('folders/')) return 'cloudresourcemanager.folders.getIamPolicy';
  return 'cloudresourcemanager.projects.getIamPolicy';
}

function roleOperation(name: string): GcpOperation {
  if (name.startsWith('organizations/')) return 'iam.organizations.roles.get';
  if (name.startsWith('projects/')) return 'iam.projects.roles.get';
  return 'iam.roles.get';
}

/**
 * A bearer token from the config (the sandbox) wrapped in google-auth-library's own OAuth2
 * client; otherwise Application Default Credentials with the read-only scope.
 */
async function authClientFor(config: GcpConfig): Promise<RequestingAuthClient> {
  if (config.accessToken) {
    registerSecret(config.accessToken);
    const client = new OAuth2Client();
    client.setCredentials({ access_token: config.accessToken });
    return client;
  }
  return registering(await new GoogleAuth({ scopes: [READ_ONLY_SCOPE, GROUPS_READ_ONLY_SCOPE] }).getClient());
}

/**
 * Application Default Credentials mint access tokens (or self-signed JWTs) as they go: every
 * header the client hands out, to the gRPC-fallback clients and to our REST calls alike, is
 * registered with the redactor before it is sent.
 */
function registering<C extends RequestingAuthClient>(client: C): C {
  // The clients call the auth client's own fetch, whose transporter adds the header itself.
  (client as { transporter?: Gaxios }).transporter?.interceptors.request.add({
    resolved: async (options) => {
      registerCredentialHeader(new Headers(options.headers).get('authorization'));
      return options;
    },
  });
  const original = client.getRequestHeaders.bind(client);
  client.getRequestHeaders = async (url?: string) => {
    const headers = await original(url);
    registerCredentialHeader(headers.get('authorization'));
    return headers;
  };
  return client;
}

/**
 * The Google clients send through the auth client's fetch, each request with a signal of their own
 * that only they abort: joined with the scan's, a request that never answers ends at the deadline.
 * Left open, it would keep the process alive after the reports are written, and the exit code a
 * CI job waits for would never come.
 */
function abortingWith<C extends RequestingAuthClient>(client: C, signal: AbortSignal): C {
  const withFetch = client as C & {
    fetch?: (url: unknown, init?: { signal?: AbortSignal | null }) => Promise<unknown>;
  };
  const original = withFetch.fetch?.bind(client);
  if (original)
    withFetch.fetch = (url, init = {}) =>
      original(url, { ...init, signal: init.signal ? AbortSignal.any([init.signal, signal]) : signal });
  return client;
}

/** Follows nextPageToken to the end under the core's paging policy. */
function pages<T>(
  operation: GcpOperation,
  resource: string,
  fetchPage: (pageToken: string | undefined) => Promise<{ items: T[]; next: string | undefined }>,
): Promise<T[]> {
  return readAllPages(`${operation} ${resource}`, fetchPage);
}

async function withRetry<T>(
  operation: GcpOperation,
  resource: string,
  count: CallCounter,
  retry: GcpRetry & { wait: (ms: number, signal: AbortSignal) => Promise<void> },
  signal: AbortSignal,
  run: () => Promise<T>,
  onThrottle?: () => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted();
    count(operation);
    try {
      return await run();
    } catch (e) {
      const failure = classifyFailure(e);
      if (failure.status === 429) onThrottle?.();
      const told = failure.retryAfterMs;
      const tooLong = told !== undefined && told > MAX_RETRY_AFTER_MS;
      if (!failure.transient || attempt >= retry.attempts || signal.aborted || tooLong)
        throw new GcpApiError(
          operation,
          resource,
          failure.status,
          // Said only when retries ran out, so the same answer always reads the same.
          tooLong
            ? `${failure.reason} (Retry-After ${Math.ceil(told / 1000)}s is longer than the ${MAX_RETRY_AFTER_MS / 1000}s a wait may take)`
            : failure.transient
              ? `${failure.reason} (gave up after ${attempt} attempt${attempt === 1 ? '' : 's'})`
              : failure.reason,
        );
      // When the answer says when, wait that long (a little more, so concurrent calls do not all
      // return together); otherwise back off, from further out for a quota than for a fault.
      const base = failure.status === 429 ? retry.baseDelayMs * QUOTA_BACKOFF_FACTOR : retry.baseDelayMs;
      await retry.wait(
        told !== undefined ? told + Math.round(Math.random() * retry.baseDelayMs) : backoffMs(base, attempt),
        signal,
      );
    }
  }
}

/** Exponential with full jitter, capped: spreads concurrent retries instead of bunching them. */
function backoffMs(base: number, attempt: number): number {
  const ceiling = Math.min(MAX_DELAY_MS, base * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from now; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

interface Failure {
  transient: boolean;
  status: number | undefined;
  reason: string;
  /** How long the answer's Retry-After said to wait, when it said. */
  retryAfterMs?: number;
}

/**
 * The same failure arrives in three shapes: a GoogleError with an RPC code (the clients' REST
 * decoder), a GaxiosError with an HTTP status (google-auth-library's fetch), or our own HttpError.
 * Only their code, status and message are read: these objects also carry request headers.
 */
export function classifyFailure(e: unknown): Failure {
  if (e instanceof HttpError) {
    return withRetryAfter(
      { transient: TRANSIENT_STATUSES.has(e.status), status: e.status, reason: e.message },
      e.retryAfter,
    );
  }
  if (e instanceof Error) {
    const err = e as Error & {
      code?: unknown;
      status?: unknown;
      response?: { status?: unknown; data?: unknown; headers?: unknown };
    };
    const httpStatus =
      typeof err.status === 'number'
        ? err.status
        : typeof err.response?.status === 'number'
          ? err.response.status
          : undefined;
    if (httpStatus !== undefined) {
      // gaxios puts the raw body in the message when the response was read as a stream.
      const parts = googleErrorParts(err.response?.data) ?? googleErrorParts(err.message);
      return withRetryAfter(
        {
          transient: TRANSIENT_STATUSES.has(httpStatus),
          status: httpStatus,
          reason: describeHttp(httpStatus, parts, err.message),
        },
        headerOf(err.response?.headers, 'retry-after'),
      );
    }
    if (typeof err.code === 'number' && CANONICAL[err.code]) {
      const [name, status] = CANONICAL[err.code] as [string, number];
      return {
        transient: TRANSIENT_CODES.has(err.code),
        status,
        reason: `${name} (HTTP ${status}): ${firstLine(err.message)}`,
      };
    }
    // A connection dropped before an answer: fetch() rejects with a TypeError, gaxios with a
    // system error code and no status.
    const dropped =
      (typeof err.code === 'string' && DROPPED_CODES.has(err.code)) ||
      /fetch failed|socket hang up|ECONNRESET|other side closed|terminated/i.test(err.message);
    return { transient: dropped, status: undefined, reason: firstLine(err.message) || err.name };
  }
  return { transient: false, status: undefined, reason: String(e) };
}

function withRetryAfter(failure: Failure, header: string | null | undefined): Failure {
  const ms = retryAfterMs(header);
  return ms === undefined ? failure : { ...failure, retryAfterMs: ms };
}

/**
 * One header of a GaxiosError's response: a fetch Headers (gaxios 7) or a plain object. A
 * GoogleError (the clients' native-fetch decoder) keeps no headers: it backs off on its own.
 */
function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfter?: string | null,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

function httpError(status: number, body: string, retryAfter?: string | null): HttpError {
  return new HttpError(status, describeHttp(status, googleErrorParts(body), body), retryAfter);
}

/** "PERMISSION_DENIED (HTTP 403): The caller does not have permission…": the same words whatever threw it. */
function describeHttp(status: number, parts: GoogleErrorParts | undefined, fallback: string): string {
  const name = parts?.status ? `${parts.status} ` : '';
  // Redacted before it is cut: a cut through a token echoed back would leave most of it unmatched.
  return `${name}(HTTP ${status}): ${parts?.message ?? redact(firstLine(fallback)).slice(0, 200)}`;
}

interface GoogleErrorParts {
  status?: string;
  message?: string;
}

/** Google's `{"error":{"code","message","status"}}` body, given parsed or as text. */
function googleErrorParts(data: unknown): GoogleErrorParts | undefined {
  if (typeof data === 'string') {
    try {
      return googleErrorParts(JSON.parse(data));
    } catch {
      return undefined;
    }
  }
  const error = (data as { error?: { message?: unknown; status?: unknown } } | null | undefined)?.error;
  if (!error || typeof error !== 'object') return undefined;
  const parts: GoogleErrorParts = {};
  if (typeof error.status === 'string') parts.status = error.status;
  if (typeof error.message === 'string') parts.message = error.message;
  return parts;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}
