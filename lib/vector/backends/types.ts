/**
 * The one small interface every vector index backend implements: Amazon S3 Vectors in AWS, LanceDB
 * on a laptop. The worker keeps all policy (stale protection, skip rules, embeddings); a backend
 * stores entries, reports per-entry outcomes and answers queries.
 */
import type { AttemptOutcome } from '../../delivery/deliverInRounds.js';
import type { IndexEntry, IndexKeyState, TurnMetadata } from '../types.js';

/** A similarity query, always scoped to one user. */
export interface VectorQuery {
  vector: Float32Array;
  /** Number of matches wanted (S3 Vectors allows at most 100). */
  topK: number;
  userId: string;
  conversationId?: string;
}

/** One query result. */
export interface VectorMatch {
  key: string;
  /** Distance to the query vector (cosine distance: 0 = same direction). */
  distance: number;
  metadata: TurnMetadata;
  /** The turn text, when the backend stores it. */
  text?: string;
}

/** One stored key as {@link VectorIndex.list} yields it. */
export interface StoredEntry extends IndexKeyState {
  /** Present for live vectors. */
  metadata?: TurnMetadata;
  /** Present for tombstones. */
  deletedAt?: number;
  text?: string;
}

/** Options for {@link VectorIndex.write}. */
export interface IndexWriteOptions {
  /** When aborted, entries not yet sent are reported retryable. */
  signal?: AbortSignal;
}

/** A vector index the worker can keep in step with the table. */
export interface VectorIndex {
  /** Vector length, or undefined for a new local index that the first vector will size. */
  readonly dimension: number | undefined;
  /**
   * The high-water mark of each key that has one (live or tombstone).
   * @throws VectorIndexError when the index cannot be read (the caller retries the whole batch)
   */
  readState(keys: readonly string[]): Promise<Map<string, IndexKeyState>>;
  /**
   * Writes entries (distinct keys) and reports each one's outcome, in order (`throttled` on a
   * retryable outcome asks for a longer wait). Never throws for an entry it could not write.
   */
  write(entries: readonly IndexEntry[], options?: IndexWriteOptions): Promise<AttemptOutcome[]>;
  /** The nearest live vectors of one user (and conversation). */
  query(query: VectorQuery): Promise<VectorMatch[]>;
  /** Every stored key; tombstones only when asked. */
  list(options?: { includeTombstones?: boolean }): AsyncIterable<StoredEntry>;
  /**
   * Physically removes tombstones older than `deletedBefore` (epoch ms). Run it only for positions
   * older than the change log's retention: a late replay of an older upsert could then resurrect.
   * @returns the number of tombstones removed
   */
  purgeTombstones(deletedBefore: number): Promise<number>;
  /** Releases resources. */
  close(): Promise<void>;
}
