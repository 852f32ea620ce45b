import { describe, expect, it } from 'vitest';
import { buildEvents } from '../../lib/catalog/buildEvents.js';
import { classifyItem } from '../../lib/layout/classifyItem.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { decodeRecord } from '../../lib/stream/decodeRecord.js';
import { agentMemoryTable, processAgentMemory } from '../fixtures/tables.js';

const WINDOW = { pk: 'RATELIMIT#u-42:llm-tokens', sk: 'WINDOW#2026-11-28T10:00' };
const TURN = { pk: 'USER#u-42', sk: 'CONV#c-1#TS#2026-11-22T10:00:00.000Z' };

describe('noise', () => {
  it('marks every change of a rate-limit counter as entity noise', () => {
    const sim = agentMemoryTable();
    const records = [sim.put({ ...WINDOW, count: 1 }), sim.update(WINDOW, { count: 2 }), sim.delete(WINDOW)];
    expect(records.map((r) => processAgentMemory(r).events.map((e) => e.noise))).toEqual([
      ['entity'],
      ['entity'],
      ['entity'],
    ]);
  });

  it('marks a modify that changes only bookkeeping attributes as bookkeeping noise', () => {
    const sim = agentMemoryTable();
    sim.put({ ...TURN, text: 'hi', updated_at: 'a', expires_at: 1 });
    const { events } = processAgentMemory(sim.update(TURN, { updated_at: 'b', expires_at: 2 }));
    expect(events.map((e) => e.noise)).toEqual(['bookkeeping']);
  });

  it('marks a modify that changes nothing at all as bookkeeping noise', () => {
    const sim = agentMemoryTable();
    sim.put({ ...TURN, text: 'hi' });
    expect(processAgentMemory(sim.put({ ...TURN, text: 'hi' })).events.map((e) => e.noise)).toEqual([
      'bookkeeping',
    ]);
  });

  it('does not mark a modify that changes a real attribute along with bookkeeping as noise', () => {
    const sim = agentMemoryTable();
    sim.put({ ...TURN, text: 'hi', updated_at: 'a' });
    const { events } = processAgentMemory(sim.update(TURN, { feedback: 'thumbs_up', updated_at: 'b' }));
    expect(events.map((e) => e.noise)).toEqual([undefined]);
  });

  it('never marks a modify on a NEW_IMAGE stream as noise: there is nothing to compare', () => {
    const sim = agentMemoryTable({ viewType: 'NEW_IMAGE' });
    sim.put({ ...TURN, text: 'hi', updated_at: 'a' });
    const { events } = processAgentMemory(sim.update(TURN, { updated_at: 'b' }));
    expect(events.map((e) => e.noise)).toEqual([undefined]);
  });

  it('never marks an insert or a delete as bookkeeping noise', () => {
    const sim = agentMemoryTable();
    const insert = sim.put({ ...TURN, updated_at: 'a' });
    const remove = sim.delete(TURN);
    expect([insert, remove].map((r) => processAgentMemory(r).events[0]?.noise)).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('emits no semantic event for a noisy change', () => {
    const layout = {
      ...agentMemoryLayout,
      bookkeeping: [...agentMemoryLayout.bookkeeping, 'status'],
    };
    const sim = agentMemoryTable();
    const run = { pk: 'USER#u', sk: 'RUN#r' };
    sim.put({ ...run, status: 'running' });
    const change = decodeRecord(sim.update(run, { status: 'completed' }));
    const events = buildEvents(change, classifyItem(layout, change.after!), layout);
    expect(events.map((e) => [e.detailType, e.noise])).toEqual([['Run Updated', 'bookkeeping']]);
  });

  it('lets the caller choose which entities are noise', () => {
    const change = decodeRecord(agentMemoryTable().put({ ...WINDOW, count: 1 }));
    const classification = classifyItem(agentMemoryLayout, change.after!);
    const quiet = buildEvents(change, classification, agentMemoryLayout, { noiseEntities: [] });
    const loud = buildEvents(change, classification, agentMemoryLayout, {
      noiseEntities: ['rate_limit', 'flag'],
    });
    expect([quiet[0]?.noise, loud[0]?.noise]).toEqual([undefined, 'entity']);
  });
});
