import type { AttributeValue } from './types.js';

function bytesText(value: string | Uint8Array): string {
  return typeof value === 'string' ? value : Buffer.from(value).toString('base64');
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const members = new Set(a);
  return b.every((m) => members.has(m));
}

/**
 * Deep equality of two DynamoDB JSON values. Sets compare as sets (DynamoDB does not keep member
 * order); numbers compare by value text, as DynamoDB normalises them before storing.
 */
export function attributeValueEquals(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  if ('S' in a) return 'S' in b && a.S === b.S;
  if ('N' in a) return 'N' in b && a.N === b.N;
  if ('BOOL' in a) return 'BOOL' in b && a.BOOL === b.BOOL;
  if ('NULL' in a) return 'NULL' in b;
  if ('B' in a) return 'B' in b && bytesText(a.B) === bytesText(b.B);
  if ('SS' in a) return 'SS' in b && sameSet(a.SS, b.SS);
  if ('NS' in a) return 'NS' in b && sameSet(a.NS, b.NS);
  if ('BS' in a) return 'BS' in b && sameSet(a.BS.map(bytesText), b.BS.map(bytesText));
  if ('L' in a) {
    if (!('L' in b) || a.L.length !== b.L.length) return false;
    return a.L.every((item, i) => attributeValueEquals(item, b.L[i]));
  }
  if ('M' in a) {
    if (!('M' in b)) return false;
    const keysA = Object.keys(a.M);
    if (keysA.length !== Object.keys(b.M).length) return false;
    return keysA.every((k) => attributeValueEquals(a.M[k], b.M[k]));
  }
  return false;
}
