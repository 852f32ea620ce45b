import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeArchiveObject, encodeArchiveObject } from '../../lib/archive/archiveObjectCodec.js';
import { LocalArchiveStore } from '../../lib/archive/LocalArchiveStore.js';
import { restoreArchive } from '../../lib/archive/restoreArchive.js';
import { LocalArchiveSink } from '../../lib/sinks/archive/LocalArchiveSink.js';
import { type DynaliteHandle, startDynalite } from './dynalite.js';
import { allTypesTurn, archiveOutputsOf, expiryOf, START } from './expiries.js';

/** Archive objects written by the format shipped before line format 2 (see its README.md). */
const V1 = join(import.meta.dirname, '../fixtures-data/archive-v1');

describe('restore from archives of both line formats', () => {
  let dynamo: DynaliteHandle;
  let folders: string[] = [];
  const folder = async (name: string) => {
    const path = await mkdtemp(join(tmpdir(), `restore-${name}-`));
    folders.push(path);
    return path;
  };
  const restored = async (source: string, table: string) => {
    await dynamo.createTable(table);
    const summary = await restoreArchive({
      reader: new LocalArchiveStore(source),
      client: dynamo.client(),
      targetTable: table,
      // One clock for both restores: the restore marker each item gets holds the restore time.
      now: () => Date.parse('2026-12-07T10:00:00.000Z'),
    });
    const items = (await dynamo.client().send(new ScanCommand({ TableName: table }))).Items ?? [];
    items.sort((a, b) => `${a.pk?.S}|${a.sk?.S}`.localeCompare(`${b.pk?.S}|${b.sk?.S}`));
    return { summary, items };
  };

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo?.close();
    for (const path of folders) await rm(path, { recursive: true, force: true });
    folders = [];
  });

  it('writes back the same items from an archive of the old format as from the same archive rewritten in the new one', async () => {
    const rewritten = await folder('v2');
    const store = new LocalArchiveStore(V1);
    const target = new LocalArchiveStore(rewritten);
    let objects = 0;
    for await (const key of store.listObjects()) {
      const entries = await decodeArchiveObject(await store.getObject(key), key);
      await target.putObject(key, await encodeArchiveObject(entries));
      objects++;
    }
    expect(objects).toBeGreaterThan(3);
    const old = await restored(V1, 'from-v1');
    const current = await restored(rewritten, 'from-v2');
    expect(old.summary.itemsWritten).toBeGreaterThan(3);
    expect(current.summary.itemsWritten).toBe(old.summary.itemsWritten);
    expect(current.items).toEqual(old.items);
    // The all-types turn: 38 digits and bytes survive both ways.
    const turn = old.items.find((item) => item.pk?.S === 'USER#u-7')!;
    expect(turn.big).toEqual({ N: '12345678901234567890123456789012345678' });
    expect(Buffer.from(turn.embedding!.B!)).toEqual(Buffer.from([0, 1, 2, 254, 255, 3]));
  });

  it('reads an archive holding objects of both formats, as one upgraded in place holds', async () => {
    const mixed = await folder('mixed');
    await cp(V1, mixed, { recursive: true });
    const item = allTypesTurn('u-8', 'c-8', 4, START);
    const outcome = await new LocalArchiveSink({ folder: mixed }).deliver(
      archiveOutputsOf([expiryOf(item, 8, START + 3 * 3600)]),
    );
    expect(outcome.outcomes.map((o) => o.status)).toEqual(['accepted']);
    const old = await restored(V1, 'only-v1');
    const both = await restored(mixed, 'mixed');
    expect(both.summary.itemsWritten).toBe(old.summary.itemsWritten + 1);
    expect(both.items.find((i) => i.pk?.S === 'USER#u-8')?.big).toEqual({
      N: '12345678901234567890123456789012345678',
    });
  });

  it('sends attributes named __proto__ back to DynamoDB (checked on the wire: dynalite itself drops them)', async () => {
    const archive = await folder('proto');
    const record = expiryOf(allTypesTurn('u-p', 'c-p', 5, START), 5, START);
    // As Lambda delivers it: JSON.parse makes `__proto__` an own property of the image.
    const delivered = JSON.parse(
      JSON.stringify(record).replace('"OldImage":{', '"OldImage":{"__proto__":{"S":"kept"},'),
    ) as typeof record;
    await new LocalArchiveSink({ folder: archive }).deliver(archiveOutputsOf([delivered]));
    const bodies: string[] = [];
    // A BatchWriteItem endpoint that records what it is sent and accepts everything.
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        bodies.push(body);
        response.setHeader('content-type', 'application/x-amz-json-1.0');
        response.end(JSON.stringify({ UnprocessedItems: {} }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const client = new DynamoDBClient({
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
      const summary = await restoreArchive({
        reader: new LocalArchiveStore(archive),
        client,
        targetTable: 'wire',
      });
      expect(summary.itemsWritten).toBe(1);
      const sent = JSON.parse(bodies[0]!) as {
        RequestItems: { wire: { PutRequest: { Item: Record<string, unknown> } }[] };
      };
      const item = sent.RequestItems.wire[0]!.PutRequest.Item;
      expect(Object.getOwnPropertyDescriptor(item, '__proto__')?.value).toEqual({ S: 'kept' });
      client.destroy();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
