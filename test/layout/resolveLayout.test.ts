import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LayoutError } from '../../lib/errors.js';
import { classifyItem } from '../../lib/layout/classifyItem.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { mastraLayout } from '../../lib/layout/presets/mastra.js';
import { parseLayout, resolveLayout } from '../../lib/layout/resolveLayout.js';

const LAYOUTS = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures-data/layouts');

function layoutError(spec: string, cwd = LAYOUTS): LayoutError {
  try {
    resolveLayout(spec, cwd);
  } catch (error) {
    if (error instanceof LayoutError) return error;
    throw error;
  }
  throw new Error(`resolveLayout accepted ${spec}`);
}

describe('resolveLayout', () => {
  it('resolves the agent-memory preset by name', () => {
    expect(resolveLayout('agent-memory')).toBe(agentMemoryLayout);
  });

  it('resolves the mastra preset by name', () => {
    expect(resolveLayout('mastra')).toBe(mastraLayout);
  });

  it('reads a layout file relative to the working directory', () => {
    const layout = resolveLayout('support-desk.json', LAYOUTS);
    expect([layout.name, layout.partitionKey, layout.entities.length]).toEqual(['support-desk', 'PK', 2]);
  });

  it('reads a layout file by absolute path', () => {
    expect(resolveLayout(join(LAYOUTS, 'support-desk.json'), tmpdir()).name).toBe('support-desk');
  });

  it('classifies items with a layout read from a file', () => {
    const layout = resolveLayout('support-desk.json', LAYOUTS);
    const c = classifyItem(layout, { PK: 'TENANT#acme', SK: 'TICKET#T-1#REPLY#3', kind: 'reply' });
    expect([c.entity, c.sourceEntity, c.ids]).toEqual([
      'turn',
      'reply',
      { userId: 'acme', conversationId: 'T-1', turnId: '3' },
    ]);
  });

  it('gives a file layout an empty bookkeeping list when it declares none', () => {
    expect(resolveLayout('support-desk.json', LAYOUTS).bookkeeping).toEqual([]);
  });

  it('reads an inline JSON layout', () => {
    const layout = resolveLayout(
      '{"name":"inline","partitionKey":"id","entities":[{"entity":"memory","pk":"M#{memoryId}"}]}',
    );
    expect(classifyItem(layout, { id: 'M#m1' }).ids).toEqual({ memoryId: 'm1' });
  });

  it('rejects a name that is neither a preset nor a file, listing the presets', () => {
    const error = layoutError('agent_memory');
    expect(error.message).toContain(
      'neither a preset (agent-memory, mastra, session-state, session-turns) nor a readable file',
    );
  });

  it('rejects a file that is not JSON, naming the file', () => {
    const error = layoutError('../not-json/truncated-layout.json');
    expect(error.message).toMatch(/not-json\/truncated-layout\.json: not valid JSON/);
  });

  it('rejects inline JSON that does not parse', () => {
    expect(layoutError('{"name":').message).toContain('inline layout is not valid JSON');
  });

  it('rejects an unknown entity kind, naming where it is', () => {
    const error = layoutError('unknown-entity-kind.json');
    expect(error.message).toContain('unknown-entity-kind.json: invalid layout');
    expect(error.message).toContain('/entities/0/entity must be equal to one of the allowed values');
  });

  it('rejects a key template that uses a placeholder twice, naming the file and the template', () => {
    const error = layoutError('duplicate-placeholder.json');
    expect(error.message).toMatch(
      /duplicate-placeholder\.json: key template MEM#\{memoryId\}#\{memoryId\} uses \{memoryId\} twice/,
    );
  });

  it('rejects a layout without entities', () => {
    const error = layoutError('{"name":"empty","partitionKey":"pk"}');
    expect(error.message).toContain("must have required property 'entities'");
  });

  it('rejects a rule that neither a discriminator value nor a key template can match', () => {
    const error = layoutError('{"name":"x","partitionKey":"pk","entities":[{"entity":"memory"}]}');
    expect(error.message).toContain('/entities/0');
  });

  it('rejects attributes a layout does not have, naming every problem at once', () => {
    const error = layoutError(
      '{"name":"x","partitionKey":"pk","colour":"red","entities":[{"entity":"run","pk":"R#{runId}","speed":1}]}',
    );
    expect(error.message).toContain('must NOT have additional properties');
    expect(error.message.split(';').length).toBeGreaterThanOrEqual(2);
  });

  it('rejects an identifier the catalog does not know', () => {
    const error = layoutError(
      '{"name":"x","partitionKey":"pk","entities":[{"entity":"run","pk":"R#{runId}","identifiers":{"jobId":"job"}}]}',
    );
    expect(error.message).toContain('/entities/0/identifiers');
  });
});

