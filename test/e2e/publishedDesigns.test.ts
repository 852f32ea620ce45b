/**
 * The published designs end to end on DynamoDB Local, three tables behind ONE router and archiver and
 * no layout file: the two tables of the session-memory design as published (session state keyed
 * SessionID/Timestamp, turns keyed session_id/turn_number; MEMORY_CDC_TABLE_LAYOUTS names their presets)
 * and an agent-memory table written literally (pk = user_id, sk = conversation_id#timestamp or
 * run_id#step; the default layout) — and the change log of all three through the real vector-sync
 * handler into an S3 Vectors endpoint.
 */
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { S3VectorsClient } from '@aws-sdk/client-s3vectors';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemoryTable } from '../../lib/dev/createMemoryTable.js';
import type { SeedWrite } from '../../lib/dev/seed/types.js';
import { embeddingBytes, fixtureVector } from '../../lib/fixtures/embeddingBytes.js';
import { gzipHistory } from '../../lib/fixtures/scenarios/sessionMemoryScenario.js';
import { sessionStateLayout, sessionTurnsLayout } from '../../lib/layout/presets/sessionMemory.js';
import { S3_VECTORS_NON_FILTERABLE_METADATA_KEYS } from '../../lib/vector/backends/S3VectorsIndex.js';
import { createVectorSyncHandler } from '../../lib/vector/createVectorSyncHandler.js';
import { loadVectorSyncConfig } from '../../lib/vector/vectorSyncConfig.js';
import { type S3VectorsEndpoint, startS3VectorsEndpoint } from '../support/s3VectorsEndpoint.js';
import { type BedrockEndpoint, startBedrockEndpoint } from '../vector/support/bedrockEndpoint.js';
import { kinesisRecord } from '../vector/support/changeLog.js';
import { BUCKETS, type Harness, type Pump, startHarness, waitFor } from './harness.js';

const STATE = 'e2e-session-state';
const TURNS = 'e2e-conversation-turns';
const LITERAL = 'e2e-agent-memory-literal';
const TABLE_LAYOUTS = JSON.stringify({ [STATE]: 'session-state', [TURNS]: 'session-turns' });
const DIMENSIONS = 256;
const SESSION = 'sess-e2e';
const T0 = '2026-11-21T10:00:00.000Z';

let h: Harness;
let vectors: S3VectorsEndpoint;
let bedrock: BedrockEndpoint;
let state: MemoryTable;
let turns: MemoryTable;
let literal: MemoryTable;
const pumps: Pump[] = [];

const turnVector = (n: number) => fixtureVector(300 + n, DIMENSIONS);
const turn = (n: number, input: string, response: string) => ({
  session_id: SESSION,
  turn_number: n,
  user_id: 'u-e2e',
  timestamp: `2026-11-21T10:0${n}:00.000Z`,
  user_input: input,
  model_response: response,
  metadata: { model: 'test-model' },
  embedding: embeddingBytes(turnVector(n)),
});

const STATE_WRITES: SeedWrite[] = [
  { op: 'put', item: { SessionID: SESSION, Timestamp: T0, UserID: 'u-e2e', Status: 'active' } },
  {
    op: 'put',
    item: {
      SessionID: SESSION,
      Timestamp: '2026-11-21T10:05:00.000Z',
      UserID: 'u-e2e',
      Status: 'idle',
      CompressedHistory: gzipHistory('user: Plan a weekend in Porto.\nassistant: Ribeira first.'),
    },
  },
];
const TURN_WRITES: SeedWrite[] = [
  { op: 'put', item: turn(1, 'Plan a weekend in Porto.', 'Ribeira first, then Serralves.') },
  { op: 'put', item: turn(2, 'Add a vegetarian dinner.', 'Booked for 20:00.') },
  {
    op: 'update',
    key: { session_id: SESSION, turn_number: 2 },
    set: { model_response: 'Booked for 20:30 instead.', embedding: embeddingBytes(turnVector(22)) },
  },
  { op: 'put', item: turn(3, 'Cancel that.', 'Cancelled.') },
  { op: 'delete', key: { session_id: SESSION, turn_number: 3 } },
];

