/**
 * The vector-sync Lambda's batch processor: Kinesis change-log records in, vector index in step,
 * a partial batch response out. Same contract as the DynamoDB-stream processor
 * (`lib/delivery/processStreamBatch.ts`), for Kinesis records.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { Logger } from 'pino';
import type { MemoryEventDetail } from '../catalog/types.js';
import { classifyError, describeError } from '../delivery/classifyError.js';
import { watchDeadline } from '../delivery/deadline.js';
import { deliverInRounds } from '../delivery/deliverInRounds.js';
import { type RetryPolicy, resolveRetryPolicy } from '../delivery/retryPolicy.js';
import type { FailureReason, RecordFate } from '../delivery/types.js';
import { DeliveryError } from '../errors.js';
import type { Layout } from '../layout/types.js';
import { type DeliveryTelemetry, emptyCounters } from '../observability/DeliveryTelemetry.js';
import { reportBatch } from '../observability/reportBatch.js';
import type { BatchSummary, SinkSummary } from '../observability/types.js';
import { DEFAULT_ROUTING, routeAccepts } from '../routing/defaultRouting.js';
import type { SinkRoute, VectorOperation, VectorOutput } from '../routing/types.js';
import { vectorOperationFor } from '../routing/vectorOperation.js';
import type { VectorSyncSink } from '../sinks/vector/VectorSyncSink.js';
import type { ChangeLogDeadLetter, ChangeLogDeadLetterStore } from './ChangeLogDeadLetterStore.js';
import { decodeChangeLogRecord } from './decodeChangeLogRecord.js';
import { parseEmbedding } from './parseEmbedding.js';
import { type ClaimCheckReader, needsClaimCheck } from './S3ClaimCheckReader.js';
import type { VectorSyncStats } from './types.js';

/** Options for {@link processChangeLogBatch}. Build them once per container; pass per invocation. */
export interface ProcessChangeLogBatchOptions {
  /** Names the Lambda in dead-letter keys, logs and metrics. @default 'vector-sync' */
  functionName?: string;
  /** The table's layout: which entity is a turn and where its text and embedding live. */
  layout: Layout;
  /** Delivers vector outputs through the worker. */
  sink: VectorSyncSink;
  /** Which entities the index follows (MEMORY_CDC_ROUTING's `vector`). @default DEFAULT_ROUTING.vector (turns) */
  route?: SinkRoute;
  /**
   * EMBEDDING_ATTRIBUTE: the item attribute holding its own embedding, read (strictly) when the
   * layout's operation carries none. @default the layout's embedding field only
   */
  embeddingAttribute?: string;
  /** Reads claim-checked details back; without one such a record is dead-lettered. */
  claimChecks?: ClaimCheckReader;
  /** Where poison records go. */
  deadLetters: ChangeLogDeadLetterStore;
  /** `context.getRemainingTimeInMillis`. */
  remainingTimeMs?: () => number;
  /** Time kept back before the deadline. @default 5000 */
  reserveMs?: number;
  /** Retries of dead-letter writes and claim-check reads. @default DEFAULT_RETRY_POLICY */
  retry?: Partial<RetryPolicy>;
  /** The counters the sink shares (`new VectorSyncSink({ worker, telemetry })`); reset per batch. */
  telemetry?: DeliveryTelemetry;
  logger?: Logger;
  metrics?: Metrics;
  /** @default Date.now */
  now?: () => number;
}

/** What {@link processChangeLogBatch} returns. */
export interface ChangeLogBatchResult {
  /** Return this from the handler. */
  response: KinesisStreamBatchResponse;
  summary: BatchSummary;
  /** Per record, in batch order (`sequenceNumber` is the Kinesis one). */
  fates: RecordFate[];
}

/** What preparing one record gave. */
type Prepared =
  | { kind: 'output'; output: VectorOutput }
  | { kind: 'none' }
  | { kind: 'poison'; reason: string }
  | { kind: 'retry'; reason: string };

/** The operation a detail implies, with the item's own embedding read strictly when configured. */
function operationFor(
  detail: MemoryEventDetail,
  layout: Layout,
  embeddingAttribute?: string,
): VectorOperation | undefined {
  const op = vectorOperationFor(detail, layout);
  if (op?.action !== 'upsert' || op.embedding !== undefined || !embeddingAttribute) return op;
  const raw = detail.after?.[embeddingAttribute];
  if (raw === undefined || raw === null) return op;
  return { ...op, embedding: Array.from(parseEmbedding(raw)) };
}

function outputFor(detail: MemoryEventDetail, operation: VectorOperation): VectorOutput {
  return {
    sink: 'vector',
    record: detail.origin.eventId,
    sequenceNumber: detail.origin.sequenceNumber,
    entity: detail.entity,
    eventId: detail.eventId,
    payload: operation,
  };
}

