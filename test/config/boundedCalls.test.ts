import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArchiverHandler } from '../../lib/archive/createArchiverHandler.js';
import { createAwsClient } from '../../lib/config/createAwsClient.js';
import { loadRouterConfig } from '../../lib/config/routerConfig.js';
import { classifyError } from '../../lib/delivery/classifyError.js';
import { createDynamoDbClient } from '../../lib/live/createClients.js';
import { expiryBatch } from '../archive/expiries.js';
import { type HungEndpoint, startHungEndpoint } from '../support/hungEndpoint.js';

const silent = pino({ level: 'silent' });
const LIMIT_MS = 400;
/** Far below the 60 s a hung call held an invocation before the limit threw; loose for a busy machine. */
const BOUND_MS = 15_000;

describe('every AWS call is bounded in time', () => {
  let hung: HungEndpoint;
  const { records, expiries } = expiryBatch({ users: 1, conversationsPerUser: 1, turns: 3 });

  beforeAll(async () => {
    hung = await startHungEndpoint();
  });
  afterAll(async () => {
    await hung?.close();
  });

  const limits = { requestTimeoutMs: LIMIT_MS, connectionTimeoutMs: LIMIT_MS };

  it('fails a call that never answers with a retryable TimeoutError once the request limit passes', async () => {
    const client = createAwsClient(DynamoDBClient, { endpoint: hung.url, ...limits });
    const started = Date.now();
    const error = await client.send(new ListTablesCommand({})).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(BOUND_MS);
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(classifyError(error).status).toBe('retryable');
    client.destroy();
  });

  it('gives the CLI clients the same limits and placeholder credentials for a local endpoint', async () => {
    const client = createDynamoDbClient({ endpoint: hung.url });
    const handler = client.config.requestHandler as unknown as { configProvider: Promise<object> };
    expect(await handler.configProvider).toMatchObject({
      throwOnRequestTimeout: true,
      requestTimeout: 15_000,
      connectionTimeout: 3_000,
    });
    expect(await client.config.credentials()).toMatchObject({ accessKeyId: 'local' });
    client.destroy();
  });

  it('ends an archiver invocation whose PUTs hang well before the deadline and reports every expiry', async () => {
    const s3 = createAwsClient(S3Client, { endpoint: hung.url, forcePathStyle: true, ...limits });
    const handler = createArchiverHandler(
      {
        MEMORY_CDC_LAYOUT: 'agent-memory',
        ARCHIVE_BUCKET: 'hung-archive',
        DEAD_LETTER_BUCKET: 'hung-dlq',
        DELIVERY_MAX_ATTEMPTS: '2',
      },
      { s3Client: s3, logger: silent, metrics: null },
    );
    const before = hung.requests;
    const started = Date.now();
    const response = await handler({ Records: records }, { getRemainingTimeInMillis: () => 120_000 });
    expect(Date.now() - started).toBeLessThan(BOUND_MS);
    expect(hung.requests - before).toBeGreaterThan(0);
    // Lambda resumes at the lowest reported sequence number: the first expiry and every later record.
    const firstExpiry = records.indexOf(expiries[0]!);
    expect(response.batchItemFailures).toEqual(
      records.slice(firstExpiry).map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber })),
    );
    s3.destroy();
  });

  it('ends a router invocation whose PutEvents and PutRecords hang, reporting the whole batch', async () => {
    const clients = {
      eventBridge: createAwsClient(EventBridgeClient, { endpoint: hung.url, ...limits }),
      kinesis: createAwsClient(KinesisClient, { endpoint: hung.url, ...limits }),
      s3: createAwsClient(S3Client, { endpoint: hung.url, forcePathStyle: true, ...limits }),
    };
    const env = {
      MEMORY_CDC_LAYOUT: 'agent-memory',
      EVENT_BUS_NAME: 'memory-events',
      CHANGE_LOG_STREAM_NAME: 'memory-changes',
      CLAIM_CHECK_BUCKET: 'claim-checks',
      DEAD_LETTER_BUCKET: 'dead-letters',
      DELIVERY_MAX_ATTEMPTS: '2',
      POWERTOOLS_METRICS_DISABLED: 'true',
    };
    // The environment the function runs with (the SDK clients read their region from it).
    Object.assign(process.env, env);
    const { createRouterHandler } = await import('../../lib/delivery/createRouterHandler.js');
    const config = loadRouterConfig(env);
    const handler = createRouterHandler(config, {
      clients,
      retry: { baseDelayMs: 1, maxDelayMs: 2, throttlingBaseDelayMs: 1 },
      logger: silent,
    });
    const started = Date.now();
    const response = await handler({ Records: records }, { getRemainingTimeInMillis: () => 120_000 });
    expect(Date.now() - started).toBeLessThan(BOUND_MS);
    expect(response.batchItemFailures).toEqual(
      records.map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber })),
    );
    for (const client of Object.values(clients)) client.destroy();
  });
});
