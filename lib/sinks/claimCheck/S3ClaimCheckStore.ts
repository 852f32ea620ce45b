import type { S3Client } from '@aws-sdk/client-s3';
import type { ClaimCheck } from '../../catalog/types.js';
import { CLAIM_CHECK_PREFIX, claimCheckKey } from './claimCheckKey.js';
import type { ClaimCheckStore } from './types.js';

/** Options for {@link S3ClaimCheckStore}. */
export interface S3ClaimCheckStoreOptions {
  client: S3Client;
  /** CLAIM_CHECK_BUCKET. */
  bucket: string;
  /** Key prefix. @default 'claim-check/' */
  prefix?: string;
}

/**
 * Claim-check objects in S3: one JSON object per oversize event, at `claim-check/<eventId>.json`.
 * Needs only `s3:PutObject` on that prefix; consumers need `s3:GetObject`.
 *
 * @example
 * ```ts
 * const store = new S3ClaimCheckStore({ client: new S3Client({}), bucket: process.env.CLAIM_CHECK_BUCKET! });
 * const pointer = await store.put(detail.eventId, JSON.stringify(detail));
 * ```
 */
export class S3ClaimCheckStore implements ClaimCheckStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3ClaimCheckStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? CLAIM_CHECK_PREFIX;
  }

  async put(eventId: string, body: string, options: { signal?: AbortSignal } = {}): Promise<ClaimCheck> {
    const key = claimCheckKey(eventId, this.prefix);
    const bytes = Buffer.from(body, 'utf8');
    // Loaded on first use: the router's start does not load the S3 client (see lazyAwsClient.ts).
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: 'application/json' }),
      { abortSignal: options.signal },
    );
    return { bucket: this.bucket, key, bytes: bytes.byteLength };
  }
}
