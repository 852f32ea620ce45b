/** What one stream batch did, as logged (one line) and published as metrics. */
import type { SinkName } from '../routing/types.js';
import type { PublisherCounters } from './DeliveryTelemetry.js';

/** Per-sink results of a batch. */
export interface SinkSummary extends PublisherCounters {
  /** Outputs the batch owed this sink. */
  outputs: number;
  accepted: number;
  /** Not accepted this time (reported for retry). */
  retryable: number;
  /** Refused as invalid (their records are dead-lettered). */
  rejected: number;
}

/** The summary of one batch. Never holds item contents. */
export interface BatchSummary {
  /** The Lambda: `router`, `archiver`, `vector-sync`. */
  function: string;
  /** Records in the batch. */
  records: number;
  /** Records whose every output was accepted. */
  delivered: number;
  /** Records parked in the dead-letter bucket. */
  deadLettered: number;
  /** Records reported in `batchItemFailures` (the first undelivered one and every later one). */
  reported: number;
  /** The first reported record and why. */
  firstFailure?: { sequenceNumber: string | undefined; reasons: string[] };
  /** True when delivery stopped early because the Lambda deadline was near. */
  deadlineReached: boolean;
  /** Wall time of the batch. */
  durationMs: number;
  /** Largest age of a record (now minus ApproximateCreationDateTime), in ms. */
  maxLagMs?: number;
  sinks: Partial<Record<SinkName, SinkSummary>>;
  /** Where dead letters went (at most 10 listed). */
  deadLetters: string[];
}
