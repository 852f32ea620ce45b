import { NodeHttpHandler } from '@smithy/node-http-handler';

/** What {@link createAwsClient} passes to an AWS SDK client's constructor. */
export interface AwsClientSettings {
  /** 1: the SDK does not retry; the delivery retry policy does, visibly and within the deadline. */
  maxAttempts: number;
  /** Time limits of every call: a hung connection must not eat the invocation. */
  requestHandler: NodeHttpHandler;
}

/**
 * Makes an AWS SDK v3 client the way every Lambda function of memory-cdc uses it: SDK retries off
 * (the delivery retry policy retries what failed, counted in metrics and bounded by the deadline)
 * and every call limited to 3 s to connect and 15 s to answer. Call once per container, outside the
 * handler, for each client a function writes through.
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
 */
export function createAwsClient<Client>(Client: new (settings: AwsClientSettings) => Client): Client {
  return new Client({
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 3_000, requestTimeout: 15_000 }),
  });
}
