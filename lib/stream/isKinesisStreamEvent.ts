/**
 * Tells a Lambda Kinesis event (Kinesis Data Streams for DynamoDB as the source) from a DynamoDB
 * Streams event, so one handler serves both sources: an event source mapping delivers one kind only.
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import type { StreamEvent } from './types.js';

/**
 * True when the event's first record is a Kinesis record (`eventSource` `aws:kinesis`, or a
 * `kinesis` section). An empty event is a DynamoDB Streams one (nothing to do either way).
 *
 * @example
 * ```ts
 * const result = isKinesisStreamEvent(event) ? await processKinesisDynamoDbBatch(event, o) : await processStreamBatch(event, o);
 * ```
 */
export function isKinesisStreamEvent(event: StreamEvent | KinesisStreamEvent): event is KinesisStreamEvent {
  const first = (event?.Records as unknown[] | undefined)?.[0] as
    | { eventSource?: unknown; kinesis?: unknown }
    | null
    | undefined;
  if (first === null || typeof first !== 'object') return false;
  return first.eventSource === 'aws:kinesis' || (first.kinesis !== null && typeof first.kinesis === 'object');
}
