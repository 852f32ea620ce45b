/**
 * Runs live records (from `tail` or `backfill`) through the pipeline one at a time and keeps the
 * same counts replay keeps, so the summary printed at the end is replay's summary of the same
 * records: a file captured from the stream replays to the same output `tail` printed.
 *
 * This is the one place the live commands call the pipeline and replay's formatters
 * (`formatOutputLine` for `--json`, `formatSummary` for the readable summary).
 */
import { DecodeError } from '../errors.js';
import type { Layout } from '../layout/types.js';
import { createPipeline } from '../pipeline/createPipeline.js';
import type { Pipeline, ProcessedRecord } from '../pipeline/types.js';
import { formatOutputLine } from '../replay/formatOutput.js';
import { formatSummary } from '../replay/formatSummary.js';
import type { ReplaySummary } from '../replay/replay.js';
import type { RoutedOutput, RoutingConfig } from '../routing/types.js';
import type { StreamRecord } from '../stream/types.js';

/** Options for {@link LiveReport}. */
export interface LiveReportOptions {
  /** What the records come from, shown where replay shows the file (e.g. the stream ARN). */
  source: string;
  layout: Layout;
  /** How the layout was chosen (`given`, `detected: …`), as replay reports it. */
  layoutReason: string;
  routing?: Partial<RoutingConfig>;
  /** Called with each routed output and its `--json` line (replay's format, no newline). */
  onOutput?(output: RoutedOutput, line: string): void;
}

/** The outcome of one record: its processed form, or the decode error it raised. */
export type LiveRecordResult = { ok: true; processed: ProcessedRecord } | { ok: false; error: DecodeError };

export class LiveReport {
  readonly pipeline: Pipeline;
  readonly summary: ReplaySummary;

  constructor(private readonly options: LiveReportOptions) {
    this.pipeline = createPipeline({ layout: options.layout, routing: options.routing });
    this.summary = {
      files: [
        {
          file: options.source,
          records: 0,
          failed: 0,
          layout: options.layout.name,
          layoutReason: options.layoutReason,
        },
      ],
      records: 0,
      failed: 0,
      byEntity: {},
      bySink: { eventbridge: 0, kinesis: 0, archive: 0, vector: 0 },
      byDetailType: {},
      byRule: {},
      rulesByDetailType: {},
      noise: { entity: 0, bookkeeping: 0 },
      unknownItems: 0,
      undelivered: 0,
      errors: [],
    };
  }

  /**
   * Processes one record and counts it. A record that does not decode is counted as failed and
   * reported in the result (the walk goes on); any other error is a bug and is thrown.
   */
  add(record: StreamRecord): LiveRecordResult {
    const { summary } = this;
    const file = summary.files[0]!;
    file.records++;
    summary.records++;
    let processed: ProcessedRecord;
    try {
      processed = this.pipeline.process(record);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      file.failed++;
      summary.failed++;
      summary.errors.push({ file: file.file, eventId: error.eventId, message: error.message });
      return { ok: false, error };
    }
    const { entity } = processed.classification;
    summary.byEntity[entity] = (summary.byEntity[entity] ?? 0) + 1;
    if (entity === 'unknown') summary.unknownItems++;
    for (const event of processed.events) if (event.noise) summary.noise[event.noise]++;
    for (const output of processed.outputs) {
      summary.bySink[output.sink]++;
      if (output.sink === 'eventbridge') {
        summary.byDetailType[output.detailType] = (summary.byDetailType[output.detailType] ?? 0) + 1;
      }
      this.options.onOutput?.(output, formatOutputLine(output));
    }
    return { ok: true, processed };
  }

  /** Counts outputs a sink did not accept (backfill with `--deliver`). */
  undelivered(eventId: string | undefined, sink: string, reason: string): void {
    this.summary.undelivered++;
    this.summary.errors.push({ file: sink, eventId, message: `${sink} sink did not accept: ${reason}` });
  }

  /**
   * The readable summary: replay's, with the command named in its first line and the source in
   * place of the file list.
   * @param command `tail`, `backfill`
   * @param sourceHeading heading of the source section (`Stream`, `Table`)
   */
  format(command: string, sourceHeading: string, extra: string[] = []): string {
    return formatSummary(this.summary, extra)
      .replace(/^memory-cdc replay: \d+ file\(s\), /, `memory-cdc ${command}: `)
      .replace(/\nFiles\n/, `\n${sourceHeading}\n`);
  }
}
