import { describe, expect, it } from 'vitest';
import { classifyItem } from '../../lib/layout/classifyItem.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import type { Layout } from '../../lib/layout/types.js';

/** A small custom layout: a discriminator, templates, identifiers read from attributes. */
const DESK: Layout = {
  name: 'support-desk',
  partitionKey: 'PK',
  sortKey: 'SK',
  discriminator: 'kind',
  entities: [
    {
      entity: 'conversation',
      name: 'ticket',
      discriminatorValues: ['ticket'],
      pk: 'TENANT#{userId}',
      sk: 'TICKET#{conversationId}',
    },
    {
      entity: 'turn',
      name: 'reply',
      discriminatorValues: ['reply'],
      pk: 'TENANT#{userId}',
      sk: 'TICKET#{conversationId}#REPLY#{turnId}',
      identifiers: { turnId: 'reply_id', timestamp: { attribute: 'meta', path: 'sentAt' } },
    },
    { entity: 'memory', discriminatorValues: ['note'] },
  ],
  bookkeeping: [],
};

describe('classifyItem', () => {
  it('lets the discriminator decide over the key templates', () => {
    const item = { pk: 'USER#u', sk: 'CONV#c', entity_type: 'memory' };
    expect(classifyItem(agentMemoryLayout, item).entity).toBe('memory');
  });

  it('classifies by discriminator an item whose keys fit no template', () => {
    expect(classifyItem(DESK, { PK: 'elsewhere', SK: 'x', kind: 'note' }).entity).toBe('memory');
  });

  it('falls back to the templates when the discriminator value is unknown but the keys fit', () => {
    const c = classifyItem(DESK, { PK: 'TENANT#t1', SK: 'TICKET#k9', kind: 'legacy-ticket' });
    expect([c.entity, c.ids]).toEqual(['conversation', { userId: 't1', conversationId: 'k9' }]);
  });

  it('reports an unknown discriminator value as the source entity of an unknown item', () => {
    const c = classifyItem(DESK, { PK: 'elsewhere', SK: 'x', kind: 'invoice' });
    expect(c).toEqual({ entity: 'unknown', sourceEntity: 'invoice', ids: {}, rule: undefined });
  });

  it('ignores a discriminator attribute that is not a string', () => {
    expect(classifyItem(DESK, { PK: 'TENANT#t1', SK: 'TICKET#k9', kind: 7 }).entity).toBe('conversation');
  });

  it('classifies an item neither discriminator nor templates recognise as unknown, without identifiers', () => {
    expect(classifyItem(DESK, { PK: 'x', SK: 'y' })).toEqual({ entity: 'unknown', ids: {}, rule: undefined });
  });

  it('classifies an item without key attributes as unknown', () => {
    expect(classifyItem(DESK, { title: 'no keys' }).entity).toBe('unknown');
  });

  it("returns the matching rule and the table's own entity name", () => {
    const c = classifyItem(DESK, { PK: 'TENANT#t1', SK: 'TICKET#k9#REPLY#r1' });
    expect([c.rule?.name, c.sourceEntity]).toEqual(['reply', 'reply']);
  });

  it('reads identifiers from attributes, over values parsed from the keys', () => {
    const c = classifyItem(DESK, { PK: 'TENANT#t1', SK: 'TICKET#k9#REPLY#r1', reply_id: 'R-0001' });
    expect(c.ids.turnId).toBe('R-0001');
  });

  it('reads identifiers from a path inside a JSON attribute', () => {
    const c = classifyItem(DESK, {
      PK: 'TENANT#t1',
      SK: 'TICKET#k9#REPLY#r1',
      meta: '{"sentAt":"2026-11-22T10:00:00Z"}',
    });
    expect(c.ids.timestamp).toBe('2026-11-22T10:00:00Z');
  });

  it('keeps only known identifier names from key placeholders', () => {
    const layout: Layout = {
      ...DESK,
      discriminator: undefined,
      entities: [{ entity: 'run', pk: 'JOB#{jobId}#{runId}' }],
    };
    expect(classifyItem(layout, { PK: 'JOB#nightly#r7' }).ids).toEqual({ runId: 'r7' });
  });

  it('matches number partition keys by their decimal text', () => {
    const layout: Layout = {
      name: 'numeric',
      partitionKey: 'id',
      entities: [{ entity: 'flag', pk: '{flagKey}' }],
      bookkeeping: [],
    };
    expect(classifyItem(layout, { id: 1234 }).ids).toEqual({ flagKey: '1234' });
  });

  it('classifies a table without a sort key by its partition key template', () => {
    const layout: Layout = {
      name: 'pk-only',
      partitionKey: 'id',
      entities: [{ entity: 'memory', pk: 'MEM#{memoryId}' }],
      bookkeeping: [],
    };
    expect(classifyItem(layout, { id: 'MEM#m1' }).entity).toBe('memory');
  });

  it('tries rules in order and takes the first that fits', () => {
    const layout: Layout = {
      name: 'overlapping',
      partitionKey: 'pk',
      entities: [
        { entity: 'run', pk: 'JOB#{runId}' },
        { entity: 'memory', pk: 'JOB#{memoryId}' },
      ],
      bookkeeping: [],
    };
    expect(classifyItem(layout, { pk: 'JOB#1' }).entity).toBe('run');
  });

  it('gives the same answer when a layout is used again', () => {
    const item = { PK: 'TENANT#t1', SK: 'TICKET#k9' };
    expect(classifyItem(DESK, item)).toEqual(classifyItem(DESK, item));
  });
});
