/**
 * Reads what a redrive can send again: a dead letter written by a memory-cdc function (one record,
 * the reason, and which outputs failed), or an invocation record Lambda's S3 on-failure
 * destination stored for a batch it gave up on (the batch, and the condition).
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import type { DeadLetter, FailureReason } from '../delivery/types.js';
import { MemoryCdcError } from '../errors.js';
import { SINK_NAMES, type SinkName } from '../routing/types.js';
import { fromKinesisDynamoDbRecord } from '../stream/fromKinesisDynamoDbRecord.js';
import type { StreamRecord } from '../stream/types.js';

/** One failed batch (a dead letter is a batch of one record). */
export type FailedBatch = FailedBatchBase & FailedRecords;

/** The records of a {@link FailedBatch}, as the function that gave up read them. */
export type FailedRecords =
  | {
      /** Records of the table's stream (router, archiver: read directly or through Kinesis Data Streams for DynamoDB). */
      input: 'table-stream';
      records: StreamRecord[];
    }
  | {
      /**
       * Records of the Kinesis change log (the vector sync): change-log format 1 or 2, read with
       * `readChanges`; their changes are sent to the vector sink again.
       */
      input: 'change-log';
      records: KinesisStreamRecord[];
    };

/** What every {@link FailedBatch} has. */
export interface FailedBatchBase {
  /** Key of the object it was read from. */
  key: string;
  kind: 'dead-letter' | 'on-failure';
  /** The function that gave up (from the dead letter, or the function ARN's name). */
  function: string;
  /** Why: the dead letter's reason, or Lambda's condition (e.g. `RetryAttemptsExhausted`). */
  reason: string;
  /**
   * For a dead letter whose failures name the outputs a sink refused: only those are sent again
   * (the record's other outputs were accepted before), as `<sink> <eventId>` (one event id can
   * have an output in several sinks). Undefined: every output of the records.
   */
  onlyOutputs?: Set<string>;
  /**
   * The sinks the function owed the records, as the dead letter records it (see `DeadLetter.owes`).
   * Undefined (an on-failure batch, an older dead letter): the function's name decides.
   */
  owes?: SinkName[];
  /** Sinks the dead letter's failures name: they refused an output, so they were owed it. */
  refusedBy?: SinkName[];
}

/** An object under the redrive prefixes that is neither a dead letter nor an invocation record. */
export class FailedBatchFormatError extends MemoryCdcError {}

interface InvocationRecord {
  requestContext?: { condition?: string; functionArn?: string };
  responseContext?: { functionError?: string };
  payload?: unknown;
}

/**
 * Parses one object.
 * @throws FailedBatchFormatError naming the key when it is neither format
 */
export function parseFailedBatch(key: string, body: Uint8Array): FailedBatch {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw new FailedBatchFormatError(`${key}: not JSON`);
  }
  const letter = json as Partial<DeadLetter>;
  if (letter && letter.version === '1' && typeof letter.function === 'string' && letter.record) {
    const refused = (letter.failures ?? []).filter(
      (failure: FailureReason) => failure.stage === 'deliver' && failure.eventId,
    );
    const prepareFailed = (letter.failures ?? []).some((failure) => failure.stage === 'prepare');
    return {
      key,
      kind: 'dead-letter',
      function: letter.function,
      reason: letter.reason ?? 'unknown',
      ...recordsOf([letter.record], letter.function),
      ...owedBy(letter),
      ...(refused.length > 0 && !prepareFailed
        ? {
            onlyOutputs: new Set(
              refused.map((failure) => outputIdentity(failure.sink ?? '', failure.eventId!)),
            ),
          }
        : {}),
    };
  }
  const invocation = json as InvocationRecord;
  if (invocation?.requestContext && invocation.payload !== undefined) {
    const payload =
      typeof invocation.payload === 'string' ? JSON.parse(invocation.payload) : invocation.payload;
    const records = (payload as { Records?: StreamRecord[] })?.Records;
    if (!Array.isArray(records)) {
      throw new FailedBatchFormatError(`${key}: invocation record without the batch (payload.Records)`);
    }
    const functionName =
      /:function:([^:]+)/.exec(invocation.requestContext.functionArn ?? '')?.[1] ?? 'unknown';
    const condition = invocation.requestContext.condition ?? 'unknown condition';
    const error = invocation.responseContext?.functionError;
    return {
      key,
      kind: 'on-failure',
      function: functionName,
      reason: error ? `${condition} (${error})` : condition,
      ...recordsOf(records, functionName),
    };
  }
  throw new FailedBatchFormatError(`${key}: neither a memory-cdc dead letter nor a Lambda invocation record`);
}

/** What a dead letter says its function owed: its `owes`, and the sinks its failures name. */
function owedBy(letter: Partial<DeadLetter>): Pick<FailedBatchBase, 'owes' | 'refusedBy'> {
  const isSink = (name: unknown): name is SinkName => SINK_NAMES.includes(name as SinkName);
  const refusedBy = [...new Set((letter.failures ?? []).map((failure) => failure.sink).filter(isSink))];
  return {
    ...(Array.isArray(letter.owes) ? { owes: letter.owes.filter(isSink) } : {}),
    ...(refusedBy.length > 0 ? { refusedBy } : {}),
  };
}

/**
 * True for the function that reads the Kinesis change log: the vector sync (`vector-sync` in its
 * dead letters; its deployed name, e.g. `MemoryCdc-VectorSyncFunction-…`, in on-failure records).
 */
export function readsChangeLog(functionName: string): boolean {
  return /vector/i.test(functionName);
}

/** The records as the function read them: change-log records of the vector sync, else stream records. */
function recordsOf(records: readonly unknown[], functionName: string): FailedRecords {
  if (readsChangeLog(functionName)) {
    return { input: 'change-log', records: records as KinesisStreamRecord[] };
  }
  return { input: 'table-stream', records: records.map((record) => asStreamRecord(record)) };
}

/**
 * A record of a router or archiver reading Kinesis Data Streams for DynamoDB (a Lambda Kinesis
 * record) as the stream record it carries, so it is redriven like one from the table's stream, with
 * the same event ids. Anything else — a DynamoDB stream record, a Kinesis record that holds no
 * change (poison: its redrive reports it still cannot be processed) — is returned as it is.
 */
function asStreamRecord(record: unknown): StreamRecord {
  const kinesis = (record as { kinesis?: { data?: unknown } } | null)?.kinesis;
  if (typeof kinesis?.data !== 'string') return record as StreamRecord;
  try {
    return fromKinesisDynamoDbRecord(record as KinesisStreamRecord).record;
  } catch {
    return record as StreamRecord;
  }
}

/** How {@link FailedBatch.onlyOutputs} names an output. */
export function outputIdentity(sink: string, eventId: string): string {
  return `${sink} ${eventId}`;
}
