import { describe, expect, it } from 'vitest';
import { LayoutError } from '../../lib/errors.js';
import { SESSION_TABLES } from '../../lib/fixtures/scenarios/sessionMemoryScenario.js';
import { TableSimulator } from '../../lib/fixtures/TableSimulator.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { layoutForTable, parseTableLayouts } from '../../lib/layout/tableLayouts.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import type { KinesisOutput, VectorOutput } from '../../lib/routing/types.js';

const TWO_TABLES = { [SESSION_TABLES.state]: 'session-state', [SESSION_TABLES.turns]: 'session-turns' };

describe('parseTableLayouts', () => {
  it('resolves preset names and layout objects per table', () => {
    const layouts = parseTableLayouts({ ...TWO_TABLES, custom: { ...agentMemoryLayout, name: 'mine' } });
    expect([...layouts].map(([table, layout]) => [table, layout.name])).toEqual([
      [SESSION_TABLES.state, 'session-state'],
      [SESSION_TABLES.turns, 'session-turns'],
      ['custom', 'mine'],
    ]);
  });

  it('reads nothing from an absent value', () => {
    expect(parseTableLayouts(undefined).size).toBe(0);
  });

  it('names the table whose layout is invalid', () => {
    expect(() => parseTableLayouts({ 'my-table': 'no-such-preset' })).toThrow(LayoutError);
    expect(() => parseTableLayouts({ 'my-table': 'no-such-preset' })).toThrow(
      /^table my-table: layout "no-such-preset"/,
    );
  });

  it('rejects a value that is not an object of tables', () => {
    expect(() => parseTableLayouts(['session-state'])).toThrow(/must be an object of table name -> layout/);
  });

  it('falls back to the default layout for a table it does not name', () => {
    expect(layoutForTable('other', parseTableLayouts(TWO_TABLES), agentMemoryLayout)).toBe(agentMemoryLayout);
  });
});

describe('one pipeline beside several tables', () => {
  const pipeline = createPipeline({ layout: agentMemoryLayout, tableLayouts: parseTableLayouts(TWO_TABLES) });

  it("reads each record with its table's layout, and others with the default", () => {
    const state = new TableSimulator({
      table: SESSION_TABLES.state,
      keyAttributes: ['SessionID', 'Timestamp'],
    });
    const turns = new TableSimulator({
      table: SESSION_TABLES.turns,
      keyAttributes: ['session_id', 'turn_number'],
    });
    const memory = new TableSimulator({ table: 'agent-memory', keyAttributes: ['pk', 'sk'] });
    const records = [
      state.put({ SessionID: 's1', Timestamp: '2026-11-21T10:00:00Z', UserID: 'u1' }),
      turns.put({ session_id: 's1', turn_number: 1, user_input: 'hi', model_response: 'hello' }),
      memory.put({ pk: 'u1', sk: 'c1#2026-11-21T10:00:00Z', text: 'hi' }),
    ];
    const processed = records.map((r) => pipeline.process(r));
    expect(
      processed.map((p) => [
        p.events[0]!.detail.layout,
        p.classification.entity,
        p.events[0]!.detail.origin.table,
      ]),
    ).toEqual([
      ['session-state', 'conversation', SESSION_TABLES.state],
      ['session-turns', 'turn', SESSION_TABLES.turns],
      ['agent-memory', 'turn', 'agent-memory'],
    ]);
  });

  it('keys the change log and the vector index by table, so the same ids in two tables never collide', () => {
    const a = new TableSimulator({ table: 'turns-eu', keyAttributes: ['session_id', 'turn_number'] });
    const b = new TableSimulator({ table: 'turns-us', keyAttributes: ['session_id', 'turn_number'] });
    const both = createPipeline({
      layout: agentMemoryLayout,
      tableLayouts: parseTableLayouts({ 'turns-eu': 'session-turns', 'turns-us': 'session-turns' }),
    });
    const item = { session_id: 's1', turn_number: 1, user_input: 'hi' };
    const outputs = [a.put(item), b.put(item)].map((r) => both.process(r).outputs);
    const partitionKeys = outputs.map(
      (o) => o.find((x): x is KinesisOutput => x.sink === 'kinesis')!.payload.PartitionKey,
    );
    const vectorKeys = outputs.map(
      (o) => o.find((x): x is VectorOutput => x.sink === 'vector')!.payload.vectorKey,
    );
    expect(partitionKeys).toEqual(['conv#turns-eu##s1', 'conv#turns-us##s1']);
    expect(new Set(vectorKeys).size).toBe(2);
  });

  it('keeps the pipeline default layout for callers that read it', () => {
    expect(pipeline.layout).toBe(agentMemoryLayout);
  });
});
