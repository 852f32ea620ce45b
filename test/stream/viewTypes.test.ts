import { describe, expect, it } from 'vitest';
import type { TableSimulator } from '../../lib/fixtures/TableSimulator.js';
import { decodeRecord } from '../../lib/stream/decodeRecord.js';
import type { Change, StreamViewType } from '../../lib/stream/types.js';
import { plainTable } from '../fixtures/tables.js';

const KEY = { id: 'item-1' };

/** Insert, modify and remove one item on a table with the given stream view type. */
function lifecycle(viewType: StreamViewType): {
  insert: Change;
  modify: Change;
  remove: Change;
  sim: TableSimulator;
} {
  const sim = plainTable({ viewType });
  const insert = decodeRecord(sim.put({ ...KEY, text: 'first', n: 1 }));
  const modify = decodeRecord(sim.update(KEY, { text: 'second' }));
  const remove = decodeRecord(sim.delete(KEY));
  return { insert, modify, remove, sim };
}

describe('decodeRecord with NEW_AND_OLD_IMAGES', () => {
  const { insert, modify, remove } = lifecycle('NEW_AND_OLD_IMAGES');

  it('gives an insert an after image and no before image', () => {
    expect([insert.op, insert.before, insert.after]).toEqual([
      'insert',
      null,
      { ...KEY, text: 'first', n: 1 },
    ]);
  });

  it('gives a modify both images', () => {
    expect(modify.before).toEqual({ ...KEY, text: 'first', n: 1 });
    expect(modify.after).toEqual({ ...KEY, text: 'second', n: 1 });
  });

  it('gives a remove a before image and no after image', () => {
    expect([remove.op, remove.before, remove.after]).toEqual([
      'remove',
      { ...KEY, text: 'second', n: 1 },
      null,
    ]);
  });

  it('lists only the attributes a modify changed', () => {
    expect(modify.changed).toEqual(['text']);
  });

  it('reports the view type', () => {
    expect([insert.viewType, modify.viewType, remove.viewType]).toEqual(Array(3).fill('NEW_AND_OLD_IMAGES'));
  });
});

describe('decodeRecord with NEW_IMAGE', () => {
  const { insert, modify, remove } = lifecycle('NEW_IMAGE');

  it('gives a modify only its after image', () => {
    expect([modify.op, modify.before, modify.after]).toEqual([
      'modify',
      null,
      { ...KEY, text: 'second', n: 1 },
    ]);
  });

  it('cannot say which attributes a modify changed, so lists none', () => {
    expect(modify.changed).toEqual([]);
  });

  it('gives a remove neither image, only its keys', () => {
    expect([remove.op, remove.before, remove.after, remove.keys]).toEqual(['remove', null, null, KEY]);
  });

  it('gives an insert its after image', () => {
    expect(insert.after).toEqual({ ...KEY, text: 'first', n: 1 });
  });

  it('reports the view type', () => {
    expect(modify.viewType).toBe('NEW_IMAGE');
  });
});

describe('decodeRecord with OLD_IMAGE', () => {
  const { insert, modify, remove } = lifecycle('OLD_IMAGE');

  it('gives an insert neither image, only its keys', () => {
    expect([insert.op, insert.before, insert.after, insert.keys]).toEqual(['insert', null, null, KEY]);
  });

  it('gives a modify only its before image', () => {
    expect([modify.op, modify.before, modify.after]).toEqual([
      'modify',
      { ...KEY, text: 'first', n: 1 },
      null,
    ]);
  });

  it('gives a remove its before image', () => {
    expect(remove.before).toEqual({ ...KEY, text: 'second', n: 1 });
  });

  it('reports the view type', () => {
    expect(remove.viewType).toBe('OLD_IMAGE');
  });
});

describe('decodeRecord with KEYS_ONLY', () => {
  const { insert, modify, remove } = lifecycle('KEYS_ONLY');

  it('gives every op its keys and no images', () => {
    for (const change of [insert, modify, remove]) {
      expect([change.before, change.after, change.keys]).toEqual([null, null, KEY]);
    }
  });

  it('still tells the ops apart from the event name', () => {
    expect([insert.op, modify.op, remove.op]).toEqual(['insert', 'modify', 'remove']);
  });

  it('reports the view type', () => {
    expect(insert.viewType).toBe('KEYS_ONLY');
  });
});

describe('decodeRecord without a StreamViewType field', () => {
  it('infers NEW_AND_OLD_IMAGES from a record carrying both images', () => {
    const sim = plainTable();
    sim.put({ ...KEY, text: 'a' });
    const record = sim.update(KEY, { text: 'b' });
    delete record.dynamodb!.StreamViewType;
    expect(decodeRecord(record).viewType).toBe('NEW_AND_OLD_IMAGES');
  });

  it('infers KEYS_ONLY from a record carrying no image', () => {
    const record = plainTable({ viewType: 'KEYS_ONLY' }).put({ ...KEY });
    delete record.dynamodb!.StreamViewType;
    expect(decodeRecord(record).viewType).toBe('KEYS_ONLY');
  });
});
