/**
 * A scripted agent session for the end-to-end tests: each write with the events the catalog
 * documents for it (docs/catalog), so the test reads as the catalog does.
 */
import { NumberValueImpl as NumberValue } from '@aws-sdk/util-dynamodb';
import type { SeedWrite } from '../../lib/dev/seed/types.js';

/** One write and what it must become. */
export interface ScriptedWrite {
  write: SeedWrite;
  /** EventBridge detail-types, in order (noise publishes none). */
  eventBridge: string[];
  /** The change-log record's detail-type, or null when the entity is not in the change log. */
  kinesis: string | null;
}

const USER = 'USER#u-e2e';
const DAY = 86_400;

/** The scripted session; `now` is epoch seconds. */
export function scriptedSession(now: number): ScriptedWrite[] {
  const conv = { pk: USER, sk: 'CONV#c-e2e' };
  const turn1 = { pk: USER, sk: `CONV#c-e2e#TS#${new Date(now * 1000).toISOString()}` };
  const turn2 = { pk: USER, sk: `CONV#c-e2e#TS#${new Date(now * 1000 + 1500).toISOString()}` };
  const bigTurn = { pk: USER, sk: `CONV#c-e2e#TS#${new Date(now * 1000 + 3000).toISOString()}` };
  const run = { pk: USER, sk: 'RUN#r-e2e' };
  const ledger = { pk: USER, sk: 'LEDGER#r-e2e#TOOL#call-1' };
  const step = { pk: USER, sk: 'RUN#r-e2e#STEP#001' };
  const counter = { pk: 'RATELIMIT#u-e2e:llm-tokens', sk: `WINDOW#${new Date(now * 1000).toISOString()}` };
  const expires = now + 30 * DAY;
  const at = (offset: number) => new Date((now + offset) * 1000).toISOString();
  return [
    {
      write: {
        op: 'put',
        item: {
          ...conv,
          title: 'Lisbon',
          status: 'active',
          turn_count: 0,
          created_at: at(0),
          expires_at: expires,
        },
      },
      eventBridge: ['Conversation Created'],
      kinesis: 'Conversation Created',
    },
    {
      write: {
        op: 'put',
        item: {
          ...turn1,
          turn_id: 't-1',
          role: 'user',
          text: 'Find me a quiet hotel.',
          seq: 1,
          embedding: [0.1, -0.2, 0.3],
          expires_at: expires,
        },
      },
      eventBridge: ['Turn Created', 'Conversation Started'],
      kinesis: 'Turn Created',
    },
    {
      write: { op: 'update', key: conv, set: { turn_count: 1, updated_at: at(1) } },
      eventBridge: ['Conversation Updated'],
      kinesis: 'Conversation Updated',
    },
    {
      write: {
        op: 'put',
        item: {
          ...turn2,
          turn_id: 't-2',
          role: 'assistant',
          text: 'Three options.',
          seq: 2,
          expires_at: expires,
        },
      },
      eventBridge: ['Turn Created'],
      kinesis: 'Turn Created',
    },
    {
      // Bookkeeping only: not published to EventBridge, kept in the change log.
      write: { op: 'update', key: turn1, set: { last_accessed_at: at(2) } },
      eventBridge: [],
      kinesis: 'Turn Updated',
    },
    {
      write: { op: 'update', key: turn2, set: { text: 'Three quiet options in Alfama.', updated_at: at(3) } },
      eventBridge: ['Turn Updated'],
      kinesis: 'Turn Updated',
    },
    { write: { op: 'delete', key: turn1 }, eventBridge: ['Turn Deleted'], kinesis: 'Turn Deleted' },
    {
      write: {
        op: 'put',
        item: { ...run, conversation_id: 'c-e2e', status: 'queued', created_at: at(4), expires_at: expires },
      },
      eventBridge: ['Run Created'],
      kinesis: 'Run Created',
    },
    {
      write: { op: 'update', key: run, set: { status: 'running' } },
      eventBridge: ['Run Updated'],
      kinesis: 'Run Updated',
    },
    {
      write: { op: 'put', item: { ...ledger, tool: 'hotels.search', status: 'pending', attempts: 1 } },
      eventBridge: ['Ledger Entry Created'],
      kinesis: 'Ledger Entry Created',
    },
    {
      write: { op: 'update', key: ledger, set: { status: 'succeeded', latency_ms: 812 } },
      eventBridge: ['Ledger Entry Updated', 'Ledger Entry Settled'],
      kinesis: 'Ledger Entry Updated',
    },
    {
      write: { op: 'put', item: { ...step, kind: 'tool', status: 'running' } },
      eventBridge: ['Run Step Created'],
      kinesis: 'Run Step Created',
    },
    {
      write: { op: 'update', key: step, set: { status: 'failed', error: 'timeout' } },
      eventBridge: ['Run Step Updated', 'Run Step Failed'],
      kinesis: 'Run Step Updated',
    },
    {
      write: { op: 'update', key: run, set: { status: 'failed', finished_at: at(5) } },
      eventBridge: ['Run Updated', 'Run Failed'],
      kinesis: 'Run Updated',
    },
    // Rate-limit counters are noise: off EventBridge by default, but in the change log like every change.
    {
      write: { op: 'put', item: { ...counter, count: 1, limit: 100_000 } },
      eventBridge: [],
      kinesis: 'Rate Limit Counter Created',
    },
    {
      write: { op: 'update', key: counter, set: { count: 2 } },
      eventBridge: [],
      kinesis: 'Rate Limit Counter Updated',
    },
    {
      write: {
        op: 'put',
        item: { pk: 'SYSTEM#migrations', sk: 'v12', applied_at: at(6), checksum: 'c0ffee' },
      },
      eventBridge: ['Unknown Item Created'],
      kinesis: 'Unknown Item Created',
    },
    {
      // Numbers beyond a double, binary, sets, nesting: a poison pill for naive decoders.
      write: {
        op: 'put',
        item: {
          pk: USER,
          sk: 'MEM#m-types',
          entity_type: 'fact',
          text: 'Every attribute type',
          counter_38_digits: new NumberValue('99999999999999999999999999999999999999'),
          decimal: new NumberValue('1234567890.123456789012345678901234'),
          blob: new Uint8Array([0, 1, 2, 253, 254, 255]),
          tags: new Set(['travel', 'lisbon']),
          scores: new Set([new NumberValue('1'), new NumberValue('98765432109876543210')]),
          // No empty map: DynamoDB Local's stream sends `{}` without a type for one (real AWS sends
          // `{"M":{}}`), which the decoder rejects. See test/e2e/README.md.
          nested: { list: [1, 'two', { three: true }], nothing: null },
        },
      },
      eventBridge: ['Memory Created'],
      kinesis: 'Memory Created',
    },
    {
      // ~300 KB: over the 256 KB PutEvents limit configured here, so EventBridge gets a claim check.
      write: {
        op: 'put',
        item: {
          ...bigTurn,
          turn_id: 't-3',
          role: 'user',
          text: 'pasted document '.repeat(19_000),
          seq: 3,
          expires_at: expires,
        },
      },
      eventBridge: ['Turn Created'],
      kinesis: 'Turn Created',
    },
    {
      write: {
        op: 'put',
        item: { pk: 'IDEMPOTENCY#req-e2e', sk: 'IDEMPOTENCY', status: 'in_progress', expires_at: now + DAY },
      },
      eventBridge: ['Idempotency Key Created'],
      kinesis: 'Idempotency Key Created',
    },
    {
      write: {
        op: 'put',
        item: { pk: 'FLAG#semantic-recall', sk: 'FLAG', enabled: true, rollout_percent: 25 },
      },
      eventBridge: ['Feature Flag Created'],
      kinesis: 'Feature Flag Created',
    },
  ];
}
