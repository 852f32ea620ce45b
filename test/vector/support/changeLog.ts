/**
 * The Kinesis change log as the vector-sync Lambda receives it: a table's stream records go through
 * the real pipeline and the router's Kinesis publisher into kinesalite, are read back, and are
 * wrapped in Lambda's Kinesis event shape.
 */
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { encodeChangeLogData } from '../../../lib/changeLog/encodeChangeLogData.js';
import { readChanges } from '../../../lib/changeLog/readChanges.js';
import { agentMemoryLayout } from '../../../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../../../lib/pipeline/createPipeline.js';
import type { KinesisOutput } from '../../../lib/routing/types.js';
import type { ClaimCheckStore } from '../../../lib/sinks/claimCheck/types.js';
import { KinesisPublisher } from '../../../lib/sinks/kinesis/KinesisPublisher.js';
import type { StreamRecord } from '../../../lib/stream/types.js';
import type { KinesaliteHandle } from '../../support/kinesalite.js';

const STREAM_ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/memory-changes';

/** A Lambda Kinesis record around one data blob. */
export function kinesisRecord(
  sequenceNumber: string,
  partitionKey: string,
  data: string | Buffer,
): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber,
      data: Buffer.from(data).toString('base64'),
      approximateArrivalTimestamp: Date.now() / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/memory-cdc-vector-sync',
    awsRegion: 'us-east-1',
    eventSourceARN: STREAM_ARN,
  };
}

/**
 * Publishes the records' change-log outputs to a one-shard stream and reads them back as a Lambda
 * event, in stream order.
 */
export async function changeLogEvent(
  kinesis: KinesaliteHandle,
  stream: string,
  records: readonly StreamRecord[],
  options: { claimCheck?: ClaimCheckStore; maxRecordBytes?: number } = {},
): Promise<KinesisStreamEvent> {
  await kinesis.createStream(stream, 1);
  const pipeline = createPipeline({ layout: agentMemoryLayout });
  const outputs = records.flatMap((r) =>
    pipeline.process(r).outputs.filter((o): o is KinesisOutput => o.sink === 'kinesis'),
  );
  const publisher = new KinesisPublisher({
    client: kinesis.client({ maxAttempts: 1 }),
    stream,
    ...(options.claimCheck ? { claimCheck: options.claimCheck } : {}),
    ...(options.maxRecordBytes ? { maxRecordBytes: options.maxRecordBytes } : {}),
  });
  const { outcomes } = await publisher.deliver(outputs);
  const refused = outcomes.filter((o) => o.status !== 'accepted');
  if (refused.length > 0) throw new Error(`publishing the change log failed: ${JSON.stringify(refused[0])}`);
  const read = await kinesis.readStream(stream);
  return { Records: read.map((r) => kinesisRecord(r.sequenceNumber, r.partitionKey, r.data)) };
}

/**
 * The same change log with one change per record (each still in the version-2 envelope), as a
 * stream of quiet conversations looks: for tests about which records a batch reports.
 */
export function oneChangePerRecord(event: KinesisStreamEvent): KinesisStreamEvent {
  return {
    Records: event.Records.flatMap((record) =>
      readChanges(record).map((change, index) =>
        kinesisRecord(
          `${record.kinesis.sequenceNumber}${String(index).padStart(4, '0')}`,
          record.kinesis.partitionKey,
          Buffer.from(encodeChangeLogData([Buffer.from(JSON.stringify(change))])),
        ),
      ),
    ),
  };
}
