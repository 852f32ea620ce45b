/**
 * Recognises items written by `@mastra/dynamodb`: ElectroDB stamps every item with `__edb_e__`, and
 * the Mastra service's partition keys all begin `$mastra#` (see `mastra.ts`).
 */

/** An item image: plain JSON, or DynamoDB JSON (`{ "pk": { "S": "…" } }`). */
export type ItemImage = Readonly<Record<string, unknown>>;

/** The Mastra service's partition-key prefix (ElectroDB lowercases the service name). */
export const MASTRA_PK_PREFIX = '$mastra#';

function stringAttribute(image: ItemImage, name: string): string | undefined {
  const value = image[name];
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && 'S' in value) {
    const s = (value as { S: unknown }).S;
    return typeof s === 'string' ? s : undefined;
  }
  return undefined;
}

/**
 * True when the images are unambiguously Mastra's: at least one carries `__edb_e__` and a `pk` that
 * begins `$mastra#`, and none has a `pk` outside the Mastra service (a mixed table is ambiguous).
 * Images without a `pk` (or keys-only images without `__edb_e__`) neither prove nor disprove it.
 * Pure: it reads the images and nothing else.
 *
 * @example
 * ```ts
 * import { looksLikeMastra } from 'memory-cdc';
 *
 * const images = event.Records.flatMap((r) => [r.dynamodb?.NewImage, r.dynamodb?.OldImage]);
 * const layout = looksLikeMastra(images) ? 'mastra' : undefined;
 * ```
 * @param images plain or DynamoDB-JSON item images; `null`/`undefined` entries are skipped
 */
export function looksLikeMastra(images: Iterable<ItemImage | null | undefined>): boolean {
  let mastra = false;
  for (const image of images) {
    if (!image) continue;
    const pk = stringAttribute(image, 'pk');
    if (pk === undefined) continue;
    if (!pk.startsWith(MASTRA_PK_PREFIX)) return false;
    if (stringAttribute(image, '__edb_e__') !== undefined) mastra = true;
  }
  return mastra;
}
