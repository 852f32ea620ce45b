import { describe, expect, it } from 'vitest';
import type { Item, TableSimulator } from '../../lib/fixtures/TableSimulator.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { agentMemoryTable, processAgentMemory } from '../fixtures/tables.js';

const RUN = { pk: 'USER#u-42', sk: 'RUN#r-91' };
const STEP = { pk: 'USER#u-42', sk: 'RUN#r-91#STEP#001' };
const LEDGER = { pk: 'USER#u-42', sk: 'LEDGER#r-91#TOOL#call-1' };
const TURN_SK = (n: number) => `CONV#c-1#TS#2026-11-22T10:00:0${n}.000Z`;

function table(key: Item, status: string): TableSimulator {
  const sim = agentMemoryTable();
  sim.put({ ...key, status });
  return sim;
}

function semantic(record: Parameters<typeof processAgentMemory>[0]) {
  return processAgentMemory(record)
    .events.filter((e) => e.kind === 'semantic')
    .map((e) => ({ detailType: e.detailType, transition: e.detail.transition }));
}

describe('semantic events', () => {
  it('emits Run Completed when a run becomes completed', () => {
    const record = table(RUN, 'running').update(RUN, { status: 'completed' });
    expect(semantic(record)).toEqual([
      { detailType: 'Run Completed', transition: { field: 'status', from: 'running', to: 'completed' } },
    ]);
  });

  it('emits Run Failed when a run becomes failed', () => {
    const record = table(RUN, 'running').update(RUN, { status: 'failed' });
    expect(semantic(record)).toEqual([
      { detailType: 'Run Failed', transition: { field: 'status', from: 'running', to: 'failed' } },
    ]);
  });

  it('emits Run Step Completed when a step becomes completed', () => {
    const record = table(STEP, 'running').update(STEP, { status: 'completed' });
    expect(semantic(record).map((s) => s.detailType)).toEqual(['Run Step Completed']);
  });

  it('emits Run Step Failed when a step becomes failed', () => {
    const record = table(STEP, 'running').update(STEP, { status: 'timed_out' });
    expect(semantic(record)).toEqual([
      { detailType: 'Run Step Failed', transition: { field: 'status', from: 'running', to: 'timed_out' } },
    ]);
  });

  it('emits Ledger Entry Settled when a tool execution succeeds', () => {
    const record = table(LEDGER, 'pending').update(LEDGER, { status: 'succeeded' });
    expect(semantic(record)).toEqual([
      {
        detailType: 'Ledger Entry Settled',
        transition: { field: 'status', from: 'pending', to: 'succeeded' },
      },
    ]);
  });

  it('emits Ledger Entry Settled when a tool execution fails, with the failure in the transition', () => {
    const record = table(LEDGER, 'pending').update(LEDGER, { status: 'failed' });
    expect(semantic(record)[0]?.transition?.to).toBe('failed');
  });

  it('emits Conversation Started for the first turn of a conversation', () => {
    const record = agentMemoryTable().put({
      pk: 'USER#u-42',
      sk: TURN_SK(1),
      role: 'user',
      text: 'hi',
      seq: 1,
    });
    expect(semantic(record)).toEqual([
      { detailType: 'Conversation Started', transition: { field: 'sequence', from: null, to: '1' } },
    ]);
  });

  it("does not count a turn with sequence 0 when the layout's first sequence is 1 (once per conversation)", () => {
    const record = agentMemoryTable().put({ pk: 'USER#u-42', sk: TURN_SK(0), text: 'hi', seq: 0 });
    expect(semantic(record)).toEqual([]);
  });

  it('counts a turn with sequence 0 as the first when the layout says its turns count from 0', () => {
    const zeroBased = { ...agentMemoryLayout, firstSequence: 0 };
    const sim = agentMemoryTable();
    const first = processAgentMemory(sim.put({ pk: 'USER#u-42', sk: TURN_SK(0), text: 'hi', seq: 0 }), {
      layout: zeroBased,
    });
    const second = processAgentMemory(sim.put({ pk: 'USER#u-42', sk: TURN_SK(1), text: 'yo', seq: 1 }), {
      layout: zeroBased,
    });
    expect(
      [...first.events, ...second.events].filter((e) => e.kind === 'semantic').map((e) => e.detailType),
    ).toEqual(['Conversation Started']);
  });

  it('does not emit Conversation Started for later turns', () => {
    const record = agentMemoryTable().put({ pk: 'USER#u-42', sk: TURN_SK(2), text: 'and then', seq: 2 });
    expect(semantic(record)).toEqual([]);
  });

  it('does not emit Conversation Started when the first turn is modified', () => {
    const sim = agentMemoryTable();
    sim.put({ pk: 'USER#u-42', sk: TURN_SK(1), text: 'hi', seq: 1 });
    expect(semantic(sim.update({ pk: 'USER#u-42', sk: TURN_SK(1) }, { text: 'hello' }))).toEqual([]);
  });

  it('emits Run Completed for a run inserted already completed, from no status', () => {
    const record = agentMemoryTable().put({ ...RUN, status: 'completed' });
    expect(semantic(record)).toEqual([
      { detailType: 'Run Completed', transition: { field: 'status', from: null, to: 'completed' } },
    ]);
  });

  it('emits nothing when a run that already finished changes status again', () => {
    const record = table(RUN, 'completed').update(RUN, { status: 'failed' });
    expect(semantic(record)).toEqual([]);
  });

  it('emits nothing when a finished run is modified without a status change', () => {
    const record = table(RUN, 'completed').update(RUN, { cost_usd: 0.01 });
    expect(semantic(record)).toEqual([]);
  });

  it('emits nothing when a ledger entry already settled is settled again', () => {
    const record = table(LEDGER, 'succeeded').update(LEDGER, { status: 'failed' });
    expect(semantic(record)).toEqual([]);
  });

  it('emits nothing for a status that is not final', () => {
    const record = table(RUN, 'queued').update(RUN, { status: 'running' });
    expect(semantic(record)).toEqual([]);
  });

  it('emits nothing when a finished run is deleted', () => {
    const sim = table(RUN, 'completed');
    expect(semantic(sim.delete(RUN))).toEqual([]);
  });

  it('emits nothing for a status change of an entity without final statuses', () => {
    const key = { pk: 'IDEMPOTENCY#req-1', sk: 'IDEMPOTENCY' };
    const record = table(key, 'in_progress').update(key, { status: 'completed' });
    expect(semantic(record)).toEqual([]);
  });

  it('emits the change event first and the semantic event after it', () => {
    const record = table(RUN, 'running').update(RUN, { status: 'completed' });
    expect(processAgentMemory(record).events.map((e) => e.detailType)).toEqual([
      'Run Updated',
      'Run Completed',
    ]);
  });

  it('gives the semantic event the same images, identifiers and transition as the change event', () => {
    const record = table(RUN, 'running').update(RUN, { status: 'completed' });
    const [change, completed] = processAgentMemory(record).events;
    const { eventId: _a, detailType: _b, ...semanticRest } = completed!.detail;
    const { eventId: _d, detailType: _e, ...changeRest } = change!.detail;
    expect(semanticRest).toEqual(changeRest);
  });
});
