/**
 * Property tests: memory-cdc's decoder against what it did not write, @aws-sdk/util-dynamodb's
 * `unmarshall(item, { wrapNumbers: true })`, over random items of every type — nested maps and
 * lists, empty sets and strings, 38-digit numbers, extreme exponents, and attribute names that are
 * Object.prototype members. Zero differences allowed.
 *
 * CI runs MEMORY_CDC_PROPERTY_RUNS (default 20,000) items; the bench-sized run is
 * `MEMORY_CDC_PROPERTY_RUNS=200000 npx vitest run test/stream/decodeProperty.test.ts` (see README).
 *
 * One documented difference is neutralised rather than compared: util-dynamodb builds maps with
 * `acc[key] = value`, so an attribute named `__proto__` sets the prototype of its output instead of
 * becoming a property (the bug #14 fixes). The reference is therefore fed the item with `__proto__`
 * renamed to a marker and its output renamed back; every other name goes through unchanged.
 */
import {
  type NativeAttributeValue,
  NumberValueImpl as NumberValue,
  unmarshall,
} from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAttributeMap, MalformedAttributeError } from '../../lib/stream/decodeAttributeValue.js';
import { decodeRecord } from '../../lib/stream/decodeRecord.js';
import { toJsonNumber } from '../../lib/stream/jsonNumber.js';
import type { StreamRecord } from '../../lib/stream/types.js';

const RUNS = Number(process.env.MEMORY_CDC_PROPERTY_RUNS ?? 20_000);
const SPECIAL_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'isPrototypeOf',
];
const PROTO_MARKER = '\u0000\u0001proto-marker';

type Av = Record<string, unknown>;

/** An object with exactly these own properties, `__proto__` included, in this order. */
function own(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries)
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

const name = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL_NAMES) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
);

/** Decimal text DynamoDB accepts: 1–38 significant digits, magnitude from 1E-130 to 9.99…E+125. */
const numberText = fc
  .record({
    sign: fc.constantFrom('', '-'),
    digits: fc.oneof(
      fc.stringMatching(/^[1-9][0-9]{0,37}$/),
      fc.constantFrom('9'.repeat(38), '1', '9007199254740993', '9007199254740992'),
    ),
    magnitude: fc.oneof(fc.integer({ min: -130, max: 125 }), fc.constantFrom(-130, 125, 0, 15, 16, 21)),
    form: fc.constantFrom('plain', 'exponent', 'padded'),
  })
  .map(({ sign, digits, magnitude, form }) => {
    // value = d.ddd… × 10^magnitude; clamp so the last digit stays within range.
    const mag = Math.min(magnitude, 125);
    if (form === 'exponent')
      return `${sign}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}E${mag >= 0 ? '+' : ''}${mag}`;
    const pointAt = mag + 1; // digits before the decimal point
    let text: string;
    if (pointAt <= 0) text = `0.${'0'.repeat(-pointAt)}${digits}`;
    else if (pointAt >= digits.length) text = digits + '0'.repeat(pointAt - digits.length);
    else text = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
    if (form === 'padded' && text.includes('.')) text = `${text}000`;
    return sign + text;
  });

const base64 = fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes).toString('base64'));

const { value: attributeValue } = fc.letrec<{ value: Av; map: Record<string, unknown> }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ maxLength: 16 }).map((S) => ({ S })),
    numberText.map((N) => ({ N })),
    base64.map((B) => ({ B })),
    fc.boolean().map((BOOL) => ({ BOOL })),
    fc.constant({ NULL: true }),
    fc.uniqueArray(fc.string({ maxLength: 8 }), { maxLength: 4 }).map((SS) => ({ SS })),
    fc.uniqueArray(numberText, { maxLength: 4 }).map((NS) => ({ NS })),
    fc.uniqueArray(base64, { maxLength: 3 }).map((BS) => ({ BS })),
    fc.array(tie('value'), { maxLength: 3 }).map((L) => ({ L })),
    tie('map').map((M) => ({ M })),
  ),
  map: fc
    .uniqueArray(fc.tuple(name, tie('value')), { maxLength: 4, selector: ([k]) => k })
    .map((entries) => own(entries)),
}));

