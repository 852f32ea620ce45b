import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Default time to open a connection, in milliseconds. */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 3_000;
/** Default time to wait for a response once connected, in milliseconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/** What {@link createAwsClient} passes to an AWS SDK client's constructor. */
export interface AwsClientSettings {
  /** 1: the SDK does not retry; the delivery retry policy does, visibly and within the deadline. */
  maxAttempts: number;
  /** Time limits of every call: a hung connection must not eat the invocation. */
  requestHandler: NodeHttpHandler;
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle?: boolean;
}

/** Options of {@link createAwsClient}. */
export interface AwsClientOptions {
  /** Time to open the TCP/TLS connection before the call fails. @default 3000 */
  connectionTimeoutMs?: number;
  /**
   * Time to wait for the response before the call fails with `TimeoutError` (a retryable failure:
   * the records it owes are retried or reported, never acknowledged). @default 15000
   */
  requestTimeoutMs?: number;
  /** AWS region. @default the SDK's region chain; `us-east-1` when an endpoint is given and AWS_REGION is not */
  region?: string;
  /**
   * Endpoint URL, e.g. `http://localhost:8000` for DynamoDB Local. With an endpoint and no
   * credentials in the environment (AWS_ACCESS_KEY_ID / AWS_PROFILE) placeholder credentials are
   * used: local emulators accept any.
   */
  endpoint?: string;
  /** Path-style S3 addressing (local S3 servers). @default false */
  forcePathStyle?: boolean;
}

/** Local endpoints accept any credentials; use placeholders when none are configured. */
function placeholderCredentials(endpoint: string | undefined) {
  if (!endpoint || process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE) return undefined;
  return { accessKeyId: 'local', secretAccessKey: 'local' };
}

/**
 * Makes an AWS SDK v3 client the way every Lambda function and CLI command of memory-cdc uses it:
 * SDK retries off (the delivery retry policy retries what failed, counted in metrics and bounded by
 * the deadline) and every call bounded: 3 s to connect and 15 s to answer by default. The limits
 * throw (`throwOnRequestTimeout`): without it `@smithy/node-http-handler` only logs a warning and
 * a hung call runs until the socket dies. Call once per container, outside the handler, for each
 * client a function writes through.
 *
 * @example
 * ```ts
 * import { S3Client } from '@aws-sdk/client-s3';
 * import { createAwsClient } from '../lib/config/createAwsClient.js';
 * import { S3DeadLetterStore } from '../lib/delivery/S3DeadLetterStore.js';
 *
 * const s3 = createAwsClient(S3Client);
 * const deadLetters = new S3DeadLetterStore({ client: s3, bucket: process.env.DEAD_LETTER_BUCKET! });
 *
 * export const handler = async () => ({ batchItemFailures: [] });
 * ```
 * @param Client the SDK client class (`S3Client`, `KinesisClient`, …)
 * @param options time limits and, for the CLI, region and endpoint
 */
export function createAwsClient<Client>(
  Client: new (settings: AwsClientSettings) => Client,
  options: AwsClientOptions = {},
): Client {
  const { endpoint } = options;
  const region = options.region ?? (endpoint && !process.env.AWS_REGION ? 'us-east-1' : undefined);
  const credentials = placeholderCredentials(endpoint);
  return new Client({
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
      requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    }),
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    ...(options.forcePathStyle ? { forcePathStyle: true } : {}),
  });
}
