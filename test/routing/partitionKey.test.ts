import { describe, expect, it } from 'vitest';
import type { KinesisOutput } from '../../lib/routing/types.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { agentMemoryTable, processAgentMemory } from '../fixtures/tables.js';

function partitionKeys(records: StreamRecord[]): string[] {
  return records.flatMap((r) =>
    processAgentMemory(r)
      .outputs.filter((o): o is KinesisOutput => o.sink === 'kinesis')
      .map((o) => o.payload.PartitionKey),
  );
}

describe('Kinesis partition keys', () => {
  it('give a conversation and all its turns one key', () => {
    const sim = agentMemoryTable();
    const records = [
      sim.put({ pk: 'USER#u-42', sk: 'CONV#c-1', title: 't' }),
      sim.put({ pk: 'USER#u-42', sk: 'CONV#c-1#TS#2026-11-22T10:00:00.000Z', text: 'a' }),
      sim.put({ pk: 'USER#u-42', sk: 'CONV#c-1#TS#2026-11-22T10:00:20.000Z', text: 'b' }),
      sim.update({ pk: 'USER#u-42', sk: 'CONV#c-1' }, { title: 'u' }),
    ];
    expect(new Set(partitionKeys(records))).toEqual(new Set(['conv#u-42#c-1']));
  });

  it('give different conversations different keys', () => {
    const sim = agentMemoryTable();
    const keys = partitionKeys([
      sim.put({ pk: 'USER#u-42', sk: 'CONV#c-1' }),
      sim.put({ pk: 'USER#u-42', sk: 'CONV#c-2' }),
    ]);
    expect(new Set(keys).size).toBe(2);
  });

  it('give a run, its steps and its tool executions one key', () => {
    const sim = agentMemoryTable();
    const records = [
      sim.put({ pk: 'USER#u-42', sk: 'RUN#r-1', status: 'queued', conversation_id: 'c-1' }),
      sim.put({ pk: 'USER#u-42', sk: 'RUN#r-1#STEP#001', status: 'running' }),
      sim.put({ pk: 'USER#u-42', sk: 'LEDGER#r-1#TOOL#call-1', status: 'pending' }),
    ];
    expect(new Set(partitionKeys(records))).toEqual(new Set(['run#r-1']));
  });

  it('give any other item a key of its own, the same for each of its changes', () => {
    const sim = agentMemoryTable();
    const key = { pk: 'IDEMPOTENCY#req-1', sk: 'IDEMPOTENCY' };
    const keys = partitionKeys([
      sim.put({ ...key, status: 'a' }),
      sim.update(key, { status: 'b' }),
      sim.delete(key),
    ]);
    expect(new Set(keys)).toEqual(new Set(['item#["IDEMPOTENCY#req-1","IDEMPOTENCY"]']));
  });

  it('hash keys longer than Kinesis accepts into at most 256 characters', () => {
    const sim = agentMemoryTable();
    const long = `IDEMPOTENCY#${'x'.repeat(400)}`;
    const [key] = partitionKeys([sim.put({ pk: long, sk: 'IDEMPOTENCY' })]);
    expect(key).toMatch(/^sha256#[0-9a-f]{64}$/);
    expect(key!.length).toBeLessThanOrEqual(256);
  });

  it('hash one long key to the same value every time', () => {
    const sim = agentMemoryTable();
    const long = `CONV#${'c'.repeat(300)}`;
    const keys = partitionKeys([
      sim.put({ pk: 'USER#u', sk: long }),
      sim.update({ pk: 'USER#u', sk: long }, { title: 'x' }),
    ]);
    expect(keys[0]).toBe(keys[1]);
  });
});
