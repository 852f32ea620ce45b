/**
 * Types of the stream-batch processor the Lambdas share (router, archiver, vector sync): what it
 * needs to know of a record, what a dead letter holds, where it goes, and what a batch reports back
 * to Lambda.
 */
import type { RoutedOutput, SinkName } from '../routing/types.js';
import type { StreamRecord } from '../stream/types.js';

/**
 * What the batch processor reads from a record of one event source (DynamoDB Streams, Kinesis):
 * everything else about the record is the caller's business.
 */
export interface RecordAdapter<R> {
  /** The record's field holding its sequence number, as errors name it (`SequenceNumber`). */
  readonly sequenceField: string;
  /** Names the event source in errors (`kinesis`). @default the function name */
  readonly source?: string;
  /** Where Lambda resumes when the record is reported: its position in the shard. */
  sequenceNumber(record: R): string | undefined;
  /** When the record entered the stream (epoch milliseconds), for the stream lag and dead-letter day. */
  createdAtMs(record: R): number | undefined;
  /**
   * The record's name in its dead-letter key, unique in the stream; `undefined` when the record
   * lacks the fields (a malformed record is then named by a hash of its JSON).
   */
  deadLetterName(record: R): string | undefined;
  /** The record's id in its source (a DynamoDB stream record's eventID), for reports. */
  recordId?(record: R): string | undefined;
}

/** What one record means for the sinks, as the caller's `prepare` step found. */
export type PreparedRecord =
  /**
   * The outputs the record owes (none: it is acknowledged as it is). With `poison`, part of what the
   * record carries can never be delivered (one change of several in a change-log record): the
   * outputs are delivered, and the record is dead-lettered with that reason instead of acknowledged.
   */
  | { kind: 'outputs'; outputs: readonly RoutedOutput[]; poison?: string }
  /** It can never be delivered (undecodable, invalid): dead-letter it. */
  | { kind: 'poison'; reason: string }
  /** Preparing it failed for now (a claim-check read timed out): report it for Lambda to retry. */
  | { kind: 'retry'; reason: string };

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
export interface DeadLetter<R = StreamRecord> {
  /** Envelope version of the dead-letter object. */
  version: '1';
  /** The Lambda that gave up on the record (`router`, `archiver`, `vector-sync`). */
  function: string;
  /** One line: why the record can never be delivered. */
  reason: string;
  failures: FailureReason[];
  /** The record exactly as Lambda delivered it (redrive input). */
  record: R;
  /** The record's position in its batch (from 0). */
  index?: number;
  /** The record's id in its source (eventID), when it has one. */
  recordId?: string;
  /** When the dead letter was written (ISO-8601). */
  deadLetteredAt: string;
  /**
   * The sinks the function owed the record (the router: `eventbridge`, `kinesis`, and `archive` in the
   * one-reader layout), so a redrive of a record that could not be processed at all sends what it
   * owed, and no more. Absent in dead letters written before it existed: the function's name decides.
   */
  owes?: SinkName[];
}

/** Where dead letters are written. */
export interface DeadLetterStore<R = StreamRecord> {
  /**
   * Writes one dead letter at a key derived from the record, so writing it again overwrites it.
   * @returns where it was written (for logs)
   * @throws the client's error when it could not be written (the record is then not acknowledged)
   */
  write(letter: DeadLetter<R>, options?: { signal?: AbortSignal }): Promise<string>;
}

/** One entry of Lambda's partial batch response. */
export interface BatchItemFailure {
  /** The record's sequence number (DynamoDB Streams or Kinesis). */
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
