/**
 * tail, capture and backfill against Amazon DynamoDB Local (a real Streams implementation, with its
 * quirks: `ddblocal` stream ARNs, minute-truncated times, TTL deletions named UNKNOWN_TO_SDK_VERSION).
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerBackfill } from '../../lib/cli/commands/backfill.js';
import { registerCapture } from '../../lib/cli/commands/capture.js';
import { registerReplay } from '../../lib/cli/commands/replay.js';
import { registerTail } from '../../lib/cli/commands/tail.js';
import { createMemoryTable } from '../../lib/dev/createMemoryTable.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../lib/dev/startDynamoDbLocal.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { runCli } from './runCli.js';

let ddb: DynamoDbLocal;
let client: DynamoDBClient;
let dir: string;
/** Writes made: 3 puts, 1 update, 1 delete, 1 TTL expiry. */
const WRITES = 6;

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  client = new DynamoDBClient({ endpoint: ddb.endpoint, region: ddb.region, credentials: ddb.credentials });
  await createMemoryTable(client, { tableName: 'agent-memory', layout: agentMemoryLayout });
  dir = await mkdtemp(join(tmpdir(), 'ddblocal-'));
  const put = (item: Record<string, unknown>) =>
    client.send(new PutItemCommand({ TableName: 'agent-memory', Item: marshall(item) }));
  await put({ pk: 'USER#u1', sk: 'CONV#c1', entity_type: 'conversation', title: 'Lisbon' });
  await put({
    pk: 'USER#u1',
    sk: 'CONV#c1#TS#2026-11-01T10:00:00Z',
    entity_type: 'turn',
    role: 'user',
    text: 'hi',
  });
  await client.send(
    new UpdateItemCommand({
      TableName: 'agent-memory',
      Key: marshall({ pk: 'USER#u1', sk: 'CONV#c1' }),
      UpdateExpression: 'SET title = :t',
      ExpressionAttributeValues: marshall({ ':t': 'Lisbon in March' }),
    }),
  );
  await client.send(
    new DeleteItemCommand({
      TableName: 'agent-memory',
      Key: marshall({ pk: 'USER#u1', sk: 'CONV#c1#TS#2026-11-01T10:00:00Z' }),
    }),
  );
  // Already expired: DynamoDB Local's TTL process deletes it within about a second.
  await put({
    pk: 'USER#u1',
    sk: 'MEM#m1',
    entity_type: 'memory',
    text: 'likes quiet hotels',
    expires_at: Math.floor(Date.now() / 1000) - 60,
  });
}, 120_000);

afterAll(async () => {
  client?.destroy();
  await ddb?.stop();
});

const endpoint = () => ['--endpoint', ddb.endpoint, '--poll-interval', '50', '--no-progress'];

describe('against DynamoDB Local', () => {
  it('tails every change including the TTL expiry, and a captured file replays to the same output', async () => {
    const tailed = await runCli(
      [registerTail],
      [
        'tail',
        '--table',
        'agent-memory',
        '--from',
        'trim-horizon',
        '--json',
        '--count',
        String(WRITES),
        ...endpoint(),
      ],
    );
    expect(tailed.code).toBe(0);
    const outputs = tailed.out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { sink: string; entity: string });
    // The TTL deletion is recognised as an expiry (DynamoDB Local's fallback) and archived.
    expect(outputs.filter((o) => o.sink === 'archive').map((o) => o.entity)).toEqual(['memory']);

    const file = join(dir, 'local.json');
    const captured = await runCli(
      [registerCapture],
      [
        'capture',
        '--table',
        'agent-memory',
        '--from',
        'trim-horizon',
        '--out',
        file,
        '--count',
        String(WRITES),
        ...endpoint(),
      ],
    );
    expect(captured.code).toBe(0);
    const { Records } = JSON.parse(await readFile(file, 'utf8')) as { Records: StreamRecord[] };
    expect(Records.map((r) => r.eventName)).toEqual([
      'INSERT',
      'INSERT',
      'MODIFY',
      'REMOVE',
      'INSERT',
      'UNKNOWN_TO_SDK_VERSION',
    ]);
    expect(Records[0]!.eventSourceARN).toMatch(/^arn:aws:dynamodb:ddblocal:/);
    expect(typeof Records[0]!.dynamodb!.ApproximateCreationDateTime).toBe('number');

    const replayed = await runCli([registerReplay], ['replay', '--no-archive', '--json', file], dir);
    expect(replayed.out).toBe(tailed.out);
  });

  it('backfills the items the table holds now', async () => {
    const run = await runCli(
      [registerBackfill],
      [
        'backfill',
        '--table',
        'agent-memory',
        '--segments',
        '2',
        '--checkpoint',
        join(dir, 'cp.json'),
        ...endpoint().filter((a) => !a.startsWith('--poll') && a !== '50'),
      ],
    );
    expect(run.code).toBe(0);
    expect(run.err).toContain('backfill: 1 item(s) emitted by this run, 1 in all; complete');
    expect(run.out).toMatch(/Changes by entity\n {2}conversation {2}1/);
  });

  it('says a table does not exist, and that an existing table has no stream, telling the two apart', async () => {
    await client.send(
      new CreateTableCommand({
        TableName: 'no-stream',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const missing = await runCli([registerTail], ['tail', '--table', 'nope', ...endpoint()]);
    expect([missing.code, missing.err]).toEqual([
      2,
      `memory-cdc tail: table nope does not exist (at ${ddb.endpoint})\n`,
    ]);
    const out = join(dir, 'never.json');
    const captured = await runCli(
      [registerCapture],
      ['capture', '--table', 'nope', '--out', out, ...endpoint()],
    );
    expect([captured.code, captured.err.split('\n')[0]]).toEqual([
      2,
      `memory-cdc capture: table nope does not exist (at ${ddb.endpoint})`,
    ]);
    const streamless = await runCli([registerTail], ['tail', '--table', 'no-stream', ...endpoint()]);
    expect([streamless.code, streamless.err.split('\n')[0]]).toEqual([
      2,
      'memory-cdc tail: table no-stream has no stream: enable one (StreamSpecification, view type NEW_AND_OLD_IMAGES) or pass --stream-arn',
    ]);
  });
});
