/**
 * A local Kinesis event source mapping for the end-to-end tests: reads every shard of a kinesalite
 * stream from its oldest record with GetRecords and invokes each consumer with Lambda Kinesis events
 * (`toLambdaKinesisRecord`), as Lambda does: a consumer's filter drops records before its handler
 * (acknowledged, as a mapping's filter criteria do), and a reported `itemIdentifier` makes it read
 * again from the lowest one. Each consumer keeps its own position per shard, as two mappings do.
 */
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';
import { toLambdaKinesisRecord } from '../../lib/stream/toLambdaKinesisRecord.js';

/** One consumer of the stream (a function with its mapping). */
export interface KinesisConsumer {
  name: string;
  /** The mapping's filter: records it drops are acknowledged without an invocation. */
  filter?(record: KinesisStreamRecord): boolean;
  handler(event: {
    Records: KinesisStreamRecord[];
  }): Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
}

/** One invocation of a consumer. */
export interface KinesisInvocation {
  consumer: string;
  shardId: string;
  records: number;
  reported: string[];
}

/** A running mapping. */
export interface KinesisPump {
  /** Records each consumer read (before its filter; again after a reported failure), by consumer name. */
  readonly read: Map<string, KinesisStreamRecord[]>;
  readonly invocations: KinesisInvocation[];
  stop(): Promise<void>;
}

/** Options of {@link pumpKinesis}. */
export interface KinesisPumpOptions {
  client: KinesisClient;
  streamName: string;
  /** The ARN Lambda would put on each record. */
  streamArn: string;
  consumers: readonly KinesisConsumer[];
  /** Records per GetRecords (per batch). @default 100 */
  batchSize?: number;
  /** Wait before polling an empty shard again, ms. @default 100 */
  idleMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts reading; stop() ends it after the batch in flight. */
export function pumpKinesis(options: KinesisPumpOptions): KinesisPump {
  const read = new Map<string, KinesisStreamRecord[]>(options.consumers.map((c) => [c.name, []]));
  const invocations: KinesisInvocation[] = [];
  let stopped = false;
  const { client, streamName } = options;

  const runShard = async (consumer: KinesisConsumer, shardId: string) => {
    const iteratorAt = async (sequenceNumber?: string) =>
      (
        await client.send(
          new GetShardIteratorCommand({
            StreamName: streamName,
            ShardId: shardId,
            ...(sequenceNumber
              ? { ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: sequenceNumber }
              : { ShardIteratorType: 'TRIM_HORIZON' }),
          }),
        )
      ).ShardIterator;
    let iterator = await iteratorAt();
    while (!stopped && iterator) {
      const out = await client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: options.batchSize ?? 100 }),
      );
      const records = (out.Records ?? []).map((r) =>
        toLambdaKinesisRecord(r.Data!, {
          streamArn: options.streamArn,
          shardId,
          sequenceNumber: r.SequenceNumber!,
          partitionKey: r.PartitionKey!,
          arrivalSeconds: (r.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
        }),
      );
      read.get(consumer.name)!.push(...records);
      const batch = consumer.filter ? records.filter((r) => consumer.filter!(r)) : records;
      if (batch.length > 0) {
        const { batchItemFailures } = await consumer.handler({ Records: batch });
        const reported = batchItemFailures.map((f) => f.itemIdentifier);
        invocations.push({ consumer: consumer.name, shardId, records: batch.length, reported });
        if (reported.length > 0) {
          // Lambda resumes at the lowest reported sequence number.
          const lowest = reported.reduce((a, b) => (BigInt(a) < BigInt(b) ? a : b));
          iterator = await iteratorAt(lowest);
          await sleep(50);
          continue;
        }
      }
      iterator = out.NextShardIterator;
      if (records.length === 0) await sleep(options.idleMs ?? 100);
    }
  };

  const running = (async () => {
    const described = await client.send(new DescribeStreamCommand({ StreamName: streamName }));
    const shards = described.StreamDescription?.Shards?.map((s) => s.ShardId!) ?? [];
    await Promise.all(
      options.consumers.flatMap((consumer) => shards.map((shard) => runShard(consumer, shard))),
    );
  })();
  return {
    read,
    invocations,
    async stop() {
      stopped = true;
      await running;
    },
  };
}
