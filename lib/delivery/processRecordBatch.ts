/**
 * The batch processor under every Lambda, whatever its event source: prepare each record, deliver
 * what it owes through the sinks, dead-letter what can never be delivered, and tell Lambda where to
 * resume. `processStreamBatch` (DynamoDB Streams) and `processChangeLogBatch` (Kinesis) are thin
 * layers over it.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Logger } from 'pino';
import { DeliveryError } from '../errors.js';
import type { DeliveryTelemetry } from '../observability/DeliveryTelemetry.js';
import { emptyCounters } from '../observability/DeliveryTelemetry.js';
import { reportBatch } from '../observability/reportBatch.js';
import type { BatchSummary, SinkSummary } from '../observability/types.js';
import type { RoutedOutput, SinkName } from '../routing/types.js';
import type { DeliveryOutcome, Sink } from '../sinks/types.js';
import { classifyError, describeError } from './classifyError.js';
import { watchDeadline } from './deadline.js';
import { deliverInRounds } from './deliverInRounds.js';
import { type RetryPolicy, resolveRetryPolicy } from './retryPolicy.js';
import type {
  DeadLetter,
  DeadLetterStore,
  FailureReason,
  PreparedRecord,
  RecordAdapter,
  RecordFate,
  StreamBatchResponse,
} from './types.js';

/** The options every batch processor takes besides its records and what they owe. */
export interface BatchDeliveryOptions {
  /** `context.getRemainingTimeInMillis`. */
  remainingTimeMs?: () => number;
  /** Time kept back before the deadline (see `watchDeadline`). @default 5000 */
  reserveMs?: number;
  /** Retries of dead-letter writes. @default DEFAULT_RETRY_POLICY */
  retry?: Partial<RetryPolicy>;
  /** Counters the sinks share; reset at the start of each batch. */
  telemetry?: DeliveryTelemetry;
  logger?: Logger;
  metrics?: Metrics;
  /** Clock, for the stream lag. @default Date.now */
  now?: () => number;
}

/** Options for {@link processRecordBatch}. Build them once per container; pass per invocation. */
export interface ProcessRecordBatchOptions<R> extends BatchDeliveryOptions {
  /** Names the Lambda in dead-letter keys, logs and metrics (`router`, `archiver`, `vector-sync`). */
  functionName: string;
  /** What the processor reads from a record: sequence number, creation time, dead-letter name. */
  adapter: RecordAdapter<R>;
  /**
   * What one record means for the sinks. Called in batch order. Throwing marks the record as
   * poison: it is dead-lettered with the error as reason (a pure step that failed once fails again).
   */
  prepare(record: R, context: { signal: AbortSignal }): PreparedRecord | Promise<PreparedRecord>;
  /** One sink for each sink name the outputs use. */
  sinks: readonly Sink[];
  /** Where poison records go. */
  deadLetters: DeadLetterStore<R>;
  /**
   * Runs when the batch is done, before its summary is logged and its metrics published: the
   * place to add metrics of the caller's own, so they go out in the same document.
   */
  beforeReport?(summary: BatchSummary): void;
}

/** What a batch processor returns. */
export interface RecordBatchResult {
  /** Return this from the handler. */
  response: StreamBatchResponse;
  summary: BatchSummary;
  /** Per record, in batch order. */
  fates: RecordFate[];
}

/**
 * Processes one batch of stream records with at-least-once delivery.
 *
 * A record is acknowledged only when every output it owes was accepted, or when it can never be
 * delivered (it is poison, or a sink rejected one of its outputs as invalid) and its dead letter —
 * the full record and the reason — was written. The response reports the first record that is
 * neither, and every later one: Lambda resumes from the lowest reported sequence number and sends
 * the later records again. Near the deadline the sinks stop and what they did not finish is
 * reported the same way, instead of the invocation being killed (which would replay the whole
 * batch).
 *
 * @example
 * ```ts
 * const options = {
 *   functionName: 'router',
 *   adapter: dynamoDbRecordAdapter,
 *   prepare: (record: StreamRecord) => ({ kind: 'outputs', outputs: pipeline.process(record).outputs }) as const,
 *   sinks: [new KinesisPublisher({ client: new KinesisClient({ maxAttempts: 1 }), stream: 'changes' })],
 *   deadLetters: new S3DeadLetterStore({ client: new S3Client({}), bucket: 'dlq' }),
 * };
 *
 * export const handler = async (event: StreamEvent, context: { getRemainingTimeInMillis(): number }) =>
 *   (await processRecordBatch(event.Records ?? [], { ...options, remainingTimeMs: () => context.getRemainingTimeInMillis() }))
 *     .response;
 * ```
 * @param records the batch, in stream order
 * @throws DeliveryError when the first record to report has no sequence number (Lambda then
 *   retries the whole batch) or an output names a sink that was not given
 */
