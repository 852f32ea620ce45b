/**
 * Publishes Kinesis change-log outputs with PutRecords, several consecutive changes of one
 * partition key to a record, keeping the order of every key even when a request partly fails.
 */
import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { changeLogDataBytes, writeChangeLogData } from '../../changeLog/encodeChangeLogData.js';
import { type AttemptOutcome, deliverInRounds } from '../../delivery/deliverInRounds.js';
import { packSized } from '../../delivery/packBatches.js';
import { OutputPreparer, type PreparedResult } from '../../delivery/prepareOutputs.js';
import { type RetryPolicy, resolveRetryPolicy } from '../../delivery/retryPolicy.js';
import { sendRequest } from '../../delivery/sendRequest.js';
import type { SerializedDetail } from '../../delivery/serializeDetail.js';
import type { DeliveryTelemetry } from '../../observability/DeliveryTelemetry.js';
import type { KinesisOutput } from '../../routing/types.js';
import type { ClaimCheckStore } from '../claimCheck/types.js';
import type { DeliverOptions, DeliveryOutcome, DeliveryReport, Sink } from '../types.js';
import {
  DEFAULT_KINESIS_MAX_RECORD_BYTES,
  DEFAULT_KINESIS_MAX_REQUEST_BYTES,
  PARTITION_KEY_MAX_LENGTH,
  PUT_RECORDS_MAX_RECORDS,
} from './limits.js';
import { recordOutcome } from './recordOutcome.js';

/** Options for {@link KinesisPublisher}. */
export interface KinesisPublisherOptions {
  /** The client; give it `maxAttempts: 1` (this publisher does the retrying). */
  client: KinesisClient;
  /** CHANGE_LOG_STREAM_NAME: a stream name, or a stream ARN (`arn:…`). */
  stream: string;
  /**
   * Largest record (partition key + data, change-log envelope included): a key's changes are split
   * into records of at most this size; a change larger alone goes as a claim check. @default 1 MiB
   */
  maxRecordBytes?: number;
  /** Largest request. @default 5 MiB ({@link DEFAULT_KINESIS_MAX_REQUEST_BYTES}) */
  maxRequestBytes?: number;
  /** Where oversize details go. Without it an oversize record is rejected (dead-lettered). */
  claimCheck?: ClaimCheckStore;
  /** Retry settings. @default DEFAULT_RETRY_POLICY */
  retry?: Partial<RetryPolicy>;
  /** Counters for the batch summary and metrics. */
  telemetry?: DeliveryTelemetry;
}

/** One change ready to send: an output with its detail serialized. */
export interface PreparedChange {
  index: number;
  key: string;
  /** UTF-8 bytes of the partition key (they count toward the record size). */
  keyBytes: number;
  eventId: string;
  /** The detail's JSON (written into the record as UTF-8 when it is sent). */
  data: string;
  /** UTF-8 bytes of `data`. */
  dataBytes: number;
  /** Size of a record carrying this change alone: partition key, envelope and data. */
  bytes: number;
  /** Sent alone, in a record and a request of its own, after its request was refused as a whole. */
  isolate: boolean;
  /** Its outcome in the round being sent; cleared when the round ends. */
  result: AttemptOutcome | undefined;
}

/** One change-log record of a round: consecutive pending changes of one partition key. */
interface ChangeLogRecord {
  key: string;
  changes: PreparedChange[];
  /** UTF-8 bytes of the changes' JSON, summed. */
  changeBytes: number;
  /** Partition key plus data, as Kinesis counts a record. */
  bytes: number;
  isolate: boolean;
}

