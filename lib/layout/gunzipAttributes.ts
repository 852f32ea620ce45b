/**
 * Decompresses a layout's gzip attributes (`layout.gunzip`) in a change's plain images, so events,
 * the archive's `plain` view and the vector index read text; the raw DynamoDB JSON the archive
 * stores (and a restore writes back) keeps the stored bytes exactly.
 */
import { gunzipSync } from 'node:zlib';
import type { Change, JsonValue, PlainItem } from '../stream/types.js';
import type { Layout } from './types.js';

/** Largest decompressed size accepted (bytes): a gzip bomb stays compressed instead. */
export const GUNZIP_MAX_BYTES = 16 * 1024 * 1024;

/**
 * The text a base64 binary value holds when it is gzip (magic bytes 1f 8b) and decompresses to at
 * most {@link GUNZIP_MAX_BYTES}; otherwise undefined (the value is left as it is).
 */
export function gunzipText(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string' || value.length < 4) return undefined;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return undefined;
  try {
    return gunzipSync(bytes, { maxOutputLength: GUNZIP_MAX_BYTES }).toString('utf8');
  } catch {
    return undefined; // Corrupt or too large: keep the bytes (base64) rather than lose the record.
  }
}

function inflate(item: PlainItem | null, names: readonly string[]): PlainItem | null {
  if (!item) return item;
  let out: PlainItem | undefined;
  for (const name of names) {
    if (!Object.hasOwn(item, name)) continue;
    const text = gunzipText(item[name]);
    if (text === undefined) continue;
    out ??= { ...item };
    out[name] = text;
  }
  return out ?? item;
}

/**
 * The change with the layout's gzip attributes decompressed in `before` and `after` (a new object
 * when anything was decompressed; the same change otherwise). `raw` is never touched.
 *
 * @example
 * ```ts
 * import { decodeRecord, gunzipAttributes, sessionStateLayout } from 'memory-cdc';
 *
 * const change = gunzipAttributes(decodeRecord(record), sessionStateLayout);
 * console.log(change.after?.CompressedHistory); // the history as text
 * ```
 */
export function gunzipAttributes(change: Change, layout: Pick<Layout, 'gunzip'>): Change {
  const names = layout.gunzip;
  if (!names || names.length === 0) return change;
  const before = inflate(change.before, names);
  const after = inflate(change.after, names);
  return before === change.before && after === change.after ? change : { ...change, before, after };
}