const literalVector = (n: number) => fixtureVector(400 + n, DIMENSIONS);
const LITERAL_WRITES: SeedWrite[] = [
  { op: 'put', item: { pk: 'u-e2e', sk: 'c-lit', entity_type: 'conversation', title: 'Porto' } },
  ...[1, 2].map(
    (seq): SeedWrite => ({
      op: 'put',
      item: {
        pk: 'u-e2e',
        sk: `c-lit#2026-11-21T11:0${seq}:00.000Z`,
        role: seq === 1 ? 'user' : 'assistant',
        text: seq === 1 ? 'Which museum first?' : 'Serralves, then the Soares dos Reis.',
        seq,
        embedding: embeddingBytes(literalVector(seq)),
      },
    }),
  ),
  { op: 'put', item: { pk: 'u-e2e', sk: 'r-lit#1', status: 'running' } },
  { op: 'update', key: { pk: 'u-e2e', sk: 'r-lit#1' }, set: { status: 'completed' } },
];

async function settled(pump: Pump, count: number): Promise<void> {
  await waitFor(
    `${count} records routed`,
    () => {
      const acknowledged = pump.invocations
        .filter((i) => i.consumer === 'router')
        .reduce((sum, i) => sum + i.acknowledged.length, 0);
      return pump.read.length >= count && acknowledged >= pump.read.length;
    },
    60_000,
  );
}

