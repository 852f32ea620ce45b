import type { ClaimCheck, MemoryEventDetail } from '../../catalog/types.js';
import type { ClaimCheckedDetail } from './types.js';

/**
 * The summary published in place of an oversize detail: ids, keys, op, the changed attribute names
 * and the transition stay; the item images are left out (they are in S3 at `claimCheck.key`).
 */
export function claimCheckedDetail(detail: MemoryEventDetail, claimCheck: ClaimCheck): ClaimCheckedDetail {
  const { before: _before, after: _after, ...summary } = detail;
  return { ...summary, claimCheck };
}
