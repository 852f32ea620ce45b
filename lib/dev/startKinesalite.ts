/**
 * kinesalite (Kinesis) in-process on a free port of 127.0.0.1, with the streams `memory-cdc dev`
 * needs created and active, and a client configured for its quirk (HTTP/1.1 only; the Kinesis
 * client defaults to HTTP/2). `dev --emulators` writes the change log to it; `dev --source kinesis`
 * streams the table's changes into it, as Kinesis Data Streams for DynamoDB would.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { MissingDependencyError } from '../optionalDependency.js';

type KinesaliteFactory = (options: {
  createStreamMs?: number;
  deleteStreamMs?: number;
  updateStreamMs?: number;
}) => Server;

/** Options for {@link startKinesalite}. */
export interface KinesaliteOptions {
  /** Streams to create, with their shard counts. */
  streams: { name: string; shards: number }[];
  /** What needs kinesalite, for the error when it is not installed (`memory-cdc dev --emulators`). */
  purpose: string;
}

/** A running kinesalite. */
export interface Kinesalite {
  endpoint: string;
  client: KinesisClient;
  /** Each created stream's ARN, by name (what Lambda puts on the records as `eventSourceARN`). */
  streamArns: Record<string, string>;
  stop(): Promise<void>;
}

/** Loads an optional package, saying what to install when it is missing. */
export function loadOptional<T>(name: string, purpose: string): T {
  try {
    return createRequire(import.meta.url)(name) as T;
  } catch (error) {
    throw new MissingDependencyError(name, purpose, { cause: error });
  }
}

/**
 * Starts kinesalite and creates the streams (waiting until each is ACTIVE).
 * @throws MissingDependencyError when kinesalite is not installed
 */
export async function startKinesalite(options: KinesaliteOptions): Promise<Kinesalite> {
  const kinesalite = loadOptional<KinesaliteFactory>('kinesalite', options.purpose);
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // kinesalite speaks HTTP/1.1 only; the Kinesis client defaults to HTTP/2.
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
  const stop = async () => {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const streamArns: Record<string, string> = {};
  try {
    for (const stream of options.streams) {
      await client.send(new CreateStreamCommand({ StreamName: stream.name, ShardCount: stream.shards }));
      for (;;) {
        const { StreamDescriptionSummary: summary } = await client.send(
          new DescribeStreamSummaryCommand({ StreamName: stream.name }),
        );
        if (summary?.StreamStatus === 'ACTIVE' && summary.StreamARN) {
          streamArns[stream.name] = summary.StreamARN;
          break;
        }
        await delay(10);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, client, streamArns, stop };
}
