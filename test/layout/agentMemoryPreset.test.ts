import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyItem } from '../../lib/layout/classifyItem.js';
import { compileKeyTemplate } from '../../lib/layout/keyTemplate.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import type { EntityKind, Identifiers } from '../../lib/layout/types.js';
import type { PlainItem } from '../../lib/stream/types.js';

const TS = '2026-11-22T10:00:00.000Z';

/** One item per agent-memory entity, with the kind and identifiers the preset must give it. */
const ENTITIES: {
  name: string;
  item: PlainItem;
  entity: EntityKind;
  ids: Identifiers;
  sourceEntity?: string;
}[] = [
  {
    name: 'a conversation',
    item: { pk: 'USER#u-42', sk: 'CONV#c-7f3a', title: 'Trip' },
    entity: 'conversation',
    ids: { userId: 'u-42', conversationId: 'c-7f3a' },
  },
  {
    name: 'a turn',
    item: { pk: 'USER#u-42', sk: `CONV#c-7f3a#TS#${TS}`, turn_id: 't-1', role: 'user', text: 'hi' },
    entity: 'turn',
    ids: { userId: 'u-42', conversationId: 'c-7f3a', timestamp: TS, turnId: 't-1' },
  },
  {
    name: 'a run',
    item: { pk: 'USER#u-42', sk: 'RUN#r-91', conversation_id: 'c-7f3a', status: 'queued' },
    entity: 'run',
    ids: { userId: 'u-42', runId: 'r-91', conversationId: 'c-7f3a' },
  },
  {
    name: 'a run step',
    item: { pk: 'USER#u-42', sk: 'RUN#r-91#STEP#002', status: 'running' },
    entity: 'run_step',
    ids: { userId: 'u-42', runId: 'r-91', step: '002' },
  },
  {
    name: 'a ledger entry (tool execution)',
    item: { pk: 'USER#u-42', sk: 'LEDGER#r-91#TOOL#call-1', status: 'pending' },
    entity: 'ledger',
    ids: { userId: 'u-42', runId: 'r-91', toolCallId: 'call-1' },
  },
  {
    name: 'a memory',
    item: { pk: 'USER#u-42', sk: 'MEM#m-1', text: 'Prefers quiet hotels' },
    entity: 'memory',
    ids: { userId: 'u-42', memoryId: 'm-1' },
  },
  {
    name: 'an idempotency key',
    item: { pk: 'IDEMPOTENCY#req-5c1e', sk: 'IDEMPOTENCY', status: 'in_progress' },
    entity: 'idempotency',
    ids: { idempotencyKey: 'req-5c1e' },
  },
  {
    name: 'a rate-limit counter',
    item: { pk: 'RATELIMIT#u-42:llm-tokens', sk: 'WINDOW#2026-11-28T10:00', count: 1 },
    entity: 'rate_limit',
    ids: { counterKey: 'u-42:llm-tokens', timestamp: '2026-11-28T10:00' },
  },
  {
    name: 'a global feature flag',
    item: { pk: 'FLAG#semantic-recall', sk: 'FLAG', enabled: true },
    entity: 'flag',
    ids: { flagKey: 'semantic-recall' },
  },
  {
    name: "a user's feature flag",
    item: { pk: 'USER#u-42', sk: 'FLAG#beta-ui', enabled: true },
    entity: 'flag',
    ids: { userId: 'u-42', flagKey: 'beta-ui' },
    sourceEntity: 'user_flag',
  },
];

