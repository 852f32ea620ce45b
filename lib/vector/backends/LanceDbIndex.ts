/**
 * A local, embedded vector index on LanceDB (`@lancedb/lancedb`), for replay, the CLI and tests. It
 * runs in-process from a directory (default `.memory-cdc/vectors/`).
 *
 * Two tables: `turns` holds live vectors, `tombstones` the positions of deleted keys. Tombstones
 * live apart because they need no vector: the local index learns its dimension from the first
 * vector it stores, and a replay may start with deletes. Writes are merge-inserts by key guarded by
 * `target.seq < source.seq` (sequence numbers stored zero-padded, so text order is numeric order),
 * so even a writer racing the worker's own check can never move a key backwards.
 *
 * LanceDB and Apache Arrow are imported dynamically: a bundle that never opens a local index (the
 * Lambda) never loads them.
 */
import type { Connection, Table } from '@lancedb/lancedb';
import type { AttemptOutcome } from '../../delivery/deliverInRounds.js';
import { importOptional } from '../../optionalDependency.js';
import { DimensionMismatchError, VectorIndexError } from '../errors.js';
import { padSequence, unpadSequence } from '../sequence.js';
import type { IndexEntry, IndexKeyState, TouchEntry, TurnMetadata, VectorEntry } from '../types.js';
import type { StoredEntry, VectorIndex, VectorMatch, VectorQuery } from './types.js';

/** Where the CLI keeps its local index, relative to the working directory. */
export const DEFAULT_LOCAL_INDEX_DIR = '.memory-cdc/vectors';

const TURNS = 'turns';
const TOMBSTONES = 'tombstones';
/** Keys per `IN (…)` / `OR` predicate, to keep SQL texts small. */
const KEYS_PER_PREDICATE = 256;

/** Options for {@link LanceDbIndex.open}. */
export interface LanceDbIndexOptions {
  /** Directory of the LanceDB database (created when missing). */
  directory: string;
  /**
   * Vector length. Optional: an existing index knows its own, a new one takes the first vector's.
   * When given, it must match the stored index.
   */
  dimension?: number;
}

/** A row of the `turns` table. */
interface TurnRow {
  key: string;
  vector: Float32Array | number[];
  seq: string;
  content_hash: string;
  user_id: string | null;
  conversation_id: string | null;
  turn_id: string | null;
  role: string | null;
  timestamp_ms: number;
  text: string | null;
}

/** A row of the `tombstones` table. */
interface TombstoneRow {
  key: string;
  seq: string;
  deleted_at_ms: number;
}

function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function metadataOf(row: TurnRow): TurnMetadata {
  const metadata: TurnMetadata = { timestamp: Number(row.timestamp_ms) };
  if (row.user_id !== null) metadata.userId = row.user_id;
  if (row.conversation_id !== null) metadata.conversationId = row.conversation_id;
  if (row.turn_id !== null) metadata.turnId = row.turn_id;
  if (row.role !== null) metadata.role = row.role;
  return metadata;
}