export async function processRecordBatch<R>(
  records: readonly R[],
  options: ProcessRecordBatchOptions<R>,
): Promise<RecordBatchResult> {
  const now = options.now ?? Date.now;
  const started = now();
  options.telemetry?.reset();
  const deadline = watchDeadline({ remainingTimeMs: options.remainingTimeMs, reserveMs: options.reserveMs });
  try {
    // 1. What each record owes, grouped by sink (and prepared for it) while the record is hot.
    const bySink = new SinkBatches(options.sinks);
    const failures: FailureReason[][] = records.map(() => []);
    const retryable: boolean[] = records.map(() => false);
    const rejected: boolean[] = records.map(() => false);
    for (let index = 0; index < records.length; index++) {
      let prepared: PreparedRecord;
      try {
        const result = options.prepare(records[index]!, { signal: deadline.soft });
        // Awaited only when it is a promise: a microtask turn per record is measurable at 1,000.
        prepared = result instanceof Promise ? await result : result;
      } catch (error) {
        prepared = { kind: 'poison', reason: describeError(error) };
      }
      if (prepared.kind === 'outputs') {
        bySink.add(index, prepared.outputs);
        if (prepared.poison !== undefined) {
          failures[index]!.push({ stage: 'prepare', reason: prepared.poison });
          rejected[index] = true;
        }
        continue;
      }
      failures[index]!.push({ stage: 'prepare', reason: prepared.reason });
      if (prepared.kind === 'poison') rejected[index] = true;
      else retryable[index] = true;
    }

    // 2. Deliver, every sink at once, each in stream order.
    const sinkSummaries = await deliverAll(bySink, options, deadline.soft, (record, failure, outcome) => {
      failures[record]!.push(failure);
      if (outcome === 'rejected') rejected[record] = true;
      else retryable[record] = true;
    });

    // 3. Walk the batch in order: acknowledge a prefix, dead-lettering the poison in it.
    const fates: RecordFate[] = records.map((record, index) => ({
      sequenceNumber: options.adapter.sequenceNumber(record),
      status: 'delivered',
      failures: failures[index]!,
    }));
    let firstReported = retryable.indexOf(true);
    if (firstReported === -1) firstReported = records.length;
    const toDeadLetter: number[] = [];
    for (let index = 0; index < firstReported; index++) if (rejected[index]) toDeadLetter.push(index);
    const written = await writeDeadLetters(
      toDeadLetter,
      toDeadLetter.map((index) => records[index]!),
      toDeadLetter.map((index) => failures[index]!),
      options,
      deadline.hard,
    );
    toDeadLetter.forEach((index, position) => {
      const result = written[position]!;
      if (typeof result === 'string') {
        fates[index]!.status = 'dead-lettered';
        fates[index]!.deadLetterKey = result;
      } else {
        failures[index]!.push({ stage: 'deliver', reason: `dead letter not written: ${result.reason}` });
        firstReported = Math.min(firstReported, index);
      }
    });
    const batchItemFailures = reportFrom(firstReported, fates, options);

    const summary = summarize(options, records, fates, sinkSummaries, {
      deadlineReached: deadline.soft.aborted,
      durationMs: now() - started,
      now: now(),
    });
    options.beforeReport?.(summary);
    reportBatch(summary, { logger: options.logger, metrics: options.metrics });
    return { response: { batchItemFailures }, summary, fates };
  } finally {
    deadline.dispose();
  }
}

