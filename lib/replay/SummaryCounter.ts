import { DecodeError } from '../errors.js';
import type { Pipeline, ProcessedRecord } from '../pipeline/types.js';
import type { StreamRecord } from '../stream/types.js';
import { toEventBridgeEvent } from './eventBridgeEvent.js';
import type { ReplayFileSummary, ReplayRules, ReplaySummary } from './types.js';

/**
 * The outcome of one record: its processed form with, for each output in order, the rules it
 * matched (undefined unless it is an EventBridge event and rules were given); or the decode error
 * it raised.
 */
export type CountedRecord =
  | { ok: true; processed: ProcessedRecord; rules: (string[] | undefined)[] }
  | { ok: false; error: DecodeError };

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
      failed: 0,
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

  /** The current file could not be read: one failure, and no records (how many is unknown). */
  failFile(message: string): void {
    this.counts.errors.push({ file: this.current().file, message });
    this.counts.failed++;
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
   * Runs one record of the current file through the pipeline and counts it. A record that does not
   * decode is counted as failed and reported in the result; any other error is a bug and is thrown.
   */
  process(pipeline: Pipeline, record: StreamRecord): CountedRecord {
    const file = this.current();
    file.records++;
    this.counts.records++;
    let processed: ProcessedRecord;
    try {
      processed = pipeline.process(record);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      file.failed++;
      this.counts.failed++;
      this.counts.errors.push({ file: file.file, eventId: error.eventId, message: error.message });
      return { ok: false, error };
    }
    return { ok: true, processed, rules: this.count(processed) };
  }

  /** Counts an output a sink did not accept. */
  undelivered(sink: string, eventId: string | undefined, reason: string): void {
    this.counts.undelivered++;
    this.counts.errors.push({ file: sink, eventId, message: `${sink} sink did not accept: ${reason}` });
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
