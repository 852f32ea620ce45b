import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packBatches, packSized } from '../../lib/delivery/packBatches.js';

const sized = (sizes: number[]) => sizes.map((bytes, item) => ({ item, bytes }));

describe('packBatches', () => {
  it('fills requests up to the count limit, in order', () => {
    expect(packBatches(sized(Array(23).fill(1)), { maxCount: 10, maxBytes: 1000 })).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
      [20, 21, 22],
    ]);
  });

  it('closes a request before its total size would reach the limit', () => {
    expect(packBatches(sized([40, 40, 19, 1, 50]), { maxCount: 10, maxBytes: 100 })).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
  });

  it('gives an item at or over the limit a request of its own', () => {
    expect(packBatches(sized([10, 150, 10]), { maxCount: 10, maxBytes: 100 })).toEqual([[0], [1], [2]]);
  });

  it('returns no request for no items', () => {
    expect(packBatches([], { maxCount: 10, maxBytes: 100 })).toEqual([]);
  });

  it('packSized packs items that carry their size exactly as packBatches packs them wrapped', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 1000 }),
        (sizes, maxCount, maxBytes) => {
          const items = sizes.map((bytes, n) => ({ n, bytes }));
          const limits = { maxCount, maxBytes };
          expect(packSized(items, limits)).toEqual(
            packBatches(
              items.map((item) => ({ item, bytes: item.bytes })),
              limits,
            ),
          );
        },
      ),
    );
  });
});
