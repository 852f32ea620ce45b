import { describe, expect, it } from 'vitest';
import { decodeRecord } from '../../lib/stream/decodeRecord.js';
import { missingImages, missingImagesReason } from '../../lib/stream/missingImages.js';
import type { StreamViewType } from '../../lib/stream/types.js';
import { plainTable } from '../fixtures/tables.js';

const KEY = { id: 'item-1' };

/** Insert, modify and remove of one item, as a stream of the given view type carries them. */
function lifecycle(viewType: StreamViewType) {
  const sim = plainTable({ viewType });
  return [sim.put({ ...KEY, n: 1 }), sim.update(KEY, { n: 2 }), sim.delete(KEY)];
}

describe('missingImages', () => {
  it('finds nothing missing on a NEW_AND_OLD_IMAGES stream', () => {
    expect(lifecycle('NEW_AND_OLD_IMAGES').map(missingImages)).toEqual([[], [], []]);
  });

  it.each<[StreamViewType, string[][]]>([
    ['KEYS_ONLY', [['NewImage'], ['NewImage', 'OldImage'], ['OldImage']]],
    ['NEW_IMAGE', [[], ['OldImage'], ['OldImage']]],
    ['OLD_IMAGE', [['NewImage'], ['NewImage'], []]],
  ])('names what a %s stream leaves out of insert, modify and remove', (viewType, expected) => {
    const records = lifecycle(viewType);
    expect(records.map(missingImages)).toEqual(expected);
    // The same records decode without complaint: only this check notices.
    for (const record of records) expect(() => decodeRecord(record)).not.toThrow();
  });

  it('explains what to change, naming the view type', () => {
    const [, , remove] = lifecycle('KEYS_ONLY');
    expect(missingImagesReason(remove!, missingImages(remove!))).toBe(
      'REMOVE record without OldImage (stream view type KEYS_ONLY): the table stream must be NEW_AND_OLD_IMAGES',
    );
  });

  it('asks nothing of event names it does not know', () => {
    expect(missingImages({ eventName: 'SOMETHING', dynamodb: {} })).toEqual([]);
  });
});
