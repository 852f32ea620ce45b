/**
 * The agent-memory layout of the DynamoDB guidance memory-cdc follows: one table, keys `pk`/`sk`,
 * TTL on `expires_at` (epoch seconds), partition key = the user. It reads both key forms such a
 * table is written in (every template is listed in docs/layouts/agent-memory.md):
 *
 * - **Literal**, exactly as the guidance words it: PK = `user_id`, SK = `conversation_id#timestamp`
 *   (a turn) or `run_id#step` (a run step), no prefixes. The sort key's last segment decides: an
 *   ISO-8601 or epoch time is a turn, a step number is a run step. The table's other entities (session
 *   state, run state, tool ledger, idempotency keys, rate-limit counters, flags, memories) are told
 *   apart by a discriminator attribute (`entity_type`, `entityType`, `item_type` or `type`, tried in
 *   that order) when items carry one, else they are `unknown`.
 * - **Prefixed**, the form this project's fixtures use: `USER#<userId>`, `CONV#<id>#TS#<time>`,
 *   `RUN#<id>#STEP#<n>`, `LEDGER#…`, `MEM#…`, `IDEMPOTENCY#…`, `RATELIMIT#…`, `FLAG#…`.
 *
 * Why one preset for both and not two: they are the same design (same attributes, TTL, entities),
 * differing only in how keys are spelt; a reader of the guidance who passes `--layout agent-memory`
 * expects their literal table to work; and the two forms cannot be confused — a prefixed partition
 * key always holds `#`, a literal one (a user id) never does — so a table in the middle of moving
 * from one form to the other still classifies every item.
 */
import type { EntityRule, Layout } from '../types.js';

const RUN_SUCCESS = ['completed', 'succeeded', 'success'];
const RUN_FAILURE = ['failed', 'cancelled', 'timed_out', 'error'];
const LEDGER_SUCCESS = ['succeeded', 'completed', 'success'];
const LEDGER_FAILURE = ['failed', 'error', 'cancelled', 'timed_out'];

/** Discriminator values per entity (both forms). */
const VALUES = {
  turn: ['turn', 'message'],
  conversation: ['conversation', 'session', 'session_state'],
  run_step: ['run_step', 'step'],
  run: ['run', 'run_state', 'agent_run'],
  ledger: ['ledger', 'tool_execution', 'tool_call'],
  memory: ['memory', 'fact'],
  idempotency: ['idempotency', 'idempotency_key'],
  rate_limit: ['rate_limit', 'counter', 'rate_limit_counter'],
  flag: ['flag', 'feature_flag'],
} as const;

/** Snake-case identifier attributes a literal table's items may carry (they win over the keys). */
const TURN_FIELDS = { text: 'text', role: 'role', embedding: 'embedding', sequence: 'seq' } as const;

/** The prefixed form. */
const PREFIXED: EntityRule[] = [
  {
    entity: 'turn',
    discriminatorValues: [...VALUES.turn],
    pk: 'USER#{userId}',
    sk: 'CONV#{conversationId}#TS#{timestamp}',
    identifiers: { turnId: 'turn_id' },
    fields: { ...TURN_FIELDS },
  },
  {
    entity: 'conversation',
    discriminatorValues: [...VALUES.conversation],
    pk: 'USER#{userId}',
    sk: 'CONV#{conversationId}',
    fields: { status: 'status' },
  },
  {
    entity: 'run_step',
    discriminatorValues: [...VALUES.run_step],
    pk: 'USER#{userId}',
    sk: 'RUN#{runId}#STEP#{step}',
    fields: { status: 'status' },
    successStatuses: RUN_SUCCESS,
    failureStatuses: RUN_FAILURE,
  },
  {
    entity: 'run',
    discriminatorValues: [...VALUES.run],
    pk: 'USER#{userId}',
    sk: 'RUN#{runId}',
    identifiers: { conversationId: 'conversation_id' },
    fields: { status: 'status' },
    successStatuses: RUN_SUCCESS,
    failureStatuses: RUN_FAILURE,
  },
  {
    entity: 'ledger',
    discriminatorValues: [...VALUES.ledger],
    pk: 'USER#{userId}',
    sk: 'LEDGER#{runId}#TOOL#{toolCallId}',
    fields: { status: 'status' },
    successStatuses: LEDGER_SUCCESS,
    failureStatuses: LEDGER_FAILURE,
  },
  {
    entity: 'memory',
    discriminatorValues: [...VALUES.memory],
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
    discriminatorValues: [...VALUES.idempotency],
    pk: 'IDEMPOTENCY#{idempotencyKey}',
    sk: 'IDEMPOTENCY',
    fields: { status: 'status' },
  },
  {
    entity: 'rate_limit',
    discriminatorValues: [...VALUES.rate_limit],
    pk: 'RATELIMIT#{counterKey}',
    sk: 'WINDOW#{timestamp}',
  },
  {
    entity: 'flag',
    discriminatorValues: [...VALUES.flag],
    pk: 'FLAG#{flagKey}',
    sk: 'FLAG',
  },
];

