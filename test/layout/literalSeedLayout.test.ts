import { describe, expect, it } from 'vitest';
import { bundledFixtures } from '../../lib/fixtures/bundledFixtures.js';
import { classifyItem } from '../../lib/layout/classifyItem.js';
import { detectLayout } from '../../lib/layout/detectLayout.js';
import { AGENT_MEMORY_DISCRIMINATORS, agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import type { EntityKind, Identifiers } from '../../lib/layout/types.js';
import type { PlainItem } from '../../lib/stream/types.js';

const TS = '2026-11-21T10:00:00.000Z';

/** Items written as the guidance words the keys: PK = user_id, SK = conversation_id#timestamp or run_id#step. */
const LITERAL: { name: string; item: PlainItem; entity: EntityKind; ids: Identifiers }[] = [
  {
    name: 'a turn with an ISO-8601 sort key',
    item: { pk: 'u-42', sk: `c-7f3a#${TS}`, role: 'user', text: 'hi' },
    entity: 'turn',
    ids: { userId: 'u-42', conversationId: 'c-7f3a', timestamp: TS },
  },
  {
    name: 'a turn with an epoch-seconds sort key',
    item: { pk: 'u-42', sk: 'c-7f3a#1763719200', text: 'hi' },
    entity: 'turn',
    ids: { userId: 'u-42', conversationId: 'c-7f3a', timestamp: '1763719200' },
  },
  {
    name: 'a turn with an epoch-milliseconds sort key',
    item: { pk: 'u-42', sk: 'c-7f3a#1763719200123', text: 'hi' },
    entity: 'turn',
    ids: { userId: 'u-42', conversationId: 'c-7f3a', timestamp: '1763719200123' },
  },
  {
    name: 'a run step',
    item: { pk: 'u-42', sk: 'r-9#3', status: 'running' },
    entity: 'run_step',
    ids: { userId: 'u-42', runId: 'r-9', step: '3' },
  },
  {
    name: 'a zero-padded run step',
    item: { pk: 'u-42', sk: 'r-9#003' },
    entity: 'run_step',
    ids: { userId: 'u-42', runId: 'r-9', step: '003' },
  },
  {
    name: 'session state named by entity_type',
    item: { pk: 'u-42', sk: 'c-7f3a', entity_type: 'session_state' },
    entity: 'conversation',
    ids: { userId: 'u-42', conversationId: 'c-7f3a' },
  },
  {
    name: 'agent run state named by type',
    item: { pk: 'u-42', sk: 'r-9', type: 'run', conversation_id: 'c-7f3a' },
    entity: 'run',
    ids: { userId: 'u-42', runId: 'r-9', conversationId: 'c-7f3a' },
  },
  {
    name: 'a tool-execution ledger entry named by entityType',
    item: {
      pk: 'u-42',
      sk: 'r-9#call-2',
      entityType: 'tool_execution',
      run_id: 'r-9',
      tool_call_id: 'call-2',
    },
    entity: 'ledger',
    ids: { userId: 'u-42', runId: 'r-9', toolCallId: 'call-2' },
  },
  {
    name: 'an idempotency key named by item_type',
    item: { pk: 'u-42', sk: 'req-1', item_type: 'idempotency_key', idempotency_key: 'req-1' },
    entity: 'idempotency',
    ids: { userId: 'u-42', idempotencyKey: 'req-1' },
  },
  {
    name: 'a rate-limit counter',
    item: { pk: 'u-42', sk: 'llm-tokens', entity_type: 'rate_limit', counter_key: 'llm-tokens' },
    entity: 'rate_limit',
    ids: { userId: 'u-42', counterKey: 'llm-tokens' },
  },
  {
    name: 'a feature flag',
    item: { pk: 'u-42', sk: 'beta-ui', entity_type: 'feature_flag', flag_key: 'beta-ui' },
    entity: 'flag',
    ids: { userId: 'u-42', flagKey: 'beta-ui' },
  },
];

describe('the agent-memory preset on a table written literally', () => {
  it.each(LITERAL)('classifies $name', ({ item, entity, ids }) => {
    const c = classifyItem(agentMemoryLayout, item);
    expect({ entity: c.entity, ids: c.ids }).toEqual({ entity, ids });
  });

  it('classifies an item with no discriminator whose sort key ends in neither a time nor a step as unknown', () => {
    expect(classifyItem(agentMemoryLayout, { pk: 'u-42', sk: 'profile', theme: 'dark' })).toEqual({
      entity: 'unknown',
      ids: {},
      rule: undefined,
    });
  });

  it('classifies a ledger-shaped sort key without a discriminator as unknown, not as a run step', () => {
    expect(classifyItem(agentMemoryLayout, { pk: 'u-42', sk: 'r-9#call-2' }).entity).toBe('unknown');
  });

  it('reports an unrecognised discriminator value as the source entity of an unknown item', () => {
    const c = classifyItem(agentMemoryLayout, { pk: 'u-42', sk: 'x', entity_type: 'audit_log' });
    expect([c.entity, c.sourceEntity]).toEqual(['unknown', 'audit_log']);
  });

  it('tries the discriminator attributes in the documented order', () => {
    expect(AGENT_MEMORY_DISCRIMINATORS).toEqual(['entity_type', 'entityType', 'item_type', 'type']);
    const c = classifyItem(agentMemoryLayout, { pk: 'u-42', sk: 'r-9', entity_type: 'run', type: 'memory' });
    expect(c.entity).toBe('run');
  });

  it('lets a known discriminator value win over an unknown one in an earlier attribute', () => {
    const c = classifyItem(agentMemoryLayout, { pk: 'u-42', sk: 'm-1', entity_type: 'audit', type: 'fact' });
    expect(c.entity).toBe('memory');
  });

  it('keeps classifying the prefixed form, identifiers and all', () => {
    const c = classifyItem(agentMemoryLayout, {
      pk: 'USER#u-42',
      sk: `CONV#c-7f3a#TS#${TS}`,
      turn_id: 't-1',
    });
    expect({ entity: c.entity, ids: c.ids }).toEqual({
      entity: 'turn',
      ids: { userId: 'u-42', conversationId: 'c-7f3a', timestamp: TS, turnId: 't-1' },
    });
  });

  it('reads a literal turn with a discriminator through the literal templates', () => {
    const c = classifyItem(agentMemoryLayout, { pk: 'u-42', sk: `c-7f3a#${TS}`, entity_type: 'message' });
    expect(c.ids).toEqual({ userId: 'u-42', conversationId: 'c-7f3a', timestamp: TS });
  });

  it('gives literal and prefixed turns the same text, role and embedding fields', () => {
    const turns = agentMemoryLayout.entities.filter((r) => r.entity === 'turn');
    expect(turns).toHaveLength(2);
    expect(turns[1]!.fields).toEqual(turns[0]!.fields);
  });

  it.each(Object.keys(bundledFixtures()).filter((f) => f.startsWith('agent-memory-literal/')))(
    'detects the agent-memory layout in the bundled %s without --layout',
    (file) => {
      expect(detectLayout(bundledFixtures()[file]!.Records).layout).toBe(agentMemoryLayout);
    },
  );
});