/**
 * Marks the first record not fully done `failed` and every later one `retried-after-failure`, and
 * returns them as Lambda's batch item failures.
 */
function reportFrom<R>(
  firstReported: number,
  fates: RecordFate[],
  options: ProcessRecordBatchOptions<R>,
): { itemIdentifier: string }[] {
  for (let index = firstReported; index < fates.length; index++) {
    fates[index]!.status = index === firstReported ? 'failed' : 'retried-after-failure';
    delete fates[index]!.deadLetterKey;
  }
  return fates.slice(firstReported).map((fate, offset) => {
    if (!fate.sequenceNumber) {
      throw new DeliveryError(
        options.adapter.source ?? options.functionName,
        `record ${firstReported + offset} of the batch must be retried but has no ${options.adapter.sequenceField}`,
        true,
      );
    }
    return { itemIdentifier: fate.sequenceNumber };
  });
}

/** What one sink is owed: its outputs, the record each belongs to, and what it prepared of each. */
interface SinkBatch {
  sink: Sink;
  records: number[];
  outputs: RoutedOutput[];
  /** One per output, when the sink has `prepare` and it never threw. */
  prepared: unknown[] | undefined;
}

/** The outputs of a batch grouped by sink as the records are prepared, in order of first use. */
class SinkBatches {
  readonly batches = new Map<SinkName, SinkBatch>();
  private readonly sinks: Map<SinkName, Sink>;

  constructor(sinks: readonly Sink[]) {
    this.sinks = new Map(sinks.map((sink) => [sink.name, sink]));
  }

  /**
   * Adds a record's outputs, each prepared by its sink right now (see `Sink.prepare`).
   * @throws DeliveryError when an output names a sink that was not given
   */
  add(record: number, outputs: readonly RoutedOutput[]): void {
    for (const output of outputs) {
      let batch = this.batches.get(output.sink);
      if (!batch) {
        const sink = this.sinks.get(output.sink);
        if (!sink) {
          throw new DeliveryError(
            output.sink,
            `an output is owed to sink "${output.sink}" but no such sink is configured`,
            false,
          );
        }
        batch = { sink, records: [], outputs: [], prepared: sink.prepare ? [] : undefined };
        this.batches.set(output.sink, batch);
      }
      batch.records.push(record);
      batch.outputs.push(output);
      if (batch.prepared) {
        try {
          batch.prepared.push(batch.sink.prepare!(output));
        } catch {
          // A sink must not throw; if one does, `deliver` prepares its outputs itself.
          batch.prepared = undefined;
        }
      }
    }
  }
}

/**
 * Delivers the owed outputs, every sink at once, each in stream order; calls `failed` for every
 * output not accepted. Per sink that was owed outputs, its summary.
 */
async function deliverAll<R>(
  bySink: SinkBatches,
  options: ProcessRecordBatchOptions<R>,
  signal: AbortSignal,
  failed: (record: number, failure: FailureReason, status: 'retryable' | 'rejected') => void,
): Promise<Partial<Record<SinkName, SinkSummary>>> {
  const summaries: Partial<Record<SinkName, SinkSummary>> = {};
  await Promise.all(
    [...bySink.batches].map(async ([name, batch]) => {
      const { records, outputs } = batch;
      const outcomes = await deliverSafely(batch, signal);
      const summary: SinkSummary = {
        ...emptyCounters(),
        outputs: outputs.length,
        accepted: 0,
        retryable: 0,
        rejected: 0,
      };
      for (let position = 0; position < outputs.length; position++) {
        const outcome = outcomes[position] ?? NO_OUTCOME;
        if (outcome.status === 'accepted') {
          summary.accepted++;
          continue;
        }
        summary[outcome.status]++;
        failed(
          records[position]!,
          { stage: 'deliver', sink: name, eventId: outputs[position]!.eventId, reason: outcome.reason },
          outcome.status,
        );
      }
      summaries[name] = summary;
    }),
  );
  const counters = options.telemetry?.snapshot() ?? {};
  for (const [name, summary] of Object.entries(summaries) as [SinkName, SinkSummary][]) {
    Object.assign(summary, counters[name] ?? {});
  }
  return summaries;
}

