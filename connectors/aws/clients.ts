// The SDK clients the collector uses, all built the same way: the config's region and
// endpoint, the caller's or an assumed role's credentials, a retry policy, the scan's shared
// connections, and a middleware that counts every HTTP attempt (retries included) under its IAM
// action name within the scan's requests in flight and, for a caller that paces its calls, one
// that tells it of every throttled attempt.

import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { IAMClient } from '@aws-sdk/client-iam';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { STSClient } from '@aws-sdk/client-sts';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { ConfiguredRetryStrategy, isThrottlingError } from '@smithy/core/retry';
import type { AwsCredentialIdentityProvider, FinalizeRequestMiddleware, MetadataBearer } from '@smithy/types';
import { registerSecret } from '../../src/core/redact.js';
import type { AwsConfig } from './schema.js';

/** Knobs for tests and the benchmark; a user's config never sets them. */
export interface AwsTuning {
  /** Attempts per call, the first included (the SDK's default is 3). */
  maxAttempts?: number;
  /** Fixed wait between attempts in milliseconds, instead of the SDK's exponential backoff. */
  retryDelayMs?: number;
  /** Wait between credential-report polls. */
  reportPollMs?: number;
  /** Polls before the credential report counts as unavailable. */
  reportPollLimit?: number;
}

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * Requests one account's per-resource reads (key ids, bucket and key policies) keep in flight:
 * AWS limits each account's request rate, and the scan's places are shared with other accounts.
 */
export const PER_ACCOUNT_IN_FLIGHT = 4;

export interface Connections {
  httpAgent: HttpAgent;
  httpsAgent: HttpsAgent;
}

export interface ClientSettings {
  config: Pick<AwsConfig, 'region' | 'endpoint'>;
  /** Absent: the SDK's default credential chain. */
  credentials?: StaticCredentials;
  onCall(operation: string): void;
  /**
   * Runs each HTTP attempt in the system's requests in flight (the config's concurrency), which
   * every client of the scan shares: accounts read side by side, and each account's lists side
   * by side, never have more requests in flight than that together. Retries wait outside it.
   */
  inFlight?<T>(attempt: () => Promise<T>): Promise<T>;
  /**
   * The scan's connections, which every client shares: a client per account and service would
   * otherwise open (and, against AWS, handshake) connections of its own to the same hosts.
   */
  connections?: Connections;
  /** Told of every throttled attempt (before the SDK waits and retries it). */
  onThrottle?(): void;
  /** Standard when the caller paces the client itself (an AdaptiveQueue told of its throttles). */
  retryMode?: 'standard' | 'adaptive';
  tuning: AwsTuning;
  region?: string;
}

/** Service prefix (as IAM actions name it) of each client, for the call counter. */
const PREFIX = new Map<unknown, string>([
  [IAMClient, 'iam'],
  [STSClient, 'sts'],
  [OrganizationsClient, 'organizations'],
  [SSOAdminClient, 'sso'],
  [IdentitystoreClient, 'identitystore'],
  [S3Client, 's3'],
  [KMSClient, 'kms'],
]);

/** Commands whose IAM action has another name than the command (the README's policy names actions). */
const ACTION_OF: Record<string, string> = { 's3:ListBuckets': 's3:ListAllMyBuckets' };
const actionOf = (prefix: string, command: unknown) => {
  const name = `${prefix}:${String(command ?? 'unknown').replace(/Command$/, '')}`;
  return ACTION_OF[name] ?? name;
};

type ClientClass<C> = new (config: ReturnType<typeof clientConfig>) => C;

export function createClient<
  C extends IAMClient | STSClient | OrganizationsClient | SSOAdminClient | IdentitystoreClient | S3Client | KMSClient,
>(Client: ClientClass<C>, settings: ClientSettings): C {
  const client = new Client(clientConfig(settings));
  const prefix = PREFIX.get(Client) ?? 'aws';
  // Below the retry middleware, so each attempt is one call, as the server sees it.
  const inFlight = settings.inFlight ?? ((attempt) => attempt());
  (client.middlewareStack as IAMClient['middlewareStack']).add(
    (next, context) => (args) =>
      inFlight(() => {
        settings.onCall(actionOf(prefix, context.commandName));
        return next(args);
      }),
    { step: 'deserialize', name: 'lanekeeperCallCounter', override: true },
  );
  // Inside the retries but above the deserializer, which turns an answer into its error: each
  // throttled attempt is told, before the SDK waits and asks again.
  if (settings.onThrottle) {
    const onThrottle = settings.onThrottle;
    const tellThrottles: FinalizeRequestMiddleware<object, MetadataBearer> = (next) => async (args) => {
      try {
        return await next(args);
      } catch (e) {
        // The SDK's own test, the one its retries use: a throttling code of any service, or a 429.
        if (e instanceof Error && isThrottlingError(e as Parameters<typeof isThrottlingError>[0])) onThrottle();
        throw e;
      }
    };
    (client.middlewareStack as IAMClient['middlewareStack']).addRelativeTo(tellThrottles, {
      relation: 'after',
      toMiddleware: 'retryMiddleware',
      name: 'lanekeeperThrottleSignal',
      override: true,
    });
  }
  // Above the retries: the error that reaches the collector names the call that failed.
  (client.middlewareStack as IAMClient['middlewareStack']).add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (e) {
        const operation = actionOf(prefix, context.commandName);
        if (e instanceof Error && !e.message.startsWith(operation)) {
          const code = e.name !== 'Error' && !e.message.includes(e.name) ? `${e.name}: ` : '';
          e.message = `${operation}: ${code}${e.message.split('\n')[0]}`;
        }
        throw e;
      }
    },
    { step: 'initialize', name: 'lanekeeperErrorNamer', override: true },
  );
  return client;
}

let defaultChain: AwsCredentialIdentityProvider | undefined;

/**
 * The SDK's default chain (environment, shared files, SSO, web identity, instance role), with
 * whatever it resolves registered with the redactor the moment it is resolved: a session token
 * from ~/.aws or an SSO cache is no less secret than one from the environment.
 */
function registeringDefaultChain(): AwsCredentialIdentityProvider {
  if (!defaultChain) {
    const chain = defaultProvider();
    defaultChain = async (options) => {
      const identity = await chain(options);
      registerSecret(identity.secretAccessKey);
      registerSecret(identity.sessionToken);
      return identity;
    };
  }
  return defaultChain;
}

function clientConfig({ config, credentials, tuning, region, retryMode = 'adaptive', connections }: ClientSettings) {
  const maxAttempts = tuning.maxAttempts ?? 5;
  return {
    region: region ?? config.region,
    // An endpoint of one's own (the sandbox, a proxy) serves S3 by path, not by bucket host name.
    ...(config.endpoint ? { endpoint: config.endpoint, forcePathStyle: true } : {}),
    credentials: credentials ?? registeringDefaultChain(),
    ...(connections ? { requestHandler: connections } : {}),
    maxAttempts,
    // Adaptive mode: the SDK's client-side rate limiter slows each client (one per account, as
    // IAM's limits are per account) when AWS answers Throttling, instead of retrying at full rate.
    ...(tuning.retryDelayMs !== undefined
      ? { retryStrategy: new ConfiguredRetryStrategy(maxAttempts, () => tuning.retryDelayMs ?? 0) }
      : { retryMode }),
  };
}
