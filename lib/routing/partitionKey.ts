import { createHash } from 'node:crypto';
import type { MemoryEventDetail } from '../catalog/types.js';

/** Kinesis accepts partition keys of at most 256 Unicode characters. */
const MAX_PARTITION_KEY = 256;

/**
 * The Kinesis partition key of a change: one conversation (its turns and the conversation item), one
 * run (the run, its steps and its ledger entries), or else one item stays on one shard, in order.
 */
export function partitionKeyFor(detail: MemoryEventDetail): string {
  const { ids } = detail;
  let key: string;
  if (ids.conversationId && (detail.entity === 'turn' || detail.entity === 'conversation' || !ids.runId)) {
    key = `conv#${ids.userId ?? ''}#${ids.conversationId}`;
  } else if (ids.runId) {
    key = `run#${ids.runId}`;
  } else {
    key = `item#${JSON.stringify(
      Object.keys(detail.keys)
        .sort()
        .map((k) => detail.keys[k]),
    )}`;
  }
  return key.length <= MAX_PARTITION_KEY ? key : `sha256#${createHash('sha256').update(key).digest('hex')}`;
}
