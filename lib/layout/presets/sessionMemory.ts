/**
 * The two-table AI session-memory design ("DynamoDB for AI Session Memory: Schema and Access
 * Patterns", prometheusdev.io/blog/aws-dynamodb-ai-session-memory.html, May 2026, and the AWS
 * Database Blog's "Amazon DynamoDB data models for generative AI chatbots"): session metadata and
 * conversation turns live in separate tables, so each table gets its own preset.
 *
 * - **`session-state`**: partition key `SessionID`, sort key `Timestamp` (each write of the
 *   session's state is a new item), `UserID` on every item (the GSI that lists a user's sessions).
 *   Items are the `conversation` entity (no `Conversation Started`: a session has many state items;
 *   its first turn in the turns table starts the conversation). A long history may be stored gzip-compressed in a binary
 *   attribute (`CompressedHistory`); it is decompressed to text before events, the archive's plain
 *   view and the vector index see it (see `gunzip` in lib/layout/types.ts).
 * - **`session-turns`**: partition key `session_id`, sort key `turn_number` (or `timestamp`; the
 *   preset reads identifiers from attributes, so either sort key works). Each item is one exchange:
 *   `user_input`, `model_response`, `metadata`, and often `embedding` as binary float32
 *   (768–1,536 dimensions). Items are the `turn` entity; the turn's text is the input and the
 *   response, joined; the embedding goes to the vector index as it is.
 *
 * Every template is listed in docs/layouts/session-state.md and docs/layouts/session-turns.md.
 */
import type { Layout } from '../types.js';

/** `session-state`: the session table of the two-table design. */
export const sessionStateLayout: Layout = {
  name: 'session-state',
  description:
    'Session state of the two-table session-memory design: PK SessionID, SK Timestamp, UserID (GSI), TTL on TTL.',
  partitionKey: 'SessionID',
  sortKey: 'Timestamp',
  ttlAttribute: 'TTL',
  gunzip: ['CompressedHistory', 'compressed_history'],
  // Each state write is a new item (SK Timestamp): a session has many. Its first turn, in the turns
  // table, is where the conversation starts (session-turns: turn_number 1).
  conversationStart: 'none',
  entities: [
    {
      entity: 'conversation',
      name: 'session',
      pk: '{conversationId:any}',
      identifiers: { conversationId: 'SessionID', userId: 'UserID', timestamp: 'Timestamp' },
      fields: { status: 'Status' },
    },
  ],
  bookkeeping: ['TTL', 'LastAccessed', 'UpdatedAt'],
};

/** `session-turns`: the conversation-turns table of the two-table design. */
export const sessionTurnsLayout: Layout = {
  name: 'session-turns',
  description:
    'Conversation turns of the two-table session-memory design: PK session_id, SK turn_number (or timestamp), TTL on ttl.',
  partitionKey: 'session_id',
  sortKey: 'turn_number',
  keyTypes: { turn_number: 'N' },
  ttlAttribute: 'ttl',
  gunzip: ['compressed_history', 'CompressedHistory'],
  entities: [
    {
      entity: 'turn',
      pk: '{conversationId:any}',
      identifiers: {
        conversationId: 'session_id',
        userId: 'user_id',
        turnId: 'turn_number',
        timestamp: 'timestamp',
      },
      fields: {
        text: ['user_input', 'model_response'],
        embedding: 'embedding',
        sequence: 'turn_number',
      },
    },
  ],
  bookkeeping: ['ttl', 'updated_at', 'last_accessed_at'],
};
