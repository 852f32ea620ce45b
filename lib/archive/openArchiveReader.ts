/**
 * Opens an archive for reading from what a user types: an `s3://bucket/prefix` URI or a folder.
 */
import { resolve } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { LocalArchiveStore } from './LocalArchiveStore.js';
import { parseS3Uri, S3ArchiveStore } from './S3ArchiveStore.js';
import type { ArchiveReader } from './types.js';

/** Options for {@link openArchiveReader}. */
export interface OpenArchiveReaderOptions {
  /** Folder paths resolve against this. @default process.cwd() */
  cwd?: string;
  /** Makes the S3 client for an s3:// source (called only then). */
  s3Client?: () => S3Client;
}

/**
 * An archive reader for a local folder or an `s3://bucket/prefix` URI.
 *
 * @example
 * const reader = openArchiveReader('s3://my-archive-bucket/archive/', { s3Client: () => new S3Client({}) });
 */
export function openArchiveReader(source: string, options: OpenArchiveReaderOptions = {}): ArchiveReader {
  if (source.startsWith('s3://')) {
    const { bucket, prefix } = parseS3Uri(source);
    if (!options.s3Client) throw new TypeError('an s3:// archive source needs an S3 client factory');
    return new S3ArchiveStore({ client: options.s3Client(), bucket, prefix });
  }
  return new LocalArchiveStore(resolve(options.cwd ?? process.cwd(), source));
}
