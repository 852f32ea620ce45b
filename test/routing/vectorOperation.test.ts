import { describe, expect, it } from 'vitest';
import { embeddingBytes } from '../../lib/fixtures/embeddingBytes.js';
import type { TableSimulator } from '../../lib/fixtures/TableSimulator.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import type { PipelineOptions } from '../../lib/pipeline/types.js';
import type { VectorOperation, VectorOutput } from '../../lib/routing/types.js';
import { decodeEmbedding, vectorKeyFor, vectorOperationFor } from '../../lib/routing/vectorOperation.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { agentMemoryTable, processAgentMemory } from '../fixtures/tables.js';

const TURN = { pk: 'USER#u-42', sk: 'CONV#c-1#TS#2026-11-22T10:00:00.000Z' };
const MEMORY = { pk: 'USER#u-42', sk: 'MEM#m-1' };

function vectorOps(record: StreamRecord, routing?: PipelineOptions['routing']): VectorOperation[] {
  return processAgentMemory(record, { routing })
    .outputs.filter((o): o is VectorOutput => o.sink === 'vector')
    .map((o) => o.payload);
}

function tableWithTurn(viewType?: 'NEW_IMAGE' | 'OLD_IMAGE'): TableSimulator {
  const sim = agentMemoryTable(viewType ? { viewType } : {});
  sim.put({ ...TURN, role: 'user', text: 'Find a quiet hotel', embedding: [0.5, -0.25], seq: 1 });
  return sim;
}

describe('vector operations', () => {
  it('upserts an inserted turn with its text, role and embedding', () => {
    const record = agentMemoryTable().put({
      ...TURN,
      role: 'user',
      text: 'Find a quiet hotel',
      embedding: [0.5, -0.25],
    });
    const [op] = vectorOps(record);
    expect(op).toMatchObject({
      action: 'upsert',
      reason: 'inserted',
      text: 'Find a quiet hotel',
      role: 'user',
      embedding: [0.5, -0.25],
    });
  });

  it('reads a binary embedding as float32 little-endian values', () => {
    const record = agentMemoryTable().put({ ...TURN, text: 'x', embedding: embeddingBytes([0.5, -0.25, 1]) });
    expect(vectorOps(record)[0]?.embedding).toEqual([0.5, -0.25, 1]);
  });

  it('upserts a turn whose text changed', () => {
    const record = tableWithTurn().update(TURN, { text: 'Find a quiet hotel in Alfama' });
    expect(vectorOps(record)).toMatchObject([
      { action: 'upsert', reason: 'text-changed', text: 'Find a quiet hotel in Alfama' },
    ]);
  });

  it('upserts a turn whose embedding alone changed', () => {
    const record = tableWithTurn().update(TURN, { embedding: [0.25, 0.5] });
    expect(vectorOps(record)).toMatchObject([
      { action: 'upsert', reason: 'embedding-changed', embedding: [0.25, 0.5] },
    ]);
  });

  it('skips a modify that leaves text and embedding as they were', () => {
    expect(vectorOps(tableWithTurn().update(TURN, { feedback: 'thumbs_up' }))).toEqual([]);
  });

  it('deletes a turn a user removed', () => {
    expect(vectorOps(tableWithTurn().delete(TURN))).toMatchObject([{ action: 'delete', reason: 'removed' }]);
  });

  it('deletes a turn that expired', () => {
    expect(vectorOps(tableWithTurn().expire(TURN))).toMatchObject([{ action: 'delete', reason: 'expired' }]);
  });

  it('deletes the vector of a turn whose text and embedding were removed', () => {
    const record = tableWithTurn().update(TURN, { text: undefined, embedding: undefined });
    expect(vectorOps(record)).toMatchObject([{ action: 'delete', reason: 'removed' }]);
  });

  it('upserts on a NEW_IMAGE stream, where it cannot tell what changed', () => {
    expect(vectorOps(tableWithTurn('NEW_IMAGE').update(TURN, { feedback: 'x' }))).toMatchObject([
      { action: 'upsert', reason: 'text-changed' },
    ]);
  });

  it('does nothing for a modify on an OLD_IMAGE stream, which has no text to index', () => {
    expect(vectorOps(tableWithTurn('OLD_IMAGE').update(TURN, { text: 'new' }))).toEqual([]);
  });

  it('keys the vector by the item key, the same for every change of one turn', () => {
    const sim = tableWithTurn();
    const keys = [sim.update(TURN, { text: 'b' }), sim.delete(TURN)].map((r) => vectorOps(r)[0]?.vectorKey);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[0]).toBe(vectorKeyFor('agent-memory', TURN));
  });

  it('carries the stream position so a stale change never overwrites a newer one', () => {
    const record = tableWithTurn().update(TURN, { text: 'b' });
    expect(vectorOps(record)[0]?.position).toEqual({
      sequenceNumber: record.dynamodb?.SequenceNumber,
      approximateCreationEpochMs: Number(record.dynamodb?.ApproximateCreationDateTime) * 1000,
    });
  });

  it('leaves memories out of the vector index by default', () => {
    expect(vectorOps(agentMemoryTable().put({ ...MEMORY, text: 'Prefers quiet hotels' }))).toEqual([]);
  });

  it('indexes memories when routing lists them for the vector sink', () => {
    const routing = {
      vector: { enabled: true, entities: ['turn' as const, 'memory' as const], includeNoise: true },
    };
    const record = agentMemoryTable().put({ ...MEMORY, text: 'Prefers quiet hotels' });
    expect(vectorOps(record, routing)).toMatchObject([
      { action: 'upsert', reason: 'inserted', text: 'Prefers quiet hotels' },
    ]);
  });

  it('gives no operation for an entity without text or embedding fields', () => {
    const { events } = processAgentMemory(
      agentMemoryTable().put({ pk: 'USER#u', sk: 'RUN#r', status: 'queued' }),
    );
    expect(vectorOperationFor(events[0]!.detail, agentMemoryLayout)).toBeUndefined();
  });
});

describe('decodeEmbedding', () => {
  it('reads number lists, including numbers kept as exact strings', () => {
    expect(decodeEmbedding([0.5, '0.25'])).toEqual([0.5, 0.25]);
  });

  it('rejects lists with values that are not numbers', () => {
    expect(decodeEmbedding([0.5, 'x'])).toBeUndefined();
  });

  it('rejects binary whose length is not a multiple of four bytes', () => {
    expect(decodeEmbedding(Buffer.from([1, 2, 3]).toString('base64'))).toBeUndefined();
  });

  it('finds no embedding in absent values and objects', () => {
    expect([decodeEmbedding(undefined), decodeEmbedding({ a: 1 }), decodeEmbedding('')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});
