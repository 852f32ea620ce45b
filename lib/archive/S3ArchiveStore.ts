/**
 * Archive objects in an S3 bucket under a prefix (`s3://bucket/archive/`). Used by the archiver
 * Lambda to write and by restore to read; the AWS client is passed in, so tests point it at s3rver.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { ConfigError } from '../errors.js';
import { ARCHIVE_OBJECT_SUFFIX } from './archiveKey.js';
import type { ArchiveIoOptions, ArchiveReader, ArchiveWriter } from './types.js';

/** Options for {@link S3ArchiveStore}. */
export interface S3ArchiveStoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix of the archive root; a trailing `/` is added when missing. @default 'archive/' */
  prefix?: string;
}

/** Normalises a key prefix: no leading `/`, a trailing `/` unless empty. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

/**
 * Splits an `s3://bucket/prefix` URI.
 * @throws ConfigError when the text is not an s3:// URI with a bucket
 */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match?.[1])
    throw new ConfigError(`not an S3 URI (expected s3://bucket/prefix): ${JSON.stringify(uri)}`);
  return { bucket: match[1], prefix: normalizePrefix(match[2] ?? '') };
}

/**
 * Reads and writes archive objects in S3.
 *
 * @example
 * const store = new S3ArchiveStore({ client: new S3Client({}), bucket: process.env.ARCHIVE_BUCKET!, prefix: 'archive/' });
 * await store.putObject('table=memory/entity=turn/dt=2026-11-01/hour=07/1-9-abc.jsonl.gz', body);
 */
export class S3ArchiveStore implements ArchiveWriter, ArchiveReader {
  readonly location: string;
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;

  constructor(options: S3ArchiveStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = normalizePrefix(options.prefix ?? 'archive/');
    this.location = `s3://${this.bucket}/${this.prefix}`;
  }

  async putObject(key: string, body: Uint8Array, options: ArchiveIoOptions = {}): Promise<void> {
    // The commands load on first use: the router's start does not load the S3 client (lazyAwsClient.ts).
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.prefix + key,
        Body: body,
        ContentType: 'application/gzip',
      }),
      { abortSignal: options.signal },
    );
  }

  async *listObjects(prefix = '', options: ArchiveIoOptions = {}): AsyncIterable<string> {
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix + prefix,
          ContinuationToken: token,
        }),
        { abortSignal: options.signal },
      );
      for (const object of page.Contents ?? []) {
        const key = object.Key;
        if (key?.endsWith(ARCHIVE_OBJECT_SUFFIX)) yield key.slice(this.prefix.length);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async getObject(key: string, options: ArchiveIoOptions = {}): Promise<Uint8Array> {
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const response = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      {
        abortSignal: options.signal,
      },
    );
    if (!response.Body) throw new Error(`s3://${this.bucket}/${this.prefix}${key}: empty response body`);
    return response.Body.transformToByteArray();
  }
}
