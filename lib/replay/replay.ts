/**
 * Local replay: fixture files through the same pipeline the Lambdas run, into embedded sinks.
 * Bad files and bad records are reported and counted; every other record still replays.
 */
import { relative } from 'node:path';
import { FixtureError } from '../errors.js';
import type { Layout } from '../layout/types.js';
import { createPipeline } from '../pipeline/createPipeline.js';
import type { Pipeline } from '../pipeline/types.js';
import type { RoutedOutput, SinkName } from '../routing/types.js';
import type { Sink } from '../sinks/types.js';
import { chooseLayout } from './chooseLayout.js';
import { loadFixtureFile } from './loadFixtureFile.js';
import { SummaryCounter } from './SummaryCounter.js';
import type { ReplayOptions, ReplaySummary } from './types.js';

/**
 * Replays fixture files.
 *
 * @example
 * ```ts
 * import { replay, findFixtureFiles } from 'memory-cdc';
 *
 * const summary = await replay({ files: await findFixtureFiles([], process.cwd()) });
 * console.log(summary.records, summary.bySink);
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

  for (const file of options.files) {
    counter.beginFile(show(file));
    let records: Awaited<ReturnType<typeof loadFixtureFile>>;
    try {
      records = await loadFixtureFile(file);
    } catch (error) {
      if (!(error instanceof FixtureError)) throw error;
      counter.failFile(error.message.replace(file, show(file)));
      continue;
    }
    const { layout, reason } = chooseLayout(options.layout, records);
    if (!layout) {
      counter.failRecords(records.length, `cannot choose a layout: ${reason}`);
      continue;
    }
    counter.setLayout(layout.name, reason);
    const pipeline = pipelineFor(layout);
    const batch: RoutedOutput[] = [];
    for (const record of records) {
      const result = counter.process(pipeline, record);
      if (!result.ok) continue;
      result.processed.outputs.forEach((output, i) => {
        options.onOutput?.(output, result.rules[i]);
        batch.push(output);
      });
    }
    await deliver(batch, options.sinks ?? {}, counter);
  }
  for (const sink of Object.values(options.sinks ?? {})) await sink?.close?.();
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
