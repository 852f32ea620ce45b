/**
 * Issue #14: records nobody here wrote. Each numbered observation of the issue has its test here
 * (decoding level); replay and the batch loop have theirs beside them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../lib/errors.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import { decodeRecord } from '../../lib/stream/decodeRecord.js';
import type { AttributeValue, StreamRecord } from '../../lib/stream/types.js';
import { agentMemoryTable } from '../fixtures/tables.js';

const FIXTURES = join(import.meta.dirname, '../fixtures');

function records(file: string): StreamRecord[] {
  return (JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as { Records: StreamRecord[] }).Records;
}

function turn(): StreamRecord {
  return agentMemoryTable().put({
    pk: 'USER#u1',
    sk: 'CONV#c1#TS#2026-11-01T00:00:00.000Z',
    entity_type: 'turn',
    text: 'hello',
  });
}

/** A turn whose NewImage attribute `value` is set to the given raw DynamoDB JSON. */
function withValue(value: unknown): StreamRecord {
  const record = turn();
  (record.dynamodb!.NewImage as Record<string, unknown>).value = value;
  return record;
}

function decodeError(record: unknown): DecodeError {
  try {
    decodeRecord(record as StreamRecord);
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error('decoded without error');
}

const pipeline = createPipeline({ layout: agentMemoryLayout });
const [nestedProto, topProto, everyName, namesChanged] = records('untrusted/prototype-names.json');
const MEMBER_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

describe('attribute names that are Object.prototype members (#14.2)', () => {
  it('keeps a nested __proto__ map as an ordinary attribute instead of merging it', () => {
    const { after } = decodeRecord(nestedProto!);
    expect(JSON.stringify(after?.meta)).toBe('{"__proto__":{"admin":true}}');
    expect(Object.hasOwn(after?.meta as object, 'admin')).toBe(false);
  });

  it('never lets a top-level __proto__ attribute change how a turn is classified', () => {
    const processed = pipeline.process(topProto!);
    expect(processed.classification.entity).toBe('turn');
    expect(processed.events[0]?.detailType).toBe('Turn Created');
    expect(Object.keys(processed.change.after!)).toContain('__proto__');
  });

  it('brings every member name through at the top level and at depth, in events as in JSON', () => {
    const processed = pipeline.process(everyName!);
    const after = JSON.parse(JSON.stringify(processed.events[0]?.detail.after)) as Record<string, unknown>;
    for (const name of MEMBER_NAMES) expect(Object.hasOwn(after, name)).toBe(true);
    expect(Object.getOwnPropertyDescriptor(after, '__proto__')?.value).toEqual(['a', 'b']);
    const deep = (after.deep as Record<string, unknown>[])[0]!;
    for (const name of MEMBER_NAMES) expect(Object.hasOwn(deep, name)).toBe(true);
    expect(processed.change.changed).toEqual(expect.arrayContaining(MEMBER_NAMES));
  });

  it('lists removed and changed member-named attributes in `changed` of a modify', () => {
    expect(decodeRecord(namesChanged!).changed).toEqual(['constructor', 'toString']);
  });

  it('gives the vector index only the turn text and known ids, never member-named attributes', () => {
    const vector = pipeline.process(everyName!).outputs.find((o) => o.sink === 'vector');
    const payload = vector?.payload as { text?: string; ids: Record<string, string>; role?: string };
    expect(payload.text).toBe('hello');
    expect(Object.keys(payload.ids).sort()).toEqual(['conversationId', 'timestamp', 'userId']);
    expect(payload.role).toBe('user');
  });

  it('reads no inherited member when an item lacks the attribute a layout asks for', () => {
    const record = turn();
    delete (record.dynamodb!.NewImage as Record<string, unknown>).entity_type;
    const layout = { ...agentMemoryLayout, discriminator: 'constructor' };
    expect(createPipeline({ layout }).process(record).classification.entity).toBe('turn');
  });
});

describe('malformed values (#14.3)', () => {
  const cases: [string, unknown, RegExp][] = [
    [
      'binary that is not base64',
      { B: 'this is not base64!!' },
      /NewImage\.value: binary value is not valid base64/,
    ],
    [
      'a string tag holding a number',
      { S: 123 },
      /NewImage\.value: string value must be a string, not a number/,
    ],
    ['a BOOL holding text', { BOOL: 'false' }, /NewImage\.value: BOOL must be true or false, not a string/],
    ['two type tags in one value', { S: 'a', N: '1' }, /NewImage\.value: attribute value has 2 type tags/],
    ['NULL false', { NULL: false }, /NewImage\.value: NULL must be true/],
    ['an unknown type tag', { STRING: 'x' }, /NewImage\.value: unknown type tag "STRING"/],
  ];
  for (const [what, value, message] of cases) {
    it(`fails the record on ${what}, naming the attribute path`, () => {
      const error = decodeError(withValue(value));
      expect(error.message).toMatch(message);
      expect(error.path).toBe('NewImage.value');
    });
  }

  it('names the path of a bad value deep inside maps and lists', () => {
    const error = decodeError(withValue({ M: { 'odd name': { L: [{ S: 'ok' }, { BOOL: 1 }] } } }));
    expect(error.path).toBe('NewImage.value["odd name"][1]');
  });
});

describe('implausible records (#14.4)', () => {
  it('rejects an unknown eventName on a real AWS region instead of inferring an insert', () => {
    const record = turn();
    record.eventName = 'UPSERT';
    expect(decodeError(record).message).toMatch(/unknown eventName "UPSERT"/);
  });

  it('rejects a creation time in milliseconds, saying so', () => {
    const record = turn();
    record.dynamodb!.ApproximateCreationDateTime = 1_793_000_000_000;
    expect(decodeError(record).message).toMatch(
      /not a plausible time in epoch seconds.*looks like milliseconds/,
    );
  });

  it('rejects a creation time of 1e13 with a reason instead of crashing', () => {
    const record = turn();
    record.dynamodb!.ApproximateCreationDateTime = 1e13;
    expect(decodeError(record).message).toMatch(
      /ApproximateCreationDateTime 10000000000000 is not a plausible/,
    );
  });
});

describe('legal records (#14.5)', () => {
  it('accepts a record without ApproximateCreationDateTime and leaves Time for EventBridge to fill', () => {
    const record = turn();
    delete record.dynamodb!.ApproximateCreationDateTime;
    const { outputs, events } = pipeline.process(record);
    expect(events[0]?.detail.time).toBeUndefined();
    const entry = outputs.find((o) => o.sink === 'eventbridge')?.payload as { Time?: string };
    expect(entry).toBeDefined();
    expect('Time' in entry).toBe(false);
  });

  const legal: [string, string, number | string][] = [
    ['38 significant digits', `0.${'9'.repeat(38)}`, `0.${'9'.repeat(38)}`],
    ['the largest number', `9.${'9'.repeat(37)}E+125`, `9.${'9'.repeat(37)}E+125`],
    ['the smallest number', '1E-130', 1e-130],
    ['a long integer written with trailing zeros', `1${'0'.repeat(125)}`, `1${'0'.repeat(125)}`],
    ['a tiny number written out in full', `0.${'0'.repeat(129)}1`, 1e-130],
    ['zero written long', `-0.${'0'.repeat(300)}`, 0],
  ];
  for (const [what, text, expected] of legal) {
    it(`accepts ${what}`, () => {
      expect(JSON.stringify(decodeRecord(withValue({ N: text })).after?.value)).toBe(
        JSON.stringify(expected),
      );
    });
  }

  const illegal: [string, string][] = [
    ['39 significant digits', `1.${'1'.repeat(38)}`],
    ['1E+126', '1E+126'],
    ['1E-131', '1E-131'],
  ];
  for (const [what, text] of illegal) {
    it(`rejects ${what}, which DynamoDB would not store`, () => {
      expect(decodeError(withValue({ N: text })).message).toMatch(/invalid number/);
    });
  }
});

describe('shapes of stream records from other projects', () => {
  const files = ['lambda-guide-shape.json', 'powertools-shape.json', 'captured-stream-shape.json'];
  for (const file of files) {
    it(`decodes every record of ${file}`, () => {
      const all = records(`external-shapes/${file}`);
      const ops = all.map((record) => pipeline.process(record).change.op);
      expect(ops).toHaveLength(all.length);
    });
  }

  it('reads the TTL deletion of a captured stream as an expiry, every attribute type intact', () => {
    const [, removal] = records('external-shapes/captured-stream-shape.json');
    const change = decodeRecord(removal!);
    expect(change.expired).toBe(true);
    expect(change.before).toMatchObject({ scores: [1.5, -2, 1000], blobs: ['AAE=', '/w=='], gone: null });
  });

  it('takes the region from awsRegion when eventSourceARN is a placeholder', () => {
    const [first] = records('external-shapes/powertools-shape.json');
    expect(decodeRecord(first!).position).toMatchObject({ region: 'ap-southeast-2', table: '' });
  });
});

describe('attribute values in the SDK shape', () => {
  it('reads binary given as bytes the same as base64 text', () => {
    const bytes = decodeRecord(withValue({ B: new Uint8Array([104, 105]) } as AttributeValue));
    expect(bytes.after?.value).toBe('aGk=');
  });
});