beforeAll(async () => {
  [h, vectors, bedrock] = await Promise.all([
    startHarness({ env: { MEMORY_CDC_TABLE_LAYOUTS: TABLE_LAYOUTS } }),
    startS3VectorsEndpoint(),
    startBedrockEndpoint(),
  ]);
  [state, turns, literal] = await Promise.all([
    h.createTable(STATE, sessionStateLayout),
    h.createTable(TURNS, sessionTurnsLayout),
    h.createTable(LITERAL),
  ]);
  pumps.push(h.pump(state), h.pump(turns), h.pump(literal));
  await h.write(STATE, STATE_WRITES, ['SessionID', 'Timestamp']);
  await h.write(TURNS, TURN_WRITES, ['session_id', 'turn_number']);
  await h.write(LITERAL, LITERAL_WRITES);
  await Promise.all([
    settled(pumps[0]!, STATE_WRITES.length),
    settled(pumps[1]!, TURN_WRITES.length),
    settled(pumps[2]!, LITERAL_WRITES.length),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([h?.close(), vectors?.close(), bedrock?.close()]);
});

describe('the published designs on DynamoDB Local, three tables behind one stack', () => {
  it('publishes each table with its own layout, with no layout file', () => {
    const stateEvents = h.events(STATE).map((e) => `${e.detail.layout} ${e.detailType}`);
    const turnEvents = h.events(TURNS).map((e) => `${e.detail.layout} ${e.detailType}`);
    expect(stateEvents).toEqual(['session-state Conversation Created', 'session-state Conversation Created']);
    expect(turnEvents.sort()).toEqual(
      [
        'session-turns Conversation Started',
        'session-turns Turn Created',
        'session-turns Turn Created',
        'session-turns Turn Created',
        'session-turns Turn Updated',
        'session-turns Turn Deleted',
      ].sort(),
    );
  });

  it('reads the literal agent-memory table with the default layout: turns and run steps by their sort keys', () => {
    const events = h.events(LITERAL).map((e) => `${e.detail.layout} ${e.detail.entity} ${e.detailType}`);
    expect(events).toEqual(
      expect.arrayContaining([
        'agent-memory conversation Conversation Created',
        'agent-memory turn Turn Created',
        'agent-memory turn Conversation Started',
        'agent-memory run_step Run Step Created',
        'agent-memory run_step Run Step Completed',
      ]),
    );
    expect(events.filter((e) => e.includes('unknown'))).toEqual([]);
    const turn = h.events(LITERAL).find((e) => e.detailType === 'Turn Created')!;
    expect(turn.detail.ids).toMatchObject({ userId: 'u-e2e', conversationId: 'c-lit' });
  });

  it('reads identifiers from the attributes the design names', () => {
    const created = h.events(TURNS).find((e) => e.detailType === 'Turn Created')!;
    expect(created.detail.ids).toMatchObject({ conversationId: SESSION, userId: 'u-e2e', turnId: '1' });
    const session = h.events(STATE)[0]!;
    expect(session.detail.ids).toMatchObject({ conversationId: SESSION, userId: 'u-e2e', timestamp: T0 });
  });

  it('gunzips the compressed history before the event carries it', () => {
    const checkpoint = h.events(STATE)[1]!;
    expect(checkpoint.detail.after?.CompressedHistory).toBe(
      'user: Plan a weekend in Porto.\nassistant: Ribeira first.',
    );
  });

  it('writes one change log whose partition keys name each table', async () => {
    const keys = new Set(
      [...(await h.changeLog(STATE)), ...(await h.changeLog(TURNS))].map((r) => r.partitionKey),
    );
    expect([...keys].sort()).toEqual(
      [`conv#${TURNS}#u-e2e#${SESSION}`, `conv#${STATE}#u-e2e#${SESSION}`].sort(),
    );
  });

  it("syncs every table's turns to the vector index from the change log, with each turn's own binary embedding", async () => {
    vectors.createIndex({
      vectorBucketName: 'memory-vectors',
      indexName: 'session-turns',
      dimension: DIMENSIONS,
      nonFilterableMetadataKeys: [...S3_VECTORS_NON_FILTERABLE_METADATA_KEYS],
    });
    const env = {
      MEMORY_CDC_LAYOUT: 'agent-memory',
      MEMORY_CDC_TABLE_LAYOUTS: TABLE_LAYOUTS,
      DEAD_LETTER_BUCKET: BUCKETS.deadLetters,
      VECTOR_BUCKET_NAME: 'memory-vectors',
      VECTOR_INDEX_NAME: 'session-turns',
      EMBEDDING_DIMENSIONS: String(DIMENSIONS),
      LOG_LEVEL: 'silent',
    };
    const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
    const handler = createVectorSyncHandler(loadVectorSyncConfig(env), {
      clients: {
        s3Vectors: new S3VectorsClient({
          endpoint: vectors.url,
          region: 'us-east-1',
          credentials,
          maxAttempts: 1,
        }),
        bedrock: new BedrockRuntimeClient({
          endpoint: bedrock.url,
          region: 'us-east-1',
          credentials,
          maxAttempts: 1,
          requestHandler: new NodeHttpHandler(),
        }),
        s3: h.s3.client({ maxAttempts: 1 }),
      },
      logger: pino({ level: 'silent' }),
    });
    const log = [
      ...(await h.changeLog(STATE)),
      ...(await h.changeLog(TURNS)),
      ...(await h.changeLog(LITERAL)),
    ];
    const event = {
      Records: log.map((r, i) => kinesisRecord(String(1000 + i), r.partitionKey, JSON.stringify(r.detail))),
    };
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    const live = [...vectors.vectors('memory-vectors', 'session-turns').values()].filter(
      (v) => v.metadata?.deleted === false,
    );
    const round = (xs: number[]) => xs.map((x) => Math.round(x * 1000) / 1000);
    expect(live.map((v) => [v.metadata?.conversationId, round(v.data)])).toEqual(
      expect.arrayContaining([
        [SESSION, turnVector(1)],
        [SESSION, turnVector(22)],
        ['c-lit', literalVector(1)],
        ['c-lit', literalVector(2)],
      ]),
    );
    expect(live).toHaveLength(4);
    expect(bedrock.calls).toBe(0);
  });
});
