import * as crypto from 'node:crypto';

// `crypto.hash` (one-shot, no Hash object per id) is in Node >= 20.12; older 20.x falls back.
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

/**
 * A deterministic event id: the same stream record and detail-type always yield the same id, so
 * consumers deduplicate Lambda retries on it. Formatted as a UUID (from SHA-256, version nibble 8,
 * "custom", RFC 9562) because most stores have a column type for that.
 */
export function eventIdFor(streamArn: string, streamEventId: string, detailType: string): string {
  // SHA-256 stays (only the call got cheaper): a non-cryptographic hash would give ids that an
  // adversary, or a large enough table, could collide, and consumers deduplicate on them.
  const h = sha256Hex(`${streamArn}\u0000${streamEventId}\u0000${detailType}`);
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  // Joined, not concatenated: one flat 36-character string instead of a tree of slices of the
  // 64-character digest, which would stay alive with every event until the batch is delivered.
  return [
    h.slice(0, 8),
    h.slice(8, 12),
    `8${h.slice(13, 16)}`,
    variant + h.slice(17, 20),
    h.slice(20, 32),
  ].join('-');
}