describe('the agent-memory preset', () => {
  it.each(ENTITIES)('classifies $name from its keys', ({ item, entity, ids }) => {
    const classification = classifyItem(agentMemoryLayout, item);
    expect(classification.entity).toBe(entity);
    expect(classification.ids).toEqual(ids);
  });

  it.each(ENTITIES)('classifies $name from its keys alone (KEYS_ONLY streams)', ({ item, entity }) => {
    expect(classifyItem(agentMemoryLayout, { pk: item.pk!, sk: item.sk! }).entity).toBe(entity);
  });

  it.each(ENTITIES)(
    'reports the source entity of $name only where the table names it differently',
    ({ item, sourceEntity }) => {
      expect(classifyItem(agentMemoryLayout, item).sourceEntity).toBe(sourceEntity);
    },
  );

  it('tells a turn from its conversation although both sort keys begin with CONV#', () => {
    const conversation = classifyItem(agentMemoryLayout, { pk: 'USER#u', sk: 'CONV#c' });
    const turn = classifyItem(agentMemoryLayout, { pk: 'USER#u', sk: `CONV#c#TS#${TS}` });
    expect([conversation.entity, turn.entity]).toEqual(['conversation', 'turn']);
  });

  it('tells a run step from its run although both sort keys begin with RUN#', () => {
    const run = classifyItem(agentMemoryLayout, { pk: 'USER#u', sk: 'RUN#r' });
    const step = classifyItem(agentMemoryLayout, { pk: 'USER#u', sk: 'RUN#r#STEP#1' });
    expect([run.entity, step.entity]).toEqual(['run', 'run_step']);
  });

  it.each([
    ['turn', 'turn'],
    ['message', 'turn'],
    ['conversation', 'conversation'],
    ['session', 'conversation'],
    ['run', 'run'],
    ['run_step', 'run_step'],
    ['step', 'run_step'],
    ['ledger', 'ledger'],
    ['tool_execution', 'ledger'],
    ['memory', 'memory'],
    ['fact', 'memory'],
    ['idempotency', 'idempotency'],
    ['rate_limit', 'rate_limit'],
    ['counter', 'rate_limit'],
    ['flag', 'flag'],
  ])('classifies an item whose entity_type is %s as %s', (entityType, entity) => {
    expect(classifyItem(agentMemoryLayout, { pk: 'ANY#x', sk: 'ANY', entity_type: entityType }).entity).toBe(
      entity,
    );
  });

  it('keeps the user id of an item classified by entity_type where its keys fit the template', () => {
    const c = classifyItem(agentMemoryLayout, { pk: 'USER#u-42', sk: 'MEM#m-1', entity_type: 'fact' });
    expect(c.ids).toEqual({ userId: 'u-42', memoryId: 'm-1' });
  });

  it('classifies items outside every template as unknown', () => {
    for (const item of [
      { pk: 'SYSTEM#migrations', sk: 'v12' },
      { pk: 'USER#u-42', sk: 'PREFS#ui' },
      { pk: 'USER#u-42', sk: 'CONV#' },
      { pk: 'USER#', sk: 'CONV#c' },
    ]) {
      expect(classifyItem(agentMemoryLayout, item).entity).toBe('unknown');
    }
  });

  it('declares pk, sk, expires_at and the bookkeeping attributes', () => {
    expect(agentMemoryLayout).toMatchObject({
      partitionKey: 'pk',
      sortKey: 'sk',
      ttlAttribute: 'expires_at',
    });
    expect(agentMemoryLayout.bookkeeping).toEqual(expect.arrayContaining(['updated_at', 'expires_at']));
  });

  it('uses the templates the issue prescribes for turns and run steps', () => {
    const turn = agentMemoryLayout.entities.find((r) => r.entity === 'turn')!;
    const step = agentMemoryLayout.entities.find((r) => r.entity === 'run_step')!;
    expect([turn.pk, turn.sk, step.sk]).toEqual([
      'USER#{userId}',
      'CONV#{conversationId}#TS#{timestamp}',
      'RUN#{runId}#STEP#{step}',
    ]);
  });

  it('documents every key template in docs/layouts/agent-memory.md', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/layouts/agent-memory.md'), 'utf8');
    for (const rule of agentMemoryLayout.entities) {
      expect(doc).toContain(`| \`${rule.pk}\` | ${rule.sk ? `\`${rule.sk}\`` : ''} |`);
    }
  });

  it('has templates that all compile', () => {
    for (const rule of agentMemoryLayout.entities) {
      if (rule.pk) expect(compileKeyTemplate(rule.pk).source).toBe(rule.pk);
      if (rule.sk) expect(compileKeyTemplate(rule.sk).source).toBe(rule.sk);
    }
  });
});
