/**
 * Plain routed outputs for the delivery and publisher tests (the pipeline builds real ones; these
 * let a test choose sizes, keys and ids).
 */
import type { MemoryEventDetail } from '../../lib/catalog/types.js';
import type { EventBridgeOutput, KinesisOutput } from '../../lib/routing/types.js';

/** A turn-insert detail with a text of `textBytes` characters. */
export function detail(
  n: number,
  options: { textBytes?: number; conversation?: string } = {},
): MemoryEventDetail {
  const conversationId = options.conversation ?? `c${n % 7}`;
  const eventId = `00000000-0000-8000-8000-${String(n).padStart(12, '0')}`;
  return {
    version: '1',
    eventId,
    detailType: 'Turn Added',
    op: 'insert',
    entity: 'turn',
    expired: false,
    ids: { userId: 'u1', conversationId, turnId: `t${n}` },
    keys: { pk: 'USER#u1', sk: `CONV#${conversationId}#TS#${n}` },
    changed: ['pk', 'sk', 'text'],
    before: null,
    after: {
      pk: 'USER#u1',
      sk: `CONV#${conversationId}#TS#${n}`,
      text: 'x'.repeat(options.textBytes ?? 100),
    },
    layout: 'agent-memory',
    time: '2026-11-01T00:00:00.000Z',
    origin: {
      table: 'memory',
      streamArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/memory/stream/2026-11-01T00:00:00.000',
      region: 'us-east-1',
      eventId: `rec-${n}`,
      sequenceNumber: String(1000 + n),
      approximateCreationTime: '2026-11-01T00:00:00.000Z',
    },
  };
}

/** An EventBridge output carrying {@link detail}. */
export function eventBridgeOutput(n: number, options: Parameters<typeof detail>[1] = {}): EventBridgeOutput {
  const d = detail(n, options);
  return {
    sink: 'eventbridge',
    record: d.origin.eventId,
    sequenceNumber: d.origin.sequenceNumber,
    entity: d.entity,
    eventId: d.eventId,
    detailType: d.detailType,
    payload: {
      Source: 'memory-cdc',
      DetailType: d.detailType,
      Detail: d,
      Time: d.time,
      Resources: ['arn:aws:dynamodb:us-east-1:123456789012:table/memory'],
    },
  };
}

/** A Kinesis output carrying {@link detail}, keyed by its conversation. */
export function kinesisOutput(n: number, options: Parameters<typeof detail>[1] = {}): KinesisOutput {
  const d = detail(n, options);
  return {
    sink: 'kinesis',
    record: d.origin.eventId,
    sequenceNumber: d.origin.sequenceNumber,
    entity: d.entity,
    eventId: d.eventId,
    detailType: d.detailType,
    payload: { PartitionKey: `conv#u1#${d.ids.conversationId}`, Data: d },
  };
}

/** A retry policy without waits worth mentioning, for tests. */
export const FAST_RETRY = { maxAttempts: 8, baseDelayMs: 1, throttlingBaseDelayMs: 2, maxDelayMs: 5 };
