/**
 * The vector sync worker: applies {@link VectorOperation}s to a {@link VectorIndex} so the index
 * converges on the table's final state whatever the delivery order and however often a change is
 * delivered.
 *
 * Rules, per vector key:
 * - **Stale protection.** The index keeps a high-water mark per key: the sequence number of the
 *   last change applied, on live vectors and on tombstones alike. An operation at or below it is
 *   stale (a duplicate delivery, a replay, or an older change arriving late) and does nothing.
 *   Within one batch only the newest operation per key is applied.
 * - **Tombstones.** Deletes and expiries write a tombstone carrying the position, so an older upsert
 *   arriving late cannot resurrect the turn.
 * - **No wasted embeddings.** An upsert whose content hash (model, dimensions and text, or the
 *   item's own vector) equals the stored one only moves the high-water mark.
 * - **Dimensions are checked** before anything is written: a mismatch is a typed, rejected outcome,
 *   never a corrupt index.
 */
import { createHash } from 'node:crypto';
import type { AttemptOutcome } from '../delivery/deliverInRounds.js';
import type { VectorOperation } from '../routing/types.js';
import type { VectorIndex } from './backends/types.js';
import { DimensionMismatchError, EmbedderNotConfiguredError, InvalidOperationError } from './errors.js';
import { parseEmbedding } from './parseEmbedding.js';
import { compareSequence, isSequenceNumber } from './sequence.js';
import type {
  Embedder,
  IndexEntry,
  IndexKeyState,
  TurnMetadata,
  VectorSyncOutcome,
  VectorSyncStats,
} from './types.js';

/** Options for {@link VectorSyncWorker}. */
export interface VectorSyncWorkerOptions {
  /** Where vectors go. */
  index: VectorIndex;
  /**
   * Embeds turn text when the item carries no embedding of its own. Without one, such turns are
   * rejected with {@link EmbedderNotConfiguredError} (vectors are never made up).
   */
  embedder?: Embedder;
  /** Keep the turn text with the vector (the local index does, for `vectors query`). @default false */
  storeText?: boolean;
}

/** Options for one {@link VectorSyncWorker.apply} call. */
export interface ApplyOptions {
  /** When aborted, work not yet done is reported retryable. */
  signal?: AbortSignal;
}

