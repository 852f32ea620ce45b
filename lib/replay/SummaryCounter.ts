import { DecodeError } from '../errors.js';
import type { Pipeline, ProcessedRecord } from '../pipeline/types.js';
import type { StreamRecord } from '../stream/types.js';
import { toEventBridgeEvent } from './eventBridgeEvent.js';
import type { ReplayError, ReplayFileSummary, ReplayRules, ReplaySummary } from './types.js';

/**
 * The outcome of one record: its processed form with, for each output in order, the rules it
 * matched (undefined unless it is an EventBridge event and rules were given); or the decode error
 * it raised.
 */
export type CountedRecord =
  | { ok: true; processed: ProcessedRecord; rules: (string[] | undefined)[] }
  | { ok: false; error: Error };

/**
 * Keeps a {@link ReplaySummary} while records go through the pipeline. Replay and the live commands
 * (`tail`, `backfill`) both count here, so the same records give the same summary however they
 * arrive: from fixture files or from a stream.
 *
 * @example
 * ```ts
 * const counter = new SummaryCounter();
 * counter.beginFile('events/conversation.json');
 * counter.setLayout(agentMemoryLayout.name, 'given');
 * const pipeline = createPipeline({ layout: agentMemoryLayout });
 * for (const record of records) counter.process(pipeline, record);
 * console.log(formatSummary(counter.summary()));
 * ```
 */
export class SummaryCounter {
  private readonly counts: ReplaySummary;
  private file: ReplayFileSummary | undefined;

  /** @param rules rules to test EventBridge outputs against (every rule shows, even at zero) */
  constructor(private readonly rules?: ReplayRules) {
    this.counts = {
      files: [],
      records: 0,
      replayed: 0,
      failed: 0,
      filesFailed: 0,
      warnings: [],
      byEntity: {},
      bySink: { eventbridge: 0, kinesis: 0, archive: 0, vector: 0 },
      byDetailType: {},
      byRule: Object.fromEntries((rules?.ruleNames ?? []).map((n) => [n, 0])),
      rulesByDetailType: {},
      noise: { entity: 0, bookkeeping: 0 },
      unknownItems: 0,
      undelivered: 0,
      errors: [],
    };
  }

  /** Starts a file (or live source): the records counted from now on are its records. */
  beginFile(file: string): void {
    this.file = { file, records: 0, failed: 0 };
    this.counts.files.push(this.file);
  }

  /** Records the current file's layout and how it was chosen (`given`, `detected: …`). */
  setLayout(layout: string, reason: string): void {
    const file = this.current();
    file.layoutReason = reason;
    file.layout = layout;
  }

  /**
   * The current file could not be read (to the end): counted as a failed file, apart from records;
   * the records read before the damage keep their counts.
   */
  failFile(message: string): void {
    const file = this.current();
    file.error = message;
    this.counts.errors.push({ file: file.file, message });
    this.counts.filesFailed++;
  }

  /** Adds a warning, once however often it arises; true when it is new. */
  warn(message: string): boolean {
    if (this.counts.warnings.includes(message)) return false;
    this.counts.warnings.push(message);
    return true;
  }

  /** None of the current file's `records` could be processed (e.g. no layout fits): all fail. */
  failRecords(records: number, message: string): void {
    const file = this.current();
    this.counts.errors.push({ file: file.file, message });
    file.records += records;
    file.failed += records;
    this.counts.records += records;
    this.counts.failed += records;
  }

  /**
   * Runs one record of the current file through the pipeline and counts it. A record that fails —
   * it does not decode, or anything else goes wrong with it — is counted as failed and reported
   * with its position and eventID; it never stops the records after it.
   * @param index the record's position in its file, for the report
   */
  process(pipeline: Pipeline, record: StreamRecord, index?: number): CountedRecord {
    const file = this.current();
    file.records++;
    this.counts.records++;
    let processed: ProcessedRecord;
    let rules: (string[] | undefined)[];
    try {
      processed = pipeline.process(record);
      rules = this.count(processed);
    } catch (error) {
      return this.fail(error, record, index);
    }
    this.counts.replayed++;
    return { ok: true, processed, rules };
  }

  /**
   * Counts one record of the current file that is known not to decode (e.g. a Kinesis record whose
   * data is no DynamoDB change) as failed, reported like a record {@link process} could not decode.
   */
  reject(error: DecodeError, index?: number): CountedRecord {
    const file = this.current();
    file.records++;
    this.counts.records++;
    return this.fail(error, undefined, index);
  }

  private fail(error: unknown, record: StreamRecord | undefined, index?: number): CountedRecord {
    const file = this.current();
    const failure = error instanceof Error ? error : new Error(String(error));
    file.failed++;
    this.counts.failed++;
    const eventId =
      error instanceof DecodeError
        ? error.eventId
        : typeof record?.eventID === 'string'
          ? record.eventID
          : undefined;
    const message =
      error instanceof DecodeError ? error.reason : `unexpected error (please report it): ${failure.message}`;
    const entry: ReplayError = { file: file.file, message };
    if (index !== undefined) entry.index = index;
    if (eventId) entry.eventId = eventId;
    this.counts.errors.push(entry);
    return { ok: false, error: failure };
  }

  /** Counts an output a sink did not accept. */
  undelivered(sink: string, eventId: string | undefined, reason: string): void {
    this.counts.undelivered++;
    const entry: ReplayError = { file: sink, message: `${sink} sink did not accept: ${reason}` };
    if (eventId) entry.eventId = eventId;
    this.counts.errors.push(entry);
  }

  /** The counts so far (the same object throughout: later records keep changing it). */
  summary(): ReplaySummary {
    return this.counts;
  }

  private count(processed: ProcessedRecord): (string[] | undefined)[] {
    const { counts } = this;
    const { entity } = processed.classification;
    counts.byEntity[entity] = (counts.byEntity[entity] ?? 0) + 1;
    if (entity === 'unknown') counts.unknownItems++;
    for (const event of processed.events) if (event.noise) counts.noise[event.noise]++;
    return processed.outputs.map((output) => {
      counts.bySink[output.sink]++;
      if (output.sink !== 'eventbridge') return undefined;
      const { detailType } = output;
      counts.byDetailType[detailType] = (counts.byDetailType[detailType] ?? 0) + 1;
      if (!this.rules) return undefined;
      const matched = this.rules.matcher.match(toEventBridgeEvent(output.payload));
      const seen = new Set(counts.rulesByDetailType[detailType] ?? []);
      for (const name of matched) {
        counts.byRule[name] = (counts.byRule[name] ?? 0) + 1;
        seen.add(name);
      }
      // In the rules file's order, whatever order the records arrived in.
      const order = this.rules.ruleNames;
      counts.rulesByDetailType[detailType] = [...seen].sort((a, b) => order.indexOf(a) - order.indexOf(b));
      return matched;
    });
  }

  private current(): ReplayFileSummary {
    if (!this.file) throw new Error('SummaryCounter: beginFile() first');
    return this.file;
  }
}
