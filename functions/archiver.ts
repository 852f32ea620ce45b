/**
 * The archiver Lambda: consumes the memory table's stream, DynamoDB Streams or the Kinesis data stream
 * the table streams to (the event source mapping filters it to
 * TTL expiries) and writes the expired items to S3 as gzip JSON Lines, one object per (entity,
 * hour) per batch, under `ARCHIVE_BUCKET/ARCHIVE_PREFIX`. Returns a partial batch response.
 * Environment: MEMORY_CDC_LAYOUT, ARCHIVE_BUCKET, DEAD_LETTER_BUCKET (required); ARCHIVE_PREFIX,
 * MEMORY_CDC_ROUTING, LOG_LEVEL, POWERTOOLS_METRICS_NAMESPACE, DELIVERY_MAX_ATTEMPTS,
 * DEADLINE_RESERVE_MS (optional) — see `lib/archive/archiverConfig.ts`.
 */
import { createArchiverHandler } from '../lib/archive/createArchiverHandler.js';

/** Built once per container, in Lambda's init phase: a bad configuration fails the deployment fast. */
export const handler = createArchiverHandler(process.env);
