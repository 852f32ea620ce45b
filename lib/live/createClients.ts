/**
 * AWS clients for the live tools, built from the CLI's `--region` and `--endpoint`. SDK retries are
 * off: the walker and the backfill retry themselves (see backoff.ts) so every retry is reported
 * and a Ctrl-C interrupts the wait. Built by the one client factory (`createAwsClient`): every call
 * is bounded in time, and a local endpoint works without credentials.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { createAwsClient } from '../config/createAwsClient.js';

/** Where the clients connect. */
export interface ClientOptions {
  /** AWS region. @default AWS_REGION / the SDK's region chain; `us-east-1` with an endpoint */
  region?: string;
  /** Endpoint URL, e.g. `http://localhost:8000` for DynamoDB Local. */
  endpoint?: string;
}

/** A DynamoDB Streams client for `tail` and `capture`. */
export function createStreamsClient(options: ClientOptions): DynamoDBStreamsClient {
  return createAwsClient(DynamoDBStreamsClient, options);
}

/** A DynamoDB client for `backfill`. */
export function createDynamoDbClient(options: ClientOptions): DynamoDBClient {
  return createAwsClient(DynamoDBClient, options);
}
