/**
 * Local replay: fixture files through the same pipeline the Lambdas run, into embedded sinks.
 * Bad files and bad records are reported and counted; every other record still replays.
 */
import { relative } from 'node:path';
import { DecodeError, FixtureError } from '../errors.js';
import { detectLayout } from '../layout/detectLayout.js';
import type { EntityKind, Layout } from '../layout/types.js';
import { createPipeline } from '../pipeline/createPipeline.js';
import type { Pipeline } from '../pipeline/types.js';
import type { RoutedOutput, RoutingConfig, SinkName } from '../routing/types.js';
import type { Sink } from '../sinks/types.js';
import { toEventBridgeEvent } from './eventBridgeEvent.js';
import { loadFixtureFile } from './loadFixtureFile.js';

/** Matches EventBridge events against a set of named rules (see lib/patterns). */
export interface RuleMatcher {
  /** Names of the rules that match, in the rules file's order. */
  match(event: unknown): string[];
}

/** Options for {@link replay}. */
export interface ReplayOptions {
  files: readonly string[];
  /** Layout for every file; when absent it is detected per file. */
  layout?: Layout;
  routing?: Partial<RoutingConfig>;
  /** Rules to test EventBridge outputs against; `ruleNames` lists them all (zero counts show). */
  rules?: { matcher: RuleMatcher; ruleNames: readonly string[] };
  /** Embedded sinks; outputs for a sink not given are only counted. */
  sinks?: Partial<Record<SinkName, Sink>>;
  /** Called for every routed output, in stream order (the `--json` printer). */
  onOutput?(output: RoutedOutput, rules: string[] | undefined): void;
  /** Paths in messages are shown relative to this directory. */
  cwd?: string;
}

/** A problem with one file or one record. */
export interface ReplayError {
  file: string;
  /** The record's eventID, when the problem is one record. */
  eventId?: string;
  message: string;
}

/** What happened to one file. */
export interface ReplayFileSummary {
  file: string;
  records: number;
  failed: number;
  layout?: string;
  /** How the layout was chosen. */
  layoutReason?: string;
}

/** Counts of a replay. */
export interface ReplaySummary {
  files: ReplayFileSummary[];
  records: number;
  failed: number;
  byEntity: Partial<Record<EntityKind, number>>;
  bySink: Record<SinkName, number>;
  /** EventBridge outputs per detail-type. */
  byDetailType: Record<string, number>;
  /** Events per rule (every rule listed, including those that matched nothing). */
  byRule: Record<string, number>;
  /** Rules matched per detail-type, for the summary's column. */
  rulesByDetailType: Record<string, string[]>;
  /** Events kept from EventBridge as noise, by reason. */
  noise: { entity: number; bookkeeping: number };
  unknownItems: number;
  /** Outputs a sink did not accept. */
  undelivered: number;
  errors: ReplayError[];
}

function emptySummary(ruleNames: readonly string[]): ReplaySummary {
  return {
    files: [],
    records: 0,
    failed: 0,
    byEntity: {},
    bySink: { eventbridge: 0, kinesis: 0, archive: 0, vector: 0 },
    byDetailType: {},
    byRule: Object.fromEntries(ruleNames.map((n) => [n, 0])),
    rulesByDetailType: {},
    noise: { entity: 0, bookkeeping: 0 },
    unknownItems: 0,
    undelivered: 0,
    errors: [],
  };
}

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
  const summary = emptySummary(options.rules?.ruleNames ?? []);
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
    const fileSummary: ReplayFileSummary = { file: show(file), records: 0, failed: 0 };
    summary.files.push(fileSummary);
    let records: Awaited<ReturnType<typeof loadFixtureFile>>;
    try {
      records = await loadFixtureFile(file);
    } catch (error) {
      if (!(error instanceof FixtureError)) throw error;
      summary.errors.push({ file: show(file), message: error.message.replace(file, show(file)) });
      summary.failed++;
      continue;
    }
    let layout = options.layout;
    if (layout) {
      fileSummary.layoutReason = 'given';
    } else {
      const detection = detectLayout(records);
      if (!detection.layout) {
        summary.errors.push({ file: show(file), message: `cannot choose a layout: ${detection.reason}` });
        summary.failed += records.length;
        fileSummary.failed = records.length;
        fileSummary.records = records.length;
        summary.records += records.length;
        continue;
      }
      layout = detection.layout;
      fileSummary.layoutReason = `detected: ${detection.reason}`;
    }
    fileSummary.layout = layout.name;
    const pipeline = pipelineFor(layout);
    const batch: RoutedOutput[] = [];
    for (const record of records) {
      fileSummary.records++;
      summary.records++;
      let processed: ReturnType<Pipeline['process']>;
      try {
        processed = pipeline.process(record);
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        fileSummary.failed++;
        summary.failed++;
        summary.errors.push({ file: show(file), eventId: error.eventId, message: error.message });
        continue;
      }
      const { entity } = processed.classification;
      summary.byEntity[entity] = (summary.byEntity[entity] ?? 0) + 1;
      if (entity === 'unknown') summary.unknownItems++;
      for (const event of processed.events) if (event.noise) summary.noise[event.noise]++;
      for (const output of processed.outputs) {
        summary.bySink[output.sink]++;
        let matched: string[] | undefined;
        if (output.sink === 'eventbridge') {
          summary.byDetailType[output.detailType] = (summary.byDetailType[output.detailType] ?? 0) + 1;
          if (options.rules) {
            matched = options.rules.matcher.match(toEventBridgeEvent(output.payload));
            const seen = new Set(summary.rulesByDetailType[output.detailType] ?? []);
            for (const name of matched) {
              summary.byRule[name] = (summary.byRule[name] ?? 0) + 1;
              seen.add(name);
            }
            summary.rulesByDetailType[output.detailType] = [...seen];
          }
        }
        options.onOutput?.(output, matched);
        batch.push(output);
      }
    }
    await deliver(batch, options.sinks ?? {}, summary);
  }
  for (const sink of Object.values(options.sinks ?? {})) await sink?.close?.();
  return summary;
}

async function deliver(
  outputs: RoutedOutput[],
  sinks: Partial<Record<SinkName, Sink>>,
  summary: ReplaySummary,
) {
  for (const [name, sink] of Object.entries(sinks) as [SinkName, Sink | undefined][]) {
    if (!sink) continue;
    const mine = outputs.filter((o) => o.sink === name);
    if (mine.length === 0) continue;
    const report = await sink.deliver(mine);
    report.outcomes.forEach((outcome, i) => {
      if (outcome.status === 'accepted') return;
      summary.undelivered++;
      const output = mine[i]!;
      summary.errors.push({
        file: name,
        eventId: output.record,
        message: `${name} sink did not accept: ${outcome.reason}`,
      });
    });
  }
}
