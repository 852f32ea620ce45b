/**
 * The AWS emulators `memory-cdc dev --emulators` runs in-process: kinesalite (Kinesis) for the
 * change log and s3rver (S3) for the archive, claim checks and dead letters, on free ports of
 * 127.0.0.1, with clients configured for their quirks (HTTP/1.1 for kinesalite; path-style
 * addressing, its own credentials and no aws-chunked uploads for s3rver). EventBridge has no
 * emulator; dev keeps events in a local file either way.
 */

import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { loadOptional, startKinesalite } from './startKinesalite.js';

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
  /** More Kinesis streams to create (the source stream of `dev --source kinesis`). */
  streams?: { name: string; shards: number }[];
}

/** Running emulators and clients for them. */
export interface Emulators {
  kinesisEndpoint: string;
  s3Endpoint: string;
  kinesis: KinesisClient;
  /** Each Kinesis stream's ARN, by name. */
  kinesisStreamArns: Record<string, string>;
  s3: S3Client;
  stop(): Promise<void>;
}

/**
 * Starts kinesalite with the change-log stream (one shard) and any other streams, and s3rver
 * with the bucket.
 * @throws MissingDependencyError when kinesalite or s3rver is not installed
 */
export async function startEmulators(options: EmulatorOptions): Promise<Emulators> {
  const purpose = 'memory-cdc dev --emulators';
  const S3rver = loadOptional<S3rverConstructor>('s3rver', purpose);
  const kinesalite = await startKinesalite({
    streams: [{ name: options.streamName, shards: 1 }, ...(options.streams ?? [])],
    purpose,
  });
  const s3Server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: options.s3Directory,
    configureBuckets: [{ name: options.bucket }],
  });
  const { port } = await s3Server.run().catch(async (error: unknown) => {
    await kinesalite.stop();
    throw error;
  });
  const s3Endpoint = `http://127.0.0.1:${port}`;
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
  return {
    kinesisEndpoint: kinesalite.endpoint,
    s3Endpoint,
    kinesis: kinesalite.client,
    kinesisStreamArns: kinesalite.streamArns,
    s3,
    async stop() {
      s3.destroy();
      await s3Server.close();
      await kinesalite.stop();
    },
  };
}
