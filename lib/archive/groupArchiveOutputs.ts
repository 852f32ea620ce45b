/**
 * Groups archive outputs by partition (table, entity, day, hour): one group becomes one archive
 * object, so a batch of expiries costs one PUT per entity-hour present in it.
 */
import type { ArchiveOutput } from '../routing/types.js';
import { archiveObjectKey, partitionOf, partitionPrefix } from './archiveKey.js';
import type { ArchiveGroup } from './types.js';

/**
 * Splits outputs into groups by partition, keeping stream order inside each group and ordering
 * groups by their first output.
 *
 * @example
 * const groups = groupArchiveOutputs(outputs);
 * for (const group of groups) await writer.putObject(group.key, await encodeArchiveObject(group.outputs));
 *
 * @throws ArchiveFormatError when an output's partition values cannot form a key
 */
export function groupArchiveOutputs(outputs: readonly ArchiveOutput[]): ArchiveGroup[] {
  const byPrefix = new Map<string, Omit<ArchiveGroup, 'key'>>();
  outputs.forEach((output, index) => {
    const partition = partitionOf(output.payload);
    const prefix = partitionPrefix(partition);
    let group = byPrefix.get(prefix);
    if (!group) {
      group = { partition, outputs: [], indexes: [] };
      byPrefix.set(prefix, group);
    }
    group.outputs.push(output);
    group.indexes.push(index);
  });
  return [...byPrefix.values()].map((group) => ({
    ...group,
    key: archiveObjectKey(group.partition, group.outputs),
  }));
}
