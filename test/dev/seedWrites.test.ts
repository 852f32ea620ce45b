import { describe, expect, it } from 'vitest';
import { AGENT_MEMORY_STORIES } from '../../lib/dev/seed/agentMemoryStories.js';
import { LITERAL_AGENT_MEMORY_STORIES } from '../../lib/dev/seed/literalKeyStories.js';
import { MASTRA_STORIES } from '../../lib/dev/seed/mastraStories.js';
import { keyOfWrite } from '../../lib/dev/seed/runSeeder.js';
import { seedWrites, storiesFor } from '../../lib/dev/seed/seedWrites.js';
import type { SeedWrite } from '../../lib/dev/seed/types.js';
import { ConfigError } from '../../lib/errors.js';
import { TableSimulator } from '../../lib/fixtures/TableSimulator.js';
import { detectLayout } from '../../lib/layout/detectLayout.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { mastraLayout } from '../../lib/layout/presets/mastra.js';
import { sessionTurnsLayout } from '../../lib/layout/presets/sessionMemory.js';
import type { Layout } from '../../lib/layout/types.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

/** Applies writes to the fixtures' table simulator, failing on a write to a missing item. */
function simulate(writes: readonly SeedWrite[]) {
  const sim = new TableSimulator({ table: 'seeded', keyAttributes: ['pk', 'sk'] });
  for (const write of writes) {
    if (write.op === 'put') sim.put(write.item);
    else if (write.op === 'delete') sim.delete(write.key);
    else sim.update(write.key, write.set);
  }
  return sim.records;
}

describe('seedWrites', () => {
  it('makes exactly the number of writes asked for, the same ones for the same seed', () => {
    const once = [...seedWrites({ stories: AGENT_MEMORY_STORIES, count: 300, seed: 5, now: () => NOW })];
    const again = [...seedWrites({ stories: AGENT_MEMORY_STORIES, count: 300, seed: 5, now: () => NOW })];
    expect(once).toHaveLength(300);
    expect(again).toEqual(once);
    expect([
      ...seedWrites({ stories: AGENT_MEMORY_STORIES, count: 300, seed: 6, now: () => NOW }),
    ]).not.toEqual(once);
  });

  it.each([
    ['agent-memory', agentMemoryLayout],
    ['mastra', mastraLayout],
  ] as [string, Layout][])(
    'writes %s items every one of which changes its item (one stream record each)',
    (_name, layout) => {
      const writes = [...seedWrites({ stories: storiesFor(layout), count: 400, seed: 2, now: () => NOW })];
      const records = simulate(writes);
      expect(records).toHaveLength(writes.length);
      for (const record of records.filter((r) => r.eventName === 'MODIFY')) {
        expect(JSON.stringify(record.dynamodb?.NewImage)).not.toBe(JSON.stringify(record.dynamodb?.OldImage));
      }
    },
  );

  it('tells every agent-memory story: conversations, runs that complete and fail, counters, expired and unknown items', () => {
    const writes = [...seedWrites({ stories: AGENT_MEMORY_STORIES, count: 600, seed: 3, now: () => NOW })];
    const pipeline = createPipeline({ layout: agentMemoryLayout });
    const detailTypes = new Set(
      simulate(writes).flatMap((r) => pipeline.process(r).events.map((e) => e.detailType)),
    );
    for (const type of [
      'Conversation Created',
      'Conversation Started',
      'Turn Created',
      'Turn Updated',
      'Run Completed',
      'Run Failed',
      'Run Step Completed',
      'Ledger Entry Settled',
      'Rate Limit Counter Updated',
      'Idempotency Key Updated',
      'Memory Updated',
      'Feature Flag Updated',
      'Unknown Item Created',
    ]) {
      expect(detailTypes, type).toContain(type);
    }
    const expired = writes.filter((w) => w.op === 'put' && Number(w.item.expires_at) * 1000 < NOW);
    expect(expired.length).toBeGreaterThan(0);
  });

  it('writes Mastra items the mastra layout classifies, with runs reaching success and failed', () => {
    const writes = [...seedWrites({ stories: MASTRA_STORIES, count: 400, seed: 4, now: () => NOW })];
    const pipeline = createPipeline({ layout: mastraLayout });
    const processed = simulate(writes).map((r) => pipeline.process(r));
    expect(processed.filter((p) => p.classification.entity === 'unknown')).toEqual([]);
    const types = new Set(processed.flatMap((p) => p.events.map((e) => e.detailType)));
    expect(types).toContain('Run Completed');
    expect(types).toContain('Run Failed');
    expect(types).toContain('Turn Created');
  });

  it('never puts two new items under one key, even when the clock stands still', () => {
    const writes = [...seedWrites({ stories: AGENT_MEMORY_STORIES, count: 200, seed: 1, now: () => NOW })];
    const keys = writes.filter((w) => w.op === 'put').map((w) => keyOfWrite(w, ['pk', 'sk']));
    expect(new Set(keys.map((k) => `${k.pk}|${k.sk}`)).size).toBe(keys.length);
  });

  it('refuses a custom layout, naming it', () => {
    expect(() => storiesFor({ ...agentMemoryLayout, name: 'my-table' })).toThrow(ConfigError);
    expect(() => storiesFor({ ...agentMemoryLayout, name: 'my-table' })).toThrow(/"my-table" is custom/);
  });

  it('writes the agent-memory stories with literal keys that the preset classifies as the prefixed ones, detected without --layout', () => {
    const options = { count: 600, seed: 3, now: () => NOW };
    const pipeline = createPipeline({ layout: agentMemoryLayout });
    const prefixed = simulate([...seedWrites({ stories: AGENT_MEMORY_STORIES, ...options })]);
    const literal = simulate([
      ...seedWrites({ stories: storiesFor(agentMemoryLayout, 'literal'), ...options }),
    ]);
    expect(detectLayout(literal).layout).toBe(agentMemoryLayout);
    const summary = (records: typeof literal) =>
      records.map((r) =>
        pipeline
          .process(r)
          .events.map((e) => e.detailType)
          .join(','),
      );
    expect(summary(literal)).toEqual(summary(prefixed));
    const keys = literal.map((r) =>
      String(r.dynamodb?.Keys?.pk && 'S' in r.dynamodb.Keys.pk ? r.dynamodb.Keys.pk.S : ''),
    );
    expect(keys.filter((pk) => pk.startsWith('USER#') || pk.startsWith('CONV#'))).toEqual([]);
    expect(LITERAL_AGENT_MEMORY_STORIES.map(([name]) => name)).toEqual(
      AGENT_MEMORY_STORIES.map(([name]) => name),
    );
  });

  it('refuses the literal key form for a layout other than agent-memory', () => {
    expect(() => storiesFor(mastraLayout, 'literal')).toThrow(
      /--keys literal is a form of the agent-memory layout/,
    );
  });

  it('says a preset without seed stories has none, rather than calling it custom', () => {
    expect(() => storiesFor(sessionTurnsLayout)).toThrow(/layout "session-turns" has no seed stories/);
  });
});
