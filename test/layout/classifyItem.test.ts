import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyItem } from '../../lib/layout/classifyItem.js';
import { compileKeyTemplate } from '../../lib/layout/keyTemplate.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { IDENTIFIER_NAMES, type Layout } from '../../lib/layout/types.js';

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

describe('identifiers read from the key templates', () => {
  /** How identifiers were first read: both templates matched to records, the sort key's merged in. */
  function reference(layout: Layout, item: Record<string, string>): Record<string, string> | undefined {
    for (const rule of layout.entities) {
      const pk = rule.pk ? compileKeyTemplate(rule.pk).match(item.pk!) : undefined;
      const sk = rule.sk ? compileKeyTemplate(rule.sk).match(item.sk!) : undefined;
      if ((rule.pk && !pk) || (rule.sk && !sk)) continue;
      const merged: Record<string, string> = { ...pk };
      for (const name in sk) merged[name] = sk[name]!;
      const ids: Record<string, string> = {};
      for (const name in merged)
        if ((IDENTIFIER_NAMES as readonly string[]).includes(name)) ids[name] = merged[name]!;
      return ids;
    }
    return undefined;
  }

  const name = fc.constantFrom('userId', 'conversationId', 'runId', 'step', 'other', 'timestamp');
  const template = fc
    .uniqueArray(name, { minLength: 0, maxLength: 3 })
    .chain((names) =>
      fc.constantFrom('', 'A#', 'B#').map((lead) => lead + names.map((n) => `{${n}}`).join('#')),
    )
    .filter((t) => t !== '');
  const key = fc
    .array(fc.constantFrom('A', 'B', 'u-1', 'c', '7', 'x'), { minLength: 1, maxLength: 4 })
    .map((p) => p.join('#'));

  it('gives the same ids, in the same order, as matching both templates and merging', () => {
    fc.assert(
      fc.property(template, template, key, key, (pkTemplate, skTemplate, pk, sk) => {
        const layout: Layout = {
          name: 'generated',
          partitionKey: 'pk',
          sortKey: 'sk',
          entities: [{ entity: 'memory', pk: pkTemplate, sk: skTemplate }],
          bookkeeping: [],
        };
        const expected = reference(layout, { pk, sk });
        const { entity, ids } = classifyItem(layout, { pk, sk });
        expect(entity).toBe(expected ? 'memory' : 'unknown');
        expect(Object.entries(ids)).toEqual(Object.entries(expected ?? {}));
      }),
      { numRuns: 2000 },
    );
  });

  it("takes a placeholder both keys name from the sort key, in the partition key's place", () => {
    const layout: Layout = {
      name: 'shared',
      partitionKey: 'pk',
      sortKey: 'sk',
      entities: [{ entity: 'turn', pk: 'T#{conversationId}#{userId}', sk: 'S#{runId}#{conversationId}' }],
      bookkeeping: [],
    };
    const { ids } = classifyItem(layout, { pk: 'T#c-pk#u', sk: 'S#r#c-sk' });
    expect(Object.entries(ids)).toEqual([
      ['conversationId', 'c-sk'],
      ['userId', 'u'],
      ['runId', 'r'],
    ]);
  });
});