/**
 * Processes one batch of the Kinesis change log with at-least-once semantics.
 *
 * A record is acknowledged when the index reflects it (applied, or skipped as stale or unchanged),
 * when it implies nothing for the index, or when it can never be applied (undecodable, a dimension
 * mismatch, an invalid embedding) and its dead letter was written. The response reports the first
 * record that is none of these and every later one (`itemIdentifier` = Kinesis sequence number):
 * Lambda resumes there, and the worker's stale protection makes the redelivered later records
 * no-ops. Retries within the invocation are bounded by the retry policy and the deadline; across
 * invocations by the event source mapping's retry limit.
 *
 * @throws DeliveryError when a record to report has no sequence number (Lambda then retries the
 *   whole batch)
 * @example
 * ```ts
 * const options = { layout: agentMemoryLayout, sink: new VectorSyncSink({ worker }), deadLetters };
 * export const handler = async (event: KinesisStreamEvent, context: Context) =>
 *   (await processChangeLogBatch(event, { ...options, remainingTimeMs: () => context.getRemainingTimeInMillis() })).response;
 * ```
 */
export async function processChangeLogBatch(
  event: KinesisStreamEvent,
  options: ProcessChangeLogBatchOptions,
): Promise<ChangeLogBatchResult> {
  const functionName = options.functionName ?? 'vector-sync';
  const now = options.now ?? Date.now;
  const started = now();
  const records = event.Records ?? [];
  const policy = resolveRetryPolicy(options.retry);
  const deadline = watchDeadline({ remainingTimeMs: options.remainingTimeMs, reserveMs: options.reserveMs });
  const statsBefore = { ...options.sink.worker.stats };
  options.telemetry?.reset();
  try {
    // 1. What each record means for the index.
    const prepared: Prepared[] = [];
    for (const record of records) prepared.push(await prepare(record, options, policy, deadline.soft));

    // 2. Apply, in stream order, through the sink (which retries in rounds).
    const items = prepared.flatMap((p, index) => (p.kind === 'output' ? [{ index, output: p.output }] : []));
    const failures: FailureReason[][] = records.map(() => []);
    const retryable = records.map(() => false);
    const rejected = records.map(() => false);
    prepared.forEach((p, index) => {
      if (p.kind === 'poison') {
        rejected[index] = true;
        failures[index]!.push({ stage: 'prepare', reason: p.reason });
      } else if (p.kind === 'retry') {
        retryable[index] = true;
        failures[index]!.push({ stage: 'prepare', reason: p.reason });
      }
    });
    const summary: SinkSummary = {
      ...emptyCounters(),
      outputs: items.length,
      accepted: 0,
      retryable: 0,
      rejected: 0,
    };
    if (items.length > 0) {
      let outcomes: { status: string; reason?: string }[];
      try {
        outcomes = (
          await options.sink.deliver(
            items.map((i) => i.output),
            { signal: deadline.soft },
          )
        ).outcomes;
      } catch (error) {
        const reason = `sink vector failed: ${describeError(error)}`;
        outcomes = items.map(() => ({ status: 'retryable', reason }));
      }
      items.forEach(({ index, output }, position) => {
        const outcome = outcomes[position] ?? { status: 'retryable', reason: 'sink returned no outcome' };
        if (outcome.status === 'accepted') {
          summary.accepted++;
          return;
        }
        failures[index]!.push({
          stage: 'deliver',
          sink: 'vector',
          eventId: output.eventId,
          reason: outcome.reason ?? '',
        });
        if (outcome.status === 'rejected') {
          summary.rejected++;
          rejected[index] = true;
        } else {
          summary.retryable++;
          retryable[index] = true;
        }
      });
    }

    Object.assign(summary, options.telemetry?.snapshot().vector ?? {});

    // 3. Acknowledge a prefix, dead-lettering the poison in it; report the rest.
    const fates: RecordFate[] = records.map((record, index) => ({
      sequenceNumber: record.kinesis?.sequenceNumber,
      status: 'delivered',
      failures: failures[index]!,
    }));
    let firstReported = retryable.indexOf(true);
    if (firstReported === -1) firstReported = records.length;
    const toDeadLetter = [...Array(firstReported).keys()].filter((index) => rejected[index]);
    const written = await writeDeadLetters(
      toDeadLetter,
      records,
      failures,
      functionName,
      options,
      policy,
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
          'kinesis',
          `record ${firstReported + offset} of the batch must be retried but has no sequenceNumber`,
          true,
        );
      }
      return { itemIdentifier: fate.sequenceNumber };
    });

    const batch = summarize(functionName, records, fates, summary, {
      deadlineReached: deadline.soft.aborted,
      durationMs: now() - started,
      now: now(),
    });
    publishWorkerMetrics(statsBefore, options.sink.worker.stats, options);
    reportBatch(batch, {
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
    });
    return { response: { batchItemFailures }, summary: batch, fates };
  } finally {
    deadline.dispose();
  }
}