/**
 * The Kinesis sink of the router Lambda.
 *
 * **Records.** A change-log record carries one or more consecutive changes of one partition key, in
 * stream order (format version 2, `lib/changeLog/format.ts`; read with `readChanges` from
 * `memory-cdc/change-log`). A key's pending changes go into as few records as the record size limit
 * allows (partition key, envelope and changes; a change too large alone goes as a claim check).
 *
 * **Ordering.** PutRecords does not stop at a failed record: a later record of the same partition
 * key in the same request can be written while the earlier one failed, and would then overtake it.
 * So a request never holds two records of one key. A round sends, at once, the first record of every
 * key (as many requests as 500 records a request and the request size force); a key's next record
 * (only when its changes needed more than one record) goes out only after the previous one was
 * accepted. A record is written or refused whole, so its changes share its outcome. When a record
 * fails, its key is held for the rest of the round, its successors waiting behind it; the next round
 * (after a back-off) starts again from the failed record's first change. A rejected record (refused
 * as invalid, dead-lettered by the caller) releases its successors. So a batch costs
 * ⌈keys / 500⌉ requests, plus what the byte limits force — one, not 100, for a batch of 100 changes of
 * one conversation.
 *
 * @example
 * ```ts
 * import { KinesisClient } from '@aws-sdk/client-kinesis';
 *
 * const publisher = new KinesisPublisher({
 *   client: new KinesisClient({ maxAttempts: 1 }),
 *   stream: process.env.CHANGE_LOG_STREAM_NAME!,
 * });
 * const { outcomes } = await publisher.deliver(outputs, { signal });
 * ```
 */
export class KinesisPublisher implements Sink<KinesisOutput, PreparedResult<PreparedChange>> {
  readonly name = 'kinesis' as const;
  private readonly client: KinesisClient;
  private readonly stream: { StreamName: string } | { StreamARN: string };
  private readonly maxRecordBytes: number;
  private readonly maxRequestBytes: number;
  private readonly policy: RetryPolicy;
  private readonly telemetry: DeliveryTelemetry | undefined;
  private readonly preparer: OutputPreparer<KinesisOutput, PreparedChange>;

  constructor(options: KinesisPublisherOptions) {
    this.client = options.client;
    this.stream = options.stream.startsWith('arn:')
      ? { StreamARN: options.stream }
      : { StreamName: options.stream };
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_KINESIS_MAX_RECORD_BYTES;
    this.maxRequestBytes = options.maxRequestBytes ?? DEFAULT_KINESIS_MAX_REQUEST_BYTES;
    this.policy = resolveRetryPolicy(options.retry);
    this.telemetry = options.telemetry;
    this.preparer = new OutputPreparer(
      {
        sink: this.name,
        detailOf: (output) => output.payload.Data,
        detailName: 'data',
        invalid: (output) => {
          const key = output.payload.PartitionKey;
          // UTF-16 length bounds the code points from above: within the range, no need to count them.
          if (key.length >= 1 && key.length <= PARTITION_KEY_MAX_LENGTH) return undefined;
          const keyLength = [...key].length;
          return keyLength < 1 || keyLength > PARTITION_KEY_MAX_LENGTH
            ? `partition key of ${keyLength} characters (Kinesis accepts 1 to ${PARTITION_KEY_MAX_LENGTH})`
            : undefined;
        },
        prepare: (output, data) => this.changeFor(output, data),
        limitBytes: this.recordLimit,
        limitName: 'record limit',
        fits: (prepared) => prepared.bytes <= this.recordLimit,
      },
      { claimCheck: options.claimCheck, policy: this.policy, telemetry: this.telemetry },
    );
  }

  /**
   * The change for one output (serialized, sized), or why it is not ready: see `Sink.prepare`.
   * `deliver` takes the results in `prepared`.
   */
  prepare(output: KinesisOutput): PreparedResult<PreparedChange> {
    return this.preparer.prepare(output);
  }

  async deliver(
    outputs: readonly KinesisOutput[],
    options: DeliverOptions<PreparedResult<PreparedChange>> = {},
  ): Promise<DeliveryReport> {
    const { signal } = options;
    const { ready, outcomes } = await this.preparer.prepareAll(outputs, signal, options.prepared);

    // A record whose claim check failed (retryable) must still hold back its key's successors.
    // When every output is ready (the usual batch) there is nothing to hold back.
    const sendable = ready.length === outputs.length ? ready : this.holdBack(outputs, ready, outcomes);

    const results = await deliverInRounds(sendable, (pending) => this.sendRound(pending, signal), {
      policy: this.policy,
      signal,
      onRetry: (count) => this.telemetry?.count(this.name, 'retries', count),
    });
    for (let position = 0; position < sendable.length; position++) {
      outcomes[sendable[position]!.index] = results[position]!;
    }
    return { outcomes };
  }

