/**
 * Which images a stream record lacks for what memory-cdc does with it. The pipeline needs the
 * table's stream on NEW_AND_OLD_IMAGES: an insert needs its new image, a modify both, a remove (and
 * a TTL expiry, which the archiver must write losslessly) its old image. On a KEYS_ONLY, NEW_IMAGE
 * or OLD_IMAGE stream some are missing, and the outputs would be key-only or image-less.
 */
import type { StreamRecord } from './types.js';

/** Metric both stream functions publish per batch: records lacking an image they need (alarmed). */
export const RECORDS_MISSING_IMAGES_METRIC = 'RecordsMissingImages';

/** An image a record should carry. */
export type ImageName = 'NewImage' | 'OldImage';

const NEEDED: Record<string, readonly ImageName[]> = {
  INSERT: ['NewImage'],
  MODIFY: ['NewImage', 'OldImage'],
  REMOVE: ['OldImage'],
  // DynamoDB Local's name for a TTL deletion.
  UNKNOWN_TO_SDK_VERSION: ['OldImage'],
};

/**
 * The images the record should carry and does not (empty when it is complete, or when its event
 * name is one memory-cdc does not know).
 *
 * @example
 * missingImages({ eventName: 'REMOVE', dynamodb: { Keys: { pk: { S: 'u#1' } } } }); // ['OldImage']
 */
export function missingImages(record: StreamRecord): ImageName[] {
  const needed = NEEDED[record.eventName ?? ''] ?? [];
  return needed.filter((image) => record.dynamodb?.[image] === undefined);
}

/** The reason given for a record without the images it needs (dead letters, logs). */
export function missingImagesReason(record: StreamRecord, missing: readonly ImageName[]): string {
  const viewType = record.dynamodb?.StreamViewType;
  return (
    `${record.eventName} record without ${missing.join(' and ')}` +
    `${viewType ? ` (stream view type ${viewType})` : ''}: ` +
    'the table stream must be NEW_AND_OLD_IMAGES'
  );
}
