/**
 * The vector-sync Lambda's batch processor: Kinesis change-log records in, vector index in step,
 * a partial batch response out. What is particular to the index — decoding, claim checks, routing,
 * the operation — is here; batch delivery, dead letters and the response are the shared
 * `processRecordBatch`, read through the Kinesis record adapter.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { MemoryEventDetail } from '../catalog/types.js';
import { readChanges } from '../changeLog/readChanges.js';
import { classifyError, describeError } from '../delivery/classifyError.js';
import { deliverInRounds } from '../delivery/deliverInRounds.js';
import { type BatchDeliveryOptions, processRecordBatch } from '../delivery/processRecordBatch.js';
import { kinesisRecordAdapter } from '../delivery/recordAdapters.js';
import { type RetryPolicy, resolveRetryPolicy } from '../delivery/retryPolicy.js';
import type { PreparedRecord, RecordFate } from '../delivery/types.js';
import { layoutForTable, type TableLayouts } from '../layout/tableLayouts.js';
import type { Layout } from '../layout/types.js';
import type { DeliveryTelemetry } from '../observability/DeliveryTelemetry.js';
import type { BatchSummary } from '../observability/types.js';
import { DEFAULT_ROUTING, routeAccepts } from '../routing/defaultRouting.js';
import type { RoutedOutput, SinkRoute, VectorOperation, VectorOutput } from '../routing/types.js';
import { vectorOperationFor } from '../routing/vectorOperation.js';
import type { VectorSyncSink } from '../sinks/vector/VectorSyncSink.js';
import type { ChangeLogDeadLetterStore } from './ChangeLogDeadLetterStore.js';
import { parseEmbedding } from './parseEmbedding.js';
import { type ClaimCheckReader, needsClaimCheck } from './S3ClaimCheckReader.js';
import type { VectorSyncStats } from './types.js';

/** Options for {@link processChangeLogBatch}. Build them once per container; pass per invocation. */
export interface ProcessChangeLogBatchOptions extends BatchDeliveryOptions {
  /** Names the Lambda in dead-letter keys, logs and metrics. @default 'vector-sync' */
  functionName?: string;
  /** The table's layout: which entity is a turn and where its text and embedding live. */
  layout: Layout;
  /** Layouts of particular tables (a detail is read with its `origin.table`'s, else `layout`). @default none */
  tableLayouts?: TableLayouts;
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
  /** Retries of dead-letter writes and claim-check reads. @default DEFAULT_RETRY_POLICY */
  retry?: Partial<RetryPolicy>;
  /** The counters the sink shares (`new VectorSyncSink({ worker, telemetry })`); reset per batch. */
  telemetry?: DeliveryTelemetry;
}

/** What {@link processChangeLogBatch} returns. */
export interface ChangeLogBatchResult {
  /** Return this from the handler. */
  response: KinesisStreamBatchResponse;
  summary: BatchSummary;
  /** Per record, in batch order (`sequenceNumber` is the Kinesis one). */
  fates: RecordFate[];
}

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
  const policy = resolveRetryPolicy(options.retry);
  const statsBefore = { ...options.sink.worker.stats };
  return processRecordBatch(event.Records ?? [], {
    ...options,
    functionName: options.functionName ?? 'vector-sync',
    adapter: kinesisRecordAdapter,
    prepare: (record, { signal }) => prepareChangeLogRecord(record, options, policy, signal),
    sinks: [options.sink],
    beforeReport: () => publishWorkerMetrics(statsBefore, options.sink.worker.stats, options),
  });
}

/** A record the index does not follow, or one that implies nothing for it: acknowledged as it is. */
const NOTHING_OWED: PreparedRecord = { kind: 'outputs', outputs: [] };

/**
 * What reading a change-log record needs: the options of {@link processChangeLogBatch} that decide
 * its vector outputs (a redrive of the vector sync's failed records reads them with these).
 */
export type ChangeLogPrepareOptions = Pick<
  ProcessChangeLogBatchOptions,
  'layout' | 'tableLayouts' | 'route' | 'embeddingAttribute' | 'claimChecks'
>;

/**
 * What one change-log record means for the index: the outputs of each change it carries, in order.
 * A change that can never be applied (a claim check that is gone, a bad embedding) does not stop the
 * others: the record is dead-lettered once its outputs are settled (redriving it re-applies them
 * all, harmlessly: the worker skips stale and unchanged ones). A claim check that cannot be read
 * for now reports the whole record for retry.
 */
export async function prepareChangeLogRecord(
  record: KinesisStreamRecord,
  options: ChangeLogPrepareOptions,
  policy: RetryPolicy,
  signal: AbortSignal,
): Promise<PreparedRecord> {
  let changes: MemoryEventDetail[];
  try {
    changes = readChanges(record);
  } catch (error) {
    return { kind: 'poison', reason: describeError(error) };
  }
  const outputs: RoutedOutput[] = [];
  const poison: string[] = [];
  for (const change of changes) {
    const prepared = await prepareChange(change, options, policy, signal);
    if (prepared.kind === 'retry') return prepared;
    if (prepared.kind === 'poison') {
      poison.push(changes.length > 1 ? `change ${change.eventId}: ${prepared.reason}` : prepared.reason);
    } else outputs.push(...prepared.outputs);
  }
  if (poison.length === 0) return outputs.length === 0 ? NOTHING_OWED : { kind: 'outputs', outputs };
  const reason = poison.join('; ');
  return outputs.length === 0 ? { kind: 'poison', reason } : { kind: 'outputs', outputs, poison: reason };
}

/** What one change means for the index. */
async function prepareChange(
  change: MemoryEventDetail,
  options: ChangeLogPrepareOptions,
  policy: RetryPolicy,
  signal: AbortSignal,
): Promise<PreparedRecord> {
  let detail = change;
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
  if (!routeAccepts(options.route ?? DEFAULT_ROUTING.vector, detail.entity)) return NOTHING_OWED;
  try {
    const layout = layoutForTable(detail.origin.table, options.tableLayouts, options.layout);
    const operation = operationFor(detail, layout, options.embeddingAttribute);
    return operation ? { kind: 'outputs', outputs: [outputFor(detail, operation)] } : NOTHING_OWED;
  } catch (error) {
    return { kind: 'poison', reason: describeError(error) };
  }
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
