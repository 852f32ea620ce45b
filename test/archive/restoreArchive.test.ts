import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttributeValue, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeArchiveObject } from '../../lib/archive/archiveObjectCodec.js';
import { toArchiveAttributeMap } from '../../lib/archive/binaryAttributes.js';
import { ArchiveFormatError, RestoreError } from '../../lib/archive/errors.js';
import { LocalArchiveStore } from '../../lib/archive/LocalArchiveStore.js';
import { openArchiveReader } from '../../lib/archive/openArchiveReader.js';
import { restoreArchive } from '../../lib/archive/restoreArchive.js';
import { LocalArchiveSink } from '../../lib/sinks/archive/LocalArchiveSink.js';
import { S3ArchiveSink } from '../../lib/sinks/archive/S3ArchiveSink.js';
import type { AttributeMap } from '../../lib/stream/types.js';
import { type FaultProxy, faults, startFaultProxy } from '../support/faultProxy.js';
import { type S3rverHandle, startS3rver } from '../support/s3rver.js';
import { type DynaliteHandle, startDynalite } from './dynalite.js';
import { allTypesTurn, archiveOutputsOf, expiryOf, START } from './expiries.js';

const BUCKET = 'restore-test-archive';
const HOUR = 3600;

/** Decimal value of a DynamoDB number, independent of spelling (DynamoDB stores values, not text). */
function decimalValue(text: string): string {
  const match = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text)!;
  const [, sign, int = '', frac = '', exp = '0'] = match;
  let digits = (int + frac).replace(/^0+/, '');
  let exponent = Number(exp) - frac.length;
  if (digits === '') return '0';
  const trimmed = digits.replace(/0+$/, '');
  exponent += digits.length - trimmed.length;
  digits = trimmed;
  return `${sign}${digits}e${exponent}`;
}

/** An item in a form that compares by DynamoDB semantics: binary as base64, sets unordered, numbers by value. */
function comparable(value: AttributeValue | AttributeMap[string]): unknown {
  const v = value as Record<string, unknown>;
  if ('N' in v) return { N: decimalValue(v.N as string) };
  if ('NS' in v) return { NS: (v.NS as string[]).map(decimalValue).sort() };
  if ('SS' in v) return { SS: [...(v.SS as string[])].sort() };
  if ('BS' in v)
    return {
      BS: [...(toArchiveAttributeMap({ x: v } as unknown as AttributeMap).x as { BS: string[] }).BS].sort(),
    };
  if ('B' in v) return toArchiveAttributeMap({ x: v } as unknown as AttributeMap).x;
  if ('M' in v) return { M: comparableItem(v.M as AttributeMap) };
  if ('L' in v) return { L: (v.L as AttributeValue[]).map(comparable) };
  return v;
}
function comparableItem(item: Record<string, AttributeValue> | AttributeMap): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, comparable(value)]));
}