/**
 * The literal form. Turns and run steps classify by their keys alone; every other entity only by
 * its discriminator (its templates then just read the user id from the partition key).
 */
const LITERAL: EntityRule[] = [
  {
    entity: 'turn',
    discriminatorValues: [...VALUES.turn],
    pk: '{userId}',
    sk: '{conversationId}#{timestamp:time}',
    identifiers: { turnId: 'turn_id' },
    fields: { ...TURN_FIELDS },
  },
  {
    entity: 'run_step',
    discriminatorValues: [...VALUES.run_step],
    pk: '{userId}',
    sk: '{runId}#{step:step}',
    fields: { status: 'status' },
    successStatuses: RUN_SUCCESS,
    failureStatuses: RUN_FAILURE,
  },
  {
    entity: 'conversation',
    discriminatorValues: [...VALUES.conversation],
    discriminatorOnly: true,
    pk: '{userId}',
    sk: '{conversationId}',
    identifiers: { conversationId: 'conversation_id' },
    fields: { status: 'status' },
  },
  {
    entity: 'run',
    discriminatorValues: [...VALUES.run],
    discriminatorOnly: true,
    pk: '{userId}',
    sk: '{runId}',
    identifiers: { runId: 'run_id', conversationId: 'conversation_id' },
    fields: { status: 'status' },
    successStatuses: RUN_SUCCESS,
    failureStatuses: RUN_FAILURE,
  },
  {
    entity: 'ledger',
    discriminatorValues: [...VALUES.ledger],
    discriminatorOnly: true,
    pk: '{userId}',
    identifiers: { runId: 'run_id', toolCallId: 'tool_call_id' },
    fields: { status: 'status' },
    successStatuses: LEDGER_SUCCESS,
    failureStatuses: LEDGER_FAILURE,
  },
  {
    entity: 'memory',
    discriminatorValues: [...VALUES.memory],
    discriminatorOnly: true,
    pk: '{userId}',
    identifiers: { memoryId: 'memory_id' },
    fields: { text: 'text', embedding: 'embedding' },
  },
  {
    entity: 'idempotency',
    discriminatorValues: [...VALUES.idempotency],
    discriminatorOnly: true,
    pk: '{userId}',
    identifiers: { idempotencyKey: 'idempotency_key' },
    fields: { status: 'status' },
  },
  {
    entity: 'rate_limit',
    discriminatorValues: [...VALUES.rate_limit],
    discriminatorOnly: true,
    pk: '{userId}',
    identifiers: { counterKey: 'counter_key' },
  },
  {
    entity: 'flag',
    discriminatorValues: [...VALUES.flag],
    discriminatorOnly: true,
    pk: '{userId}',
    identifiers: { flagKey: 'flag_key' },
  },
];

/** The discriminator attribute names the preset recognises, in the order they are tried. */
export const AGENT_MEMORY_DISCRIMINATORS = ['entity_type', 'entityType', 'item_type', 'type'];

export const agentMemoryLayout: Layout = {
  name: 'agent-memory',
  description:
    'Agent memory in one table: keys pk/sk, PK = the user (literal user_id or USER#<userId>), TTL on expires_at.',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expires_at',
  discriminator: AGENT_MEMORY_DISCRIMINATORS,
  entities: [...PREFIXED, ...LITERAL],
  bookkeeping: ['updated_at', 'expires_at', 'version', 'last_accessed_at'],
};
