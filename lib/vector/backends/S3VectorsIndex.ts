/**
 * The AWS vector index: an Amazon S3 Vectors index (`@aws-sdk/client-s3vectors`).
 *
 * Writes are batched within the documented limits: at most 500 vectors per PutVectors and
 * DeleteVectors call, 100 keys per GetVectors call, and request bodies kept under a byte budget
 * below the 20 MiB payload limit. Batches that fail are reported per entry: throttling and server
 * errors are retryable (after the SDK client's own retries), a ValidationException is split in
 * halves until the invalid vector is found, so one bad vector never rejects 499 good ones.
 *
 * Metadata per vector: `userId`, `conversationId`, `role`, `timestamp` (epoch ms, a number, so
 * range filters work) and `deleted` are filterable; `seq`, `contentHash`, `turnId`, `deletedAt` and
 * `text` belong in the index's non-filterable keys ({@link S3_VECTORS_NON_FILTERABLE_METADATA_KEYS}).
 * A tombstone is a vector with `deleted: true` and a fixed placeholder vector: S3 Vectors keeps a
 * vector per key, and queries filter `deleted: false`.
 */
import {
  DeleteVectorsCommand,
  GetVectorsCommand,
  ListVectorsCommand,
  type ListVectorsCommandOutput,
  type PutInputVector,
  PutVectorsCommand,
  QueryVectorsCommand,
  type QueryVectorsCommandOutput,
  type S3VectorsClient,
} from '@aws-sdk/client-s3vectors';
import pLimit from 'p-limit';
import { classifyError, describeError } from '../../delivery/classifyError.js';
import type { AttemptOutcome } from '../../delivery/deliverInRounds.js';
import { packBatches } from '../../delivery/packBatches.js';
import { DimensionMismatchError, VectorIndexError } from '../errors.js';
import type { IndexEntry, IndexKeyState, TurnMetadata } from '../types.js';
import type { IndexWriteOptions, StoredEntry, VectorIndex, VectorMatch, VectorQuery } from './types.js';

/** Documented S3 Vectors limits this adapter batches within. */
export const S3_VECTORS_LIMITS = Object.freeze({
  vectorsPerPut: 500,
  keysPerDelete: 500,
  keysPerGet: 100,
  topK: 100,
  listPageSize: 1000,
  requestBytes: 20 * 1024 * 1024,
});

/**
 * Metadata keys to declare non-filterable when creating the index (CDK `CfnIndex`
 * `metadataConfiguration.nonFilterableMetadataKeys`): they keep the filterable part small (2 KB).
 */
export const S3_VECTORS_NON_FILTERABLE_METADATA_KEYS = [
  'seq',
  'contentHash',
  'turnId',
  'deletedAt',
  'text',
] as const;

/** Options for {@link S3VectorsIndex}. */
export interface S3VectorsIndexOptions {
  client: S3VectorsClient;
  vectorBucketName: string;
  indexName: string;
  /** The index's dimension (set when it was created). */
  dimension: number;
  /** Requests in flight at once. @default 4 */
  concurrency?: number;
  /** Largest request body this adapter builds, in bytes. @default 16 MiB (the limit is 20 MiB) */
  maxRequestBytes?: number;
}

/** Stored metadata shape (what this adapter writes and reads back). */
type StoredMetadata = {
  deleted?: boolean;
  seq?: string;
  contentHash?: string;
  userId?: string;
  conversationId?: string;
  turnId?: string;
  role?: string;
  timestamp?: number;
  deletedAt?: number;
  text?: string;
};

/** Bytes of one float32 element as JSON, upper bound (`-1.2345678901234567e-10,`). */
const BYTES_PER_ELEMENT = 26;