describe('parseLayout', () => {
  it('does not change the value it validates', () => {
    const value = { name: 'x', partitionKey: 'pk', entities: [{ entity: 'memory', pk: 'M#{memoryId}' }] };
    const copy = structuredClone(value);
    parseLayout(value, 'test');
    expect(value).toEqual(copy);
  });

  it('names the origin it was given in errors', () => {
    expect(() => parseLayout({}, 'MEMORY_CDC_LAYOUT')).toThrow(/^MEMORY_CDC_LAYOUT: invalid layout/);
  });

  it('accepts every shipped preset as a valid layout', () => {
    for (const preset of [agentMemoryLayout, mastraLayout]) {
      expect(parseLayout(JSON.parse(JSON.stringify(preset)), preset.name)).toEqual(preset);
    }
  });
});

describe('a layout file written at run time', () => {
  it('is read from the working directory given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'memory-cdc-layout-'));
    writeFileSync(
      join(dir, 'mine.json'),
      JSON.stringify({ name: 'mine', partitionKey: 'id', entities: [{ entity: 'flag', pk: 'F#{flagKey}' }] }),
    );
    expect(resolveLayout('mine.json', dir).name).toBe('mine');
  });
});

describe('a custom layout using typed templates, several discriminators, joined text and gunzip', () => {
  const file = {
    name: 'chat-history',
    partitionKey: 'pk',
    sortKey: 'sk',
    discriminator: ['kind', 'type'],
    gunzip: ['history_gz'],
    entities: [
      {
        entity: 'turn',
        pk: '{userId}',
        sk: '{conversationId}#{timestamp:time}',
        fields: { text: ['question', { attribute: 'answer', path: 'text' }] },
      },
      { entity: 'run', discriminatorValues: ['job'], discriminatorOnly: true, pk: '{userId}' },
    ],
  };

  it('is accepted and classifies by the value types of its templates', () => {
    const layout = parseLayout(file, 'chat-history.json');
    expect(classifyItem(layout, { pk: 'u1', sk: 'c1#1763719200' }).entity).toBe('turn');
    expect(classifyItem(layout, { pk: 'u1', sk: 'c1#3' }).entity).toBe('unknown');
    expect(classifyItem(layout, { pk: 'u1', sk: 'j1', type: 'job' }).entity).toBe('run');
  });

  it('rejects a discriminator-only rule without discriminator values, naming it', () => {
    const bad = { ...file, entities: [{ entity: 'run', discriminatorOnly: true, pk: '{userId}' }] };
    expect(() => parseLayout(bad, 'bad.json')).toThrow(
      new LayoutError(
        'bad.json: invalid layout: /entities/0 is discriminatorOnly but lists no discriminatorValues',
      ),
    );
  });

  it('rejects an unknown placeholder value type, naming the file', () => {
    const bad = { ...file, entities: [{ entity: 'turn', sk: '{timestamp:date}' }] };
    expect(() => parseLayout(bad, 'bad.json')).toThrow(
      /bad\.json: key template \{timestamp:date\}: unknown value type :date/,
    );
  });
});
