/**
 * The archiver on Kinesis Data Streams for DynamoDB: Lambda Kinesis events carrying the table's
 * changes, shuffled and delivered twice, with a poison record; the archive on s3rver (behind a fault
 * proxy) must hold each TTL expiry exactly once.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamRecord } from 'aws-lambda';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeArchiveObject } from '../../lib/archive/archiveObjectCodec.js';
import { createArchiverHandler } from '../../lib/archive/createArchiverHandler.js';
import { groupArchiveOutputs } from '../../lib/archive/groupArchiveOutputs.js';
import { processArchiveBatch } from '../../lib/archive/processArchiveBatch.js';
import { S3ArchiveStore } from '../../lib/archive/S3ArchiveStore.js';
import { S3DeadLetterStore } from '../../lib/delivery/S3DeadLetterStore.js';
import { ConfigError } from '../../lib/errors.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import { S3ArchiveSink } from '../../lib/sinks/archive/S3ArchiveSink.js';
import { fromKinesisDynamoDbRecord } from '../../lib/stream/fromKinesisDynamoDbRecord.js';
import { type FaultProxy, faults, startFaultProxy } from '../support/faultProxy.js';
import {
  poisonKinesisRecord,
  shuffledWithRedeliveries,
  toKinesisDynamoDbRecords,
} from '../support/kinesisDynamoDbRecords.js';
import { type S3rverHandle, startS3rver } from '../support/s3rver.js';
import { archiveOutputsOf, expiryBatch } from './expiries.js';

const ARCHIVE = 'kinesis-archiver-archive';
const DLQ = 'kinesis-archiver-dlq';
const silent = pino({ level: 'silent' });

describe('the archiver on a Kinesis Data Streams for DynamoDB source', () => {
  let s3: S3rverHandle;
  let proxy: FaultProxy;
  let client: S3Client;
  let prefix: string;
  const { records, expiries } = expiryBatch({ users: 2, conversationsPerUser: 2, turns: 3 });
  // The archiver's mapping filters to TTL expiries; unfiltered writes are acknowledged untouched.
  const inOrder = toKinesisDynamoDbRecords(records);

  beforeAll(async () => {
    s3 = await startS3rver({ buckets: [ARCHIVE, DLQ] });
    proxy = await startFaultProxy({ target: s3.endpoint });
    client = s3.client({ endpoint: proxy.url, maxAttempts: 1 });
  });
  afterAll(async () => {
    await proxy?.close();
    await s3?.close();
  });
  beforeEach(({ task }) => {
    proxy.clearRules();
    prefix = `archive/${task.id}/`;
  });

  const handler = () =>
    createArchiverHandler(
      {
        MEMORY_CDC_LAYOUT: 'agent-memory',
        ARCHIVE_BUCKET: ARCHIVE,
        ARCHIVE_PREFIX: prefix,
        DEAD_LETTER_BUCKET: DLQ,
        DELIVERY_MAX_ATTEMPTS: '1',
      },
      { s3Client: client, logger: silent, metrics: null },
    );
  const archivedEventIds = async () => {
    const store = new S3ArchiveStore({ client, bucket: ARCHIVE, prefix });
    const ids: string[] = [];
    for await (const key of store.listObjects()) {
      for (const entry of await decodeArchiveObject(await store.getObject(key), key))
        ids.push(entry.origin.eventId);
    }
    return ids;
  };
  const expiryIds = expiries.map((r) => r.eventID!).sort();

  it('archives each TTL expiry exactly once from a shuffled batch with redeliveries and a poison record', async () => {
    const shuffledBatch = shuffledWithRedeliveries(inOrder, 11, 3);
    const poison = poisonKinesisRecord('49600000000000000000000000000000000000000000000000000000700');
    const batch = [...shuffledBatch.slice(0, 4), poison, ...shuffledBatch.slice(4)];
    const response = await handler()({ Records: batch }, { getRemainingTimeInMillis: () => 60_000 });
    expect(response).toEqual({ batchItemFailures: [] });
    expect((await archivedEventIds()).sort()).toEqual(expiryIds);
    const letters = await client.send(
      new ListObjectsV2Command({ Bucket: DLQ, Prefix: 'dead-letter/archiver/' }),
    );
    expect(letters.Contents?.map((o) => o.Key!)).toEqual([
      expect.stringMatching(new RegExp(`/${poison.kinesis.sequenceNumber}\\.json$`)),
    ]);
  });

  it('reports the Kinesis suffix from a failed archive write by sequence number, and the retry completes it', async () => {
    const batch = toKinesisDynamoDbRecords(expiries);
    const failing = batch[2]!;
    const key = groupArchiveOutputs(archiveOutputsOf([fromKinesisDynamoDbRecord(failing).record]))[0]!.key;
    proxy.addRule({
      match: { method: 'PUT', path: `/${ARCHIVE}/${prefix}${key}` },
      fault: faults.s3InternalError(),
    });
    const response = await handler()({ Records: batch });
    expect(response.batchItemFailures).toEqual(
      batch.slice(2).map((r: KinesisStreamRecord) => ({ itemIdentifier: r.kinesis.sequenceNumber })),
    );
    proxy.clearRules();
    expect(await handler()({ Records: batch.slice(2) })).toEqual({ batchItemFailures: [] });
    expect((await archivedEventIds()).sort()).toEqual(expiryIds);
  });

  it('refuses a Kinesis event without a store for its dead letters, naming the option', async () => {
    const pipeline = createPipeline({ layout: agentMemoryLayout });
    const run = processArchiveBatch(
      { Records: inOrder },
      {
        pipeline,
        sink: new S3ArchiveSink({ client, bucket: ARCHIVE, prefix }),
        deadLetters: new S3DeadLetterStore({ client, bucket: DLQ }),
      },
    );
    await expect(run).rejects.toThrow(ConfigError);
    await expect(run).rejects.toThrow(/kinesisDeadLetters/);
  });
});
