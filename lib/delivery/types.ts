/**
 * Types of the stream-batch processor the Lambdas share (router, archiver, vector sync): what a
 * dead letter holds, where it goes, and what a batch reports back to Lambda.
 */
import type { SinkName } from '../routing/types.js';
import type { StreamRecord } from '../stream/types.js';

/** Why part of a record could not be delivered. */
export interface FailureReason {
  /** `prepare`: the record could not be turned into outputs; `deliver`: a sink refused an output. */
  stage: 'prepare' | 'deliver';
  sink?: SinkName;
  /** The event id of the output, for `deliver` failures. */
  eventId?: string;
  reason: string;
}

/** A poison record parked with the reason, so the shard moves on and nothing is lost. */
export interface DeadLetter {
  /** Envelope version of the dead-letter object. */
  version: '1';
  /** The Lambda that gave up on the record (`router`, `archiver`, `vector-sync`). */
  function: string;
  /** One line: why the record can never be delivered. */
  reason: string;
  failures: FailureReason[];
  /** The stream record exactly as Lambda delivered it (redrive input). */
  record: StreamRecord;
  /** When the dead letter was written (ISO-8601). */
  deadLetteredAt: string;
}

/** Where dead letters are written. */
export interface DeadLetterStore {
  /**
   * Writes one dead letter at a key derived from the record, so writing it again overwrites it.
   * @returns where it was written (for logs)
   * @throws the client's error when it could not be written (the record is then not acknowledged)
   */
  write(letter: DeadLetter, options?: { signal?: AbortSignal }): Promise<string>;
}

/** One entry of Lambda's partial batch response. */
export interface BatchItemFailure {
  /** The record's DynamoDB Streams sequence number. */
  itemIdentifier: string;
}

/** What a stream handler with `ReportBatchItemFailures` returns. */
export interface StreamBatchResponse {
  batchItemFailures: BatchItemFailure[];
}

/** What became of one record of the batch. */
export type RecordStatus =
  /** Every output it owes was accepted. */
  | 'delivered'
  /** It can never be delivered; its dead letter was written. */
  | 'dead-lettered'
  /** Not (fully) delivered this time: reported for Lambda to retry. */
  | 'failed'
  /** Fine or not, it comes after a failed record, so it is reported for retry too. */
  | 'retried-after-failure';

/** The fate of one record, in batch order. */
export interface RecordFate {
  sequenceNumber: string | undefined;
  status: RecordStatus;
  /** Reasons for `failed` and `dead-lettered`. */
  failures: FailureReason[];
  /** Where the dead letter went. */
  deadLetterKey?: string;
}
