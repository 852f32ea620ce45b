/**
 * Reads claim-checked event details back: a change-log record too large for Kinesis carries a
 * pointer (`claimCheck.bucket`/`key`) instead of the item images, and the worker needs the images
 * to index the turn. Needs `s3:GetObject` on the claim-check prefix.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { ClaimCheck, MemoryEventDetail } from '../catalog/types.js';
import { DecodeError } from '../errors.js';

/** Fetches the full detail a claim check points to. */
export interface ClaimCheckReader {
  /** @throws the client's error when the object cannot be read; DecodeError when it is not a detail */
  read(claimCheck: ClaimCheck, options?: { signal?: AbortSignal }): Promise<MemoryEventDetail>;
}

/** True when the detail's images were moved to S3 and must be read back. */
export function needsClaimCheck(detail: MemoryEventDetail): boolean {
  return detail.claimCheck !== undefined && (detail.before === undefined || detail.after === undefined);
}

/**
 * A {@link ClaimCheckReader} on S3.
 *
 * @example
 * ```ts
 * const reader = new S3ClaimCheckReader({ client: new S3Client({}) });
 * const full = needsClaimCheck(detail) ? await reader.read(detail.claimCheck!) : detail;
 * ```
 */
export class S3ClaimCheckReader implements ClaimCheckReader {
  private readonly client: S3Client;

  constructor(options: { client: S3Client }) {
    this.client = options.client;
  }

  async read(claimCheck: ClaimCheck, options: { signal?: AbortSignal } = {}): Promise<MemoryEventDetail> {
    // Loaded on first use: the vector sync's start does not load the S3 client (see lazyAwsClient.ts).
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const response = await this.client.send(
      new GetObjectCommand({ Bucket: claimCheck.bucket, Key: claimCheck.key }),
      { abortSignal: options.signal },
    );
    const text = (await response.Body?.transformToString('utf8')) ?? '';
    try {
      return JSON.parse(text) as MemoryEventDetail;
    } catch (error) {
      throw new DecodeError(
        `claim-check object s3://${claimCheck.bucket}/${claimCheck.key} is not JSON`,
        undefined,
        {
          cause: error,
        },
      );
    }
  }
}
