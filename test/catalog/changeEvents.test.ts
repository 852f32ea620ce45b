import { describe, expect, it } from 'vitest';
import { changeDetailType, changeVerb, DETAIL_TYPES, ENTITY_LABELS } from '../../lib/catalog/detailTypes.js';
import { DETAIL_VERSION, EVENT_SOURCE } from '../../lib/catalog/types.js';
import { ENTITY_KINDS } from '../../lib/layout/types.js';
import { agentMemoryTable, processAgentMemory } from '../fixtures/tables.js';

const KEY = { pk: 'USER#u-42', sk: 'MEM#m-1' };

describe('change events', () => {
  it('names an insert "<Entity> Created"', () => {
    const { events } = processAgentMemory(agentMemoryTable().put({ ...KEY, text: 'a' }));
    expect(events.map((e) => [e.kind, e.detailType])).toEqual([['change', 'Memory Created']]);
  });

  it('names a modify "<Entity> Updated"', () => {
    const sim = agentMemoryTable();
    sim.put({ ...KEY, text: 'a' });
    expect(processAgentMemory(sim.update(KEY, { text: 'b' })).events[0]?.detailType).toBe('Memory Updated');
  });

  it('names a user delete "<Entity> Deleted"', () => {
    const sim = agentMemoryTable();
    sim.put({ ...KEY, text: 'a' });
    const { events } = processAgentMemory(sim.delete(KEY));
    expect([events[0]?.detailType, events[0]?.detail.expired]).toEqual(['Memory Deleted', false]);
  });

  it('names a TTL expiry "<Entity> Expired"', () => {
    const sim = agentMemoryTable();
    sim.put({ ...KEY, text: 'a' });
    const { events } = processAgentMemory(sim.expire(KEY));
    expect([events[0]?.detailType, events[0]?.detail.expired]).toEqual(['Memory Expired', true]);
  });

  it.each(ENTITY_KINDS)('gives %s a detail-type for every op in the catalog', (entity) => {
    const catalogued = new Set(DETAIL_TYPES.map((d) => d.detailType));
    for (const [op, expired] of [
      ['insert', false],
      ['modify', false],
      ['remove', false],
      ['remove', true],
    ] as const) {
      const detailType = changeDetailType(entity, op, expired);
      expect(detailType).toBe(`${ENTITY_LABELS[entity]} ${changeVerb(op, expired)}`);
      expect(catalogued.has(detailType as never)).toBe(true);
    }
  });

  it('fills the detail envelope from the change, the classification and the stream position', () => {
    const record = agentMemoryTable().put({
      pk: 'USER#u-42',
      sk: 'RUN#r-1',
      status: 'queued',
      conversation_id: 'c-1',
    });
    const { events, change } = processAgentMemory(record);
    expect(events[0]?.source).toBe(EVENT_SOURCE);
    expect(events[0]?.detail).toEqual({
      version: DETAIL_VERSION,
      eventId: expect.any(String),
      detailType: 'Run Created',
      op: 'insert',
      entity: 'run',
      expired: false,
      ids: { userId: 'u-42', runId: 'r-1', conversationId: 'c-1' },
      keys: { pk: 'USER#u-42', sk: 'RUN#r-1' },
      changed: ['conversation_id', 'pk', 'sk', 'status'],
      before: null,
      after: change.after,
      transition: { field: 'status', from: null, to: 'queued' },
      layout: 'agent-memory',
      time: change.position.approximateCreationTime,
      origin: {
        table: 'agent-memory',
        streamArn: record.eventSourceARN,
        region: 'us-east-1',
        eventId: record.eventID,
        sequenceNumber: record.dynamodb?.SequenceNumber,
        approximateCreationTime: change.position.approximateCreationTime,
      },
    });
  });

  it("puts the table's own entity name in the detail when it differs from the kind", () => {
    const { events } = processAgentMemory(
      agentMemoryTable().put({ pk: 'USER#u', sk: 'FLAG#beta', enabled: true }),
    );
    expect([events[0]?.detail.entity, events[0]?.detail.sourceEntity]).toEqual(['flag', 'user_flag']);
  });

  it('leaves the source entity out when it is the kind', () => {
    const { events } = processAgentMemory(agentMemoryTable().put({ pk: 'USER#u', sk: 'MEM#m' }));
    expect('sourceEntity' in events[0]!.detail).toBe(false);
  });

  it('emits unknown items as "Unknown Item" events rather than dropping them', () => {
    const { events } = processAgentMemory(agentMemoryTable().put({ pk: 'SYSTEM#migrations', sk: 'v12' }));
    expect(events.map((e) => e.detailType)).toEqual(['Unknown Item Created']);
  });

  it('uses the EventBridge source it is given', () => {
    const { events } = processAgentMemory(agentMemoryTable().put({ ...KEY }), { source: 'acme.memory' });
    expect(events[0]?.source).toBe('acme.memory');
  });
});
