/**
 * s3rver (a real S3 API from npm) started in-process on a free port of 127.0.0.1, with a fresh data
 * folder, and a helper that makes an S3Client configured for it.
 *
 * s3rver quirks the client settings handle:
 * - path-style addressing (`forcePathStyle`) and the credentials `S3RVER`/`S3RVER`;
 * - `requestChecksumCalculation`/`responseChecksumValidation: 'WHEN_REQUIRED'`: with the SDK's
 *   default a stream body goes aws-chunked and s3rver stores the chunk framing in the object;
 * - a truncated ListObjectsV2 page (more than 1,000 keys, or `MaxKeys`) answers 500 unless Node runs
 *   with `--openssl-legacy-provider` (s3rver encrypts its continuation token with DES). Keep test
 *   listings under one page, or run that test file in a pool with
 *   `execArgv: ['--openssl-legacy-provider']`.
 *
 * @example
 * const s3 = await startS3rver({ buckets: ['archive-bucket'] });
 * const client = s3.client();
 * // … test …
 * await s3.close();
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/** The part of s3rver's (untyped, CommonJS) API the tests use. */
interface S3rverServer {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  port: number;
  address: string;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}) => S3rverServer;

const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

/** A running s3rver. */
export interface S3rverHandle {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  /** Data folder (removed by `close()`). */
  directory: string;
  /** A client for this server, or for `endpoint` (e.g. a fault proxy in front of it). */
  client(overrides?: Partial<S3ClientConfig> & { endpoint?: string }): S3Client;
  close(): Promise<void>;
}

/**
 * An S3Client configured for s3rver at `endpoint`.
 * @param overrides e.g. `{ maxAttempts: 1 }` so a fault is not hidden by the SDK's own retries
 */
export function createS3rverClient(endpoint: string, overrides: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...overrides,
  });
}

/** Starts s3rver with the given buckets (names of 3–63 characters). */
export async function startS3rver(options: { buckets?: string[] } = {}): Promise<S3rverHandle> {
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: S3Client[] = [];
  return {
    endpoint,
    port,
    directory,
    client(overrides = {}) {
      const client = createS3rverClient(overrides.endpoint ?? endpoint, overrides);
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
