/**
 * The local event source mapping on a Kinesis data stream (kinesalite), as `dev --source kinesis`
 * runs the router and archiver: Lambda Kinesis events per shard, each consumer's filter, and a
 * partial batch response resumed from the lowest reported `kinesis.sequenceNumber`.
 */
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InvocationReport, LocalEventSourceMapping } from '../../lib/dev/LocalEventSourceMapping.js';
import { type Kinesalite, startKinesalite } from '../../lib/dev/startKinesalite.js';
import { kinesisShardApi } from '../../lib/live/kinesisShardApi.js';
import { waitFor } from '../support/streamsSimulator.js';

const STREAM = 'source';
let kinesalite: Kinesalite;
const textOf = (record: KinesisStreamRecord) => Buffer.from(record.kinesis.data, 'base64').toString();

beforeAll(async () => {
  kinesalite = await startKinesalite({ streams: [{ name: STREAM, shards: 2 }], purpose: 'test' });
  await kinesalite.client.send(
    new PutRecordsCommand({
      StreamName: STREAM,
      Records: Array.from({ length: 12 }, (_, i) => ({
        Data: Buffer.from(`change ${i}`),
        PartitionKey: `item-${i % 4}`,
      })),
    }),
  );
});

afterAll(async () => {
  await kinesalite?.stop();
});

describe('LocalEventSourceMapping on a Kinesis data stream', () => {
  it('resumes each shard from the lowest reported sequence number and filters per consumer', async () => {
    const arn = kinesalite.streamArns[STREAM]!;
    const reports: InvocationReport<KinesisStreamRecord>[] = [];
    const controller = new AbortController();
    const failedOnce = new Set<string>();
    const mapping = new LocalEventSourceMapping<KinesisStreamRecord>({
      client: kinesisShardApi(kinesalite.client, { name: STREAM, arn }),
      streamArn: arn,
      startAt: 'trim-horizon',
      idlePollMs: 20,
      retryBackoff: { baseMs: 1, maxMs: 2 },
      signal: controller.signal,
      consumers: [
        {
          name: 'router',
          // First call per shard: report the last record and the second (Lambda resumes at the lower).
          handler: async ({ Records }) => {
            const shard = Records[0]!.eventID.split(':')[0]!;
            if (failedOnce.has(shard) || Records.length < 3) return { batchItemFailures: [] };
            failedOnce.add(shard);
            return {
              batchItemFailures: [Records.at(-1)!, Records[1]!].map((r) => ({
                itemIdentifier: r.kinesis.sequenceNumber,
              })),
            };
          },
        },
        {
          name: 'archiver',
          filter: (record) => textOf(record).endsWith('0'),
          handler: async () => ({ batchItemFailures: [] }),
        },
      ],
      onInvocation: (report) => reports.push(report),
    });
    const running = mapping.run();
    const acknowledged = (consumer: string) =>
      reports.filter((r) => r.consumer === consumer).flatMap((r) => r.acknowledged.map(textOf));
    await waitFor(() => acknowledged('router').length >= 12, 60_000);
    controller.abort();
    await running;

    // Every record acknowledged exactly once, in shard order; each retry starts at the lower reported record.
    expect(acknowledged('router').sort()).toEqual(Array.from({ length: 12 }, (_, i) => `change ${i}`).sort());
    const router = reports.filter((r) => r.consumer === 'router');
    const retried = router.filter((r) => r.acknowledged.length < r.records.length);
    expect(retried.length).toBeGreaterThan(0);
    for (const first of retried) {
      expect(first.acknowledged).toEqual(first.records.slice(0, 1));
      const again = router.find((r) => r.shardId === first.shardId && r.attempt === 2)!;
      expect(again.records).toEqual(first.records.slice(1));
    }
    expect(router.every((r) => r.records.every((x) => x.eventSourceARN === arn))).toBe(true);
    expect(acknowledged('archiver').sort()).toEqual(['change 0', 'change 10']);
  });
});
