import { describe, expect, it } from 'vitest';
import type { RoutedOutput, SinkName } from '../../lib/routing/types.js';
import { agentMemoryTable, processAgentMemory } from '../fixtures/tables.js';

const WINDOW = { pk: 'RATELIMIT#u-42:llm-tokens', sk: 'WINDOW#2026-11-28T10:00' };
const TURN = { pk: 'USER#u-42', sk: 'CONV#c-1#TS#2026-11-22T10:00:00.000Z' };
const RUN = { pk: 'USER#u-42', sk: 'RUN#r-1' };

function sinks(outputs: RoutedOutput[]): [SinkName, string | undefined][] {
  return outputs.map((o) => [o.sink, 'detailType' in o ? o.detailType : undefined]);
}

describe('default routing', () => {
  it('sends a run change to EventBridge and the Kinesis change log', () => {
    const { outputs } = processAgentMemory(agentMemoryTable().put({ ...RUN, status: 'queued' }));
    expect(sinks(outputs)).toEqual([
      ['eventbridge', 'Run Created'],
      ['kinesis', 'Run Created'],
    ]);
  });

  it('keeps rate-limit counter bumps off EventBridge but puts every one in the Kinesis change log', () => {
    const sim = agentMemoryTable();
    const created = sim.put({ ...WINDOW, count: 1 });
    const bumped = sim.update(WINDOW, { count: 2 });
    expect([created, bumped].flatMap((record) => sinks(processAgentMemory(record).outputs))).toEqual([
      ['kinesis', 'Rate Limit Counter Created'],
      ['kinesis', 'Rate Limit Counter Updated'],
    ]);
  });

  it('keeps bookkeeping-only modifies off EventBridge but puts them on Kinesis', () => {
    const sim = agentMemoryTable();
    sim.put({ ...TURN, text: 'hi', updated_at: 'a' });
    expect(sinks(processAgentMemory(sim.update(TURN, { updated_at: 'b' })).outputs)).toEqual([
      ['kinesis', 'Turn Updated'],
    ]);
  });

  it('sends semantic events to EventBridge only, never to the change log', () => {
    const sim = agentMemoryTable();
    sim.put({ ...RUN, status: 'running' });
    expect(sinks(processAgentMemory(sim.update(RUN, { status: 'completed' })).outputs)).toEqual([
      ['eventbridge', 'Run Updated'],
      ['kinesis', 'Run Updated'],
      ['eventbridge', 'Run Completed'],
    ]);
  });

  it('archives a TTL expiry', () => {
    const sim = agentMemoryTable();
    sim.put({ ...RUN, status: 'failed' });
    expect(sinks(processAgentMemory(sim.expire(RUN)).outputs)).toEqual([
      ['eventbridge', 'Run Expired'],
      ['kinesis', 'Run Expired'],
      ['archive', undefined],
    ]);
  });

  it('does not archive a user delete', () => {
    const sim = agentMemoryTable();
    sim.put({ ...RUN, status: 'failed' });
    expect(processAgentMemory(sim.delete(RUN)).outputs.map((o) => o.sink)).not.toContain('archive');
  });

  it('archives an expired rate-limit counter although its events are noise', () => {
    const sim = agentMemoryTable();
    sim.put({ ...WINDOW, count: 1 });
    expect(sinks(processAgentMemory(sim.expire(WINDOW)).outputs)).toEqual([
      ['kinesis', 'Rate Limit Counter Expired'],
      ['archive', undefined],
    ]);
  });

  it('sends unknown items to EventBridge and Kinesis', () => {
    const { outputs } = processAgentMemory(agentMemoryTable().put({ pk: 'SYSTEM#migrations', sk: 'v12' }));
    expect(sinks(outputs)).toEqual([
      ['eventbridge', 'Unknown Item Created'],
      ['kinesis', 'Unknown Item Created'],
    ]);
  });

  it('tags every output with its record, sequence number, entity and event id', () => {
    const record = agentMemoryTable().put({ ...RUN, status: 'queued' });
    const { outputs, events } = processAgentMemory(record);
    for (const output of outputs) {
      expect(output).toMatchObject({
        record: record.eventID,
        sequenceNumber: record.dynamodb?.SequenceNumber,
        entity: 'run',
        eventId: events[0]?.detail.eventId,
      });
    }
  });

  it('gives EventBridge a PutEvents entry naming the table as the resource', () => {
    const record = agentMemoryTable().put({ ...RUN, status: 'queued' });
    const { outputs, events } = processAgentMemory(record);
    expect(outputs[0]?.payload).toEqual({
      Source: 'memory-cdc',
      DetailType: 'Run Created',
      Detail: events[0]?.detail,
      Time: events[0]?.detail.time,
      Resources: ['arn:aws:dynamodb:us-east-1:123456789012:table/agent-memory'],
    });
  });
});

describe('configured routing', () => {
  it('publishes noise to EventBridge when told to', () => {
    const sim = agentMemoryTable();
    sim.put({ ...WINDOW, count: 1 });
    const record = sim.update(WINDOW, { count: 2 });
    const { outputs } = processAgentMemory(record, {
      routing: { eventbridge: { enabled: true, entities: 'all', includeNoise: true } },
    });
    expect(sinks(outputs)).toEqual([
      ['eventbridge', 'Rate Limit Counter Updated'],
      ['kinesis', 'Rate Limit Counter Updated'],
    ]);
  });

  it('sends nothing to a disabled sink', () => {
    const routing = { kinesis: { enabled: false, entities: 'all' as const, includeNoise: true } };
    const { outputs } = processAgentMemory(agentMemoryTable().put({ ...RUN, status: 'queued' }), { routing });
    expect(outputs.map((o) => o.sink)).toEqual(['eventbridge']);
  });

  it('sends only the entities a sink lists', () => {
    const routing = { eventbridge: { enabled: true, entities: ['turn' as const], includeNoise: false } };
    const { outputs } = processAgentMemory(agentMemoryTable().put({ ...RUN, status: 'queued' }), { routing });
    expect(outputs.map((o) => o.sink)).toEqual(['kinesis']);
  });

  it('keeps noise off Kinesis when told to', () => {
    const sim = agentMemoryTable();
    sim.put({ ...TURN, text: 'hi', updated_at: 'a' });
    const routing = { kinesis: { enabled: true, entities: 'all' as const, includeNoise: false } };
    expect(processAgentMemory(sim.update(TURN, { updated_at: 'b' }), { routing }).outputs).toEqual([]);
  });
});
