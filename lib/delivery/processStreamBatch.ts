/**
 * The stream-batch processor the Lambdas share: turn each record into the outputs it owes, deliver
 * them through the sinks, dead-letter what can never be delivered, and tell Lambda where to resume.
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
import type { StreamEvent, StreamRecord } from '../stream/types.js';
import { classifyError, describeError } from './classifyError.js';
import { watchDeadline } from './deadline.js';
import { deliverInRounds } from './deliverInRounds.js';
import { type RetryPolicy, resolveRetryPolicy } from './retryPolicy.js';
import type { DeadLetter, DeadLetterStore, FailureReason, RecordFate, StreamBatchResponse } from './types.js';

/** Options for {@link processStreamBatch}. Build them once per container; pass per invocation. */
export interface ProcessStreamBatchOptions {
  /** Names the Lambda in dead-letter keys, logs and metrics (`router`, `archiver`, `vector-sync`). */
  functionName: string;
  /**
   * The outputs one record owes. Throwing marks the record as poison: it is dead-lettered with the
   * error as reason (a pure step that failed once fails again).
   */
  outputsFor(record: StreamRecord): readonly RoutedOutput[] | Promise<readonly RoutedOutput[]>;
  /** One sink for each sink name the outputs use. */
  sinks: readonly Sink[];
  /** Where poison records go. */
  deadLetters: DeadLetterStore;
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

/** What {@link processStreamBatch} returns. */
export interface StreamBatchResult {
  /** Return this from the handler. */
  response: StreamBatchResponse;
  summary: BatchSummary;
  /** Per record, in batch order. */
  fates: RecordFate[];
}

/**
 * Processes one DynamoDB Streams batch with at-least-once delivery.
 *
 * A record is acknowledged only when every output it owes was accepted, or when it can never be
 * delivered (its outputs could not be built, or a sink rejected one as invalid) and its dead
 * letter — the full record and the reason — was written. The response reports the first record
 * that is neither, and every later one: Lambda resumes from the lowest reported sequence number
 * and sends the later records again (duplicates carry the same event ids). Near the deadline the
 * sinks stop and what they did not finish is reported the same way, instead of the invocation
 * being killed (which would replay the whole batch).
 *
 * @example
 * ```ts
 * const pipeline = createPipeline({ layout: agentMemoryLayout });
 * const options = {
 *   functionName: 'router',
 *   outputsFor: (record) => pipeline.process(record).outputs.filter((o) => o.sink === 'kinesis'),
 *   sinks: [new KinesisPublisher({ client: new KinesisClient({ maxAttempts: 1 }), stream: 'changes' })],
 *   deadLetters: new S3DeadLetterStore({ client: new S3Client({}), bucket: 'dlq' }),
 * };
 *
 * export const handler = async (event: StreamEvent, context: { getRemainingTimeInMillis(): number }) =>
 *   (await processStreamBatch(event, { ...options, remainingTimeMs: () => context.getRemainingTimeInMillis() }))
 *     .response;
 * ```
 * @throws DeliveryError when the first record to report has no sequence number (Lambda then
 *   retries the whole batch) or an output names a sink that was not given
 */
export async function processStreamBatch(
  event: StreamEvent,
  options: ProcessStreamBatchOptions,
): Promise<StreamBatchResult> {
  const now = options.now ?? Date.now;
  const started = now();
  options.telemetry?.reset();
  const records = event.Records ?? [];
  const deadline = watchDeadline({ remainingTimeMs: options.remainingTimeMs, reserveMs: options.reserveMs });
  try {
    // 1. What each record owes. A record that cannot be turned into outputs is poison.
    const owed: (readonly RoutedOutput[])[] = [];
    const failures: FailureReason[][] = records.map(() => []);
    const poison: boolean[] = records.map(() => false);
    for (const [index, record] of records.entries()) {
      try {
        owed.push(await options.outputsFor(record));
      } catch (error) {
        owed.push([]);
        poison[index] = true;
        failures[index]!.push({ stage: 'prepare', reason: describeError(error) });
      }
    }

    // 2. Deliver, every sink at once, each in stream order.
    const sinks = new Map<SinkName, Sink>(options.sinks.map((sink) => [sink.name, sink]));
    const bySink = new Map<SinkName, { record: number; output: RoutedOutput }[]>();
    owed.forEach((outputs, record) => {
      for (const output of outputs) {
        if (!sinks.has(output.sink)) {
          throw new DeliveryError(
            output.sink,
            `an output is owed to sink "${output.sink}" but no such sink is configured`,
            false,
          );
        }
        const list = bySink.get(output.sink);
        if (list) list.push({ record, output });
        else bySink.set(output.sink, [{ record, output }]);
      }
    });
    const pendingOutputs = records.map((_, index) => owed[index]!.length);
    const retryable: boolean[] = records.map(() => false);
    const rejected: boolean[] = records.map(() => false);
    const sinkSummaries: Partial<Record<SinkName, SinkSummary>> = {};
    await Promise.all(
      [...bySink].map(async ([name, items]) => {
        const outcomes = await deliverSafely(
          sinks.get(name)!,
          items.map((i) => i.output),
          deadline.soft,
        );
        const summary: SinkSummary = {
          ...emptyCounters(),
          outputs: items.length,
          accepted: 0,
          retryable: 0,
          rejected: 0,
        };
        items.forEach(({ record, output }, position) => {
          const outcome = outcomes[position] ?? { status: 'retryable', reason: 'sink returned no outcome' };
          if (outcome.status === 'accepted') {
            summary.accepted++;
            pendingOutputs[record]!--;
            return;
          }
          failures[record]!.push({
            stage: 'deliver',
            sink: name,
            eventId: output.eventId,
            reason: outcome.reason,
          });
          if (outcome.status === 'rejected') {
            summary.rejected++;
            rejected[record] = true;
          } else {
            summary.retryable++;
            retryable[record] = true;
          }
        });
        sinkSummaries[name] = summary;
      }),
    );
    const counters = options.telemetry?.snapshot() ?? {};
    for (const [name, summary] of Object.entries(sinkSummaries) as [SinkName, SinkSummary][]) {
      Object.assign(summary, counters[name] ?? {});
    }

    // 3. Walk the batch in order: acknowledge a prefix, dead-lettering the poison in it.
    let firstReported = records.length;
    const fates: RecordFate[] = records.map((record, index) => ({
      sequenceNumber: record.dynamodb?.SequenceNumber,
      status: 'delivered',
      failures: failures[index]!,
    }));
    const toDeadLetter: number[] = [];
    for (let index = 0; index < records.length; index++) {
      if (retryable[index]) {
        firstReported = index;
        break;
      }
      if (poison[index] || rejected[index]) toDeadLetter.push(index);
    }
    const written = await writeDeadLetters(
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
    for (let index = firstReported; index < records.length; index++) {
      fates[index]!.status = index === firstReported ? 'failed' : 'retried-after-failure';
      delete fates[index]!.deadLetterKey;
    }

    const batchItemFailures = fates.slice(firstReported).map((fate, offset) => {
      if (!fate.sequenceNumber) {
        throw new DeliveryError(
          options.functionName,
          `record ${firstReported + offset} of the batch must be retried but has no SequenceNumber`,
          true,
        );
      }
      return { itemIdentifier: fate.sequenceNumber };
    });

    const summary = summarize(options.functionName, records, fates, sinkSummaries, {
      deadlineReached: deadline.soft.aborted,
      durationMs: now() - started,
      now: now(),
    });
    reportBatch(summary, { logger: options.logger, metrics: options.metrics });
    return { response: { batchItemFailures }, summary, fates };
  } finally {
    deadline.dispose();
  }
}

/** A sink must report, not throw; if one throws anyway, its outputs are all retryable. */
async function deliverSafely(
  sink: Sink,
  outputs: RoutedOutput[],
  signal: AbortSignal,
): Promise<DeliveryOutcome[]> {
  try {
    return (await sink.deliver(outputs, { signal })).outcomes;
  } catch (error) {
    const reason = `sink ${sink.name} failed: ${describeError(error)}`;
    return outputs.map(() => ({ status: 'retryable', reason }));
  }
}

/** Writes the dead letters, retrying; per record the key written or why it was not. */
async function writeDeadLetters(
  records: StreamRecord[],
  failures: FailureReason[][],
  options: ProcessStreamBatchOptions,
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
          const letter: DeadLetter = {
            version: '1',
            function: options.functionName,
            reason: reasons.map((r) => (r.sink ? `${r.sink}: ${r.reason}` : r.reason)).join('; '),
            failures: reasons,
            record: records[index]!,
            deadLetteredAt,
          };
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

function summarize(
  functionName: string,
  records: StreamRecord[],
  fates: RecordFate[],
  sinks: Partial<Record<SinkName, SinkSummary>>,
  facts: { deadlineReached: boolean; durationMs: number; now: number },
): BatchSummary {
  let maxLagMs: number | undefined;
  for (const record of records) {
    const created = record.dynamodb?.ApproximateCreationDateTime;
    const millis =
      created instanceof Date ? created.getTime() : typeof created === 'number' ? created * 1000 : NaN;
    if (Number.isFinite(millis)) maxLagMs = Math.max(maxLagMs ?? 0, facts.now - millis);
  }
  const first = fates.find((fate) => fate.status === 'failed');
  return {
    function: functionName,
    records: records.length,
    delivered: fates.filter((f) => f.status === 'delivered').length,
    deadLettered: fates.filter((f) => f.status === 'dead-lettered').length,
    reported: fates.filter((f) => f.status === 'failed' || f.status === 'retried-after-failure').length,
    ...(first
      ? {
          firstFailure: {
            sequenceNumber: first.sequenceNumber,
            reasons: first.failures.slice(0, 5).map((f) => (f.sink ? `${f.sink}: ${f.reason}` : f.reason)),
          },
        }
      : {}),
    deadlineReached: facts.deadlineReached,
    durationMs: facts.durationMs,
    ...(maxLagMs !== undefined ? { maxLagMs } : {}),
    sinks,
    deadLetters: fates.flatMap((f) => (f.deadLetterKey ? [f.deadLetterKey] : [])).slice(0, 10),
  };
}
