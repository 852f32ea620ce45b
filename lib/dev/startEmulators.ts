/**
 * The AWS emulators `memory-cdc dev --emulators` runs in-process: kinesalite (Kinesis) for the
 * change log and s3rver (S3) for the archive, claim checks and dead letters, on free ports of
 * 127.0.0.1, with clients configured for their quirks (HTTP/1.1 for kinesalite; path-style
 * addressing, its own credentials and no aws-chunked uploads for s3rver). EventBridge has no
 * emulator; dev keeps events in a local file either way.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { CreateStreamCommand, DescribeStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { MissingDependencyError } from '../optionalDependency.js';

type KinesaliteFactory = (options: {
  createStreamMs?: number;
  deleteStreamMs?: number;
  updateStreamMs?: number;
}) => Server;
interface S3rverServer {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  port: number;
  address: string;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}) => S3rverServer;

/** Options for {@link startEmulators}. */
export interface EmulatorOptions {
  /** Kinesis stream for the change log. */
  streamName: string;
  /** Bucket for the archive, claim checks and dead letters. */
  bucket: string;
  /** Folder s3rver keeps its objects in (kept after dev stops, for inspection). */
  s3Directory: string;
}

/** Running emulators and clients for them. */
export interface Emulators {
  kinesisEndpoint: string;
  s3Endpoint: string;
  kinesis: KinesisClient;
  s3: S3Client;
  stop(): Promise<void>;
}

/** Loads an optional package, saying what to install when it is missing. */
function load<T>(name: string): T {
  try {
    return createRequire(import.meta.url)(name) as T;
  } catch (error) {
    throw new MissingDependencyError(name, 'memory-cdc dev --emulators', { cause: error });
  }
}

/**
 * Starts kinesalite with the change-log stream (one shard) and s3rver with the bucket.
 * @throws MissingDependencyError when kinesalite or s3rver is not installed
 */
export async function startEmulators(options: EmulatorOptions): Promise<Emulators> {
  const kinesalite = load<KinesaliteFactory>('kinesalite');
  const S3rver = load<S3rverConstructor>('s3rver');
  const kinesisServer = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
  await new Promise<void>((resolve) => kinesisServer.listen(0, '127.0.0.1', () => resolve()));
  const kinesisEndpoint = `http://127.0.0.1:${(kinesisServer.address() as AddressInfo).port}`;
  const s3Server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: options.s3Directory,
    configureBuckets: [{ name: options.bucket }],
  });
  const { port } = await s3Server.run();
  const s3Endpoint = `http://127.0.0.1:${port}`;
  const kinesis = new KinesisClient({
    endpoint: kinesisEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // kinesalite speaks HTTP/1.1 only; the Kinesis client defaults to HTTP/2.
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
  const s3 = new S3Client({
    endpoint: s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    // With the default, stream bodies go aws-chunked and s3rver stores the chunk framing.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
  await kinesis.send(new CreateStreamCommand({ StreamName: options.streamName, ShardCount: 1 }));
  for (;;) {
    const { StreamDescription } = await kinesis.send(
      new DescribeStreamCommand({ StreamName: options.streamName }),
    );
    if (StreamDescription?.StreamStatus === 'ACTIVE') break;
    await delay(10);
  }
  return {
    kinesisEndpoint,
    s3Endpoint,
    kinesis,
    s3,
    async stop() {
      kinesis.destroy();
      s3.destroy();
      await s3Server.close();
      await new Promise<void>((resolve) => kinesisServer.close(() => resolve()));
    },
  };
}
