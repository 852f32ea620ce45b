import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalArchiveStore } from '../../lib/archive/LocalArchiveStore.js';
import { main } from '../../lib/cli/main.js';
import type { ArchiveEntry } from '../../lib/routing/types.js';
import { LocalArchiveSink } from '../../lib/sinks/archive/LocalArchiveSink.js';
import type { AttributeMap, AttributeValue, StreamRecord } from '../../lib/stream/types.js';
import type { HiveValue } from '../support/hiveJsonSerDe.js';
import { type AthenaRow, readArchiveAsAthena } from '../support/readArchiveAsAthena.js';
import { allTypesTurn, archiveOutputsOf, expiryBatch, expiryOf, START } from './expiries.js';

/** DynamoDB JSON with binary as base64, written independently of the archiver's own conversion. */
function base64Json(value: AttributeValue): unknown {
  const bytes = (b: string | Uint8Array) => (typeof b === 'string' ? b : Buffer.from(b).toString('base64'));
  if ('B' in value) return { B: bytes(value.B) };
  if ('BS' in value) return { BS: value.BS.map(bytes) };
  if ('M' in value) return { M: base64Item(value.M) };
  if ('L' in value) return { L: value.L.map(base64Json) };
  return value;
}
function base64Item(item: AttributeMap): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, base64Json(value)]));
}

/**
 * Items at the edges of what DynamoDB stores, each expiring as a turn of user u-edge. Attributes
 * named `__proto__` are added by {@link withProtoAttributes}: the fixture builder cannot carry them.
 */
function edgeItems(): AttributeMap[] {
  const key = (n: number) => ({
    pk: { S: 'USER#u-edge' },
    sk: { S: `CONV#c-edge#TS#2026-11-28T10:00:0${n}.000Z` },
    entity_type: { S: 'turn' },
    expires_at: { N: String(START) },
  });
  return [
    { ...key(1), constructor: { M: { toString: { S: 'x' } } }, text: { S: 'proto' } },
    {
      ...key(2),
      text: { S: '' },
      empty_binary: { B: new Uint8Array(0) },
      empty_list: { L: [] },
      empty_map: { M: {} },
      empty_in_set: { SS: [''] },
    },
    {
      ...key(3),
      text: { S: 'line\nbreak\rcarriage \u2028 separator \u0000 nul "quote" \\ emoji 🧠' },
      Text: { S: 'a second attribute differing only in case' },
      'dotted.name with spaces': { S: 'x' },
      huge: { N: '9.9999999999999999999999999999999999999E+125' },
      negative_tiny: { N: '-1E-130' },
    },
    {
      ...key(4),
      deep: {
        M: {
          a: {
            M: { b: { M: { c: { L: [{ M: { d: { NS: ['12345678901234567890123456789012345678'] } } }] } } } },
          },
        },
      },
      set_of_bytes: { BS: [new Uint8Array([0]), new Uint8Array([255, 254])] },
    },
  ];
}

/**
 * The record as Lambda hands it over (JSON.parse of the event), with attributes named `__proto__`
 * added to the old image and to a map inside it: JSON.parse makes them own properties.
 */
function withProtoAttributes(record: StreamRecord): StreamRecord {
  const json = JSON.stringify(record)
    .replace('"OldImage":{', '"OldImage":{"__proto__":{"S":"an attribute named __proto__"},')
    .replace('"constructor":{"M":{', '"constructor":{"M":{"__proto__":{"N":"1"},');
  return JSON.parse(json) as StreamRecord;
}

/** The same JSON text: compares own properties named `__proto__` or `constructor` too. */
const sameJson = (actual: unknown, expected: unknown) =>
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));

const get = (row: AthenaRow, column: string): HiveValue => row.row.get(column) ?? null;
const text = (row: AthenaRow, column: string): string => {
  const value = get(row, column);
  if (typeof value !== 'string') throw new Error(`${column} is not a string: ${String(value)}`);
  return value;
};