describe('restore from the archive', () => {
  let dynamo: DynaliteHandle;
  let s3: S3rverHandle;
  let proxy: FaultProxy;
  let folder: string;
  /** Originals by sort key: 2 users x 2 conversations x 3 turns, one expiry every 20 minutes. */
  const originals = new Map<string, AttributeMap>();
  const records = [];
  let n = 0;
  for (const user of ['u-1', 'u-2']) {
    for (const conversation of ['c-1', 'c-2']) {
      for (let t = 0; t < 3; t++) {
        n++;
        const item = allTypesTurn(user, `${user}-${conversation}`, n, START + n * 1200);
        originals.set((item.sk as { S: string }).S, item);
        records.push(expiryOf(item, n, START + n * 1200));
      }
    }
  }
  const outputs = archiveOutputsOf(records);
  let table = 0;
  const newTable = async () => {
    const name = `restored-${++table}`;
    await dynamo.createTable(name);
    return name;
  };
  const scan = async (name: string) =>
    (await dynamo.client().send(new ScanCommand({ TableName: name }))).Items ?? [];

  beforeAll(async () => {
    dynamo = await startDynalite();
    s3 = await startS3rver({ buckets: [BUCKET] });
    proxy = await startFaultProxy({ target: dynamo.endpoint });
    folder = await mkdtemp(join(tmpdir(), 'archive-restore-'));
    // Archive the same expiries both ways: to a local folder (replay) and to S3 (the Lambda).
    const local = new LocalArchiveSink({ folder });
    expect((await local.deliver(outputs)).outcomes.every((o) => o.status === 'accepted')).toBe(true);
    const remote = new S3ArchiveSink({ client: s3.client(), bucket: BUCKET, prefix: 'archive/' });
    expect((await remote.deliver(outputs)).outcomes.every((o) => o.status === 'accepted')).toBe(true);
  });
  afterAll(async () => {
    await proxy?.close();
    await dynamo?.close();
    await s3?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it.each([
    ['a local folder', () => folder],
    ['an s3:// URI', () => `s3://${BUCKET}/archive/`],
  ])('writes back from %s every attribute type exactly as it was archived', async (_, source) => {
    const target = await newTable();
    const summary = await restoreArchive({
      reader: openArchiveReader(source(), { s3Client: () => s3.client() }),
      client: dynamo.client(),
      targetTable: target,
    });
    expect(summary).toMatchObject({
      itemsMatched: originals.size,
      itemsWritten: originals.size,
      dryRun: false,
    });
    for (const original of originals.values()) {
      const { Item } = await dynamo.client().send(
        new GetItemCommand({
          TableName: target,
          Key: { pk: { S: (original.pk as { S: string }).S }, sk: { S: (original.sk as { S: string }).S } },
        }),
      );
      expect(Item).toBeDefined();
      // Binary comes back as bytes: the same bytes, not their base64 spelling.
      expect(Item!.embedding?.B).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(Item!.embedding!.B!)).toEqual(
        Buffer.from((original.embedding as { B: Uint8Array }).B),
      );
      expect(Item!.big).toEqual({ N: '12345678901234567890123456789012345678' });
      expect(Item!.decimal34).toEqual({ N: '3.141592653589793238462643383279503' });
      // Every attribute as it was, plus the restore marker (the time of this restore).
      const { memory_cdc_restored_at: marker, ...restored } = Item!;
      expect(marker?.S).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(comparableItem(restored)).toEqual(comparableItem(original));
    }
  });

  it('restores only the items of one user, one conversation, or a time range', async () => {
    const reader = openArchiveReader(folder);
    const byUser = await restoreArchive({ reader, filter: { userId: 'u-2' }, dryRun: true });
    expect(byUser.itemsMatched).toBe(6);
    const byConversation = await restoreArchive({
      reader,
      filter: { conversationId: 'u-1-c-2' },
      dryRun: true,
    });
    expect(byConversation.itemsMatched).toBe(3);
    // Expiries are 20 minutes apart from START + 20 min: [START + 1h, START + 2h) holds n = 3, 4, 5.
    const from = new Date((START + HOUR) * 1000);
    const to = new Date((START + 2 * HOUR) * 1000);
    const byTime = await restoreArchive({ reader, filter: { from, to }, dryRun: true });
    expect(byTime.itemsMatched).toBe(3);
    expect(byTime.objectsRead).toBe(3);
    const none = await restoreArchive({ reader, filter: { table: 'other-table' }, dryRun: true });
    expect(none).toMatchObject({ objectsRead: 0, itemsMatched: 0 });
  });

  it('writes nothing on a dry run', async () => {
    const target = await newTable();
    const summary = await restoreArchive({
      reader: openArchiveReader(folder),
      targetTable: target,
      dryRun: true,
    });
    expect(summary).toMatchObject({
      dryRun: true,
      itemsMatched: originals.size,
      itemsWritten: 0,
      batchWrites: 0,
    });
    expect(await scan(target)).toHaveLength(0);
  });

  it('gives restored items a new expiry with ttlExtend', async () => {
    const target = await newTable();
    const now = Date.UTC(2027, 0, 1);
    const summary = await restoreArchive({
      reader: openArchiveReader(folder),
      client: dynamo.client(),
      targetTable: target,
      filter: { userId: 'u-1' },
      ttlExtend: { attribute: 'expires_at', seconds: 7 * 86_400 },
      now: () => now,
    });
    expect(summary.newExpiry).toBe(now / 1000 + 7 * 86_400);
    const items = await scan(target);
    expect(items).toHaveLength(6);
    for (const item of items) expect(item.expires_at).toEqual({ N: String(summary.newExpiry) });
  });

  it('writes an item archived twice once, in its latest archived version', async () => {
    const twice = await mkdtemp(join(tmpdir(), 'archive-twice-'));
    try {
      const first = outputs[0]!;
      const later = {
        ...first,
        sequenceNumber: '900000000000000000001',
        payload: {
          ...first.payload,
          expiredAt: '2026-11-28T10:59:00.000Z',
          item: { ...first.payload.item, text: { S: 'the later version' } },
          origin: { ...first.payload.origin, sequenceNumber: '900000000000000000001' },
        },
      };
      const sink = new LocalArchiveSink({ folder: twice });
      await sink.deliver([first]);
      await sink.deliver([later]);
      expect(sink.written).toHaveLength(2);
      const target = await newTable();
      const summary = await restoreArchive({
        reader: openArchiveReader(twice),
        client: dynamo.client(),
        targetTable: target,
      });
      expect(summary).toMatchObject({ entriesRead: 2, itemsMatched: 1, itemsWritten: 1 });
      expect((await scan(target))[0]!.text).toEqual({ S: 'the later version' });
    } finally {
      await rm(twice, { recursive: true, force: true });
    }
  });

  it('re-sends the items BatchWriteItem leaves unprocessed until all are written', async () => {
    const target = await newTable();
    // Each of the first three calls writes only its first item and hands the rest back unprocessed.
    const remove = proxy.addRule({
      match: { target: 'DynamoDB_20120810.BatchWriteItem' },
      times: 3,
      fault: faults.custom(async (request, forward) => {
        const body = JSON.parse(request.body.toString('utf8'));
        const writes = body.RequestItems[target];
        body.RequestItems[target] = writes.slice(0, 1);
        const answer = await forward({ ...request, body: Buffer.from(JSON.stringify(body)) });
        const reply = {
          ...JSON.parse(answer.body.toString('utf8')),
          UnprocessedItems: { [target]: writes.slice(1) },
        };
        return { ...answer, body: Buffer.from(JSON.stringify(reply)) };
      }),
    });
    try {
      const summary = await restoreArchive({
        reader: openArchiveReader(folder),
        client: dynamo.client({ endpoint: proxy.url }),
        targetTable: target,
        retry: { baseDelayMs: 1, maxDelayMs: 2 },
      });
      expect(summary).toMatchObject({ itemsWritten: originals.size, batchWrites: 4, retries: 3 });
      expect(await scan(target)).toHaveLength(originals.size);
    } finally {
      remove();
    }
  });

  it('fails with RestoreError naming what was not written when items stay unprocessed', async () => {
    const target = await newTable();
    const remove = proxy.addRule({
      match: { target: 'DynamoDB_20120810.BatchWriteItem' },
      fault: faults.custom(async (request) => {
        const body = JSON.parse(request.body.toString('utf8'));
        return {
          status: 200,
          headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: Buffer.from(JSON.stringify({ UnprocessedItems: body.RequestItems })),
        };
      }),
    });
    try {
      const restore = restoreArchive({
        reader: openArchiveReader(folder),
        client: dynamo.client({ endpoint: proxy.url }),
        targetTable: target,
        retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
      });
      await expect(restore).rejects.toThrow(RestoreError);
      await expect(restore).rejects.toMatchObject({ table: target, unwritten: originals.size });
    } finally {
      remove();
    }
  });

  it('stops at an object that is not an archive object, naming it', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'archive-broken-'));
    try {
      const key = 'table=agent-memory/entity=turn/dt=2026-11-28/hour=10/1-2-abc.jsonl.gz';
      await new LocalArchiveStore(broken).putObject(key, Buffer.from('not gzip'));
      await writeFile(join(broken, 'README.txt'), 'ignored: not an archive key');
      const restore = restoreArchive({ reader: openArchiveReader(broken), dryRun: true });
      await expect(restore).rejects.toThrow(ArchiveFormatError);
      await expect(restore).rejects.toThrow(`${broken}/${key}: not a gzip object`);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });

  it("refuses a line naming another table than its object's table= partition", async () => {
    const forged = await mkdtemp(join(tmpdir(), 'archive-forged-'));
    try {
      const [output] = archiveOutputsOf([expiryOf(allTypesTurn('u-9', 'c-9', 1, START), 1, START)]);
      const entry = { ...output!.payload, table: 'billing' };
      const key = 'table=agent-memory/entity=turn/dt=2026-11-28/hour=10/1-forged.jsonl.gz';
      await new LocalArchiveStore(forged).putObject(key, await encodeArchiveObject([entry]));
      const restore = restoreArchive({ reader: openArchiveReader(forged), dryRun: true });
      await expect(restore).rejects.toThrow(ArchiveFormatError);
      await expect(restore).rejects.toThrow(
        `line 1 (event ${entry.eventId}) names table "billing", but the object is in partition table=agent-memory`,
      );
    } finally {
      await rm(forged, { recursive: true, force: true });
    }
  });
});