const NO_OUTCOME: DeliveryOutcome = Object.freeze({
  status: 'retryable',
  reason: 'sink returned no outcome',
});

/** A sink must report, not throw; if one throws anyway, its outputs are all retryable. */
async function deliverSafely(batch: SinkBatch, signal: AbortSignal): Promise<DeliveryOutcome[]> {
  const { sink, outputs, prepared } = batch;
  try {
    return (await sink.deliver(outputs, prepared ? { signal, prepared } : { signal })).outcomes;
  } catch (error) {
    const reason = `sink ${sink.name} failed: ${describeError(error)}`;
    return outputs.map(() => ({ status: 'retryable', reason }));
  }
}

/** Writes the dead letters, retrying; per record the key written or why it was not. */
async function writeDeadLetters<R>(
  positions: number[],
  records: R[],
  failures: FailureReason[][],
  options: ProcessRecordBatchOptions<R>,
  signal: AbortSignal,
): Promise<(string | { reason: string })[]> {
  if (records.length === 0) return [];
  const keys = new Map<number, string>();
  const deadLetteredAt = new Date((options.now ?? Date.now)()).toISOString();
  const outcomes = await deliverInRounds(
    records.map((_, index) => index),
    (pending) =>
      Promise.all(
        pending.map(async (index) => {
          const reasons = failures[index]!;
          const record = records[index]!;
          const letter: DeadLetter<R> = {
            version: '1',
            function: options.functionName,
            reason: reasons.map(describeFailure).join('; '),
            failures: reasons,
            record,
            index: positions[index]!,
            deadLetteredAt,
          };
          const recordId = options.adapter.recordId?.(record);
          if (recordId) letter.recordId = recordId;
          try {
            keys.set(index, await options.deadLetters.write(letter, { signal }));
            return { status: 'accepted' } as const;
          } catch (error) {
            return classifyError(error, signal);
          }
        }),
      ),
    { policy: resolveRetryPolicy(options.retry), signal },
  );
  return outcomes.map((outcome, index) => {
    const key = keys.get(index);
    if (key) return key;
    return { reason: outcome.status === 'accepted' ? 'unknown' : outcome.reason };
  });
}

function describeFailure(failure: FailureReason): string {
  return failure.sink ? `${failure.sink}: ${failure.reason}` : failure.reason;
}

function summarize<R>(
  options: ProcessRecordBatchOptions<R>,
  records: readonly R[],
  fates: RecordFate[],
  sinks: Partial<Record<SinkName, SinkSummary>>,
  facts: { deadlineReached: boolean; durationMs: number; now: number },
): BatchSummary {
  let maxLagMs: number | undefined;
  for (const record of records) {
    const created = options.adapter.createdAtMs(record);
    if (created !== undefined) maxLagMs = Math.max(maxLagMs ?? 0, facts.now - created);
  }
  // One pass over the fates for the counts and the first few dead-letter keys.
  let first: RecordFate | undefined;
  let delivered = 0;
  let deadLettered = 0;
  let reported = 0;
  const deadLetters: string[] = [];
  for (const fate of fates) {
    if (fate.status === 'delivered') delivered++;
    else if (fate.status === 'dead-lettered') deadLettered++;
    else {
      reported++;
      if (fate.status === 'failed') first ??= fate;
    }
    if (fate.deadLetterKey && deadLetters.length < 10) deadLetters.push(fate.deadLetterKey);
  }
  return {
    function: options.functionName,
    records: records.length,
    delivered,
    deadLettered,
    reported,
    ...(first
      ? {
          firstFailure: {
            sequenceNumber: first.sequenceNumber,
            reasons: first.failures.slice(0, 5).map(describeFailure),
          },
        }
      : {}),
    deadlineReached: facts.deadlineReached,
    durationMs: facts.durationMs,
    ...(maxLagMs !== undefined ? { maxLagMs } : {}),
    sinks,
    deadLetters,
  };
}