  /** The ready changes not held back behind an earlier change of their key that is not ready. */
  private holdBack(
    outputs: readonly KinesisOutput[],
    ready: readonly PreparedChange[],
    outcomes: DeliveryOutcome[],
  ): PreparedChange[] {
    const readyIndexes = new Set(ready.map((r) => r.index));
    const blockedBefore = new Map<string, number>();
    for (const [index, outcome] of outcomes.entries()) {
      const key = outputs[index]!.payload.PartitionKey;
      if (outcome.status === 'retryable' && !readyIndexes.has(index) && !blockedBefore.has(key)) {
        blockedBefore.set(key, index);
      }
    }
    return ready.filter((r) => {
      const blocker = blockedBefore.get(r.key);
      if (blocker !== undefined && blocker < r.index) {
        outcomes[r.index] = { status: 'retryable', reason: `held back behind ${outputs[blocker]!.eventId}` };
        return false;
      }
      return true;
    });
  }

  /** A record must fit the record limit and, alone, a request. */
  private get recordLimit(): number {
    return Math.min(this.maxRecordBytes, this.maxRequestBytes);
  }

  private changeFor(output: KinesisOutput, detail: SerializedDetail): PreparedChange {
    const key = output.payload.PartitionKey;
    const dataBytes = detail.byteLength();
    const keyBytes = Buffer.byteLength(key, 'utf8');
    return {
      index: -1,
      key,
      keyBytes,
      eventId: output.eventId,
      data: detail.json,
      dataBytes,
      bytes: keyBytes + changeLogDataBytes(dataBytes, 1),
      isolate: false,
      result: undefined,
    };
  }

  /**
   * One round: the pending changes of each key packed into records, then waves of requests — the
   * next record of every key not held, at most one per key in a request, the wave's requests sent
   * at once — until every key is done or held behind a record that failed in this round.
   */
  private async sendRound(
    pending: readonly PreparedChange[],
    signal?: AbortSignal,
  ): Promise<AttemptOutcome[]> {
    // Each change's outcome in this round is kept on it until the round ends (no map per round).
    const queues = this.recordsByKey(pending);
    const heldBehind = new Map<string, PreparedChange>();
    while (!signal?.aborted) {
      // The next record of every key not held, by the position of its first change.
      const heads: ChangeLogRecord[] = [];
      let inOrder = true;
      let isolated = 0;
      for (const queue of queues.values()) {
        const head = queue[0]!;
        if (heldBehind.size > 0 && heldBehind.has(head.key)) continue;
        if (heads.length > 0 && heads[heads.length - 1]!.changes[0]!.index > head.changes[0]!.index) {
          inOrder = false;
        }
        if (head.isolate) isolated++;
        heads.push(head);
      }
      if (heads.length === 0) break;
      if (!inOrder) heads.sort((a, b) => a.changes[0]!.index - b.changes[0]!.index);
      const together = isolated === 0 ? heads : heads.filter((h) => !h.isolate);
      const requests = [
        ...(isolated === 0 ? [] : heads.filter((h) => h.isolate).map((h) => [h])),
        ...packSized(together, { maxCount: PUT_RECORDS_MAX_RECORDS, maxBytes: this.maxRequestBytes + 1 }),
      ];
      const answers = await Promise.all(requests.map((request) => this.send(request, signal)));
      for (let r = 0; r < requests.length; r++) {
        const request = requests[r]!;
        for (let i = 0; i < request.length; i++) {
          const record = request[i]!;
          let outcome = answers[r]![i]!;
          if (outcome.status === 'rejected' && record.changes.length > 1) {
            // A record of several changes refused: find the bad change before giving any up.
            record.isolate = true;
            outcome = {
              status: 'retryable',
              reason: `record refused, retrying its changes alone: ${outcome.reason}`,
            };
          }
          for (const change of record.changes) {
            change.result = outcome;
            // Refused as a whole with others: each change goes alone next round, to find the bad one.
            if (record.isolate) change.isolate = true;
          }
          if (outcome.status === 'retryable') {
            heldBehind.set(record.key, record.changes[0]!);
            continue;
          }
          const queue = queues.get(record.key)!;
          queue.shift();
          if (queue.length === 0) queues.delete(record.key);
        }
      }
    }
    return pending.map((change) => {
      const result = change.result;
      change.result = undefined;
      if (result) return result;
      const blocker = heldBehind.get(change.key);
      return blocker
        ? { status: 'retryable', reason: `held back behind ${blocker.eventId}` }
        : { status: 'retryable', reason: 'deadline reached before sending' };
    });
  }

