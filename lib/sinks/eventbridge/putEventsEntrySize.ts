/** The fields of a PutEvents entry that count towards its size. */
export interface SizedPutEventsEntry {
  Time?: unknown;
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: readonly string[];
}

/**
 * Size of a PutEvents entry as EventBridge computes it (user guide, "Calculating PutEvents event
 * entry size"): 14 bytes for `Time` when given, plus the UTF-8 bytes of `Source`, `DetailType`,
 * `Detail` and of each `Resources` entry. `EventBusName` does not count.
 *
 * @param detailBytes the UTF-8 size of `entry.Detail` when the caller knows it already (the
 *   publisher does: the change log encoded the same text), so the text is not measured twice
 */
export function putEventsEntrySize(entry: SizedPutEventsEntry, detailBytes?: number): number {
  let size = entry.Time !== undefined ? 14 : 0;
  size += Buffer.byteLength(entry.Source ?? '', 'utf8');
  size += Buffer.byteLength(entry.DetailType ?? '', 'utf8');
  if (detailBytes !== undefined) size += detailBytes;
  else if (entry.Detail !== undefined) size += Buffer.byteLength(entry.Detail, 'utf8');
  for (const resource of entry.Resources ?? []) size += Buffer.byteLength(resource, 'utf8');
  return size;
}
