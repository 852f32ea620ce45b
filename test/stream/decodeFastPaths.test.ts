/**
 * The decoder's fast paths against the general code they stand beside: the shape cache of sorted
 * names, the insertion sort of a modify's few changed names, the one-pass short integer, the
 * type tag read without `Object.keys`, and the sequence number read without a regex.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../lib/errors.js';
import { attributeValueEquals } from '../../lib/stream/attributeValueEquals.js';
import { decodeAttributeValue, MalformedAttributeError } from '../../lib/stream/decodeAttributeValue.js';
import { decodeRecord } from '../../lib/stream/decodeRecord.js';
import { numberProblem } from '../../lib/stream/dynamoNumber.js';
import { shortNumberValue, toJsonNumber } from '../../lib/stream/jsonNumber.js';
import { sortFewNames, sortNames } from '../../lib/stream/sortNames.js';
import type { StreamRecord } from '../../lib/stream/types.js';

/** Names with the characters that order differently by code unit than by locale or case. */
const name = fc.stringMatching(/^[a-zA-Z_#é0-9-]{1,6}$/);
const names = fc.uniqueArray(name, { maxLength: 12 });

describe('sortNames', () => {
  it('sorts as Array.prototype.sort does, for shapes met once, again, and past the cache', () => {
    // A small pool of shapes is met many times (hits); the long tail overflows the cache (misses).
    const pool = fc.array(names, { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(pool, fc.array(fc.nat(), { maxLength: 200 }), (shapes, picks) => {
        for (const pick of picks) {
          const shape = shapes[pick % shapes.length]!;
          expect(sortNames(shape.slice())).toEqual(shape.slice().sort());
        }
      }),
      { numRuns: 300 },
    );
  });

  it('sorts in place and returns the same array', () => {
    const list = ['sk', 'pk', 'text'];
    expect(sortNames(list)).toBe(list);
    expect(list).toEqual(['pk', 'sk', 'text']);
    const again = ['sk', 'pk', 'text'];
    expect(sortNames(again)).toBe(again);
    expect(again).toEqual(['pk', 'sk', 'text']);
  });

  it('sortFewNames sorts as Array.prototype.sort does, short lists and long', () => {
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 20 }), (list) => {
        const sorted = list.slice().sort();
        const copy = list.slice();
        expect(sortFewNames(copy)).toBe(copy);
        expect(copy).toEqual(sorted);
      }),
    );
  });
});

