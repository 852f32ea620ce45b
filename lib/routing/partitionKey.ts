import type { MemoryEventDetail } from '../catalog/types.js';
import { sha256Hex } from '../sha256Hex.js';

/** Kinesis accepts partition keys of at most 256 Unicode characters. */
const MAX_PARTITION_KEY = 256;

/**
 * The Kinesis partition key of a change: one conversation (its turns and the conversation item), one
 * run (the run, its steps and its ledger entries), or else one item stays on one shard, in order.
 * The table leads the key (`conv#<table>#<user>#<conversation>`): a stack beside several tables writes
 * one change log, and two tables may use the same ids.
 */
export function partitionKeyFor(detail: MemoryEventDetail): string {
  const { ids } = detail;
  const table = detail.origin.table;
  let key: string;
  if (ids.conversationId && (detail.entity === 'turn' || detail.entity === 'conversation' || !ids.runId)) {
    // Joined: a flat string, not a tree of pieces, is what stays alive until the batch is sent
    // (concatenating and then flattening by reading a character was faster, but left ~70 bytes
    // more per record alive after a full collection).
    key = ['conv', table, ids.userId ?? '', ids.conversationId].join('#');
  } else if (ids.runId) {
    key = ['run', table, ids.runId].join('#');
  } else {
    key = `item#${table}#${JSON.stringify(
      Object.keys(detail.keys)
        .sort()
        .map((k) => detail.keys[k]),
    )}`;
  }
  return key.length <= MAX_PARTITION_KEY ? key : `sha256#${sha256Hex(key)}`;
}