/** Epoch ms from an item timestamp identifier: ISO-8601, epoch seconds or epoch milliseconds. */
function parseTimestamp(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d{1,16}$/.test(value)) {
    const n = Number(value);
    return n < 100_000_000_000 ? n * 1000 : n;
  }
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The metadata stored with an operation's vector. */
export function metadataFor(op: VectorOperation): TurnMetadata {
  const metadata: TurnMetadata = {
    timestamp: parseTimestamp(op.ids.timestamp) ?? op.position.approximateCreationEpochMs ?? 0,
  };
  if (op.ids.userId !== undefined) metadata.userId = op.ids.userId;
  if (op.ids.conversationId !== undefined) metadata.conversationId = op.ids.conversationId;
  if (op.ids.turnId !== undefined) metadata.turnId = op.ids.turnId;
  if (op.role !== undefined) metadata.role = op.role;
  return metadata;
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Content hash of an item's own vector. */
function itemContentHash(vector: Float32Array): string {
  return `item:${sha256(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength))}`;
}

/** Content hash of a text embedded by a model: changing model or dimensions re-embeds. */
function textContentHash(embedder: Embedder, text: string): string {
  return `text:${sha256(`${embedder.modelId}\n${embedder.dimensions}\n${text}`)}`;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function rejected(error: Error): VectorSyncOutcome {
  return { status: 'rejected', reason: reasonOf(error), error };
}

/** What the worker plans for one winning operation before writing. */
type Plan =
  | { kind: 'write'; entry: IndexEntry; done: VectorSyncOutcome }
  | { kind: 'embed'; text: string; contentHash: string; metadata: TurnMetadata }
  | { kind: 'outcome'; outcome: VectorSyncOutcome };

/**
 * Applies vector operations to an index.
 *
 * @example
 * ```ts
 * import { S3VectorsClient } from '@aws-sdk/client-s3vectors';
 * import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
 *
 * const worker = new VectorSyncWorker({
 *   index: new S3VectorsIndex({ client: new S3VectorsClient({}), vectorBucketName: 'memory', indexName: 'turns', dimension: 1024 }),
 *   embedder: new BedrockTitanEmbedder({ client: new BedrockRuntimeClient({}) }),
 * });
 * const outcomes = await worker.apply(operations); // one outcome per operation, in order
 * ```
 */
export class VectorSyncWorker {
  readonly index: VectorIndex;
  readonly embedder: Embedder | undefined;
  readonly stats: VectorSyncStats = {
    operations: 0,
    upserted: 0,
    deleted: 0,
    unchanged: 0,
    stale: 0,
    retryable: 0,
    rejected: 0,
    embeddingCalls: 0,
    itemEmbeddings: 0,
  };
  private readonly storeText: boolean;

  /** @throws DimensionMismatchError when the embedder's and the index's dimensions differ */
  constructor(options: VectorSyncWorkerOptions) {
    this.index = options.index;
    this.embedder = options.embedder;
    this.storeText = options.storeText ?? false;
    const dimension = this.index.dimension;
    if (this.embedder && dimension !== undefined && this.embedder.dimensions !== dimension) {
      throw new DimensionMismatchError(
        dimension,
        this.embedder.dimensions,
        `embedder ${this.embedder.modelId}`,
      );
    }
  }

  /**
   * Applies operations (in stream order, any keys) and reports one outcome per operation, in order.
   * Never throws for an operation it could not apply: retryable and rejected outcomes say why.
   */
  async apply(
    operations: readonly VectorOperation[],
    options: ApplyOptions = {},
  ): Promise<VectorSyncOutcome[]> {
    const outcomes: (VectorSyncOutcome | undefined)[] = new Array(operations.length);
    const winners = this.newestPerKey(operations, outcomes);
    if (winners.size > 0) await this.applyWinners(operations, winners, outcomes, options);
    const result = outcomes.map((o) => o ?? { status: 'retryable' as const, reason: 'not applied' });
    this.count(result);
    return result;
  }

  /** Marks every operation but the newest per key as stale; returns key -> index of the newest. */
  private newestPerKey(
    operations: readonly VectorOperation[],
    outcomes: (VectorSyncOutcome | undefined)[],
  ): Map<string, number> {
    const winners = new Map<string, number>();
    operations.forEach((op, i) => {
      const sequence = op.position?.sequenceNumber;
      if (!isSequenceNumber(sequence) || typeof op.vectorKey !== 'string' || op.vectorKey === '') {
        outcomes[i] = rejected(
          new InvalidOperationError('operation has no vector key or no decimal sequence number'),
        );
        return;
      }
      const current = winners.get(op.vectorKey);
      if (current === undefined) {
        winners.set(op.vectorKey, i);
        return;
      }
      const newer = compareSequence(sequence, operations[current]!.position.sequenceNumber) > 0;
      if (newer) {
        outcomes[current] = { status: 'stale' };
        winners.set(op.vectorKey, i);
      } else {
        outcomes[i] = { status: 'stale' };
      }
    });
    return winners;
  }

  private async applyWinners(
    operations: readonly VectorOperation[],
    winners: Map<string, number>,
    outcomes: (VectorSyncOutcome | undefined)[],
    options: ApplyOptions,
  ): Promise<void> {
    let states: Map<string, IndexKeyState>;
    try {
      states = await this.index.readState([...winners.keys()]);
    } catch (error) {
      for (const i of winners.values()) outcomes[i] = { status: 'retryable', reason: reasonOf(error) };
      return;
    }

    const plans = new Map<number, Plan>();
    for (const i of winners.values()) {
      const op = operations[i]!;
      const state = states.get(op.vectorKey);
      if (state && compareSequence(op.position.sequenceNumber, state.sequenceNumber) <= 0) {
        outcomes[i] = { status: 'stale' };
        continue;
      }
      plans.set(i, this.plan(op, state));
    }

    await this.embedPlanned(operations, plans, options);

    const writes: { i: number; entry: IndexEntry; done: VectorSyncOutcome }[] = [];
    for (const [i, plan] of plans) {
      if (plan.kind === 'outcome') outcomes[i] = plan.outcome;
      else if (plan.kind === 'write') writes.push({ i, entry: plan.entry, done: plan.done });
    }
    if (writes.length === 0) return;
    let results: AttemptOutcome[];
    try {
      results = await this.index.write(
        writes.map((w) => w.entry),
        options.signal ? { signal: options.signal } : {},
      );
    } catch (error) {
      // Backends report per entry; a throw is a bug or an outage: retry the lot.
      results = writes.map(() => ({ status: 'retryable', reason: reasonOf(error) }));
    }
    writes.forEach((w, n) => {
      const result = results[n] ?? { status: 'retryable', reason: 'index reported no outcome' };
      outcomes[w.i] = result.status === 'accepted' ? w.done : result;
    });
  }

  /** Decides what one winning operation needs, given the key's stored state. */
  private plan(op: VectorOperation, state: IndexKeyState | undefined): Plan {
    const sequenceNumber = op.position.sequenceNumber;
    const tombstone = (): Plan => ({
      kind: 'write',
      entry: {
        kind: 'tombstone',
        key: op.vectorKey,
        sequenceNumber,
        deletedAt: op.position.approximateCreationEpochMs ?? 0,
      },
      done: { status: 'deleted' },
    });
    if (op.action === 'delete') return tombstone();

    const metadata = metadataFor(op);
    const live = state !== undefined && !state.deleted;
    const touch = (): Plan => ({
      kind: 'write',
      entry: { kind: 'touch', key: op.vectorKey, sequenceNumber, metadata },
      done: { status: 'unchanged' },
    });

    if (op.embedding !== undefined && op.embedding.length > 0) {
      let vector: Float32Array;
      try {
        vector = parseEmbedding(op.embedding);
        this.checkDimension(vector.length, 'the item embedding');
      } catch (error) {
        return { kind: 'outcome', outcome: rejected(error as Error) };
      }
      const contentHash = itemContentHash(vector);
      if (live && state.contentHash === contentHash) return touch();
      return {
        kind: 'write',
        entry: this.vectorEntry(op, vector, metadata, contentHash),
        done: { status: 'upserted', embedded: false },
      };
    }

    const text = op.text;
    if (text === undefined || text.trim() === '') return tombstone(); // Nothing left to index.
    if (!this.embedder) return { kind: 'outcome', outcome: rejected(new EmbedderNotConfiguredError()) };
    const contentHash = textContentHash(this.embedder, text);
    if (live && state.contentHash === contentHash) return touch();
    return { kind: 'embed', text, contentHash, metadata };
  }

  /** Embeds the texts of `embed` plans and turns them into writes or outcomes. */
  private async embedPlanned(
    operations: readonly VectorOperation[],
    plans: Map<number, Plan>,
    options: ApplyOptions,
  ): Promise<void> {
    const pending = [...plans].filter(
      (entry): entry is [number, Extract<Plan, { kind: 'embed' }>] => entry[1].kind === 'embed',
    );
    if (pending.length === 0 || !this.embedder) return;
    const results = await this.embedder.embed(
      pending.map(([, p]) => p.text),
      options.signal ? { signal: options.signal } : {},
    );
    this.stats.embeddingCalls += pending.length;
    pending.forEach(([i, p], n) => {
      const result = results[n];
      if (!result) {
        plans.set(i, {
          kind: 'outcome',
          outcome: { status: 'retryable', reason: 'embedder returned no result' },
        });
        return;
      }
      if (!result.ok) {
        const { error } = result;
        let outcome: VectorSyncOutcome = rejected(error);
        if (error.retryable) {
          outcome = error.throttled
            ? { status: 'retryable', reason: reasonOf(error), throttled: true }
            : { status: 'retryable', reason: reasonOf(error) };
        }
        plans.set(i, { kind: 'outcome', outcome });
        return;
      }
      try {
        this.checkDimension(result.vector.length, `the embedding from ${this.embedder!.modelId}`);
      } catch (error) {
        plans.set(i, { kind: 'outcome', outcome: rejected(error as Error) });
        return;
      }
      const op = operations[i]!;
      plans.set(i, {
        kind: 'write',
        entry: this.vectorEntry(op, result.vector, p.metadata, p.contentHash),
        done: { status: 'upserted', embedded: true },
      });
    });
  }

  private vectorEntry(
    op: VectorOperation,
    vector: Float32Array,
    metadata: TurnMetadata,
    contentHash: string,
  ): IndexEntry {
    const entry: IndexEntry = {
      kind: 'vector',
      key: op.vectorKey,
      sequenceNumber: op.position.sequenceNumber,
      vector,
      metadata,
      contentHash,
    };
    if (this.storeText && op.text !== undefined) entry.text = op.text;
    return entry;
  }

  private checkDimension(actual: number, what: string): void {
    const expected = this.index.dimension;
    if (expected !== undefined && actual !== expected)
      throw new DimensionMismatchError(expected, actual, what);
  }

  private count(outcomes: readonly VectorSyncOutcome[]): void {
    const s = this.stats;
    s.operations += outcomes.length;
    for (const o of outcomes) {
      if (o.status === 'upserted') {
        s.upserted++;
        if (!o.embedded) s.itemEmbeddings++;
      } else s[o.status]++;
    }
  }
}
