/**
 * PutEvents limits (looked up 2026-11-22).
 *
 * - Entries per request: at most 10 (API reference, PutEvents `Entries`: "Array Members: Minimum
 *   number of 1 item. Maximum number of 10 items").
 * - Size: "the total entry size must be less than 1MB" for one request (SDK model documentation of
 *   PutEvents, @aws-sdk/client-eventbridge 3.1169; AWS raised it from 256 KB on 2026-01-29,
 *   "serverless services now support payloads up to 1 MB"). Older pages of the user guide
 *   ("Calculating PutEvents event entry size") still say 256KB, so the limit is configurable:
 *   set EVENTBRIDGE_MAX_REQUEST_BYTES=262144 where the old limit applies.
 * - Entry size is computed as that user guide page defines it (see `putEventsEntrySize`).
 */

/** Most entries in one PutEvents request. */
export const PUT_EVENTS_MAX_ENTRIES = 10;

/**
 * Default size limit of one PutEvents request (sum of its entry sizes, strictly less than this).
 * 1 MB read as 1,000,000 bytes: safe whether AWS means 10^6 or 2^20.
 */
export const DEFAULT_PUT_EVENTS_MAX_BYTES = 1_000_000;

/** The limit before 2026-01-29 (256 KB), for regions or partitions that still enforce it. */
export const LEGACY_PUT_EVENTS_MAX_BYTES = 262_144;
