/**
 * The layouts a redrive reads records with: the functions' variables, the options in their place, and
 * — none given — per-table choice from what the dead letters show. The end-to-end cases (real router
 * dead letters of two tables) are in tableLayoutsRedrive.test.ts; these are the edges.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, LayoutError } from '../../lib/errors.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { chooseRedriveLayouts, readGivenLayouts } from '../../lib/redrive/redriveLayouts.js';

const noRecords = new Map();

describe('readGivenLayouts', () => {
  it('reads MEMORY_CDC_LAYOUT and MEMORY_CDC_TABLE_LAYOUTS as the functions do', () => {
    const given = readGivenLayouts(
      { MEMORY_CDC_LAYOUT: 'agent-memory', MEMORY_CDC_TABLE_LAYOUTS: '{"threads":"mastra"}' },
      {},
      process.cwd(),
    );
    expect(given.layout?.name).toBe('agent-memory');
    expect([...given.tableLayouts].map(([table, layout]) => [table, layout.name])).toEqual([
      ['threads', 'mastra'],
    ]);
  });

  it('leaves the layout undefined when neither --layout nor MEMORY_CDC_LAYOUT is set', () => {
    const given = readGivenLayouts({}, {}, process.cwd());
    expect(given.layout).toBeUndefined();
    expect(given.tableLayouts.size).toBe(0);
  });

  it('names the variable and its problem, as the functions do', () => {
    const bad = () => readGivenLayouts({ MEMORY_CDC_TABLE_LAYOUTS: '{' }, {}, process.cwd());
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/^invalid redrive configuration: MEMORY_CDC_TABLE_LAYOUTS is not valid JSON/);
    expect(() => readGivenLayouts({ MEMORY_CDC_TABLE_LAYOUTS: '["mastra"]' }, {}, process.cwd())).toThrow(
      /MEMORY_CDC_TABLE_LAYOUTS must be object/,
    );
    expect(() =>
      readGivenLayouts({}, { tableLayouts: { threads: 'no-such-preset' } }, process.cwd()),
    ).toThrow(LayoutError);
    expect(() =>
      readGivenLayouts({}, { tableLayouts: { threads: 'no-such-preset' } }, process.cwd()),
    ).toThrow(/^table threads: /);
  });

  it('does not read a variable its option replaces', () => {
    const given = readGivenLayouts(
      { MEMORY_CDC_LAYOUT: '{', MEMORY_CDC_TABLE_LAYOUTS: '{' },
      { layout: 'mastra', tableLayouts: { turns: 'session-turns' } },
      process.cwd(),
    );
    expect(given.layout?.name).toBe('mastra');
    expect(given.tableLayouts.get('turns')?.name).toBe('session-turns');
  });
});

describe('chooseRedriveLayouts', () => {
  it('takes the preset a table’s change-log records name (the vector sync’s dead letters)', () => {
    const warnings: string[] = [];
    const chosen = chooseRedriveLayouts(
      { tableLayouts: new Map() },
      { records: noRecords, changeLogLayouts: new Map([['turns', new Set(['mastra'])]]) },
      (w) => warnings.push(w),
    );
    expect(chosen.tableLayouts.get('turns')?.name).toBe('mastra');
    expect(chosen.reasons).toEqual({ turns: 'named by its change-log records: mastra' });
    expect(warnings).toEqual([]);
  });

  it('warns, and reads as unknown, a table whose change-log records name a custom layout', () => {
    const warnings: string[] = [];
    const chosen = chooseRedriveLayouts(
      { tableLayouts: new Map() },
      { records: noRecords, changeLogLayouts: new Map([['orders', new Set(['orders-layout'])]]) },
      (w) => warnings.push(w),
    );
    expect(chosen.tableLayouts.get('orders')?.name).toBe('unknown');
    expect(chosen.reasons).toEqual({ orders: 'no preset fits' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^dead letters of table orders: its change-log records were classified with orders-layout, not one preset\. Its records redrive as entity "unknown"\./,
    );
  });

  it('keeps what was given: a table’s own layout, else the one for every table', () => {
    const chosen = chooseRedriveLayouts(
      { layout: agentMemoryLayout, tableLayouts: new Map() },
      { records: noRecords, changeLogLayouts: new Map([['turns', new Set(['mastra'])]]) },
    );
    expect(chosen.layout).toBe(agentMemoryLayout);
    expect(chosen.tableLayouts.has('turns')).toBe(false);
    expect(chosen.reasons).toEqual({ turns: 'given' });
  });
});
