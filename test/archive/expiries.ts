/**
 * TTL expiries for the archive tests, built the way the stream would carry them (Lambda format,
 * binary as base64) and run through the real pipeline, so the archive sees true ArchiveOutputs.
 */

import { buildStreamRecord, type StreamSource } from '../../lib/fixtures/streamRecordBuilder.js';
import { TableSimulator } from '../../lib/fixtures/TableSimulator.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import type { ArchiveOutput } from '../../lib/routing/types.js';
import type { AttributeMap, StreamRecord } from '../../lib/stream/types.js';

export const TABLE = 'agent-memory';
export const SOURCE: StreamSource = { table: TABLE };
/** 2026-11-28T10:00:00Z */
export const START = 1_795_860_000;

const pipeline = createPipeline({ layout: agentMemoryLayout });

/** The archive outputs the pipeline routes for these records (non-expiries route none). */
export function archiveOutputsOf(records: readonly StreamRecord[]): ArchiveOutput[] {
  return records.flatMap((record) =>
    pipeline.process(record).outputs.filter((output): output is ArchiveOutput => output.sink === 'archive'),
  );
}

/**
 * An agent-memory turn in DynamoDB JSON holding every attribute type, with numbers at DynamoDB's
 * limits (38 significant digits, a 34-digit decimal) and binary as bytes. Numbers are written in
 * DynamoDB's canonical form (no trailing zeros), as a stream image carries them.
 */
export function allTypesTurn(
  user: string,
  conversation: string,
  index: number,
  expiresAt: number,
): AttributeMap {
  const ts = new Date((START + index) * 1000).toISOString();
  return {
    pk: { S: `USER#${user}` },
    sk: { S: `CONV#${conversation}#TS#${ts}` },
    entity_type: { S: 'turn' },
    turn_id: { S: `t-${index}` },
    role: { S: 'user' },
    text: { S: `Turn ${index}: ünïcödé ✓ and "quotes"\nnew line` },
    seq: { N: String(index) },
    big: { N: '12345678901234567890123456789012345678' },
    negative_big: { N: '-99999999999999999999999999999999999999' },
    decimal34: { N: '3.141592653589793238462643383279503' },
    tiny: { N: '1E-130' },
    embedding: { B: new Uint8Array([0, 1, 2, 254, 255, index % 256]) },
    tags: { SS: ['travel', 'lisbon', `t${index}`] },
    scores: {
      NS: ['1', '-2.5', '0.000000000000000000000000000000000001', '98765432109876543210987654321098765432'],
    },
    blobs: { BS: [new Uint8Array([1]), new Uint8Array([0, 0, 0]), new Uint8Array([index % 256, 7])] },
    meta: {
      M: {
        nested_big: { N: '10000000000000000000000000000000000001' },
        raw: { B: new Uint8Array([9, 8, 7]) },
        flags: { L: [{ BOOL: true }, { NULL: true }, { S: '' }] },
        deeper: { M: { set: { SS: ['a', 'b'] } } },
      },
    },
    list: { L: [{ N: '1' }, { S: 'two' }, { M: { three: { N: '3' } } }, { BS: [new Uint8Array([3])] }] },
    nothing: { NULL: true },
    done: { BOOL: false },
    expires_at: { N: String(expiresAt) },
  };
}

/** A TTL expiry (Lambda format) of an item given in DynamoDB JSON. */
export function expiryOf(item: AttributeMap, sequence: number, epochSeconds: number): StreamRecord {
  return buildStreamRecord(SOURCE, {
    eventName: 'REMOVE',
    keyAttributes: ['pk', 'sk'],
    oldItem: item,
    typed: true,
    ttl: true,
    sequence,
    epochSeconds,
  });
}

/** Options for {@link expiryBatch}. */
export interface ExpiryBatchOptions {
  users?: number;
  conversationsPerUser?: number;
  /** Turns per conversation. */
  turns?: number;
  /** Hours the expiries spread over. @default 1 */
  hours?: number;
  /** Also emit some conversation, run and ledger items so several entities expire. @default true */
  otherEntities?: boolean;
}

/**
 * A realistic stream: users write conversations, turns, runs and ledger entries, then TTL deletes
 * them over `hours` hours. Returns every record and the expiries alone.
 */
export function expiryBatch(options: ExpiryBatchOptions = {}): {
  records: StreamRecord[];
  expiries: StreamRecord[];
} {
  const users = options.users ?? 3;
  const conversations = options.conversationsPerUser ?? 2;
  const turns = options.turns ?? 4;
  const hours = options.hours ?? 1;
  const others = options.otherEntities ?? true;
  const sim = new TableSimulator({ table: TABLE, keyAttributes: ['pk', 'sk'], startEpochSeconds: START });
  const keys: { pk: string; sk: string }[] = [];
  for (let u = 0; u < users; u++) {
    const pk = `USER#u-${u}`;
    for (let c = 0; c < conversations; c++) {
      const conversation = `c-${u}-${c}`;
      if (others) {
        const key = { pk, sk: `CONV#${conversation}` };
        sim.put({
          ...key,
          entity_type: 'conversation',
          title: `Conversation ${c}`,
          status: 'active',
          expires_at: sim.now,
        });
        keys.push(key);
      }
      for (let t = 0; t < turns; t++) {
        const ts = new Date((sim.now + 1) * 1000).toISOString();
        const key = { pk, sk: `CONV#${conversation}#TS#${ts}` };
        sim.put({
          ...key,
          entity_type: 'turn',
          turn_id: `t-${u}-${c}-${t}`,
          role: t % 2 === 0 ? 'user' : 'assistant',
          text: `Message ${t} of conversation ${conversation}: booking a quiet hotel in Alfama for three nights.`,
          seq: t + 1,
          tokens: 42 + t,
          embedding: new Uint8Array(64).fill(t),
          expires_at: sim.now,
        });
        keys.push(key);
      }
      if (others) {
        const run = `r-${u}-${c}`;
        const key = { pk, sk: `RUN#${run}` };
        sim.put({
          ...key,
          entity_type: 'run',
          conversation_id: conversation,
          status: 'completed',
          expires_at: sim.now,
        });
        keys.push(key);
        const ledger = { pk, sk: `LEDGER#${run}#TOOL#call-1` };
        sim.put({
          ...ledger,
          entity_type: 'ledger',
          status: 'succeeded',
          tool: 'search_hotels',
          expires_at: sim.now,
        });
        keys.push(ledger);
      }
    }
  }
  const writes = sim.records.length;
  // The TTL sweep: spread the deletions evenly over the hours, starting on an hour boundary.
  sim.advance(3600 - (sim.now % 3600));
  const step = Math.max(1, Math.floor((hours * 3600 - 1) / keys.length));
  for (const key of keys) {
    sim.expire(key);
    sim.advance(step - 1);
  }
  return { records: sim.records, expiries: sim.records.slice(writes) };
}
