/**
 * Walks every shard of a DynamoDB stream — or of a Kinesis stream, through its {@link ShardApi} —
 * the way a stream consumer must: parents before children (a split closes a shard and opens two, a
 * merge closes two and opens one; a key's later changes are in the child), closed shards
 * read to their end, new shards found by describing the stream again, expired iterators
 * re-acquired after the last record seen, trimmed data reported as a gap, throttling backed off.
 * `tail` and `capture` read through it; the calls that differ between the two services live in
 * `dynamoDbShardApi.ts` and `kinesisShardApi.ts`.
 */
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import {
  backoffDelay,
  isRetryableError,
  type ResolvedBackoff,
  resolveBackoff,
  retrying,
  sleep,
} from '../retry/backoff.js';
import type { StreamRecord } from '../stream/types.js';
import { dynamoDbShardApi } from './dynamoDbShardApi.js';
import { StreamReadError } from './errors.js';
import type {
  IteratorPosition,
  ListedShard,
  ShardApi,
  ShardBatch,
  ShardCounts,
  ShardWalkerOptions,
  WalkerNotice,
} from './types.js';

/** Wait between reads of a shard that returned an empty page behind its tip, in ms. */
const BEHIND_POLL_MS = 200;

type Phase = 'waiting' | 'reading' | 'done';

interface ShardState {
  id: string;
  parentId: string | undefined;
  /** The second parent of a merged shard: reading waits for both. */
  adjacentParentId: string | undefined;
  phase: Phase;
  /** Position for the first iterator when no record has been read yet. */
  start: 'TRIM_HORIZON' | 'LATEST';
  iterator: string | undefined;
  lastSequence: string | undefined;
  records: number;
  /** True when the last read returned nothing: the shard is read up to its newest record. */
  idle: boolean;
  /** Earliest time (ms) of the next call on this shard. */
  notBefore: number;
  retries: number;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Reads a stream shard by shard and yields each `GetRecords` result as a {@link ShardBatch} of
 * Lambda-format records (`R`: DynamoDB Streams records when given a Streams client, else what the
 * {@link ShardApi} reads). Records of one shard come in stream order; a child shard's records come
 * only after its parent's last record. The walk ends when the signal aborts, or when the stream is
 * disabled and every shard has been read to its end.
 *
 * @example
 * ```ts
 * const client = new DynamoDBStreamsClient({ maxAttempts: 1 });
 * const walker = new ShardWalker(client, { streamArn, startAt: 'trim-horizon', signal });
 * for await (const { shardId, records } of walker.batches()) {
 *   for (const record of records) console.log(shardId, record.eventName, record.dynamodb?.Keys);
 * }
 * ```
 */
export class ShardWalker<R = StreamRecord> {
  private readonly shards = new Map<string, ShardState>();
  private readonly api: ShardApi<R>;
  private readonly backoff: ResolvedBackoff;
  private readonly options: Required<Omit<ShardWalkerOptions, 'signal' | 'onNotice' | 'backoff'>>;
  private streamDisabled = false;
  private nextDescribeAt = 0;
  private described = false;
  private rotation = 0;

  /**
   * @param source a DynamoDB Streams client (the stream is `walk.streamArn`), or the calls of
   *   another kind of stream (`kinesisShardApi`)
   */
  constructor(
    source: DynamoDBStreamsClient | ShardApi<R>,
    private readonly walk: ShardWalkerOptions,
  ) {
    this.api =
      typeof (source as Partial<ShardApi<R>>).list === 'function'
        ? (source as ShardApi<R>)
        : (dynamoDbShardApi(
            source as DynamoDBStreamsClient,
            walk.streamArn,
            walk.describePageSize,
          ) as unknown as ShardApi<R>);
    this.backoff = resolveBackoff(walk.backoff);
    this.options = {
      streamArn: walk.streamArn,
      startAt: walk.startAt ?? 'latest',
      describeIntervalMs: walk.describeIntervalMs ?? 10_000,
      idlePollMs: walk.idlePollMs ?? 1000,
      limit: walk.limit ?? 1000,
      maxConcurrentShards: walk.maxConcurrentShards ?? 16,
      describePageSize: walk.describePageSize ?? 100,
    };
  }

  /** How many shards are being read, waiting for a parent, or finished. */
  counts(): ShardCounts {
    const counts: ShardCounts = { reading: 0, waiting: 0, done: 0 };
    for (const shard of this.shards.values()) counts[shard.phase]++;
    return counts;
  }

