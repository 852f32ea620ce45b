/**
 * Issue #14 item 2 for the archive: attribute names that are Object.prototype members survive the
 * archive line and the restore, at every depth.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchiveReader } from '../../lib/archive/openArchiveReader.js';
import { restoreArchive } from '../../lib/archive/restoreArchive.js';
import { LocalArchiveSink } from '../../lib/sinks/archive/LocalArchiveSink.js';
import type { AttributeMap } from '../../lib/stream/types.js';
import { archiveOutputsOf, expiryOf, START } from './expiries.js';

/** A turn whose attributes, top level and nested, are named after Object.prototype members. */
const ITEM = JSON.parse(`{
  "pk": {"S": "USER#u-proto"},
  "sk": {"S": "CONV#c-proto#TS#2026-11-28T10:00:00.000Z"},
  "text": {"S": "hello"},
  "__proto__": {"M": {"admin": {"BOOL": true}, "__proto__": {"S": "deep"}}},
  "constructor": {"S": "top"},
  "meta": {"M": {"toString": {"N": "1"}, "hasOwnProperty": {"L": [{"M": {"prototype": {"SS": ["a"]}}}]}}}
}`) as AttributeMap;

/** Every key at every depth (a JSON.stringify allow-list that also orders keys). */
function allNames(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap(allNames);
  return Object.keys(value).flatMap((k) => [k, ...allNames((value as Record<string, unknown>)[k])]);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('prototype-member attribute names in the archive (#14.2)', () => {
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'archive-proto-'));
    const outputs = archiveOutputsOf([expiryOf(ITEM, 1, START)]);
    expect(outputs).toHaveLength(1);
    const sink = new LocalArchiveSink({ folder });
    expect((await sink.deliver(outputs)).outcomes.map((o) => o.status)).toEqual(['accepted']);
  });
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('writes them into the archive line, in DynamoDB JSON and in the plain view', async () => {
    const [file] = (await filesUnder(folder)).filter((f) => f.endsWith('.gz'));
    const text = gunzipSync(await readFile(file!)).toString('utf8');
    const line = JSON.parse(text.split('\n')[0]!) as { item: unknown; plain: unknown };
    // Format 2 keeps each image as JSON text (Athena's Hive SerDe); format 1 kept objects.
    const open = (image: unknown) =>
      (typeof image === 'string' ? JSON.parse(image) : image) as Record<string, unknown>;
    const item = open(line.item);
    const plain = open(line.plain);
    for (const view of [item, plain]) {
      expect(Object.keys(view)).toEqual(expect.arrayContaining(['__proto__', 'constructor', 'meta']));
      expect(Object.getPrototypeOf(view)).toBe(Object.prototype);
    }
    expect(JSON.stringify(Object.getOwnPropertyDescriptor(plain, '__proto__')?.value)).toBe(
      '{"admin":true,"__proto__":"deep"}',
    );
  });

  it('restores them as they were: the BatchWriteItem DynamoDB receives carries every name', async () => {
    // A local endpoint speaking BatchWriteItem's wire protocol keeps the real SDK client in the
    // loop and shows exactly what would reach DynamoDB (dynalite rebuilds items and drops __proto__).
    const bodies: string[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        bodies.push(body);
        response.setHeader('content-type', 'application/x-amz-json-1.0');
        response.end('{"UnprocessedItems":{}}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = new DynamoDBClient({
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      });
      const summary = await restoreArchive({
        reader: openArchiveReader(folder),
        client,
        targetTable: 'restored',
      });
      expect(summary).toMatchObject({ itemsMatched: 1, itemsWritten: 1 });
      const request = JSON.parse(bodies[0]!) as {
        RequestItems: { restored: { PutRequest: { Item: Record<string, unknown> } }[] };
      };
      const written = request.RequestItems.restored[0]!.PutRequest.Item;
      const names = allNames(ITEM).sort();
      expect(JSON.stringify(written, names)).toBe(JSON.stringify(ITEM, names));
      // Every name of the item, plus the restore marker restore adds (see restoreMarker.ts).
      expect(Object.keys(written)).toEqual([...Object.keys(ITEM), 'memory_cdc_restored_at']);
    } finally {
      server.close();
    }
  });
});
