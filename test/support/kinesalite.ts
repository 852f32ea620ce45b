/**
 * kinesalite (a Kinesis API from npm) started in-process on a free port of 127.0.0.1, in memory,
 * with helpers to create streams, read a stream back shard by shard, and fake the one fault a
 * proxy cannot produce by itself: a PutRecords partial failure.
 *
 * The Kinesis client needs an HTTP/1.1 request handler here (`NodeHttpHandler`): the SDK defaults to
 * HTTP/2 for Kinesis, which kinesalite does not speak (`ERR_HTTP2_ERROR`).
 *
 * @example
 * const kinesis = await startKinesalite();
 * await kinesis.createStream('changes', 2);
 * const proxy = await startFaultProxy({ target: kinesis.endpoint });
 * proxy.addRule({ match: { target: 'Kinesis_20131202.PutRecords' }, probability: 0.3, fault: kinesisPartialFailure({ seed: 5 }) });
 * const client = kinesis.client({ endpoint: proxy.url, maxAttempts: 1 });
 * // … publish …
 * const records = await kinesis.readStream('changes');
 * await proxy.close();
 * await kinesis.close();
 */

import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  type KinesisClientConfig,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type Fault, faults } from './faultProxy.js';

type KinesaliteFactory = (options: {
  createStreamMs?: number;
  deleteStreamMs?: number;
  updateStreamMs?: number;
  shardLimit?: number;
}) => Server;

const kinesalite = createRequire(import.meta.url)('kinesalite') as KinesaliteFactory;

/** A record read back from a stream. */
export interface StreamedRecord {
  shardId: string;
  sequenceNumber: string;
  partitionKey: string;
  /** The data blob as UTF-8 text. */
  data: string;
}

/** A running kinesalite. */
export interface KinesaliteHandle {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  /** A client for this server (or for `endpoint`, e.g. a fault proxy), HTTP/1.1, dummy credentials. */
  client(overrides?: Partial<KinesisClientConfig>): KinesisClient;
  /** Creates a stream and waits until it is ACTIVE. */
  createStream(name: string, shards?: number): Promise<void>;
  /** Waits until the stream is ACTIVE again (after a split or merge). */
  waitActive(name: string): Promise<void>;
  /** Every record of the stream, shard by shard, each shard in sequence order. */
  readStream(name: string): Promise<StreamedRecord[]>;
  close(): Promise<void>;
}

/** Starts kinesalite in memory with instant stream creation. */
export async function startKinesalite(): Promise<KinesaliteHandle> {
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: KinesisClient[] = [];
  const makeClient = (overrides: Partial<KinesisClientConfig> = {}) => {
    const client = new KinesisClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestHandler: new NodeHttpHandler(),
      ...overrides,
    });
    clients.push(client);
    return client;
  };
  const admin = makeClient();
  const waitActive = async (name: string) => {
    for (;;) {
      const { StreamDescription } = await admin.send(new DescribeStreamCommand({ StreamName: name }));
      if (StreamDescription?.StreamStatus === 'ACTIVE') return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  return {
    endpoint,
    port,
    client: makeClient,
    async createStream(name, shards = 1) {
      await admin.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
      await waitActive(name);
    },
    waitActive,
    async readStream(name) {
      const { StreamDescription } = await admin.send(new DescribeStreamCommand({ StreamName: name }));
      const out: StreamedRecord[] = [];
      for (const shard of StreamDescription?.Shards ?? []) {
        const { ShardIterator } = await admin.send(
          new GetShardIteratorCommand({
            StreamName: name,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        let iterator = ShardIterator;
        while (iterator) {
          const page = await admin.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
          for (const record of page.Records ?? []) {
            out.push({
              shardId: shard.ShardId!,
              sequenceNumber: record.SequenceNumber!,
              partitionKey: record.PartitionKey!,
              data: Buffer.from(record.Data ?? new Uint8Array()).toString('utf8'),
            });
          }
          if ((page.Records ?? []).length === 0) break;
          iterator = page.NextShardIterator;
        }
      }
      return out;
    },
    async close() {
      for (const client of clients) client.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

/** mulberry32: a small seeded generator. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options for {@link kinesisPartialFailure}. */
export interface PartialFailureOptions {
  /** Probability that each record of the request fails. @default 0.3 */
  recordProbability?: number;
  /** Which records fail, instead of chance: indexes in the request. */
  failIndexes?: (records: { PartitionKey: string }[]) => number[];
  /** Seed of the per-record draw. @default 1 */
  seed?: number;
}

/**
 * A fault-proxy fault that makes PutRecords fail partly, as Kinesis does: the records chosen to
 * fail are not forwarded to kinesalite (so they are really not written), and the answer gets a
 * `ProvisionedThroughputExceededException` or `InternalFailure` entry at their positions, with
 * `FailedRecordCount` set. The others are written and keep their real sequence numbers.
 */
export function kinesisPartialFailure(options: PartialFailureOptions = {}): Fault {
  const random = seededRandom(options.seed ?? 1);
  const probability = options.recordProbability ?? 0.3;
  return faults.custom(async (request, forward) => {
    const body = JSON.parse(request.body.toString('utf8')) as { Records: { PartitionKey: string }[] };
    const failing = new Set(
      options.failIndexes
        ? options.failIndexes(body.Records)
        : body.Records.flatMap((_, index) => (random() < probability ? [index] : [])),
    );
    const kept = body.Records.filter((_, index) => !failing.has(index));
    let written: { SequenceNumber: string; ShardId: string }[] = [];
    if (kept.length > 0) {
      const answer = await forward({
        ...request,
        body: Buffer.from(JSON.stringify({ ...body, Records: kept })),
      });
      if (answer.status !== 200) return answer;
      written = (JSON.parse(answer.body.toString('utf8')) as { Records: typeof written }).Records;
    }
    let next = 0;
    const records = body.Records.map((_, index) =>
      failing.has(index)
        ? random() < 0.5
          ? {
              ErrorCode: 'ProvisionedThroughputExceededException',
              ErrorMessage:
                'Rate exceeded for shard shardId-000000000000 in stream test under account 000000000000.',
            }
          : { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' }
        : written[next++]!,
    );
    return {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'partial-failure' },
      body: Buffer.from(JSON.stringify({ FailedRecordCount: failing.size, Records: records })),
    };
  });
}