const item = fc
  .uniqueArray(fc.tuple(name, attributeValue), { minLength: 1, maxLength: 5, selector: ([k]) => k })
  .map((entries) => own(entries));

/** The item with every `__proto__` map key renamed to the marker (what util-dynamodb can take). */
function escapeProto(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(escapeProto);
  if (value === null || typeof value !== 'object') return value;
  return own(
    Object.keys(value).map((k) => [k === '__proto__' ? PROTO_MARKER : k, escapeProto((value as Av)[k])]),
  );
}

/** util-dynamodb's output in memory-cdc's plain-JSON form (sets as arrays, the number rule). */
function referenceView(value: NativeAttributeValue): unknown {
  if (value instanceof NumberValue) return toJsonNumber(value.value);
  if (value instanceof Set) return Array.from(value, referenceView);
  if (Array.isArray(value)) return value.map(referenceView);
  if (value === null || typeof value !== 'object') return value;
  return own(Object.keys(value).map((k) => [k === PROTO_MARKER ? '__proto__' : k, referenceView(value[k])]));
}

describe('decoding agrees with @aws-sdk/util-dynamodb', () => {
  it(
    `gives the same item as unmarshall(…, { wrapNumbers: true }) for ${RUNS} random items`,
    () => {
      fc.assert(
        fc.property(item, (image) => {
          const ours = JSON.stringify(decodeAttributeMap(image, 'NewImage'));
          const reference = JSON.stringify(
            referenceView(
              unmarshall(escapeProto(image) as never, { wrapNumbers: true }) as NativeAttributeValue,
            ),
          );
          return ours === reference;
        }),
        { numRuns: RUNS, seed: 14 },
      );
    },
    Math.max(60_000, RUNS * 2),
  ); // a bench-sized run takes about 0.5 ms an item on a busy machine

  it('keeps a __proto__ attribute that util-dynamodb itself loses (why the reference is escaped)', () => {
    const image = JSON.parse('{"__proto__":{"M":{"admin":{"BOOL":true}}}}') as Record<string, never>;
    expect(Object.keys(unmarshall(image))).toEqual([]);
    expect(JSON.stringify(decodeAttributeMap(image, 'NewImage'))).toBe('{"__proto__":{"admin":true}}');
  });
});

/** Values that are not DynamoDB JSON, each of which must fail its record. */
const malformed = fc.oneof(
  fc.constantFrom<unknown>(
    { B: 'this is not base64!!' },
    { S: 123 },
    { BOOL: 'false' },
    { S: 'a', N: '1' },
    { NULL: false },
    { N: '1e126' },
    { N: `1.${'1'.repeat(38)}` },
    { N: 'twelve' },
    { SS: ['a', 'a'] },
    { L: 'not a list' },
    { M: [] },
    {},
    null,
    'text',
    7,
  ),
  fc
    .string({ minLength: 1, maxLength: 4 })
    .filter((t) => !['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL'].includes(t))
    .map((tag) => ({ [tag]: 'x' })),
);

describe('malformed values never pass silently', () => {
  it('fails with the path of the bad value wherever it is put in a random item', () => {
    fc.assert(
      fc.property(item, malformed, fc.nat(), (image, bad, where) => {
        const names = Object.keys(image);
        const target = names[where % names.length]!;
        const broken = own(names.map((k) => [k, k === target ? { L: [{ S: 'ok' }, bad] } : image[k]]));
        try {
          decodeAttributeMap(broken, 'NewImage');
          return false;
        } catch (error) {
          return (
            error instanceof MalformedAttributeError &&
            error.path.startsWith(`NewImage`) &&
            error.path.endsWith('[1]')
          );
        }
      }),
      { numRuns: Math.min(RUNS, 5_000), seed: 15 },
    );
  });
});

