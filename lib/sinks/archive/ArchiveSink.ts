/**
 * The archive sink: writes TTL expiries as gzip JSON Lines objects, one per expired item under a key
 * derived from its expiry record alone (exactly-once under any batch cut), through an {@link ArchiveWriter} (S3 or a local folder). The S3 and local
 * sinks are this class with a writer and a flush mode chosen for them.
 */
import { partitionOf } from '../../archive/archiveKey.js';
import { encodeArchiveObject } from '../../archive/archiveObjectCodec.js';
import { groupArchiveOutputs } from '../../archive/groupArchiveOutputs.js';
import type { ArchiveGroup, ArchiveWriter } from '../../archive/types.js';
import { classifyError } from '../../delivery/classifyError.js';
import { type AttemptOutcome, deliverInRounds } from '../../delivery/deliverInRounds.js';
import { type RetryPolicy, resolveRetryPolicy } from '../../delivery/retryPolicy.js';
import { DeliveryError } from '../../errors.js';
import type { DeliveryTelemetry } from '../../observability/DeliveryTelemetry.js';
import type { ArchiveOutput } from '../../routing/types.js';
import type { DeliverOptions, DeliveryOutcome, DeliveryReport, Sink } from '../types.js';

/**
 * When objects are written.
 * - `deliver`: each `deliver()` call writes its objects before it resolves and reports per output
 *   (the Lambda: one call per batch).
 * - `close`: `deliver()` buffers and accepts; `close()` writes everything and throws if a write
 *   fails (local tools that deliver record by
 *   record and have no one to report per output to).
 */
export type ArchiveFlushMode = 'deliver' | 'close';

/** Options for {@link ArchiveSink}. */
export interface ArchiveSinkOptions {
  writer: ArchiveWriter;
  /** @default 'deliver' */
  flush?: ArchiveFlushMode;
  /**
   * Attempts per object and back-off within one `deliver()` (the team's one retry loop,
   * `deliverInRounds`). Give the writer's client `maxAttempts: 1` so every retry happens here.
   * @default DEFAULT_RETRY_POLICY
   */
  retry?: Partial<RetryPolicy>;
  /** Objects written at the same time. @default 8 */
  concurrency?: number;
  /** Counts PUTs (`requests`), retried outputs and throttles for the batch summary. */
  telemetry?: DeliveryTelemetry;
  /**
   * Keep the list of objects written in `written` (replay prints it). Off for long-lived sinks
   * such as the Lambda's, where the list would grow with every batch; `totals` counts either way.
   * @default true
   */
  keepWritten?: boolean;
}

/** One object the sink wrote. */
export interface ArchivedObject {
  key: string;
  items: number;
  bytes: number;
}

/**
 * Writes archive outputs as one object per expired item. Never throws from `deliver()`: an object
 * still not written after the retry policy reports each of its outputs `retryable` (or
 * `rejected` when S3 calls the request invalid), so the caller returns their records to Lambda.
 *
 * @example
 * const sink = new ArchiveSink({ writer: new S3ArchiveStore({ client, bucket }) });
 * const report = await sink.deliver(archiveOutputs);
 */
export class ArchiveSink implements Sink<ArchiveOutput> {
  readonly name = 'archive' as const;
  /** Where objects go. */
  readonly location: string;
  /** Every object written so far, in the order the writes finished (empty unless `keepWritten`). */
  readonly written: ArchivedObject[] = [];
  /** Objects, items and (gzip) bytes written so far. */
  readonly totals = { objects: 0, items: 0, bytes: 0 };
  private readonly keepWritten: boolean;
  private readonly writer: ArchiveWriter;
  private readonly flush: ArchiveFlushMode;
  private readonly concurrency: number;
  private readonly retry: RetryPolicy;
  private readonly telemetry: DeliveryTelemetry | undefined;
  private buffered: ArchiveOutput[] = [];
  /** Object writes retried so far. */
  retriedObjects = 0;

