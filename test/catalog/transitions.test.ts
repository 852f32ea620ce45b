import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Item } from '../../lib/fixtures/TableSimulator.js';
import { TableSimulator } from '../../lib/fixtures/TableSimulator.js';
import { mastraLayout } from '../../lib/layout/presets/mastra.js';
import { parseLayout } from '../../lib/layout/resolveLayout.js';
import { syntheticInsertRecord } from '../../lib/live/backfill/syntheticInsertRecord.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { agentMemoryTable, processAgentMemory } from '../fixtures/tables.js';

const mastra = createPipeline({ layout: mastraLayout });
const mastraTable = () => new TableSimulator({ table: 'mastra', keyAttributes: ['pk', 'sk'] });

const RUN_KEY = {
  pk: '$mastra#entity_workflow_snapshot#workflow_name_approval',
  sk: '$workflow_snapshot_1#run_id_run-1',
};
const run = (status: string): Item => ({
  ...RUN_KEY,
  entity: 'workflow_snapshot',
  workflow_name: 'approval',
  run_id: 'run-1',
  resourceId: 'user-1',
  snapshot: JSON.stringify({ runId: 'run-1', status, context: {} }),
  createdAt: '2026-12-07T10:00:00.000Z',
  updatedAt: '2026-12-07T10:00:00.000Z',
});

function events(record: StreamRecord) {
  return mastra
    .process(record)
    .events.map((e) => ({ detailType: e.detailType, transition: e.detail.transition }));
}

