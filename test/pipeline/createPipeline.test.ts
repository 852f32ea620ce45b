import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../lib/errors.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import { DEFAULT_ROUTING } from '../../lib/routing/defaultRouting.js';
import { agentMemoryTable } from '../fixtures/tables.js';

const TURN = { pk: 'USER#u-42', sk: 'CONV#c-1#TS#2026-11-22T10:00:00.000Z' };

describe('createPipeline', () => {
  it('decodes, classifies, builds events and routes one record', () => {
    const pipeline = createPipeline({ layout: agentMemoryLayout });
    const processed = pipeline.process(agentMemoryTable().put({ ...TURN, role: 'user', text: 'hi', seq: 1 }));
    expect(processed.change.op).toBe('insert');
    expect(processed.classification.entity).toBe('turn');
    expect(processed.events.map((e) => e.detailType)).toEqual(['Turn Created', 'Conversation Started']);
    expect(processed.outputs.map((o) => o.sink)).toEqual(['eventbridge', 'kinesis', 'vector', 'eventbridge']);
  });

  it('classifies a removed item from its old image', () => {
    const sim = agentMemoryTable();
    sim.put({ pk: 'USER#u', sk: 'ANY', entity_type: 'fact' });
    const processed = createPipeline({ layout: agentMemoryLayout }).process(
      sim.delete({ pk: 'USER#u', sk: 'ANY' }),
    );
    expect(processed.classification.entity).toBe('memory');
  });

  it('classifies a KEYS_ONLY record from its keys', () => {
    const record = agentMemoryTable({ viewType: 'KEYS_ONLY' }).put({ ...TURN, text: 'hi' });
    const processed = createPipeline({ layout: agentMemoryLayout }).process(record);
    expect([processed.classification.entity, processed.classification.ids.conversationId]).toEqual([
      'turn',
      'c-1',
    ]);
  });

  it('exposes its layout and the routing resolved over the defaults', () => {
    const pipeline = createPipeline({
      layout: agentMemoryLayout,
      routing: { vector: { ...DEFAULT_ROUTING.vector, enabled: false } },
    });
    expect(pipeline.layout).toBe(agentMemoryLayout);
    expect(pipeline.routing).toEqual({
      ...DEFAULT_ROUTING,
      vector: { ...DEFAULT_ROUTING.vector, enabled: false },
    });
  });

  it('routes with the routing it was given', () => {
    const pipeline = createPipeline({
      layout: agentMemoryLayout,
      routing: { vector: { ...DEFAULT_ROUTING.vector, enabled: false } },
    });
    const processed = pipeline.process(agentMemoryTable().put({ ...TURN, text: 'hi' }));
    expect(processed.outputs.map((o) => o.sink)).not.toContain('vector');
  });

  it('publishes under the EventBridge source it was given', () => {
    const pipeline = createPipeline({ layout: agentMemoryLayout, source: 'acme.memory' });
    const processed = pipeline.process(agentMemoryTable().put({ ...TURN, text: 'hi' }));
    expect(processed.events.every((e) => e.source === 'acme.memory')).toBe(true);
  });

  it('throws a DecodeError for a malformed record, and processes the next one', () => {
    const pipeline = createPipeline({ layout: agentMemoryLayout });
    const sim = agentMemoryTable();
    const bad = sim.put({ ...TURN, text: 'hi' });
    bad.dynamodb!.NewImage!.text = { N: 'not a number' };
    const good = sim.put({ pk: 'USER#u', sk: 'MEM#m' });
    expect(() => pipeline.process(bad)).toThrow(DecodeError);
    expect(pipeline.process(good).classification.entity).toBe('memory');
  });

  it('is pure: processing the same record twice gives the same result', () => {
    const pipeline = createPipeline({ layout: agentMemoryLayout });
    const record = agentMemoryTable().put({ ...TURN, text: 'hi', seq: 1 });
    expect(JSON.stringify(pipeline.process(record))).toBe(JSON.stringify(pipeline.process(record)));
  });
});
