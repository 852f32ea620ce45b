import { describe, expect, it } from 'vitest';
import type { ArchiveOutput } from '../../lib/routing/types.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { agentMemoryTable, processAgentMemory } from '../fixtures/tables.js';

const TURN = { pk: 'USER#u-42', sk: 'CONV#c-1#TS#2026-11-22T10:00:00.000Z' };

function archived(record: StreamRecord): ArchiveOutput {
  const output = processAgentMemory(record).outputs.find((o): o is ArchiveOutput => o.sink === 'archive');
  if (!output) throw new Error('no archive output');
  return output;
}

function expiredTurn(viewType: 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY' = 'NEW_AND_OLD_IMAGES'): StreamRecord {
  const sim = agentMemoryTable({ viewType, startEpochSeconds: 1_795_860_000 });
  sim.put({ ...TURN, text: 'Remind me', seq: 1, blob: new Uint8Array([1, 2]), expires_at: 1_795_000_000 });
  return sim.expire(TURN);
}

describe('the archive entry of a TTL expiry', () => {
  it('keeps the full old image in DynamoDB JSON, as the stream carried it', () => {
    const record = expiredTurn();
    expect(archived(record).payload.item).toEqual(record.dynamodb?.OldImage);
    expect(archived(record).payload.item.seq).toEqual({ N: '1' });
  });

  it('keeps the keys in DynamoDB JSON and the item as plain JSON', () => {
    const { payload } = archived(expiredTurn());
    expect(payload.keys).toEqual({ pk: { S: TURN.pk }, sk: { S: TURN.sk } });
    expect(payload.plain).toEqual({
      ...TURN,
      text: 'Remind me',
      seq: 1,
      blob: 'AQI=',
      expires_at: 1_795_000_000,
    });
  });

  it('names the table, entity, identifiers and expiry time', () => {
    const { payload } = archived(expiredTurn());
    expect(payload).toMatchObject({
      table: 'agent-memory',
      entity: 'turn',
      ids: { userId: 'u-42', conversationId: 'c-1', timestamp: '2026-11-22T10:00:00.000Z' },
      expiredAt: new Date(1_795_860_002_000).toISOString(),
    });
  });

  it('partitions by the date and hour of the expiry', () => {
    const { payload } = archived(expiredTurn());
    const time = new Date(1_795_860_002_000).toISOString();
    expect(payload.partition).toEqual({ dt: time.slice(0, 10), hour: time.slice(11, 13) });
  });

  it("carries the expiry event's id and the stream position", () => {
    const record = expiredTurn();
    const output = archived(record);
    expect(output.payload.eventId).toBe(output.eventId);
    expect(output.payload.origin).toEqual({
      streamArn: record.eventSourceARN,
      eventId: record.eventID,
      sequenceNumber: record.dynamodb?.SequenceNumber,
    });
  });

  it('keeps only the keys when the stream has no old image', () => {
    const { payload } = archived(expiredTurn('KEYS_ONLY'));
    expect([payload.item, payload.plain]).toEqual([payload.keys, TURN]);
  });
});