  /**
   * Per partition key, its pending changes (in order) in as few records as the record limit
   * allows; an isolated change in a record of its own.
   */
  private recordsByKey(pending: readonly PreparedChange[]): Map<string, ChangeLogRecord[]> {
    const limit = this.recordLimit;
    const byKey = new Map<string, ChangeLogRecord[]>();
    for (const change of pending) {
      let records = byKey.get(change.key);
      if (!records) {
        records = [];
        byKey.set(change.key, records);
      }
      const last = records[records.length - 1];
      if (last && !last.isolate && !change.isolate) {
        const changeBytes = last.changeBytes + change.dataBytes;
        const bytes = change.keyBytes + changeLogDataBytes(changeBytes, last.changes.length + 1);
        if (bytes <= limit) {
          last.changes.push(change);
          last.changeBytes = changeBytes;
          last.bytes = bytes;
          continue;
        }
      }
      records.push({
        key: change.key,
        changes: [change],
        changeBytes: change.dataBytes,
        bytes: change.bytes,
        isolate: change.isolate,
      });
    }
    return byKey;
  }

  private send(request: ChangeLogRecord[], signal?: AbortSignal): Promise<AttemptOutcome[]> {
    return sendRequest(
      request,
      async () =>
        (
          await this.client.send(
            new PutRecordsCommand({ ...this.stream, Records: putRecordsEntries(request) }),
            {
              abortSignal: signal,
            },
          )
        ).Records,
      { sink: this.name, itemsName: 'records', outcomeOf: recordOutcome, signal, telemetry: this.telemetry },
    );
  }
}

/** Records are written into shared buffers of this size: under the size at which malloc maps fresh pages. */
const RECORD_CHUNK_BYTES = 32 * 1024;

/**
 * The PutRecords entries of a request, each record's data a view of a shared buffer. A buffer per
 * request would be allocated from fresh pages (the first write to each page faults, which costs
 * more than the write itself); a buffer per record costs an allocation each. So small records share
 * buffers of 32 KiB, and a record too large to share one gets its own.
 */
function putRecordsEntries(request: readonly ChangeLogRecord[]): PutRecordsRequestEntry[] {
  const entries: PutRecordsRequestEntry[] = new Array(request.length);
  let chunk: Buffer | undefined;
  let used = 0;
  for (let r = 0; r < request.length; r++) {
    const { key, changes, changeBytes } = request[r]!;
    const size = changeLogDataBytes(changeBytes, changes.length);
    let target: Buffer;
    let at = 0;
    if (size > RECORD_CHUNK_BYTES / 4) target = Buffer.allocUnsafe(size);
    else {
      if (chunk === undefined || used + size > chunk.byteLength) {
        chunk = Buffer.allocUnsafeSlow(RECORD_CHUNK_BYTES);
        used = 0;
      }
      target = chunk;
      at = used;
    }
    const texts: string[] = new Array(changes.length);
    for (let c = 0; c < texts.length; c++) texts[c] = changes[c]!.data;
    const end = writeChangeLogData(target, at, texts);
    // The sizes were counted from the same texts: a difference would be a bug, never a short record.
    if (end - at !== size) throw new RangeError('change-log record data does not match its counted size');
    entries[r] = { PartitionKey: key, Data: target === chunk ? target.subarray(at, end) : target };
    if (target === chunk) used = end;
  }
  return entries;
}