async function prepare(
  record: KinesisStreamRecord,
  options: ProcessChangeLogBatchOptions,
  policy: RetryPolicy,
  signal: AbortSignal,
): Promise<Prepared> {
  let detail: MemoryEventDetail;
  try {
    detail = decodeChangeLogRecord(record);
  } catch (error) {
    return { kind: 'poison', reason: describeError(error) };
  }
  if (needsClaimCheck(detail)) {
    if (!options.claimChecks) {
      return {
        kind: 'poison',
        reason: 'the event was claim-checked to S3 and no claim-check reader is configured',
      };
    }
    const reader = options.claimChecks;
    let full: MemoryEventDetail | undefined;
    const [outcome] = await deliverInRounds(
      [detail],
      async ([d]) => {
        try {
          full = await reader.read(d!.claimCheck!, { signal });
          return [{ status: 'accepted' }];
        } catch (error) {
          return [classifyError(error, signal)];
        }
      },
      { policy, signal },
    );
    if (!full) {
      const reason = `claim check not read: ${outcome && outcome.status !== 'accepted' ? outcome.reason : 'unknown'}`;
      return outcome?.status === 'rejected' ? { kind: 'poison', reason } : { kind: 'retry', reason };
    }
    detail = full;
  }
  if (!routeAccepts(options.route ?? DEFAULT_ROUTING.vector, detail.entity)) return { kind: 'none' };
  try {
    const operation = operationFor(detail, options.layout, options.embeddingAttribute);
    return operation ? { kind: 'output', output: outputFor(detail, operation) } : { kind: 'none' };
  } catch (error) {
    return { kind: 'poison', reason: describeError(error) };
  }
}

/** Writes the dead letters, retrying; per record the key written or why it was not. */
async function writeDeadLetters(
  indexes: number[],
  records: KinesisStreamRecord[],
  failures: FailureReason[][],
  functionName: string,
  options: ProcessChangeLogBatchOptions,
  policy: RetryPolicy,
  signal: AbortSignal,
): Promise<(string | { reason: string })[]> {
  if (indexes.length === 0) return [];
  const keys = new Map<number, string>();
  const deadLetteredAt = new Date((options.now ?? Date.now)()).toISOString();
  const outcomes = await deliverInRounds(
    indexes,
    (pending) =>
      Promise.all(
        pending.map(async (index) => {
          const reasons = failures[index]!;
          const letter: ChangeLogDeadLetter = {
            version: '1',
            function: functionName,
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
    { policy, signal },
  );
  return indexes.map((index, position) => {
    const key = keys.get(index);
    if (key) return key;
    const outcome = outcomes[position]!;
    return { reason: outcome.status === 'accepted' ? 'unknown' : outcome.reason };
  });
}

/** Worker counters of this batch as metrics: embedding calls made and saved, stale deliveries. */
function publishWorkerMetrics(
  before: VectorSyncStats,
  after: VectorSyncStats,
  options: ProcessChangeLogBatchOptions,
): void {
  const metrics = options.metrics;
  if (!metrics) return;
  metrics.addMetric('VectorEmbeddingCalls', MetricUnit.Count, after.embeddingCalls - before.embeddingCalls);
  metrics.addMetric('VectorUnchangedSkips', MetricUnit.Count, after.unchanged - before.unchanged);
  metrics.addMetric('VectorStaleSkips', MetricUnit.Count, after.stale - before.stale);
  metrics.addMetric('VectorTombstones', MetricUnit.Count, after.deleted - before.deleted);
}

function summarize(
  functionName: string,
  records: KinesisStreamRecord[],
  fates: RecordFate[],
  vector: SinkSummary,
  facts: { deadlineReached: boolean; durationMs: number; now: number },
): BatchSummary {
  let maxLagMs: number | undefined;
  for (const record of records) {
    const arrival = record.kinesis?.approximateArrivalTimestamp;
    if (typeof arrival === 'number') maxLagMs = Math.max(maxLagMs ?? 0, facts.now - arrival * 1000);
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
    sinks: vector.outputs > 0 ? { vector } : {},
    deadLetters: fates.flatMap((f) => (f.deadLetterKey ? [f.deadLetterKey] : [])).slice(0, 10),
  };
}
