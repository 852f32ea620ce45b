/**
 * Local replay: fixture files through the same pipeline the Lambdas run, into embedded sinks.
 * Files are streamed record by record, so memory stays flat however large a file is. Bad files
 * and bad records are reported and counted; every other record still replays.
 */
import { relative } from 'node:path';
import { FixtureError } from '../errors.js';
import type { Layout } from '../layout/types.js';
import { unknownLayout, unknownLayoutWarning } from '../layout/unknownLayout.js';
import { createPipeline } from '../pipeline/createPipeline.js';
import type { Pipeline } from '../pipeline/types.js';
import type { RoutedOutput, SinkName } from '../routing/types.js';
import type { Sink } from '../sinks/types.js';
import type { StreamRecord } from '../stream/types.js';
import { chooseLayout } from './chooseLayout.js';
import { kinesisFixtureEntries } from './kinesisFixtureEntries.js';
import { type FixtureEntry, readFixtureBatches } from './readFixtureRecords.js';
import { type CountedRecord, SummaryCounter } from './SummaryCounter.js';
import type { ReplayOptions, ReplaySummary } from './types.js';

/** The rules each output of a counted record matched. */
type CountedRules = Extract<CountedRecord, { ok: true }>['rules'];

function isPromise(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/** Records read before the layout is chosen (the detection sample). */
const DETECTION_SAMPLE = 200;
/** Outputs handed to the embedded sinks at a time. */
const DELIVERY_CHUNK = 500;

/**
 * Replays fixture files. Every record read is counted as replayed or failed
 * (`records = replayed + failed`); a file that cannot be read to the end is counted in
 * `filesFailed`, and the records before the damage still replay.
 *
 * @example
 * ```ts
 * import { replay, findFixtureFiles } from 'memory-cdc';
 *
 * const summary = await replay({ files: await findFixtureFiles([], process.cwd()) });
 * console.log(summary.records, summary.replayed, summary.failed, summary.bySink);
 * ```
 */
export async function replay(options: ReplayOptions): Promise<ReplaySummary> {
  const counter = new SummaryCounter(options.rules);
  const pipelines = new Map<Layout, Pipeline>();
  const pipelineFor = (layout: Layout) => {
    let p = pipelines.get(layout);
    if (!p) {
      p = createPipeline({ layout, routing: options.routing });
      pipelines.set(layout, p);
    }
    return p;
  };
  const show = (file: string) => (options.cwd ? relative(options.cwd, file) || file : file);
  const sinks = options.sinks ?? {};

  for (const file of options.files) {
    const shown = show(file);
    counter.beginFile(shown);
    // Kinesis Data Streams for DynamoDB captures replay deduplicated and in per-item order.
    const batches = kinesisFixtureEntries(readFixtureBatches(file), (count) => {
      const warning = `${shown}: ${count} redelivered change(s) dropped (same eventID as an earlier record)`;
      if (counter.warn(warning)) options.onWarning?.(warning);
    });
    const sample: FixtureEntry[] = [];
    let pipeline: Pipeline | undefined;
    const pending: RoutedOutput[] = [];

    const choose = () => {
      const records = sample.map((e) => e.record as StreamRecord);
      const { layout, reason } = chooseLayout(options.layout, records);
      if (layout) {
        counter.setLayout(layout.name, reason);
        return pipelineFor(layout);
      }
      const fallback = unknownLayout(records);
      counter.setLayout(fallback.name, 'no preset fits');
      const warning = unknownLayoutWarning(shown, reason, 'replay');
      if (counter.warn(warning)) options.onWarning?.(warning);
      return pipelineFor(fallback);
    };

    // Hands outputs from `from` on to onOutput and the sinks; a promise only when one must be awaited.
    const emit = (outputs: RoutedOutput[], rules: CountedRules, from: number): Promise<void> | undefined => {
      for (let i = from; i < outputs.length; i++) {
        const output = outputs[i]!;
        const waiting = options.onOutput?.(output, rules[i]);
        if (sinks[output.sink]) pending.push(output);
        if (isPromise(waiting)) return Promise.resolve(waiting).then(() => emit(outputs, rules, i + 1));
      }
      return pending.length >= DELIVERY_CHUNK ? deliver(pending.splice(0), sinks, counter) : undefined;
    };

    // Synchronous for a record that owes nothing to wait for (the common case): no promise per record.
    const run = (entry: FixtureEntry): Promise<void> | undefined => {
      pipeline ??= choose();
      const result = counter.process(pipeline, entry.record as StreamRecord, entry.index);
      return result.ok ? emit(result.processed.outputs, result.rules, 0) : undefined;
    };

    try {
      for await (const batch of batches) {
        for (const entry of batch) {
          if (entry.error) {
            // Not a change at all: reported now, and kept out of layout detection.
            counter.reject(entry.error, entry.index);
            continue;
          }
          if (!pipeline && sample.length < DETECTION_SAMPLE) {
            sample.push(entry);
            if (sample.length < DETECTION_SAMPLE) continue;
            pipeline = choose();
            for (const held of sample.splice(0)) await run(held);
            continue;
          }
          const waiting = run(entry);
          if (waiting) await waiting;
        }
      }
    } catch (error) {
      if (!(error instanceof FixtureError)) throw error;
      counter.failFile(error.reason);
    }
    // Records held for detection (a short file, or one damaged part-way) still replay.
    if (sample.length > 0) pipeline ??= choose();
    for (const held of sample.splice(0)) await run(held);
    await deliver(pending.splice(0), sinks, counter);
  }
  for (const sink of Object.values(sinks)) await sink?.close?.();
  return counter.summary();
}

async function deliver(
  outputs: RoutedOutput[],
  sinks: Partial<Record<SinkName, Sink>>,
  counter: SummaryCounter,
) {
  for (const [name, sink] of Object.entries(sinks) as [SinkName, Sink | undefined][]) {
    if (!sink) continue;
    const mine = outputs.filter((o) => o.sink === name);
    if (mine.length === 0) continue;
    const report = await sink.deliver(mine);
    report.outcomes.forEach((outcome, i) => {
      if (outcome.status !== 'accepted') counter.undelivered(name, mine[i]!.record, outcome.reason);
    });
  }
}
