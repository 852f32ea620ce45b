/**
 * The vector-sync Lambda: consumes the Kinesis change log (ordered per conversation, replayable for
 * a full re-index) and keeps an Amazon S3 Vectors index of conversation turns in step with the
 * table — upsert on insert or text/embedding change, nothing on other modifies, tombstone on delete
 * or expiry — and returns a partial batch response.
 * Environment: see `lib/vector/vectorSyncConfig.ts`; wiring: `lib/vector/createVectorSyncHandler.ts`.
 */
import { createVectorSyncHandler, type VectorSyncHandler } from '../lib/vector/createVectorSyncHandler.js';
import { loadVectorSyncConfig } from '../lib/vector/vectorSyncConfig.js';

/** Built once per container, in Lambda's init phase: a bad configuration fails the deployment fast. */
export const handler: VectorSyncHandler = createVectorSyncHandler(loadVectorSyncConfig(process.env));