/** A failed read as a typed error; retryable unless the request itself was invalid. */
function indexError(operation: string, error: unknown): VectorIndexError {
  const retryable = classifyError(error).status === 'retryable';
  return new VectorIndexError(`${operation} failed: ${describeError(error)}`, retryable, { cause: error });
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function metadataFrom(stored: StoredMetadata): TurnMetadata {
  const metadata: TurnMetadata = { timestamp: Number(stored.timestamp ?? 0) };
  if (stored.userId !== undefined) metadata.userId = stored.userId;
  if (stored.conversationId !== undefined) metadata.conversationId = stored.conversationId;
  if (stored.turnId !== undefined) metadata.turnId = stored.turnId;
  if (stored.role !== undefined) metadata.role = stored.role;
  return metadata;
}

function liveMetadata(
  m: TurnMetadata,
  sequenceNumber: string,
  contentHash: string,
  text?: string,
): StoredMetadata {
  const stored: StoredMetadata = { deleted: false, seq: sequenceNumber, contentHash, timestamp: m.timestamp };
  if (m.userId !== undefined) stored.userId = m.userId;
  if (m.conversationId !== undefined) stored.conversationId = m.conversationId;
  if (m.turnId !== undefined) stored.turnId = m.turnId;
  if (m.role !== undefined) stored.role = m.role;
  if (text !== undefined) stored.text = text;
  return stored;
}

/**
 * An S3 Vectors index as a {@link VectorIndex}.
 *
 * @example
 * ```ts
 * import { S3VectorsClient } from '@aws-sdk/client-s3vectors';
 *
 * const index = new S3VectorsIndex({
 *   client: new S3VectorsClient({ maxAttempts: 5 }),
 *   vectorBucketName: process.env.VECTOR_BUCKET_NAME!,
 *   indexName: process.env.VECTOR_INDEX_NAME!,
 *   dimension: 1024,
 * });
 * const matches = await index.query({ vector, topK: 5, userId: 'u-42' });
 * ```
 */
export class S3VectorsIndex implements VectorIndex {
  readonly dimension: number;
  private readonly client: S3VectorsClient;
  private readonly target: { vectorBucketName: string; indexName: string };
  private readonly concurrency: number;
  private readonly maxRequestBytes: number;
  private readonly placeholder: number[];

  constructor(options: S3VectorsIndexOptions) {
    this.client = options.client;
    this.target = { vectorBucketName: options.vectorBucketName, indexName: options.indexName };
    this.dimension = options.dimension;
    this.concurrency = options.concurrency ?? 4;
    this.maxRequestBytes = Math.min(
      options.maxRequestBytes ?? 16 * 1024 * 1024,
      S3_VECTORS_LIMITS.requestBytes,
    );
    // Tombstones need some vector: a unit vector (valid under cosine, unlike all zeros).
    this.placeholder = Array.from({ length: this.dimension }, (_, i) => (i === 0 ? 1 : 0));
  }

  async readState(keys: readonly string[]): Promise<Map<string, IndexKeyState>> {
    const states = new Map<string, IndexKeyState>();
    const found = await this.getVectors(keys, false);
    for (const v of found) {
      const m = (v.metadata ?? {}) as StoredMetadata;
      if (typeof m.seq !== 'string') continue; // Not written by memory-cdc: no position to protect.
      const state: IndexKeyState = { key: v.key, sequenceNumber: m.seq, deleted: m.deleted === true };
      if (typeof m.contentHash === 'string') state.contentHash = m.contentHash;
      states.set(v.key, state);
    }
    return states;
  }

  private async getVectors(
    keys: readonly string[],
    returnData: boolean,
  ): Promise<{ key: string; data?: number[]; metadata?: unknown }[]> {
    const limit = pLimit(this.concurrency);
    try {
      const pages = await Promise.all(
        chunks(keys, S3_VECTORS_LIMITS.keysPerGet).map((part) =>
          limit(() =>
            this.client.send(
              new GetVectorsCommand({ ...this.target, keys: part, returnMetadata: true, returnData }),
            ),
          ),
        ),
      );
      return pages.flatMap((page) =>
        (page.vectors ?? []).map((v) => ({ key: v.key!, data: v.data?.float32, metadata: v.metadata })),
      );
    } catch (error) {
      throw indexError('GetVectors', error);
    }
  }

  async write(entries: readonly IndexEntry[], options: IndexWriteOptions = {}): Promise<AttemptOutcome[]> {
    const outcomes: (AttemptOutcome | undefined)[] = new Array(entries.length);
    const current = await this.readForTouch(entries, outcomes);
    const puts: { i: number; vector: PutInputVector; bytes: number }[] = [];
    entries.forEach((entry, i) => {
      if (outcomes[i]) return;
      let vector: PutInputVector;
      if (entry.kind === 'vector') {
        if (entry.vector.length !== this.dimension) {
          const error = new DimensionMismatchError(
            this.dimension,
            entry.vector.length,
            `vector ${entry.key}`,
          );
          outcomes[i] = { status: 'rejected', reason: error.message };
          return;
        }
        const metadata = liveMetadata(entry.metadata, entry.sequenceNumber, entry.contentHash, entry.text);
        vector = { key: entry.key, data: { float32: Array.from(entry.vector) }, metadata };
      } else if (entry.kind === 'touch') {
        const stored = current.get(entry.key);
        if (!stored) {
          outcomes[i] = { status: 'retryable', reason: `vector ${entry.key} to touch is no longer stored` };
          return;
        }
        const metadata = liveMetadata(
          entry.metadata,
          entry.sequenceNumber,
          stored.metadata.contentHash ?? '',
          stored.metadata.text,
        );
        vector = { key: entry.key, data: { float32: stored.data }, metadata };
      } else {
        const metadata: StoredMetadata = {
          deleted: true,
          seq: entry.sequenceNumber,
          deletedAt: entry.deletedAt,
        };
        vector = { key: entry.key, data: { float32: this.placeholder }, metadata };
      }
      const bytes =
        this.dimension * BYTES_PER_ELEMENT + JSON.stringify(vector.metadata).length + entry.key.length + 64;
      puts.push({ i, vector, bytes });
    });

    const batches = packBatches(
      puts.map((put) => ({ item: put, bytes: put.bytes })),
      { maxCount: S3_VECTORS_LIMITS.vectorsPerPut, maxBytes: this.maxRequestBytes },
    );
    const limit = pLimit(this.concurrency);
    await Promise.all(
      batches.map((batch) =>
        limit(async () => {
          const results = await this.putBatch(
            batch.map((p) => p.vector),
            options.signal,
          );
          batch.forEach((p, n) => {
            outcomes[p.i] = results[n];
          });
        }),
      ),
    );
    return outcomes.map((o) => o ?? { status: 'retryable', reason: 'not written' });
  }

  /** Current data and metadata of the keys to touch; touches that cannot be read get outcomes. */
  private async readForTouch(
    entries: readonly IndexEntry[],
    outcomes: (AttemptOutcome | undefined)[],
  ): Promise<Map<string, { data: number[]; metadata: StoredMetadata }>> {
    const current = new Map<string, { data: number[]; metadata: StoredMetadata }>();
    const touches = entries.flatMap((e, i) => (e.kind === 'touch' ? [[i, e.key] as const] : []));
    if (touches.length === 0) return current;
    try {
      for (const v of await this.getVectors(
        touches.map(([, key]) => key),
        true,
      )) {
        const metadata = (v.metadata ?? {}) as StoredMetadata;
        if (metadata.deleted === false && v.data) current.set(v.key, { data: v.data, metadata });
      }
    } catch (error) {
      for (const [i] of touches) outcomes[i] = { status: 'retryable', reason: (error as Error).message };
    }
    return current;
  }

  /** One PutVectors call; a ValidationException on several vectors is bisected to find the bad one. */
  private async putBatch(
    vectors: PutInputVector[],
    signal: AbortSignal | undefined,
  ): Promise<AttemptOutcome[]> {
    if (signal?.aborted)
      return vectors.map(() => ({ status: 'retryable', reason: 'aborted before PutVectors' }));
    try {
      await this.client.send(
        new PutVectorsCommand({ ...this.target, vectors }),
        signal ? { abortSignal: signal } : {},
      );
      return vectors.map(() => ({ status: 'accepted' }));
    } catch (error) {
      const outcome = classifyError(error, signal);
      if (outcome.status !== 'rejected') return vectors.map(() => outcome);
      if (vectors.length === 1) return [{ status: 'rejected', reason: `PutVectors: ${outcome.reason}` }];
      const half = Math.ceil(vectors.length / 2);
      const left = await this.putBatch(vectors.slice(0, half), signal);
      const right = await this.putBatch(vectors.slice(half), signal);
      return [...left, ...right];
    }
  }

  async query(query: VectorQuery): Promise<VectorMatch[]> {
    if (query.vector.length !== this.dimension) {
      throw new DimensionMismatchError(this.dimension, query.vector.length, 'the query vector');
    }
    const conditions: Record<string, Record<string, string | boolean>>[] = [
      { userId: { $eq: query.userId } },
      { deleted: { $eq: false } },
    ];
    if (query.conversationId !== undefined)
      conditions.push({ conversationId: { $eq: query.conversationId } });
    let response: QueryVectorsCommandOutput;
    try {
      response = await this.client.send(
        new QueryVectorsCommand({
          ...this.target,
          topK: Math.min(Math.max(1, query.topK), S3_VECTORS_LIMITS.topK),
          queryVector: { float32: Array.from(query.vector) },
          filter: { $and: conditions },
          returnMetadata: true,
          returnDistance: true,
        }),
      );
    } catch (error) {
      throw indexError('QueryVectors', error);
    }
    return (response.vectors ?? []).map((v) => {
      const stored = (v.metadata ?? {}) as StoredMetadata;
      const match: VectorMatch = { key: v.key!, distance: v.distance ?? 0, metadata: metadataFrom(stored) };
      if (stored.text !== undefined) match.text = stored.text;
      return match;
    });
  }

  async *list(options: { includeTombstones?: boolean } = {}): AsyncIterable<StoredEntry> {
    let nextToken: string | undefined;
    do {
      let page: ListVectorsCommandOutput;
      try {
        page = await this.client.send(
          new ListVectorsCommand({
            ...this.target,
            maxResults: S3_VECTORS_LIMITS.listPageSize,
            returnMetadata: true,
            ...(nextToken ? { nextToken } : {}),
          }),
        );
      } catch (error) {
        throw indexError('ListVectors', error);
      }
      for (const v of page.vectors ?? []) {
        const m = (v.metadata ?? {}) as StoredMetadata;
        if (typeof m.seq !== 'string') continue;
        if (m.deleted === true) {
          if (options.includeTombstones) {
            yield { key: v.key!, sequenceNumber: m.seq, deleted: true, deletedAt: Number(m.deletedAt ?? 0) };
          }
          continue;
        }
        const entry: StoredEntry = {
          key: v.key!,
          sequenceNumber: m.seq,
          deleted: false,
          metadata: metadataFrom(m),
        };
        if (m.contentHash !== undefined) entry.contentHash = m.contentHash;
        if (m.text !== undefined) entry.text = m.text;
        yield entry;
      }
      nextToken = page.nextToken;
    } while (nextToken);
  }

  async purgeTombstones(deletedBefore: number): Promise<number> {
    const keys: string[] = [];
    for await (const entry of this.list({ includeTombstones: true })) {
      if (entry.deleted && (entry.deletedAt ?? 0) < deletedBefore) keys.push(entry.key);
    }
    try {
      for (const part of chunks(keys, S3_VECTORS_LIMITS.keysPerDelete)) {
        await this.client.send(new DeleteVectorsCommand({ ...this.target, keys: part }));
      }
    } catch (error) {
      throw indexError('DeleteVectors', error);
    }
    return keys.length;
  }

  async close(): Promise<void> {
    // The client belongs to the caller (a Lambda reuses it across invocations).
  }
}