/** util-dynamodb's value with sets as sorted arrays: equal exactly when DynamoDB calls them equal. */
function canonicalReference(value: NativeAttributeValue): string {
  const view = (v: NativeAttributeValue): unknown => {
    if (v instanceof NumberValue) return ['n', v.value];
    if (v instanceof Set) return ['set', Array.from(v, (m) => JSON.stringify(view(m))).sort()];
    if (Array.isArray(v)) return v.map(view);
    if (v === null || typeof v !== 'object') return v;
    return Object.keys(v)
      .sort()
      .map((k) => [k === PROTO_MARKER ? '__proto__' : k, view(v[k])]);
  };
  return JSON.stringify(view(value));
}

/**
 * The type tags of a raw value, members left out: util-dynamodb turns every empty set into the same
 * empty `Set`, so an empty `BS` replaced by an empty `SS` is invisible in its output, though the
 * attribute's type changed. Compared together with {@link canonicalReference}.
 */
function typeSkeleton(value: unknown): unknown {
  const tag = Object.keys(value as Av)[0]!;
  const inner = (value as Av)[tag];
  if (tag === 'M') {
    return {
      M: Object.keys(inner as Av)
        .sort()
        .map((k) => [k, typeSkeleton((inner as Av)[k])]),
    };
  }
  if (tag === 'L') return { L: (inner as unknown[]).map(typeSkeleton) };
  return tag;
}

/** A MODIFY of `old` where some attributes are replaced, some removed, some added. */
const modify = fc.tuple(item, item, fc.array(fc.nat(), { maxLength: 6 })).map(([old, extra, picks]) => {
  const names = Object.keys(old);
  const entries: [string, unknown][] = names.map((k) => [k, old[k]]);
  for (const [i, pick] of picks.entries()) {
    const target = names[pick % names.length]!;
    const at = entries.findIndex(([k]) => k === target);
    if (at === -1) continue;
    if (i % 3 === 0) entries.splice(at, 1);
    else entries[at] = [target, Object.values(extra)[i % Object.keys(extra).length]];
  }
  for (const k of Object.keys(extra)) if (!entries.some(([n]) => n === k)) entries.push([k, extra[k]]);
  return { old, next: own(entries) };
});

/** The raw attribute a name of the escaped reference output stands for. */
function rawOf(image: Record<string, unknown>, name: string): unknown {
  return image[name === PROTO_MARKER ? '__proto__' : name];
}

describe('changed attributes agree with util-dynamodb', () => {
  it('lists exactly the top-level names whose values differ, special names included', () => {
    fc.assert(
      fc.property(modify, ({ old, next }) => {
        const record = {
          eventID: 'property',
          eventName: 'MODIFY',
          eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026-01-01T00:00:00.000',
          dynamodb: {
            Keys: { id: { S: 'k' } },
            OldImage: old,
            NewImage: next,
            SequenceNumber: '1',
            StreamViewType: 'NEW_AND_OLD_IMAGES',
          },
        } as unknown as StreamRecord;
        const before = unmarshall(escapeProto(old) as never, { wrapNumbers: true });
        const after = unmarshall(escapeProto(next) as never, { wrapNumbers: true });
        const names = new Set([...Object.keys(before), ...Object.keys(after)]);
        const expected = [...names]
          .filter(
            (k) =>
              !Object.hasOwn(before, k) ||
              !Object.hasOwn(after, k) ||
              canonicalReference(before[k]) !== canonicalReference(after[k]) ||
              JSON.stringify(typeSkeleton(rawOf(old, k))) !== JSON.stringify(typeSkeleton(rawOf(next, k))),
          )
          .map((k) => (k === PROTO_MARKER ? '__proto__' : k))
          .sort();
        return JSON.stringify(decodeRecord(record).changed) === JSON.stringify(expected);
      }),
      { numRuns: Math.min(RUNS, 5_000), seed: 16 },
    );
  });
});
