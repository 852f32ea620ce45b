/**
 * The stream-batch processor the Lambdas share: turn each record into the outputs it owes, deliver
 * them through the sinks, dead-letter what can never be delivered, and tell Lambda where to resume.
 * A DynamoDB Streams layer over `processRecordBatch`.
 */
import type { RoutedOutput } from '../routing/types.js';
import type { Sink } from '../sinks/types.js';
import type { StreamEvent, StreamRecord } from '../stream/types.js';
import {
  type BatchDeliveryOptions,
  processRecordBatch,
  type RecordBatchResult,
} from './processRecordBatch.js';
import { dynamoDbRecordAdapter } from './recordAdapters.js';
import type { DeadLetterStore } from './types.js';

/** Options for {@link processStreamBatch}. Build them once per container; pass per invocation. */
export interface ProcessStreamBatchOptions extends BatchDeliveryOptions {
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
}

/** What {@link processStreamBatch} returns. */
export type StreamBatchResult = RecordBatchResult;

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
  return processRecordBatch(event.Records ?? [], {
    ...options,
    adapter: dynamoDbRecordAdapter,
    prepare: (record) => {
      const outputs = options.outputsFor(record);
      return outputs instanceof Promise
        ? outputs.then((resolved) => ({ kind: 'outputs', outputs: resolved }))
        : { kind: 'outputs', outputs };
    },
  });
}
