/**
 * List prices `memory-cdc estimate` multiplies by: US East (N. Virginia), on-demand, checked on the date
 * below against the services' public pricing pages. Prices change and differ by Region: override any
 * of them with `--prices FILE` (a JSON object with the same keys).
 */
import type { PriceTable } from './types.js';

/** The default price table. Every entry says what it is per and where it comes from. */
export const DEFAULT_PRICES: PriceTable = {
  asOf: '2026-12-07',
  region: 'us-east-1',
  currency: 'USD',
  // aws.amazon.com/lambda/pricing — Arm (Graviton) price, the stack deploys arm64.
  lambdaGbSecond: 0.0000133334,
  lambdaRequestPerMillion: 0.2,
  // aws.amazon.com/eventbridge/pricing — custom events; each 64 KB chunk of a payload is one event.
  eventBridgeEventPerMillion: 1.0,
  // aws.amazon.com/eventbridge/pricing — Pipes requests (64 KB chunks), counted after filtering.
  pipesRequestPerMillion: 0.4,
  // aws.amazon.com/kinesis/data-streams/pricing — on-demand standard.
  kinesisOnDemandStreamHour: 0.04,
  kinesisOnDemandIngestPerGb: 0.08,
  kinesisOnDemandRetrievalPerGb: 0.04,
  // aws.amazon.com/kinesis/data-streams/pricing — provisioned.
  kinesisShardHour: 0.015,
  kinesisPutPayloadUnitPerMillion: 0.014,
  // aws.amazon.com/dynamodb/pricing — Kinesis Data Streams for DynamoDB: one change data capture
  // unit per 1 KB written (rounded up). Reading a DynamoDB stream from Lambda triggers is free.
  dynamoDbCdcUnitPerMillion: 0.1,
  // aws.amazon.com/s3/pricing — S3 Standard.
  s3PutPer1000: 0.005,
  s3StorageGbMonth: 0.023,
  // aws.amazon.com/s3/pricing (S3 Vectors) — logical bytes written, and stored.
  s3VectorsPutPerGb: 0.2,
  s3VectorsStorageGbMonth: 0.06,
  // aws.amazon.com/bedrock/pricing — Amazon Titan Text Embeddings V2, per 1,000 input tokens.
  bedrockTitanEmbedPer1kTokens: 0.00002,
};

/** Hours in a billing month, as AWS pricing examples count them. */
export const HOURS_PER_MONTH = 730;

/** Seconds in a billing month (730 hours). */
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
