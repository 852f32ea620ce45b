/**
 * The agent-memory layout of the DynamoDB guidance memory-cdc follows: one table, keys `pk`/`sk`,
 * TTL on `expires_at` (epoch seconds), partition key = the user. Items may carry an `entity_type`
 * attribute; when they do it decides, else the key templates below do. Every template is listed in
 * docs/layouts/agent-memory.md.
 */
import type { Layout } from '../types.js';

const RUN_SUCCESS = ['completed', 'succeeded', 'success'];
const RUN_FAILURE = ['failed', 'cancelled', 'timed_out', 'error'];

export const agentMemoryLayout: Layout = {
  name: 'agent-memory',
  description: 'Agent memory in one table: PK USER#<userId>, SK by entity, TTL on expires_at.',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expires_at',
  discriminator: 'entity_type',
  entities: [
    {
      entity: 'turn',
      discriminatorValues: ['turn', 'message'],
      pk: 'USER#{userId}',
      sk: 'CONV#{conversationId}#TS#{timestamp}',
      identifiers: { turnId: 'turn_id' },
      fields: { text: 'text', role: 'role', embedding: 'embedding', sequence: 'seq' },
    },
    {
      entity: 'conversation',
      discriminatorValues: ['conversation', 'session'],
      pk: 'USER#{userId}',
      sk: 'CONV#{conversationId}',
      fields: { status: 'status' },
    },
    {
      entity: 'run_step',
      discriminatorValues: ['run_step', 'step'],
      pk: 'USER#{userId}',
      sk: 'RUN#{runId}#STEP#{step}',
      fields: { status: 'status' },
      successStatuses: RUN_SUCCESS,
      failureStatuses: RUN_FAILURE,
    },
    {
      entity: 'run',
      discriminatorValues: ['run'],
      pk: 'USER#{userId}',
      sk: 'RUN#{runId}',
      identifiers: { conversationId: 'conversation_id' },
      fields: { status: 'status' },
      successStatuses: RUN_SUCCESS,
      failureStatuses: RUN_FAILURE,
    },
    {
      entity: 'ledger',
      discriminatorValues: ['ledger', 'tool_execution'],
      pk: 'USER#{userId}',
      sk: 'LEDGER#{runId}#TOOL#{toolCallId}',
      fields: { status: 'status' },
      successStatuses: ['succeeded', 'completed', 'success'],
      failureStatuses: ['failed', 'error', 'cancelled', 'timed_out'],
    },
    {
      entity: 'memory',
      discriminatorValues: ['memory', 'fact'],
      pk: 'USER#{userId}',
      sk: 'MEM#{memoryId}',
      fields: { text: 'text', embedding: 'embedding' },
    },
    {
      entity: 'flag',
      name: 'user_flag',
      pk: 'USER#{userId}',
      sk: 'FLAG#{flagKey}',
    },
    {
      entity: 'idempotency',
      discriminatorValues: ['idempotency'],
      pk: 'IDEMPOTENCY#{idempotencyKey}',
      sk: 'IDEMPOTENCY',
      fields: { status: 'status' },
    },
    {
      entity: 'rate_limit',
      discriminatorValues: ['rate_limit', 'counter'],
      pk: 'RATELIMIT#{counterKey}',
      sk: 'WINDOW#{timestamp}',
    },
    {
      entity: 'flag',
      discriminatorValues: ['flag'],
      pk: 'FLAG#{flagKey}',
      sk: 'FLAG',
    },
  ],
  bookkeeping: ['updated_at', 'expires_at', 'version', 'last_accessed_at'],
};
