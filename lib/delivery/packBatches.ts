/**
 * The one batching helper: packs items, in order, into as few requests as the service's limits
 * allow. Publishers call it with their per-request entry count and size limit.
 */

/** Limits of one request. */
export interface PackLimits {
  /** Most items in one request. */
  maxCount: number;
  /** The items' total size must stay below this (strictly less, as the AWS limits are worded). */
  maxBytes: number;
}

/** An item and its size as the service counts it. */
export interface Sized<T> {
  item: T;
  bytes: number;
}

/**
 * Packs items greedily in their order: a request is closed when the next item would reach the
 * count or size limit. An item alone at or over the size limit gets a request of its own (the
 * caller checks sizes first; the service then rejects only that request). Order is preserved
 * across and within the requests.
 *
 * @example
 * ```ts
 * const requests = packBatches(entries.map((e) => ({ item: e, bytes: sizeOf(e) })), { maxCount: 10, maxBytes: 1_000_000 });
 * ```
 */
export function packBatches<T>(items: readonly Sized<T>[], limits: PackLimits): T[][] {
  return packBy(items, (sized) => sized.bytes, limits).map((batch) => batch.map((sized) => sized.item));
}

/**
 * {@link packBatches} for items that know their own size (`bytes`): the same requests, without a
 * wrapper object per item.
 */
export function packSized<T extends { readonly bytes: number }>(
  items: readonly T[],
  limits: PackLimits,
): T[][] {
  return packBy(items, (item) => item.bytes, limits);
}

function packBy<T>(items: readonly T[], sizeOf: (item: T) => number, limits: PackLimits): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length > 0 && (current.length >= limits.maxCount || bytes + size >= limits.maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
