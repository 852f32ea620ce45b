import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.js';
import { compilePattern } from '../../lib/patterns/index.js';
import { type MemoryEventFilter, memoryEventPattern } from '../../lib/subscriptions/memoryEventPattern.js';

describe('memoryEventPattern', () => {
  it('matches every memory-cdc event and nothing else when the filter is empty', () => {
    expect(memoryEventPattern({})).toEqual({ source: ['memory-cdc'] });
  });

  it('puts detail-types at the top level and the other fields under detail, in the event shape', () => {
    expect(
      memoryEventPattern({
        detailType: ['Turn Created', 'Turn Updated'],
        entity: ['turn'],
        op: ['insert', 'modify'],
        expired: false,
        ids: { userId: ['u-1'], conversationId: [{ prefix: 'c-' }] },
        changed: ['text'],
        table: ['agent-memory'],
        layout: ['agent-memory'],
        sourceEntity: [{ 'anything-but': ['thread'] }],
      }),
    ).toEqual({
      source: ['memory-cdc'],
      'detail-type': ['Turn Created', 'Turn Updated'],
      detail: {
        entity: ['turn'],
        op: ['insert', 'modify'],
        expired: [false],
        sourceEntity: [{ 'anything-but': ['thread'] }],
        ids: { userId: ['u-1'], conversationId: [{ prefix: 'c-' }] },
        changed: ['text'],
        origin: { table: ['agent-memory'] },
        layout: ['agent-memory'],
      },
    });
  });

  it('builds patterns the offline EventBridge matcher accepts as valid', () => {
    const pattern = memoryEventPattern({
      detailType: ['Run Failed'],
      ids: { runId: [{ 'equals-ignore-case': 'R-1' }], userId: [{ wildcard: 'tenant-*' }] },
    });
    expect(() => compilePattern(pattern)).not.toThrow();
  });

  it('does not share arrays with the filter, so later edits to the filter cannot change a rule', () => {
    const filter: MemoryEventFilter = { entity: ['turn'] };
    const pattern = memoryEventPattern(filter);
    filter.entity!.push('run');
    expect(pattern.detail).toEqual({ entity: ['turn'] });
  });

  it.each([
    [
      { detailType: ['Turn Added'] },
      /detailType has an unknown value "Turn Added"; valid values: .*Turn Created/,
    ],
    [{ entity: ['message'] }, /entity has an unknown value "message"; valid values: conversation, turn/],
    [{ op: ['delete'] }, /op has an unknown value "delete"; valid values: insert, modify, remove/],
    [{ entity: [] }, /entity is an empty list, which never matches/],
    [{ changed: 'text' }, /changed must be a list \(given "text"\)/],
    [{ expired: 'yes' }, /expired must be true or false \(given "yes"\)/],
    [{ ids: { user: ['u-1'] } }, /unknown identifier "user"; valid identifiers: userId/],
    [{ ids: {} }, /ids is empty/],
    [{ ids: { userId: [{ prefix: 1 }] } }, /ids.userId has an invalid value \{"prefix":1\}/],
    [{ ids: { userId: [{ numeric: ['>', 1] }] } }, /ids.userId has an invalid value/],
    [{ entities: ['turn'] }, /unknown field "entities"; valid fields: detailType, entity/],
  ])('rejects %j naming the field and the bad value', (filter, message) => {
    expect(() => memoryEventPattern(filter as MemoryEventFilter)).toThrow(ConfigError);
    expect(() => memoryEventPattern(filter as MemoryEventFilter)).toThrow(message);
  });
});
