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
 * @param utf8Bytes how the other texts are measured (the publisher remembers the few sources,
 *   detail types and resources a stream has) @default Buffer.byteLength
 */
export function putEventsEntrySize(
  entry: SizedPutEventsEntry,
  detailBytes?: number,
  utf8Bytes: (text: string) => number = byteLength,
): number {
  let size = entry.Time !== undefined ? 14 : 0;
  size += utf8Bytes(entry.Source ?? '');
  size += utf8Bytes(entry.DetailType ?? '');
  if (detailBytes !== undefined) size += detailBytes;
  else if (entry.Detail !== undefined) size += Buffer.byteLength(entry.Detail, 'utf8');
  for (const resource of entry.Resources ?? []) size += utf8Bytes(resource);
  return size;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * A `utf8Bytes` for {@link putEventsEntrySize} that remembers the sizes of up to `capacity` texts
 * (an entry's source, detail type and resources come from a small set; a map lookup of a string
 * already hashed is cheaper than measuring it). Beyond that it measures without remembering.
 */
export function rememberingUtf8Bytes(capacity = 256): (text: string) => number {
  const known = new Map<string, number>();
  return (text) => {
    let bytes = known.get(text);
    if (bytes === undefined) {
      bytes = Buffer.byteLength(text, 'utf8');
      if (known.size < capacity) known.set(text, bytes);
    }
    return bytes;
  };
}
