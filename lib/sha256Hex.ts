import * as crypto from 'node:crypto';

/**
 * SHA-256 of a text's UTF-8 bytes, as 64 lowercase hex digits. `crypto.hash` (one shot, no Hash
 * object per call: about half the cost on short texts) is in Node >= 20.12; older 20.x falls back.
 */
export const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');