describe('shortNumberValue', () => {
  it('is Number(text) for 1 to 15 digits with an optional minus, undefined otherwise', () => {
    const integer = fc.stringMatching(/^-?[0-9]{1,15}$/);
    fc.assert(
      fc.property(integer, (text) => {
        expect(Object.is(shortNumberValue(text), Number(text))).toBe(true);
      }),
    );
    for (const text of [
      '',
      '-',
      '.',
      '-.',
      '1234567890123456',
      '+1',
      '1e3',
      ' 1',
      '1 ',
      '٣',
      '0x1',
      '1..2',
      '1.2.3',
    ]) {
      expect(shortNumberValue(text)).toBeUndefined();
    }
    expect(Object.is(shortNumberValue('-0'), -0)).toBe(true);
    expect(shortNumberValue('0.87')).toBe(0.87);
    expect(shortNumberValue('-.5')).toBe(-0.5);
    expect(shortNumberValue('1.')).toBe(1);
  });

  it('gives a value only where the general rule accepts the number and emits the same value', () => {
    const numberLike = fc.stringMatching(/^[-+]?[0-9]{0,18}\.?[0-9]{0,18}([eE][-+]?[0-9]{1,3})?$/);
    fc.assert(
      fc.property(numberLike, (text) => {
        const short = shortNumberValue(text);
        if (short === undefined) return;
        expect(numberProblem(text)).toBeUndefined();
        expect(Object.is(toJsonNumber(text), short)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('type tags', () => {
  it('count own, enumerable, defined members only', () => {
    const inherited = Object.create({ N: '1' }) as Record<string, unknown>;
    inherited.S = 'own';
    expect(decodeAttributeValue(inherited, 'v')).toBe('own');
    const hidden = { S: 'shown' };
    Object.defineProperty(hidden, 'N', { value: '1', enumerable: false });
    expect(decodeAttributeValue(hidden, 'v')).toBe('shown');
    expect(decodeAttributeValue({ N: undefined, S: 'defined' }, 'v')).toBe('defined');
  });

  it('names every defined tag when there are several, and none when there is none', () => {
    expect(() => decodeAttributeValue({ S: 'a', N: '1', B: 'AA==', M: {}, L: [] }, 'v')).toThrow(
      new MalformedAttributeError(
        'v',
        'attribute value has 5 type tags (S, N, B, M); exactly one is allowed',
      ),
    );
    expect(() => decodeAttributeValue({ S: undefined }, 'v')).toThrow(
      new MalformedAttributeError('v', 'attribute value has no type tag'),
    );
    expect(() => decodeAttributeValue(Object.create({ S: 'inherited' }), 'v')).toThrow(
      new MalformedAttributeError('v', 'attribute value has no type tag'),
    );
  });

  it('rejects arrays and bytes as attribute values before reading any tag', () => {
    expect(() => decodeAttributeValue(['x'], 'v')).toThrow(
      new MalformedAttributeError('v', 'attribute value must be an object, not an array'),
    );
    expect(() => decodeAttributeValue(new Uint8Array([1]), 'v')).toThrow(
      new MalformedAttributeError('v', 'attribute value must be an object, not bytes'),
    );
  });
});

describe('sequence numbers', () => {
  function withSequence(sequenceNumber: unknown): StreamRecord {
    return {
      eventID: 'e1',
      eventName: 'INSERT',
      dynamodb: { Keys: { id: { S: 'k' } }, NewImage: { id: { S: 'k' } }, SequenceNumber: sequenceNumber },
    } as StreamRecord;
  }

  it('accepts exactly 1 to 64 ASCII digits, as /^\\d{1,64}$/', () => {
    const text = fc.oneof(fc.stringMatching(/^[0-9]{1,70}$/), fc.string({ maxLength: 70 }));
    fc.assert(
      fc.property(text, (sequence) => {
        const valid = /^\d{1,64}$/.test(sequence);
        if (valid) expect(decodeRecord(withSequence(sequence)).position.sequenceNumber).toBe(sequence);
        else expect(() => decodeRecord(withSequence(sequence))).toThrow(DecodeError);
      }),
    );
    expect(() => decodeRecord(withSequence(42))).toThrow(
      'dynamodb.SequenceNumber is missing or not a decimal string',
    );
  });
});

/** attributeValueEquals without its string and number shortcut: the general tag search. */
function referenceEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  const tags = ['S', 'N', 'BOOL', 'NULL', 'B', 'SS', 'NS', 'BS', 'L', 'M'];
  const tagOf = (v: object) => tags.find((t) => Object.hasOwn(v, t));
  const tag = tagOf(a);
  if (tag === undefined || tag !== tagOf(b)) return false;
  const u = (a as Record<string, unknown>)[tag];
  const v = (b as Record<string, unknown>)[tag];
  // Only the tags the shortcut covers are compared here; others take the same general code.
  return tag === 'S' || tag === 'N' ? u === v : attributeValueEquals(a as never, b as never);
}

describe('attributeValueEquals', () => {
  it('compares strings and numbers as the general tag search does, odd values included', () => {
    const member = fc.constantFrom<unknown>('a', 'b', '1', 1, undefined, true);
    const value = fc.oneof(
      fc.record({ S: member }, { requiredKeys: [] }),
      fc.record({ N: member }, { requiredKeys: [] }),
      fc.record({ S: member, N: member }, { requiredKeys: [] }),
      fc.record({ N: member, BOOL: member }, { requiredKeys: [] }),
      member.map((m) => Object.create({ S: m }) as unknown),
      fc.constantFrom<unknown>(null, undefined, 'S'),
    );
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(attributeValueEquals(a as never, b as never)).toBe(referenceEquals(a, b));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('stream sources', () => {
  it('reads each record its own table and region when the ARN changes from record to record', () => {
    const arn = (region: string, table: string) =>
      `arn:aws:dynamodb:${region}:123456789012:table/${table}/stream/2026-01-01T00:00:00.000`;
    const record = (eventSourceARN: string | undefined, awsRegion?: string): StreamRecord => ({
      eventID: 'e1',
      eventName: 'INSERT',
      ...(eventSourceARN === undefined ? {} : { eventSourceARN }),
      ...(awsRegion === undefined ? {} : { awsRegion }),
      dynamodb: { Keys: { id: { S: 'k' } }, NewImage: { id: { S: 'k' } }, SequenceNumber: '1' },
    });
    const cases: [StreamRecord, string, string][] = [
      [record(arn('eu-west-1', 'a')), 'a', 'eu-west-1'],
      [record(arn('eu-west-1', 'a')), 'a', 'eu-west-1'],
      [record(arn('us-east-2', 'b')), 'b', 'us-east-2'],
      [record(undefined, 'ap-south-1'), '', 'ap-south-1'],
      [record('', 'sa-east-1'), '', 'sa-east-1'],
      [record(arn('eu-west-1', 'a')), 'a', 'eu-west-1'],
      [record('not an arn', 'ca-central-1'), '', 'ca-central-1'],
    ];
    for (const [r, table, region] of cases) {
      const { position } = decodeRecord(r);
      expect([position.table, position.region]).toEqual([table, region]);
    }
  });
});