function snapshotRead(item: Item): StreamRecord {
  return syntheticInsertRecord(
    { tableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/mastra', keyAttributes: ['pk', 'sk'] },
    marshall(item),
    1_796_000_000,
  );
}

describe('status transitions', () => {
  it('puts the transition on the change event when a run is created, from null', () => {
    expect(events(mastraTable().put(run('pending')))).toEqual([
      { detailType: 'Run Created', transition: { field: 'status', from: null, to: 'pending' } },
    ]);
  });

  it('reads a status inside a JSON-string attribute, so a suspension is visible as a transition', () => {
    const sim = mastraTable();
    sim.put(run('running'));
    expect(events(sim.put(run('suspended')))).toEqual([
      { detailType: 'Run Updated', transition: { field: 'status', from: 'running', to: 'suspended' } },
    ]);
  });

  it('carries a transition on every status change of a run, from creation to completion', () => {
    const sim = mastraTable();
    const statuses = ['pending', 'running', 'suspended', 'running', 'success'];
    const seen = statuses.flatMap((status) =>
      mastra
        .process(sim.put(run(status)))
        .events.filter((e) => e.kind === 'change')
        .map((e) => e.detail.transition),
    );
    expect(seen).toEqual(
      statuses.map((to, i) => ({ field: 'status', from: i === 0 ? null : statuses[i - 1], to })),
    );
  });

  it('fires Run Completed with the same transition as the change event', () => {
    const sim = mastraTable();
    sim.put(run('running'));
    expect(events(sim.put(run('success')))).toEqual([
      { detailType: 'Run Updated', transition: { field: 'status', from: 'running', to: 'success' } },
      { detailType: 'Run Completed', transition: { field: 'status', from: 'running', to: 'success' } },
    ]);
  });

  it('carries no transition when the snapshot changes but the status does not', () => {
    const sim = mastraTable();
    sim.put(run('running'));
    const next = {
      ...run('running'),
      snapshot: JSON.stringify({ runId: 'run-1', status: 'running', context: { a: 1 } }),
    };
    expect(events(sim.put(next))).toEqual([{ detailType: 'Run Updated', transition: undefined }]);
  });

  it('carries no transition when a run is deleted', () => {
    const sim = mastraTable();
    sim.put(run('success'));
    expect(events(sim.delete(RUN_KEY))).toEqual([{ detailType: 'Run Deleted', transition: undefined }]);
  });

  it('puts transitions on run steps and ledger entries of the agent-memory layout', () => {
    const sim = agentMemoryTable();
    const step = { pk: 'USER#u', sk: 'RUN#r#STEP#1' };
    const ledger = { pk: 'USER#u', sk: 'LEDGER#r#TOOL#t' };
    sim.put({ ...step, status: 'queued' });
    sim.put({ ...ledger, status: 'pending' });
    const stepChange = processAgentMemory(sim.update(step, { status: 'waiting_for_approval' })).events[0];
    const ledgerChange = processAgentMemory(sim.update(ledger, { status: 'running' })).events[0];
    expect([stepChange?.detail.transition, ledgerChange?.detail.transition]).toEqual([
      { field: 'status', from: 'queued', to: 'waiting_for_approval' },
      { field: 'status', from: 'pending', to: 'running' },
    ]);
  });
});

describe('snapshot reads', () => {
  it('marks a backfilled item as op read, under the Created detail-type', () => {
    const [event] = mastra.process(snapshotRead(run('success'))).events;
    expect([event?.detailType, event?.detail.op]).toEqual(['Run Created', 'read']);
  });

  it('derives no transition and no Run Completed from a finished run read by a backfill', () => {
    expect(events(snapshotRead(run('success')))).toEqual([
      { detailType: 'Run Created', transition: undefined },
    ]);
  });

  it('derives no Run Failed from a failed run read by a backfill', () => {
    expect(events(snapshotRead(run('failed'))).map((e) => e.detailType)).toEqual(['Run Created']);
  });

  it('derives no Conversation Started from a thread or a first turn read by a backfill', () => {
    const thread = {
      pk: '$mastra#entity_thread#id_t-1',
      sk: '$thread_1#id_t-1',
      entity: 'thread',
      id: 't-1',
      resourceId: 'user-1',
    };
    expect(events(snapshotRead(thread)).map((e) => e.detailType)).toEqual(['Conversation Created']);
    const turn = { pk: 'USER#u', sk: 'CONV#c#TS#2026-12-07T10:00:00.000Z', text: 'hi', seq: 1 };
    const record = syntheticInsertRecord(
      { tableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/agent-memory', keyAttributes: ['pk', 'sk'] },
      marshall(turn),
      1_796_000_000,
    );
    expect(processAgentMemory(record).events.map((e) => e.detailType)).toEqual(['Turn Created']);
  });
});

describe('Conversation Started', () => {
  const thread = (id: string, title = 'Trip'): Item => ({
    pk: `$mastra#entity_thread#id_${id}`,
    sk: `$thread_1#id_${id}`,
    entity: 'thread',
    id,
    resourceId: 'user-1',
    title,
    createdAt: '2026-12-07T10:00:00.000Z',
  });
  const message = (id: string): Item => ({
    pk: `$mastra#entity_message#id_${id}`,
    sk: '$message_1#entity_message',
    entity: 'message',
    id,
    threadId: 't-1',
    resourceId: 'user-1',
    role: 'user',
    content: JSON.stringify({ format: 2, parts: [{ type: 'text', text: 'hi' }] }),
  });

  it("fires once per Mastra thread, on the thread's creation, not on messages or thread updates", () => {
    const sim = mastraTable();
    const records = [
      sim.put(thread('t-1')),
      sim.put(message('m-1')),
      sim.put(message('m-2')),
      sim.update({ pk: thread('t-1').pk, sk: thread('t-1').sk }, { title: 'Renamed' }),
      sim.put(thread('t-1', 'Upserted again')),
    ];
    const started = records
      .flatMap((r) => mastra.process(r).events)
      .filter((e) => e.detailType === 'Conversation Started');
    expect(started.map((e) => [e.detail.entity, e.detail.ids.conversationId])).toEqual([
      ['conversation', 't-1'],
    ]);
  });

  it("fires on a custom layout's conversation item when its turns have no sequence", () => {
    const layout = parseLayout(
      {
        name: 'tickets',
        partitionKey: 'PK',
        sortKey: 'SK',
        entities: [
          { entity: 'conversation', pk: 'T#{userId}', sk: 'TICKET#{conversationId}' },
          { entity: 'turn', pk: 'T#{userId}', sk: 'TICKET#{conversationId}#R#{turnId}' },
        ],
      },
      'test',
    );
    const sim = new TableSimulator({ table: 'tickets', keyAttributes: ['PK', 'SK'] });
    const pipeline = createPipeline({ layout });
    const types = [
      sim.put({ PK: 'T#a', SK: 'TICKET#1' }),
      sim.put({ PK: 'T#a', SK: 'TICKET#1#R#1' }),
      sim.put({ PK: 'T#a', SK: 'TICKET#1#R#2' }),
    ].flatMap((r) => pipeline.process(r).events.map((e) => e.detailType));
    expect(types).toEqual(['Conversation Created', 'Conversation Started', 'Turn Created', 'Turn Created']);
  });

  it('never fires when the layout says conversations have no start marker', () => {
    const layout = parseLayout(
      {
        name: 'turns-only',
        partitionKey: 'pk',
        sortKey: 'sk',
        conversationStart: 'none',
        entities: [{ entity: 'conversation', pk: 'C#{conversationId}', sk: 'META' }],
      },
      'test',
    );
    const sim = new TableSimulator({ table: 'turns', keyAttributes: ['pk', 'sk'] });
    const types = createPipeline({ layout })
      .process(sim.put({ pk: 'C#1', sk: 'META' }))
      .events.map((e) => e.detailType);
    expect(types).toEqual(['Conversation Created']);
  });
});

describe('empty identifiers', () => {
  it('leaves out identifiers whose attribute is an empty string', () => {
    const score = {
      pk: '$mastra#entity_score#id_s-1',
      sk: '$score_1#entity_score',
      entity: 'score',
      id: 's-1',
      runId: 'run-1',
      traceId: '',
      spanId: '',
      threadId: '',
      resourceId: '',
      score: 0.9,
    };
    const [event] = mastra.process(mastraTable().put(score)).events;
    expect(event?.detail.ids).toEqual({ runId: 'run-1' });
  });

  it('carries trace and span ids of a trace item and the workflow name of a run', () => {
    const trace = {
      pk: '$mastra#entity_trace#id_span-1',
      sk: '$trace_1',
      entity: 'trace',
      id: 'span-1',
      traceId: 'trace-1',
      name: 'agent run',
    };
    const sim = mastraTable();
    expect(mastra.process(sim.put(trace)).events[0]?.detail.ids).toEqual({
      spanId: 'span-1',
      traceId: 'trace-1',
    });
    expect(mastra.process(sim.put(run('pending'))).events[0]?.detail.ids).toEqual({
      runId: 'run-1',
      workflowName: 'approval',
      userId: 'user-1',
      timestamp: '2026-12-07T10:00:00.000Z',
    });
  });
});
