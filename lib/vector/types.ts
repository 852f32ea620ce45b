/**
 * Types of the vector sync worker: what an embedder does, what the worker reports per operation,
 * and what it writes to an index. The index interface itself lives in `backends/types.ts`.
 */
import type { EmbeddingError } from './errors.js';

/** Embeds texts into vectors (Amazon Bedrock in AWS; tests bring their own endpoint). */
export interface Embedder {
  /** Model identifier; part of the content hash, so changing models re-embeds. */
  readonly modelId: string;
  /** Length of every vector this embedder returns. */
  readonly dimensions: number;
  /**
   * Embeds each text. Never rejects for one bad text: each text gets a vector or an
   * {@link EmbeddingError} saying whether retrying may help.
   */
  embed(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<EmbeddingResult[]>;
}

/** One text's embedding, or why it failed. */
export type EmbeddingResult = { ok: true; vector: Float32Array } | { ok: false; error: EmbeddingError };

/** Metadata stored with every live vector; userId, conversationId, role and timestamp are filterable. */
export interface TurnMetadata {
  userId?: string;
  conversationId?: string;
  turnId?: string;
  role?: string;
  /** When the turn was written (epoch milliseconds): the item's timestamp, else the change's time. */
  timestamp: number;
}

/** The per-key high-water mark an index keeps: the last change applied to the key, live or deleted. */
export interface IndexKeyState {
  key: string;
  /** Sequence number of the last applied change (canonical decimal). */
  sequenceNumber: string;
  /** True for a tombstone: the item was deleted or expired at `sequenceNumber`. */
  deleted: boolean;
  /** What the vector was made from (see {@link IndexEntry}); absent for tombstones. */
  contentHash?: string;
}

/** A live vector. */
export interface VectorEntry {
  kind: 'vector';
  key: string;
  sequenceNumber: string;
  vector: Float32Array;
  metadata: TurnMetadata;
  /**
   * `text:<sha256 of model, dimensions and text>` or `item:<sha256 of the item's own vector>`:
   * equal hashes mean the stored vector is already right.
   */
  contentHash: string;
  /** Turn text, kept only by backends configured to store it (the local index, for the CLI). */
  text?: string;
}

/** Advance a key's high-water mark and metadata, keeping its vector (the content did not change). */
export interface TouchEntry {
  kind: 'touch';
  key: string;
  sequenceNumber: string;
  metadata: TurnMetadata;
}

/** The item is gone: remember the position so an older upsert arriving late cannot resurrect it. */
export interface TombstoneEntry {
  kind: 'tombstone';
  key: string;
  sequenceNumber: string;
  /** When the item was deleted (epoch milliseconds); tombstone purges go by it. */
  deletedAt: number;
}

/** One write to an index. */
export type IndexEntry = VectorEntry | TouchEntry | TombstoneEntry;

/** What the worker did with one {@link VectorOperation}. */
export type VectorSyncOutcome =
  /** Written; `embedded` says whether the embedder was called for it. */
  | { status: 'upserted'; embedded: boolean }
  /** A tombstone was written (delete, expiry, or a turn left without text). */
  | { status: 'deleted' }
  /** The content is what the index already holds: no embedding call, only the position moved. */
  | { status: 'unchanged' }
  /** The index (or a later operation in the same batch) already holds this position or a newer one. */
  | { status: 'stale' }
  /** Another attempt may succeed (throttling, 5xx, timeouts); `throttled` asks for a longer wait. */
  | { status: 'retryable'; reason: string; throttled?: true }
  /** Retrying cannot help (dimension mismatch, invalid embedding, no embedder): dead-letter it. */
  | { status: 'rejected'; reason: string; error?: Error };

/** Running counts of a worker, for logs, metrics and the benchmark. */
export interface VectorSyncStats {
  operations: number;
  upserted: number;
  deleted: number;
  unchanged: number;
  stale: number;
  retryable: number;
  rejected: number;
  /** Texts sent to the embedder. */
  embeddingCalls: number;
  /** Upserts that used the item's own embedding. */
  itemEmbeddings: number;
}