function turnRow(entry: VectorEntry | TouchEntry, base?: TurnRow): TurnRow {
  const m = entry.metadata;
  return {
    key: entry.key,
    vector: entry.kind === 'vector' ? entry.vector : Float32Array.from(base!.vector),
    seq: padSequence(entry.sequenceNumber),
    content_hash: entry.kind === 'vector' ? entry.contentHash : base!.content_hash,
    user_id: m.userId ?? null,
    conversation_id: m.conversationId ?? null,
    turn_id: m.turnId ?? null,
    role: m.role ?? null,
    timestamp_ms: m.timestamp,
    text: entry.kind === 'vector' ? (entry.text ?? null) : (base!.text ?? null),
  };
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The local vector index.
 *
 * @example
 * ```ts
 * const index = await LanceDbIndex.open({ directory: '.memory-cdc/vectors' });
 * const worker = new VectorSyncWorker({ index, storeText: true });
 * await worker.apply(operations);
 * console.log(await index.query({ vector, topK: 5, userId: 'u-42' }));
 * await index.close();
 * ```
 */
export class LanceDbIndex implements VectorIndex {
  private turns: Table | undefined;
  private constructor(
    private readonly arrow: typeof import('apache-arrow'),
    private readonly db: Connection,
    private readonly tombstones: Table,
    turns: Table | undefined,
    private dim: number | undefined,
  ) {
    this.turns = turns;
  }

  /**
   * Opens (or creates) the index in a directory.
   * @throws DimensionMismatchError when `dimension` differs from the stored index's
   */
  static async open(options: LanceDbIndexOptions): Promise<LanceDbIndex> {
    const lancedb = await importOptional<typeof import('@lancedb/lancedb')>(
      '@lancedb/lancedb',
      'the local vector index',
    );
    const arrow = await importOptional<typeof import('apache-arrow')>(
      'apache-arrow',
      'the local vector index',
    );
    const db = await lancedb.connect(options.directory);
    const names = new Set(await db.tableNames());
    const tombstones = names.has(TOMBSTONES)
      ? await db.openTable(TOMBSTONES)
      : await db.createEmptyTable(
          TOMBSTONES,
          new arrow.Schema([
            new arrow.Field('key', new arrow.Utf8(), false),
            new arrow.Field('seq', new arrow.Utf8(), false),
            new arrow.Field('deleted_at_ms', new arrow.Float64(), false),
          ]),
          { existOk: true },
        );
    let turns: Table | undefined;
    let dimension = options.dimension;
    if (names.has(TURNS)) {
      turns = await db.openTable(TURNS);
      const field = (await turns.schema()).fields.find((f) => f.name === 'vector');
      const stored = (field?.type as { listSize?: number } | undefined)?.listSize;
      if (stored !== undefined) {
        if (dimension !== undefined && dimension !== stored) {
          throw new DimensionMismatchError(
            stored,
            dimension,
            `the configured dimension for ${options.directory}`,
          );
        }
        dimension = stored;
      }
    }
    const index = new LanceDbIndex(arrow, db, tombstones, turns, dimension);
    if (!turns && dimension !== undefined) await index.ensureTurns(dimension);
    return index;
  }

  get dimension(): number | undefined {
    return this.dim;
  }

  private async ensureTurns(dimension: number): Promise<Table> {
    if (this.turns) return this.turns;
    const a = this.arrow;
    const schema = new a.Schema([
      new a.Field('key', new a.Utf8(), false),
      new a.Field(
        'vector',
        new a.FixedSizeList(dimension, new a.Field('item', new a.Float32(), true)),
        false,
      ),
      new a.Field('seq', new a.Utf8(), false),
      new a.Field('content_hash', new a.Utf8(), false),
      new a.Field('user_id', new a.Utf8(), true),
      new a.Field('conversation_id', new a.Utf8(), true),
      new a.Field('turn_id', new a.Utf8(), true),
      new a.Field('role', new a.Utf8(), true),
      new a.Field('timestamp_ms', new a.Float64(), false),
      new a.Field('text', new a.Utf8(), true),
    ]);
    this.turns = await this.db.createEmptyTable(TURNS, schema, { existOk: true });
    this.dim = dimension;
    return this.turns;
  }

  async readState(keys: readonly string[]): Promise<Map<string, IndexKeyState>> {
    const states = new Map<string, IndexKeyState>();
    try {
      for (const part of chunks(keys, KEYS_PER_PREDICATE)) {
        const predicate = `key IN (${part.map(sqlString).join(', ')})`;
        const live = this.turns
          ? ((await this.turns
              .query()
              .where(predicate)
              .select(['key', 'seq', 'content_hash'])
              .toArray()) as TurnRow[])
          : [];
        const dead = (await this.tombstones
          .query()
          .where(predicate)
          .select(['key', 'seq'])
          .toArray()) as TombstoneRow[];
        // A crash between a table's write and the other's cleanup can leave both: the newer wins.
        for (const row of live) {
          states.set(row.key, {
            key: row.key,
            sequenceNumber: unpadSequence(row.seq),
            deleted: false,
            contentHash: row.content_hash,
          });
        }
        for (const row of dead) {
          const current = states.get(row.key);
          if (!current || padSequence(current.sequenceNumber) < row.seq) {
            states.set(row.key, { key: row.key, sequenceNumber: unpadSequence(row.seq), deleted: true });
          }
        }
      }
    } catch (error) {
      throw new VectorIndexError(`local index read failed: ${reasonOf(error)}`, true, { cause: error });
    }
    return states;
  }

  async write(entries: readonly IndexEntry[]): Promise<AttemptOutcome[]> {
    const outcomes: AttemptOutcome[] = entries.map(() => ({ status: 'accepted' }));
    const firstVector = entries.find((e): e is VectorEntry => e.kind === 'vector');
    const vectors: [number, VectorEntry][] = [];
    const touches: [number, TouchEntry][] = [];
    const tombstones: TombstoneRow[] = [];
    const tombstoneAt: number[] = [];
    const expected = this.dim ?? firstVector?.vector.length;
    entries.forEach((entry, i) => {
      if (entry.kind === 'vector') {
        if (entry.vector.length !== expected) {
          const error = new DimensionMismatchError(expected!, entry.vector.length, `vector ${entry.key}`);
          outcomes[i] = { status: 'rejected', reason: error.message };
        } else vectors.push([i, entry]);
      } else if (entry.kind === 'touch') touches.push([i, entry]);
      else {
        tombstones.push({
          key: entry.key,
          seq: padSequence(entry.sequenceNumber),
          deleted_at_ms: entry.deletedAt,
        });
        tombstoneAt.push(i);
      }
    });

    try {
      const rows: TurnRow[] = vectors.map(([, e]) => turnRow(e));
      if (touches.length > 0) {
        const current = await this.readRows(touches.map(([, t]) => t.key));
        for (const [i, touch] of touches) {
          const base = current.get(touch.key);
          if (base) rows.push(turnRow(touch, base));
          else
            outcomes[i] = { status: 'retryable', reason: `vector ${touch.key} to touch is no longer stored` };
        }
      }
      if (rows.length > 0) {
        const turns = await this.ensureTurns(expected ?? rows[0]!.vector.length);
        await turns
          .mergeInsert('key')
          .whenMatchedUpdateAll({ where: 'target.seq < source.seq' })
          .whenNotMatchedInsertAll()
          .execute(rows as unknown as Record<string, unknown>[]);
        await this.deleteOlder(this.tombstones, rows);
      }
      if (tombstones.length > 0) {
        await this.tombstones
          .mergeInsert('key')
          .whenMatchedUpdateAll({ where: 'target.seq < source.seq' })
          .whenNotMatchedInsertAll()
          .execute(tombstones as unknown as Record<string, unknown>[]);
        if (this.turns) await this.deleteOlder(this.turns, tombstones);
      }
    } catch (error) {
      const reason = `local index write failed: ${reasonOf(error)}`;
      return outcomes.map((o) => (o.status === 'accepted' ? { status: 'retryable', reason } : o));
    }
    return outcomes;
  }

  /** Full rows of live keys. */
  private async readRows(keys: readonly string[]): Promise<Map<string, TurnRow>> {
    const rows = new Map<string, TurnRow>();
    if (!this.turns) return rows;
    for (const part of chunks(keys, KEYS_PER_PREDICATE)) {
      const found = (await this.turns
        .query()
        .where(`key IN (${part.map(sqlString).join(', ')})`)
        .toArray()) as TurnRow[];
      for (const row of found) rows.set(row.key, row);
    }
    return rows;
  }

  /** Removes rows of `table` that `newer` supersedes (same key, older position). */
  private async deleteOlder(table: Table, newer: readonly { key: string; seq: string }[]): Promise<void> {
    if ((await table.countRows()) === 0) return; // The common case for tombstones: nothing to scan.
    for (const part of chunks(newer, KEYS_PER_PREDICATE)) {
      await table.delete(
        part.map((r) => `(key = ${sqlString(r.key)} AND seq < ${sqlString(r.seq)})`).join(' OR '),
      );
    }
  }

  async query(query: VectorQuery): Promise<VectorMatch[]> {
    if (!this.turns) return [];
    if (this.dim !== undefined && query.vector.length !== this.dim) {
      throw new DimensionMismatchError(this.dim, query.vector.length, 'the query vector');
    }
    let filter = `user_id = ${sqlString(query.userId)}`;
    if (query.conversationId !== undefined)
      filter += ` AND conversation_id = ${sqlString(query.conversationId)}`;
    const rows = (await this.turns
      .vectorSearch(query.vector)
      .distanceType('cosine')
      .where(filter)
      .limit(query.topK)
      .toArray()) as (TurnRow & { _distance: number })[];
    return rows.map((row) => {
      const match: VectorMatch = { key: row.key, distance: row._distance, metadata: metadataOf(row) };
      if (row.text !== null) match.text = row.text;
      return match;
    });
  }

  async *list(options: { includeTombstones?: boolean } = {}): AsyncIterable<StoredEntry> {
    if (this.turns) {
      const rows = (await this.turns
        .query()
        .select([
          'key',
          'seq',
          'content_hash',
          'user_id',
          'conversation_id',
          'turn_id',
          'role',
          'timestamp_ms',
          'text',
        ])
        .toArray()) as TurnRow[];
      for (const row of rows) {
        const entry: StoredEntry = {
          key: row.key,
          sequenceNumber: unpadSequence(row.seq),
          deleted: false,
          contentHash: row.content_hash,
          metadata: metadataOf(row),
        };
        if (row.text !== null) entry.text = row.text;
        yield entry;
      }
    }
    if (options.includeTombstones) {
      for (const row of (await this.tombstones.query().toArray()) as TombstoneRow[]) {
        yield {
          key: row.key,
          sequenceNumber: unpadSequence(row.seq),
          deleted: true,
          deletedAt: Number(row.deleted_at_ms),
        };
      }
    }
  }

  async purgeTombstones(deletedBefore: number): Promise<number> {
    const predicate = `deleted_at_ms < ${Number(deletedBefore)}`;
    const count = await this.tombstones.countRows(predicate);
    if (count > 0) await this.tombstones.delete(predicate);
    return count;
  }

  async close(): Promise<void> {
    this.turns?.close();
    this.tombstones.close();
    this.db.close();
  }
}
