import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TableSimulator } from '../../lib/fixtures/TableSimulator.js';
import { classifyItem } from '../../lib/layout/classifyItem.js';
import { parseLayout } from '../../lib/layout/resolveLayout.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import type { VectorOutput } from '../../lib/routing/types.js';

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');

/** The layout file the README's "Which layout is my table?" section shows. */
function readmeLayout() {
  const section = README.slice(README.indexOf('**Neither fits? Write a layout file.**'));
  const json = /```json\n([\s\S]*?)```/.exec(section)?.[1];
  if (!json) throw new Error('README has no layout example after "Neither fits?"');
  return parseLayout(JSON.parse(json), 'README.md');
}

describe("the README's layout file example", () => {
  it('is a valid layout', () => {
    expect(readmeLayout().name).toBe('support-chat');
  });

  it('classifies the turns and tickets it describes', () => {
    const layout = readmeLayout();
    const turn = classifyItem(layout, { tenant_user: 't1#u1', item: 'msg#c1#2026-11-21T10:00:00Z' });
    const ticket = classifyItem(layout, {
      tenant_user: 't1#u1',
      item: 'T-9',
      kind: 'ticket',
      ticket_id: 'T-9',
    });
    expect([turn.entity, turn.ids, ticket.entity, ticket.ids]).toEqual([
      'turn',
      { userId: 't1#u1', conversationId: 'c1', timestamp: '2026-11-21T10:00:00Z' },
      'conversation',
      { userId: 't1#u1', conversationId: 'T-9' },
    ]);
  });

  it('indexes the question and the answer together and reads the gzip transcript as text', () => {
    const sim = new TableSimulator({ table: 'support', keyAttributes: ['tenant_user', 'item'] });
    sim.put({
      tenant_user: 't1#u1',
      item: 'msg#c1#1763719200',
      question: 'Where is my order?',
      answer: 'On its way.',
      transcript_gz: gzipSync('full transcript'),
    });
    const { outputs, events } = createPipeline({ layout: readmeLayout() }).process(sim.records[0]!);
    expect(outputs.find((o): o is VectorOutput => o.sink === 'vector')?.payload.text).toBe(
      'Where is my order?\n\nOn its way.',
    );
    expect(events[0]!.detail.after?.transcript_gz).toBe('full transcript');
  });
});
