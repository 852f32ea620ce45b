/**
 * Turns archive outputs into archive objects: one object per expired item (see `archiveKey.ts`
 * for why: an object holding several items would be cut differently by a retried, bisected or
 * re-sized batch, and the same item would land in two objects).
 */
import type { ArchiveOutput } from '../routing/types.js';
import { archiveObjectKey, partitionOf } from './archiveKey.js';
import type { ArchiveGroup } from './types.js';

/**
 * One group (one object) per output, in the order given. Two outputs of the same expiry record (a
 * batch holding a record twice) share a key and become one group.
 *
 * @example
 * const groups = groupArchiveOutputs(outputs);
 * for (const group of groups) await writer.putObject(group.key, await encodeArchiveObject(group.outputs.map((o) => o.payload)));
 *
 * @throws ArchiveFormatError when an output's partition values cannot form a key
 */
export function groupArchiveOutputs(outputs: readonly ArchiveOutput[]): ArchiveGroup[] {
  const byKey = new Map<string, ArchiveGroup>();
  outputs.forEach((output, index) => {
    const partition = partitionOf(output.payload);
    const key = archiveObjectKey(partition, output);
    const group = byKey.get(key);
    if (group) {
      // The same expiry twice in one batch: one line, both positions answered by its write.
      group.indexes.push(index);
      return;
    }
    byKey.set(key, { partition, key, outputs: [output], indexes: [index] });
  });
  return [...byKey.values()];
}