  /**
   * True when every shard being read returned nothing on its last read and none waits for a
   * parent: the walk has caught up with the stream, so its lag is zero.
   */
  caughtUp(): boolean {
    for (const shard of this.shards.values()) {
      if (shard.phase === 'waiting' || (shard.phase === 'reading' && !shard.idle)) return false;
    }
    return this.described;
  }

  /** Yields record batches until the signal aborts or the disabled stream has been read out. */
  async *batches(): AsyncGenerator<ShardBatch<R>, void, undefined> {
    const signal = this.walk.signal;
    while (!signal?.aborted) {
      if (Date.now() >= this.nextDescribeAt) {
        await this.discover();
        if (signal?.aborted) return;
      }
      this.promote();
      const reading = [...this.shards.values()].filter((s) => s.phase === 'reading');
      if (reading.length === 0 && this.streamDisabled && this.allDone()) return;
      const now = Date.now();
      const ready = this.pick(reading.filter((s) => s.notBefore <= now));
      if (ready.length === 0) {
        const wakeAt = Math.min(this.nextDescribeAt, ...reading.map((s) => s.notBefore));
        await sleep(Math.max(1, wakeAt - now), signal);
        continue;
      }
      const results = await Promise.all(ready.map((shard) => this.poll(shard)));
      for (const batch of results) {
        if (batch && batch.records.length > 0) yield batch;
      }
    }
  }

  private allDone(): boolean {
    for (const shard of this.shards.values()) if (shard.phase !== 'done') return false;
    return true;
  }

  /** At most `maxConcurrentShards` shards, taking turns so none starves. */
  private pick(ready: ShardState[]): ShardState[] {
    const max = this.options.maxConcurrentShards;
    if (ready.length <= max) return ready;
    this.rotation = (this.rotation + max) % ready.length;
    return [...ready.slice(this.rotation), ...ready.slice(0, this.rotation)].slice(0, max);
  }

  private notice(notice: WalkerNotice): void {
    this.walk.onNotice?.(notice);
  }

  /** Lists the stream's shards and adds those not seen before. */
  private async discover(): Promise<void> {
    const signal = this.walk.signal;
    const operation = this.api.listOperation;
    let listing: Awaited<ReturnType<ShardApi<R>['list']>>;
    try {
      listing = await retrying(() => this.api.list(signal), {
        backoff: this.backoff,
        signal,
        onRetry: ({ error, attempt, delayMs }) =>
          this.notice({ type: 'retry', operation, attempt, delayMs, error: errorText(error) }),
      });
    } catch (error) {
      if (signal?.aborted) return;
      if (this.api.classify(error) === 'not-found') {
        throw new StreamReadError(
          `stream ${this.options.streamArn} not found (table or stream deleted?)`,
          undefined,
          {
            cause: error,
          },
        );
      }
      throw new StreamReadError(`${operation} failed: ${errorText(error)}`, undefined, { cause: error });
    }
    this.nextDescribeAt = Date.now() + this.options.describeIntervalMs;
    this.streamDisabled = listing.ended;
    const listed = new Set<string>();
    for (const shard of listing.shards) {
      listed.add(shard.shardId);
      this.add(shard);
    }
    // A shard no longer listed was trimmed away whole; one still being read has lost its tail.
    for (const state of this.shards.values()) {
      if (state.phase !== 'done' && !listed.has(state.id)) {
        state.phase = 'done';
        this.notice({ type: 'shard-gone', shardId: state.id, afterSequenceNumber: state.lastSequence });
      }
    }
    this.described = true;
  }

  private add(shard: ListedShard): void {
    const id = shard.shardId;
    if (this.shards.has(id)) return;
    const closed = shard.closed;
    // Shards present at start-up follow `startAt`; any shard found later holds only new records.
    const initial = !this.described;
    const fromLatest = initial && this.options.startAt === 'latest';
    const state: ShardState = {
      id,
      parentId: shard.parentShardId,
      adjacentParentId: shard.adjacentParentShardId,
      phase: 'waiting',
      start: fromLatest ? 'LATEST' : 'TRIM_HORIZON',
      iterator: undefined,
      lastSequence: undefined,
      records: 0,
      idle: false,
      notBefore: 0,
      retries: 0,
    };
    if (fromLatest && closed) {
      state.phase = 'done';
      this.notice({ type: 'shard-skipped', shardId: id });
    }
    this.shards.set(id, state);
  }

