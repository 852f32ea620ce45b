/**
 * An image in DynamoDB JSON -> plain JSON (see `decodeAttributeValue.ts`): sets become arrays,
 * binary becomes base64 text, numbers stay exact, maps are null-prototype objects.
 */
import { decodeAttributeMap, MalformedAttributeError } from './decodeAttributeValue.js';
import type { AttributeMap, PlainItem } from './types.js';

export { MalformedAttributeError as MalformedImageError };

/**
 * Converts an image to plain JSON.
 *
 * @example
 * ```ts
 * toPlainItem({ pk: { S: 'USER#u1' }, n: { N: '12345678901234567890' } });
 * // { pk: 'USER#u1', n: '12345678901234567890' } (an integer beyond 2^53 stays exact, as text)
 * ```
 * @param path how error messages name the image (`NewImage`)
 * @throws MalformedAttributeError naming the first bad attribute's path
 */
export function toPlainItem(image: AttributeMap, path = 'image'): PlainItem {
  return decodeAttributeMap(image, path);
}
