import { createHash } from 'node:crypto';

/**
 * A deterministic event id: the same stream record and detail-type always yield the same id, so
 * consumers deduplicate Lambda retries on it. Formatted as a UUID (from SHA-256, version nibble 8,
 * "custom", RFC 9562) because most stores have a column type for that.
 */
export function eventIdFor(streamArn: string, streamEventId: string, detailType: string): string {
  const h = createHash('sha256')
    .update(`${streamArn}\u0000${streamEventId}\u0000${detailType}`)
    .digest('hex');
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
