/**
 * AWS clients for the live tools, built from the CLI's `--region` and `--endpoint`. SDK retries are
 * off: the walker and the backfill retry themselves (see backoff.ts) so every retry is reported
 * and a Ctrl-C interrupts the wait.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';

/** Where the clients connect. */
export interface ClientOptions {
  /** AWS region. @default AWS_REGION / the SDK's region chain; `us-east-1` with an endpoint */
  region?: string;
  /** Endpoint URL, e.g. `http://localhost:8000` for DynamoDB Local. */
  endpoint?: string;
}

/** Local endpoints accept any credentials; use placeholders when none are configured. */
function localCredentials(
  options: ClientOptions,
): { accessKeyId: string; secretAccessKey: string } | undefined {
  if (!options.endpoint || process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE) return undefined;
  return { accessKeyId: 'local', secretAccessKey: 'local' };
}

function config(options: ClientOptions) {
  const region = options.region ?? (options.endpoint && !process.env.AWS_REGION ? 'us-east-1' : undefined);
  const credentials = localCredentials(options);
  return {
    maxAttempts: 1,
    ...(region ? { region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  };
}

/** A DynamoDB Streams client for `tail` and `capture`. */
export function createStreamsClient(options: ClientOptions): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient(config(options));
}

/** A DynamoDB client for `backfill`. */
export function createDynamoDbClient(options: ClientOptions): DynamoDBClient {
  return new DynamoDBClient(config(options));
}
