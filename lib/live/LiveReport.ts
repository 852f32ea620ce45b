/**
 * Runs live records (from `tail` or `backfill`) through the pipeline one at a time and counts them
 * with replay's {@link SummaryCounter}, so the summary printed at the end is replay's summary of
 * the same records: a file captured from the stream replays to the same output `tail` printed.
 *
 * This is the one place the live commands call the pipeline and replay's formatters
 * (`formatOutputLine` for `--json`, `formatSummary` for the readable summary).
 */
import { LayoutError } from '../errors.js';
import type { Layout } from '../layout/types.js';
import { unknownLayout, unknownLayoutWarning } from '../layout/unknownLayout.js';
import { createPipeline } from '../pipeline/createPipeline.js';
import type { Pipeline } from '../pipeline/types.js';
import { chooseLayout } from '../replay/chooseLayout.js';
import { formatOutputLine } from '../replay/formatOutput.js';
import { formatSummary } from '../replay/formatSummary.js';
import { type CountedRecord, SummaryCounter } from '../replay/SummaryCounter.js';
import type { ReplayRules, ReplaySummary } from '../replay/types.js';
import type { PartialRouting, RoutedOutput } from '../routing/types.js';
import type { StreamRecord } from '../stream/types.js';

/** Options for {@link LiveReport}. */
export interface LiveReportOptions {
  /** What the records come from, shown where replay shows the file (e.g. the stream ARN). */
  source: string;
  layout: Layout;
  /** How the layout was chosen (`given`, `detected: …`), as replay reports it. */
  layoutReason: string;
  routing?: PartialRouting;
  /** Rules to test EventBridge outputs against (`--rules`), as replay does. */
  rules?: ReplayRules;
  /** Called with each routed output and its `--json` line (replay's format, no newline). */
  onOutput?(output: RoutedOutput, line: string): void;
}

/** The outcome of one record: its processed form, or the decode error it raised. */
export type LiveRecordResult = CountedRecord;

export class LiveReport {
  readonly pipeline: Pipeline;
  private readonly counter: SummaryCounter;

  /**
   * A report whose layout is the one given (`--layout`), else the one the first records fit, else —
   * when `onUnknown` is given — the {@link unknownLayout} fallback replay uses (every item entity
   * `unknown`, never dropped), announced through `onUnknown`.
   * @param what what the records are called in the error (`the first records`, `a sample of 200 items`)
   * @param onUnknown receives the warning when the records fall back to entity `unknown`
   * @throws LayoutError when no layout was given, none fits and there is no `onUnknown`
   */
  static forFirstRecords(
    options: Omit<LiveReportOptions, 'layout' | 'layoutReason'> & { layout?: Layout },
    records: readonly StreamRecord[],
    what = 'the first records',
    onUnknown?: (warning: string) => void,
  ): LiveReport {
    const { layout, reason } = chooseLayout(options.layout, records);
    if (layout) return new LiveReport({ ...options, layout, layoutReason: reason });
    if (!onUnknown) throw new LayoutError(`cannot choose a layout from ${what}: ${reason}`);
    onUnknown(unknownLayoutWarning(`${options.source} (${what})`, reason, 'show'));
    return new LiveReport({ ...options, layout: unknownLayout(records), layoutReason: 'no preset fits' });
  }

  constructor(private readonly options: LiveReportOptions) {
    this.pipeline = createPipeline({ layout: options.layout, routing: options.routing });
    this.counter = new SummaryCounter(options.rules);
    this.counter.beginFile(options.source);
    this.counter.setLayout(options.layout.name, options.layoutReason);
  }

  /** The counts so far, as replay keeps them. */
  get summary(): ReplaySummary {
    return this.counter.summary();
  }

  /**
   * Processes one record and counts it. A record that does not decode is counted as failed and
   * reported in the result (the walk goes on); any other error is a bug and is thrown.
   */
  add(record: StreamRecord): LiveRecordResult {
    const result = this.counter.process(this.pipeline, record);
    const { onOutput } = this.options;
    if (result.ok && onOutput) {
      const { outputs } = result.processed;
      for (let i = 0; i < outputs.length; i++)
        onOutput(outputs[i]!, formatOutputLine(outputs[i]!, result.rules[i]));
    }
    return result;
  }

  /**
   * Counts a record that could not be turned into a change (a Kinesis record that is not a
   * DynamoDB change record) as failed, with why.
   */
  failed(message: string): void {
    this.counter.failRecords(1, message);
  }

  /** Adds a warning to the summary (once however often it is given). */
  warn(message: string): void {
    this.counter.warn(message);
  }

  /** Counts outputs a sink did not accept (backfill with `--deliver`). */
  undelivered(eventId: string | undefined, sink: string, reason: string): void {
    this.counter.undelivered(sink, eventId, reason);
  }

  /**
   * The readable summary: replay's, with the command named in its first line and the source in
   * place of the file list.
   * @param command `tail`, `backfill`
   * @param sourceHeading heading of the source section (`Stream`, `Table`)
   */
  format(command: string, sourceHeading: string, extra: string[] = []): string {
    return formatSummary(this.summary, { title: `memory-cdc ${command}:`, sourceHeading, extra });
  }
}
