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
    expect(new Set(partitionKeys(records))).toEqual(new Set(['conv#agent-memory#u-42#c-1']));
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
    expect(new Set(partitionKeys(records))).toEqual(new Set(['run#agent-memory#r-1']));
  });

  it('give any other item a key of its own, the same for each of its changes', () => {
    const sim = agentMemoryTable();
    const key = { pk: 'IDEMPOTENCY#req-1', sk: 'IDEMPOTENCY' };
    const keys = partitionKeys([
      sim.put({ ...key, status: 'a' }),
      sim.update(key, { status: 'b' }),
      sim.delete(key),
    ]);
    expect(new Set(keys)).toEqual(new Set(['item#agent-memory#["IDEMPOTENCY#req-1","IDEMPOTENCY"]']));
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

  it('give the same conversation in two tables two keys, each naming its table', () => {
    const keys = [agentMemoryTable(), agentMemoryTable({ table: 'agent-memory-eu' })].flatMap((sim) =>
      partitionKeys([sim.put({ pk: 'USER#u-42', sk: 'CONV#c-1' })]),
    );
    expect(keys).toEqual(['conv#agent-memory#u-42#c-1', 'conv#agent-memory-eu#u-42#c-1']);
  });
});