  /** Moves waiting shards whose parent is finished (or no longer listed) to reading. */
  private promote(): void {
    for (const shard of this.shards.values()) {
      if (shard.phase !== 'waiting') continue;
      const parents = [shard.parentId, shard.adjacentParentId].map((id) =>
        id ? this.shards.get(id) : undefined,
      );
      if (parents.some((parent) => parent && parent.phase !== 'done')) continue;
      shard.phase = 'reading';
      this.notice({
        type: 'shard-opened',
        shardId: shard.id,
        ...(shard.parentId ? { parentShardId: shard.parentId } : {}),
        position: shard.start,
      });
    }
  }

  /** Gets an iterator: after the last record read, else at the shard's start position. */
  private async acquire(shard: ShardState, forceTrimHorizon = false): Promise<IteratorPosition> {
    const position: IteratorPosition = forceTrimHorizon
      ? 'TRIM_HORIZON'
      : shard.lastSequence
        ? 'AFTER_SEQUENCE_NUMBER'
        : shard.start;
    const iterator = await this.api.iterator(shard.id, position, shard.lastSequence, this.walk.signal);
    shard.iterator = iterator;
    return position;
  }

  private finish(shard: ShardState): void {
    shard.phase = 'done';
    shard.iterator = undefined;
    this.notice({ type: 'shard-ended', shardId: shard.id, records: shard.records });
    // Its children are (or will shortly be) listed: look now rather than at the next interval.
    this.nextDescribeAt = 0;
  }

  /** One read on one shard. Recoverable failures change the shard's state; others throw. */
  private async poll(shard: ShardState): Promise<ShardBatch<R> | undefined> {
    let operation = 'GetShardIterator';
    try {
      if (!shard.iterator) {
        try {
          await this.acquire(shard);
        } catch (error) {
          if (this.api.classify(error) !== 'trimmed') throw error;
          // The record after which we wanted to resume is gone: take what is left.
          this.notice({ type: 'gap', shardId: shard.id, afterSequenceNumber: shard.lastSequence });
          await this.acquire(shard, true);
        }
        shard.retries = 0;
        if (!shard.iterator) {
          this.finish(shard);
          return undefined;
        }
      }
      operation = 'GetRecords';
      const page = await this.api.read(shard.id, shard.iterator, this.options.limit, this.walk.signal);
      shard.retries = 0;
      const { records } = page;
      const last = records.length > 0 ? this.api.sequenceOf(records.at(-1)!) : undefined;
      if (last) shard.lastSequence = last;
      shard.records += records.length;
      shard.idle = records.length === 0 && !page.behind;
      shard.iterator = page.next;
      if (!shard.iterator) this.finish(shard);
      else if (shard.idle) shard.notBefore = Date.now() + this.options.idlePollMs;
      // Behind the tip with an empty page (Kinesis): read on soon, within its 5 reads/s per shard.
      else if (records.length === 0)
        shard.notBefore = Date.now() + Math.min(BEHIND_POLL_MS, this.options.idlePollMs);
      return { shardId: shard.id, records };
    } catch (error) {
      return this.recover(shard, operation, error);
    }
  }

  private recover(shard: ShardState, operation: string, error: unknown): undefined {
    if (this.walk.signal?.aborted) return undefined;
    const kind = this.api.classify(error);
    if (kind === 'expired-iterator') {
      shard.iterator = undefined;
      this.notice({
        type: 'iterator-expired',
        shardId: shard.id,
        position: shard.lastSequence ? 'AFTER_SEQUENCE_NUMBER' : shard.start,
        afterSequenceNumber: shard.lastSequence,
      });
      return undefined;
    }
    if (kind === 'trimmed') {
      // The iterator points at records already trimmed: resume at the oldest record still kept.
      this.notice({ type: 'gap', shardId: shard.id, afterSequenceNumber: shard.lastSequence });
      shard.iterator = undefined;
      shard.lastSequence = undefined;
      shard.start = 'TRIM_HORIZON';
      return undefined;
    }
    if (kind === 'not-found') {
      // The shard (or its iterator's shard) was trimmed away; the next describe drops it too.
      shard.phase = 'done';
      shard.iterator = undefined;
      this.notice({ type: 'shard-gone', shardId: shard.id, afterSequenceNumber: shard.lastSequence });
      return undefined;
    }
    if (isRetryableError(error) && shard.retries < this.backoff.maxRetries) {
      shard.retries++;
      const delayMs = backoffDelay(shard.retries, this.backoff);
      shard.notBefore = Date.now() + delayMs;
      this.notice({
        type: 'retry',
        operation,
        shardId: shard.id,
        attempt: shard.retries,
        delayMs,
        error: errorText(error),
      });
      return undefined;
    }
    throw new StreamReadError(`${operation} failed: ${errorText(error)}`, shard.id, { cause: error });
  }
}