  constructor(options: ArchiveSinkOptions) {
    this.writer = options.writer;
    this.location = options.writer.location;
    this.flush = options.flush ?? 'deliver';
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.retry = resolveRetryPolicy(options.retry);
    this.telemetry = options.telemetry;
    this.keepWritten = options.keepWritten ?? true;
  }

  async deliver(outputs: readonly ArchiveOutput[], options: DeliverOptions = {}): Promise<DeliveryReport> {
    if (this.flush === 'close') {
      this.buffered.push(...outputs);
      return { outcomes: outputs.map(() => ({ status: 'accepted' })) };
    }
    return this.write(outputs, options.signal);
  }

  /**
   * Writes what `close` mode buffered.
   * @throws DeliveryError when an object could not be written
   */
  async close(): Promise<void> {
    const outputs = this.buffered;
    this.buffered = [];
    if (outputs.length === 0) return;
    const { outcomes } = await this.write(outputs);
    const failed = outcomes.filter((outcome) => outcome.status !== 'accepted');
    if (failed.length > 0) {
      const first = failed[0] as { reason: string };
      throw new DeliveryError(
        this.name,
        `${failed.length} of ${outputs.length} archive entries not written to ${this.location}: ${first.reason}`,
        failed.some((outcome) => outcome.status === 'retryable'),
      );
    }
  }

  private async write(outputs: readonly ArchiveOutput[], signal?: AbortSignal): Promise<DeliveryReport> {
    const outcomes: DeliveryOutcome[] = new Array(outputs.length);
    const valid: ArchiveOutput[] = [];
    const validIndex: number[] = [];
    outputs.forEach((output, index) => {
      try {
        partitionOf(output.payload);
        valid.push(output);
        validIndex.push(index);
      } catch (error) {
        outcomes[index] = { status: 'rejected', reason: (error as Error).message };
      }
    });
    const groups = groupArchiveOutputs(valid);
    const groupOutcomes = await deliverInRounds(
      groups,
      (pending, round) => this.writeGroups(pending, round, signal),
      {
        policy: this.retry,
        signal,
        onRetry: (count) => {
          this.retriedObjects += count;
        },
      },
    );
    groups.forEach((group, g) => {
      for (const i of group.indexes) outcomes[validIndex[i]!] = groupOutcomes[g]!;
    });
    return { outcomes };
  }

  /** One round: writes each group's object, a few at a time; one outcome per group. */
  private async writeGroups(
    groups: readonly ArchiveGroup[],
    round: number,
    signal?: AbortSignal,
  ): Promise<AttemptOutcome[]> {
    const outcomes: AttemptOutcome[] = new Array(groups.length);
    let next = 0;
    const worker = async () => {
      while (next < groups.length) {
        const index = next++;
        const group = groups[index]!;
        if (signal?.aborted) {
          outcomes[index] = { status: 'retryable', reason: `${group.key} not written before the deadline` };
          continue;
        }
        if (round > 1) this.telemetry?.count(this.name, 'retries', group.outputs.length);
        try {
          const body = await encodeArchiveObject(group.outputs.map((output) => output.payload));
          this.telemetry?.count(this.name, 'requests');
          await this.writer.putObject(group.key, body, { signal });
          this.totals.objects++;
          this.totals.items += group.outputs.length;
          this.totals.bytes += body.byteLength;
          if (this.keepWritten)
            this.written.push({ key: group.key, items: group.outputs.length, bytes: body.byteLength });
          outcomes[index] = { status: 'accepted' };
        } catch (error) {
          const outcome = classifyError(error, signal);
          if ('throttled' in outcome) this.telemetry?.count(this.name, 'throttles');
          outcomes[index] =
            outcome.status === 'accepted'
              ? outcome
              : { ...outcome, reason: `writing ${group.key}: ${outcome.reason}` };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, groups.length) }, worker));
    return outcomes;
  }
}
