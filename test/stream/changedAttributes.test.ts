import { describe, expect, it } from 'vitest';
import { buildStreamRecord } from '../../lib/fixtures/streamRecordBuilder.js';
import { attributeValueEquals } from '../../lib/stream/attributeValueEquals.js';
import { decodeRecord } from '../../lib/stream/decodeRecord.js';
import type { AttributeMap, AttributeValue } from '../../lib/stream/types.js';
import { plainTable } from '../fixtures/tables.js';

const KEY = { id: { S: 'item-1' } };

/** The changed attributes of a MODIFY between two images given in DynamoDB JSON. */
function changedBetween(before: AttributeMap, after: AttributeMap): string[] {
  const record = buildStreamRecord(
    { table: 'plain' },
    {
      eventName: 'MODIFY',
      keyAttributes: ['id'],
      oldItem: { ...KEY, ...before },
      newItem: { ...KEY, ...after },
      typed: true,
      sequence: 1,
      epochSeconds: 1_793_000_000,
    },
  );
  return decodeRecord(record).changed;
}

describe('changed attributes', () => {
  it('lists every attribute of an inserted item, sorted', () => {
    const change = decodeRecord(plainTable().put({ id: 'i', zeta: 1, alpha: 2 }));
    expect(change.changed).toEqual(['alpha', 'id', 'zeta']);
  });

  it('lists every attribute of a removed item, sorted', () => {
    const sim = plainTable();
    sim.put({ id: 'i', b: 1, a: 2 });
    expect(decodeRecord(sim.delete({ id: 'i' })).changed).toEqual(['a', 'b', 'id']);
  });

  it('lists attributes a modify added, removed or changed, and nothing else', () => {
    const sim = plainTable();
    sim.put({ id: 'i', kept: 1, changed: 'a', dropped: true });
    const record = sim.update({ id: 'i' }, { changed: 'b', dropped: undefined, added: 'x' });
    expect(decodeRecord(record).changed).toEqual(['added', 'changed', 'dropped']);
  });

  it('lists nothing when a put writes the same item again', () => {
    const sim = plainTable();
    sim.put({ id: 'i', text: 'same' });
    expect(decodeRecord(sim.put({ id: 'i', text: 'same' })).changed).toEqual([]);
  });

  it('compares string sets regardless of member order', () => {
    expect(changedBetween({ tags: { SS: ['a', 'b'] } }, { tags: { SS: ['b', 'a'] } })).toEqual([]);
  });

  it('compares number sets regardless of member order', () => {
    expect(changedBetween({ ns: { NS: ['1', '2.5'] } }, { ns: { NS: ['2.5', '1'] } })).toEqual([]);
  });

  it('compares binary sets regardless of member order', () => {
    expect(changedBetween({ bs: { BS: ['AQI=', 'AwQ='] } }, { bs: { BS: ['AwQ=', 'AQI='] } })).toEqual([]);
  });

  it('sees a set that gained a member as changed', () => {
    expect(changedBetween({ tags: { SS: ['a', 'b'] } }, { tags: { SS: ['a', 'b', 'c'] } })).toEqual(['tags']);
  });

  it('sees a set that swapped a member as changed', () => {
    expect(changedBetween({ tags: { SS: ['a', 'b'] } }, { tags: { SS: ['a', 'c'] } })).toEqual(['tags']);
  });

  it('compares lists in order', () => {
    expect(
      changedBetween({ l: { L: [{ N: '1' }, { N: '2' }] } }, { l: { L: [{ N: '2' }, { N: '1' }] } }),
    ).toEqual(['l']);
  });

  it('compares maps regardless of key order', () => {
    const before = { m: { M: { a: { S: 'x' }, b: { N: '1' } } } };
    const after = { m: { M: { b: { N: '1' }, a: { S: 'x' } } } };
    expect(changedBetween(before, after)).toEqual([]);
  });

  it('sees a change deep inside a map', () => {
    const before = { m: { M: { inner: { M: { n: { N: '1' } } } } } };
    const after = { m: { M: { inner: { M: { n: { N: '2' } } } } } };
    expect(changedBetween(before, after)).toEqual(['m']);
  });

  it('sees a change of type with the same text as changed', () => {
    expect(changedBetween({ v: { S: '1' } }, { v: { N: '1' } })).toEqual(['v']);
  });

  it('sees a big number that changed in its last digit', () => {
    const before = { n: { N: '12345678901234567890123' } };
    const after = { n: { N: '12345678901234567890124' } };
    expect(changedBetween(before, after)).toEqual(['n']);
  });
});

describe('attributeValueEquals', () => {
  it('treats base64 text and the same bytes as equal binary', () => {
    const text: AttributeValue = { B: 'AQI=' };
    const bytes: AttributeValue = { B: new Uint8Array([1, 2]) };
    expect(attributeValueEquals(text, bytes)).toBe(true);
  });

  it('treats a missing value and a present one as different', () => {
    expect(attributeValueEquals(undefined, { NULL: true })).toBe(false);
  });

  it('treats NULL and BOOL false as different', () => {
    expect(attributeValueEquals({ NULL: true }, { BOOL: false })).toBe(false);
  });
});
