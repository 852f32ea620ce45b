import { describe, expect, it } from 'vitest';
import { bundledFixtures } from '../../lib/fixtures/bundledFixtures.js';
import { embeddingBytes, fixtureVector } from '../../lib/fixtures/embeddingBytes.js';
import { gzipHistory, SESSION_TABLES } from '../../lib/fixtures/scenarios/sessionMemoryScenario.js';
import { TableSimulator } from '../../lib/fixtures/TableSimulator.js';
import { detectLayout } from '../../lib/layout/detectLayout.js';
import { sessionStateLayout, sessionTurnsLayout } from '../../lib/layout/presets/sessionMemory.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import type { ArchiveOutput, VectorOutput } from '../../lib/routing/types.js';

const FIXTURES = bundledFixtures();
const stateRecords = FIXTURES['session-memory/session-state.json']!.Records;
const turnRecords = FIXTURES['session-memory/session-turns.json']!.Records;

function turnsTable(): TableSimulator {
  return new TableSimulator({ table: SESSION_TABLES.turns, keyAttributes: ['session_id', 'turn_number'] });
}

function stateTable(): TableSimulator {
  return new TableSimulator({ table: SESSION_TABLES.state, keyAttributes: ['SessionID', 'Timestamp'] });
}

describe('the session-memory presets', () => {
  it('detect the session-state table from its SessionID key', () => {
    expect(detectLayout(stateRecords).layout).toBe(sessionStateLayout);
  });

  it('detect the conversation-turns table from its session_id key', () => {
    expect(detectLayout(turnRecords).layout).toBe(sessionTurnsLayout);
  });

  it('detect the turns table whose sort key is timestamp rather than turn_number', () => {
    const sim = new TableSimulator({ table: 't', keyAttributes: ['session_id', 'timestamp'] });
    sim.put({ session_id: 's1', timestamp: '2026-11-21T10:00:00.000Z', user_input: 'hi' });
    expect(detectLayout(sim.records).layout).toBe(sessionTurnsLayout);
  });

  it('classify a session-state item as a conversation with the session, user and time from its attributes', () => {
    const { classification } = createPipeline({ layout: sessionStateLayout }).process(stateRecords[0]!);
    expect(classification).toMatchObject({
      entity: 'conversation',
      sourceEntity: 'session',
      ids: { conversationId: 'sess-3c1d', userId: 'u-42', timestamp: '2026-11-28T15:33:20.000Z' },
    });
  });

  it('classify a turn with the session, user, turn number and time from its attributes', () => {
    const { classification } = createPipeline({ layout: sessionTurnsLayout }).process(turnRecords[0]!);
    expect(classification).toMatchObject({
      entity: 'turn',
      ids: { conversationId: 'sess-3c1d', userId: 'u-42', turnId: '1' },
    });
  });

  it('send a turn to the vector index with the user input and the model response as its text, and its binary embedding', () => {
    const sim = turnsTable();
    const vector = fixtureVector(7, 8);
    sim.put({
      session_id: 's1',
      turn_number: 3,
      user_input: 'Is breakfast included?',
      model_response: 'Yes, from 7:30.',
      embedding: embeddingBytes(vector),
    });
    const { outputs } = createPipeline({ layout: sessionTurnsLayout }).process(sim.records[0]!);
    const op = outputs.find((o): o is VectorOutput => o.sink === 'vector')!.payload;
    expect(op.text).toBe('Is breakfast included?\n\nYes, from 7:30.');
    expect(op.embedding!.map((v) => Math.round(v * 1000) / 1000)).toEqual(vector);
  });

  it('index a turn that so far holds only the user input', () => {
    const sim = turnsTable();
    sim.put({ session_id: 's1', turn_number: 1, user_input: 'Hello?' });
    const { outputs } = createPipeline({ layout: sessionTurnsLayout }).process(sim.records[0]!);
    expect(outputs.find((o): o is VectorOutput => o.sink === 'vector')!.payload.text).toBe('Hello?');
  });

  it('re-index a turn when the model response is regenerated', () => {
    const sim = turnsTable();
    sim.put({ session_id: 's1', turn_number: 1, user_input: 'Hi', model_response: 'Hello' });
    sim.update({ session_id: 's1', turn_number: 1 }, { model_response: 'Hello there' });
    const { outputs } = createPipeline({ layout: sessionTurnsLayout }).process(sim.records[1]!);
    expect(outputs.find((o): o is VectorOutput => o.sink === 'vector')!.payload).toMatchObject({
      action: 'upsert',
      reason: 'text-changed',
      text: 'Hi\n\nHello there',
    });
  });

  it('start a conversation at turn number 1', () => {
    const { events } = createPipeline({ layout: sessionTurnsLayout }).process(turnRecords[0]!);
    expect(events.map((e) => e.detailType)).toEqual(['Turn Created', 'Conversation Started']);
  });

  it('gunzip the compressed history before events see it', () => {
    const sim = stateTable();
    sim.put({
      SessionID: 's1',
      Timestamp: '2026-11-21T10:00:00Z',
      CompressedHistory: gzipHistory('user: hi'),
    });
    const { events } = createPipeline({ layout: sessionStateLayout }).process(sim.records[0]!);
    expect(events[0]!.detail.after?.CompressedHistory).toBe('user: hi');
  });

  it('archive an expired session with the history as text in the plain view and the stored bytes in its DynamoDB JSON', () => {
    const sim = stateTable();
    const key = { SessionID: 's1', Timestamp: '2026-11-21T10:00:00Z' };
    const bytes = gzipHistory('user: hi\nassistant: hello');
    sim.put({ ...key, CompressedHistory: bytes, TTL: 1 });
    sim.expire(key);
    const record = sim.records[1]!;
    const { outputs } = createPipeline({ layout: sessionStateLayout }).process(record);
    const entry = outputs.find((o): o is ArchiveOutput => o.sink === 'archive')!.payload;
    expect(entry.plain.CompressedHistory).toBe('user: hi\nassistant: hello');
    expect(entry.item).toEqual(record.dynamodb!.OldImage);
    expect(entry.item.CompressedHistory).toEqual({ B: Buffer.from(bytes).toString('base64') });
  });
});
