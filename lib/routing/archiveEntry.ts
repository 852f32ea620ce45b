import type { MemoryEventDetail } from '../catalog/types.js';
import type { Change } from '../stream/types.js';
import type { ArchiveEntry } from './types.js';

/**
 * The archive line of a TTL expiry. The item is kept in DynamoDB JSON, exactly as the stream
 * carried it, so a restore writes back the same bytes; when the view has no old image only the keys
 * can be kept (documented: the archive needs OLD_IMAGE or NEW_AND_OLD_IMAGES).
 */
export function archiveEntryFor(change: Change, detail: MemoryEventDetail): ArchiveEntry {
  const time = change.position.approximateCreationTime;
  const entry: ArchiveEntry = {
    table: change.position.table,
    entity: detail.entity,
    ids: detail.ids,
    // A record without a creation time (sample events; AWS always dates TTL deletions) is filed
    // under dt=undated so its key stays deterministic.
    expiredAt: time ?? '',
    partition: time ? { dt: time.slice(0, 10), hour: time.slice(11, 13) } : { dt: 'undated', hour: '00' },
    keys: change.raw.keys,
    item: change.raw.oldImage ?? change.raw.keys,
    plain: change.before ?? change.keys,
    eventId: detail.eventId,
    origin: {
      streamArn: change.position.streamArn,
      eventId: change.position.eventId,
      sequenceNumber: change.position.sequenceNumber,
    },
  };
  if (detail.sourceEntity) entry.sourceEntity = detail.sourceEntity;
  return entry;
}