describe('every line the archiver writes, read as Athena reads the declared table', () => {
  let folder: string;
  let entries: ArchiveEntry[];
  const originals = new Map<string, AttributeMap>();
  let rows: AthenaRow[];

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'athena-conformance-'));
    const records = [...expiryBatch({ users: 2, hours: 3 }).expiries];
    let n = 0;
    for (const item of [
      allTypesTurn('u-9', 'c-9', 1, START),
      allTypesTurn('u-9', 'c-9', 2, START),
      ...edgeItems(),
    ]) {
      n++;
      const record = expiryOf(item, 10_000 + n, START + 4 * 3600 + n);
      records.push(Object.hasOwn(item, 'constructor') ? withProtoAttributes(record) : record);
    }
    const outputs = archiveOutputsOf(records);
    for (const output of outputs) originals.set(output.payload.eventId, output.payload.item);
    entries = outputs.map((output) => output.payload);
    const outcome = await new LocalArchiveSink({ folder }).deliver(outputs);
    expect(outcome.outcomes.every((o) => o.status === 'accepted')).toBe(true);
    rows = await readArchiveAsAthena(new LocalArchiveStore(folder));
  });
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('reads one row per archived item, with no line rejected', () => {
    expect(entries.length).toBeGreaterThan(30);
    expect(rows).toHaveLength(entries.length);
    expect(new Set(entries.map((e) => e.entity)).size).toBeGreaterThan(3);
  });

  it('reads item as a string holding exactly the DynamoDB JSON restore writes back', () => {
    for (const row of rows) {
      const original = originals.get(text(row, 'eventid'))!;
      expect(original).toBeDefined();
      sameJson(JSON.parse(text(row, 'item')), base64Item(original));
    }
  });

  it('keeps 38-digit numbers, binary, sets, nested maps, empty values and __proto__ attributes inside item', () => {
    const byText = (needle: string) =>
      rows
        .map((row) => JSON.parse(text(row, 'item')) as Record<string, Record<string, unknown>>)
        .find(
          (item) =>
            Object.hasOwn(item, 'text') &&
            (needle === '' ? item.text!.S === '' : String(item.text!.S).startsWith(needle)),
        )!;
    const allTypes = byText('Turn 1:');
    expect(allTypes.big).toEqual({ N: '12345678901234567890123456789012345678' });
    expect(allTypes.embedding).toEqual({ B: Buffer.from([0, 1, 2, 254, 255, 1]).toString('base64') });
    expect(allTypes.scores!.NS).toContain('98765432109876543210987654321098765432');
    const proto = byText('proto');
    expect(Object.hasOwn(proto, '__proto__')).toBe(true);
    const constructorAttribute = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value as {
      M: object;
    };
    expect(Object.hasOwn(constructorAttribute.M, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(proto, '__proto__')?.value).toEqual({
      S: 'an attribute named __proto__',
    });
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    const empty = byText('');
    expect(empty).toMatchObject({ empty_binary: { B: '' }, empty_list: { L: [] }, empty_map: { M: {} } });
  });

  it('reads keys and plain as JSON strings, and ids, origin and the partitions as declared', () => {
    for (const row of rows) {
      const entry = entries.find((e) => e.eventId === text(row, 'eventid'))!;
      sameJson(JSON.parse(text(row, 'keys')), base64Item(entry.keys));
      sameJson(JSON.parse(text(row, 'plain')), entry.plain);
      expect(get(row, 'ids')).toEqual(new Map(Object.entries(entry.ids)));
      expect(get(row, 'expiredat')).toBe(entry.expiredAt);
      expect(get(row, 'sourceentity')).toBe(entry.sourceEntity ?? null);
      expect(get(row, 'origin')).toEqual(
        new Map([
          ['streamarn', entry.origin.streamArn],
          ['eventid', entry.origin.eventId],
          ['sequencenumber', entry.origin.sequenceNumber],
        ]),
      );
      expect([get(row, 'table'), get(row, 'entity'), get(row, 'dt'), get(row, 'hour')]).toEqual([
        entry.table,
        entry.entity,
        entry.partition.dt,
        entry.partition.hour,
      ]);
    }
  });
});

describe('the archive `npx memory-cdc replay` writes from the bundled fixtures', () => {
  it('reads as Athena with every line accepted, for every layout', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'athena-replay-'));
    try {
      let out = '';
      const code = await main(['node', 'memory-cdc', 'replay'], {
        out: (s) => {
          out += s;
        },
        err: () => {},
        cwd,
      });
      expect(code).toBe(0);
      const archived = Number(/Archive: (\d+) expired item/.exec(out)?.[1]);
      const rows = await readArchiveAsAthena(new LocalArchiveStore(join(cwd, '.memory-cdc/archive')));
      expect(archived).toBeGreaterThan(0);
      expect(rows).toHaveLength(archived);
      expect(new Set(rows.map((row) => get(row, 'table')))).toEqual(
        new Set([
          'agent-memory',
          'agent-memory-literal',
          'mastra-single-table',
          'ai-session-state',
          'ai-conversation-turns',
        ]),
      );
      for (const row of rows) expect(JSON.parse(text(row, 'item'))).toBeTypeOf('object');
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
