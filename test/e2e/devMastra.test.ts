/**
 * `memory-cdc dev --layout mastra`: the table is created as Mastra documents it (keys pk/sk, indexes
 * gsi1 and gsi2), and items past their TTL still expire locally — DynamoDB Local never TTL-deletes in a
 * table with a secondary index, so dev's expiry sweeper does, and the pipeline reads its REMOVEs as
 * expiries (archived, `… Expired`).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../lib/dev/findFreePort.js';
import { type DevInfo, type DevResult, runDev } from '../../lib/dev/runDev.js';
import type { ExpirySweep } from '../../lib/dev/sweepExpiredItems.js';
import { mastraLayout } from '../../lib/layout/presets/mastra.js';
import type { RoutedOutput } from '../../lib/routing/types.js';
import { HEAVY_TEST_TIMEOUT_MS } from '../support/timeouts.js';

let dir: string;
let result: DevResult;
const outputs: RoutedOutput[] = [];
let indexes: string[] = [];
let listed: string[] = [];
let liveItemKept = false;
const sweeps: ExpirySweep[] = [];

function message(id: string, ttl: number) {
  return {
    pk: `$mastra#entity_message#id_${id}`,
    sk: '$message_1#entity_message',
    gsi1pk: '$mastra#entity_message#threadid_thread-1',
    gsi1sk: `$message_1#createdat_2026-12-07t10:00:0${id.length}.000z`,
    entity: 'message',
    id,
    threadId: 'thread-1',
    resourceId: 'user-1',
    role: 'user',
    type: 'text',
    content: JSON.stringify({ format: 2, parts: [{ type: 'text', text: `hello ${id}` }] }),
    createdAt: '2026-12-07T10:00:00.000Z',
    updatedAt: '2026-12-07T10:00:00.000Z',
    ttl,
    __edb_e__: 'message',
    __edb_v__: '1',
  };
}

async function until(condition: () => boolean, what: string, state: () => string): Promise<void> {
  const deadline = Date.now() + HEAVY_TEST_TIMEOUT_MS / 2;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${state()}`);
    await delay(200);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'memory-cdc-dev-mastra-'));
  const controller = new AbortController();
  const now = Math.floor(Date.now() / 1000);
  let ready: (info: DevInfo) => void = () => undefined;
  const started = new Promise<DevInfo>((resolve) => {
    ready = resolve;
  });
  const running = runDev({
    layout: mastraLayout,
    port: await findFreePort(),
    outDir: dir,
    signal: controller.signal,
    viewIntervalMs: 100,
    expirySweepIntervalMs: 200,
    onOutput: (output) => outputs.push(output),
    onReady: (info) => ready(info),
    onExpirySweep: (sweep) => sweeps.push(sweep),
  });
  let client: DynamoDBClient | undefined;
  try {
    const info = await Promise.race([
      started,
      running.then(() => Promise.reject(new Error('dev ended before it was ready'))),
    ]);
    client = new DynamoDBClient({
      endpoint: info.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const table = await client.send(new DescribeTableCommand({ TableName: info.tableName }));
    indexes = (table.Table?.GlobalSecondaryIndexes ?? []).map(
      (i) => `${i.IndexName}:${i.KeySchema?.map((k) => k.AttributeName).join('/')}`,
    );
    // The live message first, listed through gsi1 as Mastra lists a thread; then the expired one (the
    // sweeper may delete it at any moment after).
    await client.send(
      new PutItemCommand({ TableName: info.tableName, Item: marshall(message('live', now + 3600)) }),
    );
    const query = await client.send(
      new QueryCommand({
        TableName: info.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :t',
        ExpressionAttributeValues: { ':t': { S: '$mastra#entity_message#threadid_thread-1' } },
      }),
    );
    listed = (query.Items ?? []).map((item) => item.id?.S ?? '');
    await client.send(
      new PutItemCommand({ TableName: info.tableName, Item: marshall(message('expired', now - 60)) }),
    );
    await Promise.race([
      until(
        () => outputs.some((o) => o.sink === 'archive'),
        'the expired item to be archived',
        () =>
          JSON.stringify({
            sweeps: sweeps.slice(-5).map((s) => ('error' in s ? s.error.message : s.deleted)),
            outputs: outputs.map((o) => o.sink),
          }),
      ),
      running.then(() => Promise.reject(new Error('dev ended early'))),
    ]);
    const { pk, sk } = message('live', 0);
    const live = await client.send(
      new GetItemCommand({ TableName: info.tableName, Key: marshall({ pk, sk }) }),
    );
    liveItemKept = live.Item !== undefined;
  } finally {
    controller.abort();
    result = await running;
    client?.destroy();
  }
}, HEAVY_TEST_TIMEOUT_MS);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('memory-cdc dev --layout mastra', () => {
  it('creates the gsi1 and gsi2 indexes Mastra queries, so listing a thread works', () => {
    expect(indexes.sort()).toEqual(['gsi1:gsi1pk/gsi1sk', 'gsi2:gsi2pk/gsi2sk']);
    expect(listed).toEqual(['live']);
  });

  it('expires an item past its TTL although DynamoDB Local does not, and archives it as an expiry', async () => {
    const expired = outputs.filter((o) => o.sink === 'eventbridge' && o.detailType === 'Turn Expired');
    expect(expired).toHaveLength(1);
    expect(result.snapshot.ttl.expiriesRead).toBe(1);
    expect(result.snapshot.archive.items).toBe(1);
    expect(await readdir(join(dir, 'archive'), { recursive: true })).not.toHaveLength(0);
  });

  it('reports every sweep, and the one that deleted the expired item', () => {
    expect(sweeps.some((s) => 'deleted' in s && s.deleted === 1)).toBe(true);
  });

  it('leaves items whose TTL lies ahead', () => {
    expect(liveItemKept).toBe(true);
    expect(outputs.some((o) => o.sink === 'eventbridge' && o.detailType === 'Turn Deleted')).toBe(false);
  });
});
