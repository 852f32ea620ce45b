/**
 * The archive outputs one stream record owes, decided the way both archive writers need: the
 * archiver (two-reader layout) and the router writing the archive itself (one-reader layout) run
 * this same step, so a TTL expiry is archived, or refused, identically in both layouts.
 */
import { DecodeError } from '../errors.js';
import type { Pipeline } from '../pipeline/types.js';
import type { ArchiveOutput, RoutedOutput } from '../routing/types.js';
import { missingImages, missingImagesReason } from '../stream/missingImages.js';
import type { StreamRecord } from '../stream/types.js';
import { isExpiryRecord } from './isExpiryRecord.js';

/**
 * Every output the pipeline makes of a record, after checking that a TTL expiry can be archived:
 * one without its old image would be a key-only "archive" (no archive at all, and it would
 * overwrite a complete one on a retry), so it is refused with a {@link DecodeError}, which the batch
 * processor dead-letters with the whole record — nothing vanishes.
 *
 * @example
 * const outputs = outputsWithArchive(record, pipeline); // the router, one-reader layout
 *
 * @throws DecodeError when the record is a TTL expiry without `OldImage` (or does not decode)
 */
export function outputsWithArchive(record: StreamRecord, pipeline: Pipeline): readonly RoutedOutput[] {
  if (isExpiryRecord(record, pipeline.layout.ttlAttribute)) refuseWithoutOldImage(record);
  return pipeline.process(record).outputs;
}

/** @throws DecodeError when the TTL expiry `record` has no `OldImage` */
function refuseWithoutOldImage(record: StreamRecord): void {
  const missing = missingImages(record).filter((image) => image === 'OldImage');
  if (missing.length > 0) throw new DecodeError(missingImagesReason(record, missing), record.eventID);
}

/**
 * The archive outputs of a record: none unless it is a TTL expiry (see {@link outputsWithArchive}).
 *
 * @example
 * const archive = archiveOutputsOf(record, pipeline); // the archiver
 *
 * @throws DecodeError when the record is a TTL expiry without `OldImage` (or does not decode)
 */
export function archiveOutputsOf(record: StreamRecord, pipeline: Pipeline): ArchiveOutput[] {
  if (!isExpiryRecord(record, pipeline.layout.ttlAttribute)) return [];
  refuseWithoutOldImage(record);
  return pipeline
    .process(record)
    .outputs.filter((output): output is ArchiveOutput => output.sink === 'archive');
}
