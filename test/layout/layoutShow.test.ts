import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyItem } from '../../lib/layout/classifyItem.js';
import { PRESET_LAYOUTS, parseLayout, resolveLayout } from '../../lib/layout/resolveLayout.js';
import { replay } from '../../lib/replay/replay.js';
import { runCli } from '../support/runCli.js';

const dir = mkdtempSync(join(tmpdir(), 'memory-cdc-layout-show-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => runCli(dir, ...args);

describe('memory-cdc layout show (#14.6)', () => {
  for (const name of Object.keys(PRESET_LAYOUTS)) {
    it(`prints ${name} as a layout file that loads back as the same layout`, async () => {
      const { code, out } = await run('layout', 'show', name);
      expect(code).toBe(0);
      const file = join(dir, `${name}.json`);
      writeFileSync(file, out);
      expect(resolveLayout(file, dir)).toEqual(PRESET_LAYOUTS[name]);
    });
  }

  it('refuses an unknown preset, listing the presets', async () => {
    const { code, err } = await run('layout', 'show', 'dynamo');
    expect(code).toBe(2);
    expect(err).toMatch(/unknown preset "dynamo" \(presets: agent-memory, mastra/);
  });

  it('turns into a working layout for a PK/SK table by renaming the keys, as the replay hint says', async () => {
    const preset = JSON.parse((await run('layout', 'show', 'agent-memory')).out) as Record<string, unknown>;
    const file = join(dir, 'pk-sk.json');
    writeFileSync(file, JSON.stringify({ ...preset, name: 'pk-sk', partitionKey: 'PK', sortKey: 'SK' }));
    const fixture = join(import.meta.dirname, '../fixtures/untrusted/pk-sk-table.json');
    const summary = await replay({ files: [fixture], layout: resolveLayout(file, dir) });
    expect([summary.replayed, summary.byEntity.turn, summary.warnings]).toEqual([1, 1, []]);
  });
});

describe('the README custom layout example', () => {
  it('is a valid layout that classifies a ticket message as a turn', async () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Custom layouts'));
    const json = /```json\n([\s\S]*?)```/.exec(section)?.[1];
    expect(json).toBeDefined();
    const layout = parseLayout(JSON.parse(json!), 'README example');
    const { entity, ids } = classifyItem(layout, {
      PK: 'TENANT#t1',
      SK: 'TICKET#k9#MSG#2026-11-01T00:00:00Z',
      messageId: 'm1',
      body: 'hi',
    });
    expect([entity, ids]).toEqual([
      'turn',
      { userId: 't1', conversationId: 'k9', timestamp: '2026-11-01T00:00:00Z', turnId: 'm1' },
    ]);
  });
});
