/**
 * Redrive: sends failed records again, after their cause was fixed, through the same pipeline to
 * the sinks given (the real ones, or local ones), with their original event ids (ids derive from
 * the stream record). Once every output an object owes one sink was accepted, the object is marked
 * for that sink (`<key>.redriven.<sink>`), so a second run sends nothing twice; a sink that still
 * refuses an output leaves the object unmarked for it, for the next run.
 */

import { outputsWithArchive } from '../archive/archiveOutputsOf.js';
import type { MemoryEventDetail } from '../catalog/types.js';
import { readChanges } from '../changeLog/readChanges.js';
import { resolveRetryPolicy } from '../delivery/retryPolicy.js';
import type { Pipeline } from '../pipeline/types.js';
import type { RoutedOutput, SinkName } from '../routing/types.js';
import type { Sink } from '../sinks/types.js';
import { streamSourceOf } from '../stream/decodeRecord.js';
import type { StreamRecord } from '../stream/types.js';
import { type ChangeLogPrepareOptions, prepareChangeLogRecord } from '../vector/processChangeLogBatch.js';
import type { RedriveSource } from './openRedriveSource.js';
import { type FailedBatch, outputIdentity, parseFailedBatch, readsChangeLog } from './parseFailedBatch.js';

/** Prefixes a redrive reads: memory-cdc's dead letters and Lambda's S3 on-failure records. */
export const REDRIVE_PREFIXES = ['dead-letter/', 'aws/lambda/'] as const;
/** Marker written beside an object once its outputs for a sink were accepted: `<key>.redriven.<sink>`. */
export const REDRIVEN_MARKER = '.redriven.';

/** Records a table's layout is detected from (as many as detection looks at). */
export const LAYOUT_SAMPLE = 200;

/** What a redrive's objects show of each table, for choosing its layout. */
export interface TableSamples {
  /** Up to {@link LAYOUT_SAMPLE} stream records of each table (router and archiver objects), by table name. */
  records: ReadonlyMap<string, readonly StreamRecord[]>;
  /**
   * The layouts named by the changes of each table (`layout` of the vector sync's change-log
   * records: the router's classification, by layout name), by table name.
   */
  changeLogLayouts: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * Builds the pipeline once the records are known: called once, before anything is sent, with what
 * the objects to redrive show of each table.
 */
export type PipelineChooser = (samples: TableSamples) => Pipeline;

/** Options for {@link redrive}. */
export interface RedriveOptions {
  source: RedriveSource;
  /**
   * How records are read: a pipeline, or a chooser that builds it from the records of each table
   * (layout detection; the objects are then read twice).
   */
  pipeline: Pipeline | PipelineChooser;
  /** Where outputs go. Outputs for other sinks are counted in `skippedOutputs`, not sent. */
  sinks: readonly Sink[];
  /** List and count only. @default false */
  dryRun?: boolean;
  /** Only objects of this function (`router`, `archiver`, `vector-sync`; also matches its deployed name). */
  functionName?: string;
  /**
   * How the vector sync's failed change-log records are read, as its Lambda reads them
   * (EMBEDDING_ATTRIBUTE, a claim-check reader). Layouts and `vector` route come from `pipeline`.
   * @default the pipeline's layouts and route only (claim-checked changes then fail)
   */
  changeLog?: Omit<ChangeLogPrepareOptions, 'layout' | 'tableLayouts' | 'route'>;
  /**
   * The router wrote the TTL archive (the one-reader layout: ARCHIVE_BUCKET set on it). Decides what
   * a router batch owes when its object does not say: Lambda's on-failure records, and dead letters
   * written before they recorded `owes`. @default false
   */
  routerWritesArchive?: boolean;
  /** Clock for the markers. @default Date.now */
  now?: () => number;
}

/** What one object's redrive did. */
export interface RedrivenObject {
  key: string;
  function: string;
  reason: string;
  records: number;
  status: 'sent' | 'would-send' | 'failed';
  /** Outputs accepted by the sinks. */
  sent: number;
  /** Why it is not done (an output refused, a record that still cannot be processed). */
  error?: string;
}

/** What a redrive did. */
export interface RedriveSummary {
  source: string;
  dryRun: boolean;
  objects: RedrivenObject[];
  /** Objects per reason. */
  byReason: Record<string, number>;
  /** Outputs an earlier run already redrove (their sink's marker exists; not sent again). */
  alreadyRedriven: number;
  /** Outputs sent and accepted. */
  sent: number;
  /** Outputs for sinks not given (counted only). */
  skippedOutputs: number;
  failed: number;
}

/**
 * Lists the failed objects of `source`, groups them by reason and, unless a dry run, sends them.
 *
 * @example
 * const summary = await redrive({
 *   source: openRedriveSource('s3://memory-cdc-bucket/', { cwd, s3Client: () => new S3Client({}) }),
 *   pipeline: createPipeline({ layout: agentMemoryLayout }),
 *   sinks: [new EventBridgePublisher({ client, eventBusName: 'memory-events' })],
 * });
 * @throws FailedBatchFormatError when an object under the prefixes is neither format
 */
export async function redrive(options: RedriveOptions): Promise<RedriveSummary> {
  const { source, functionName } = options;
  const summary: RedriveSummary = {
    source: source.location,
    dryRun: options.dryRun ?? false,
    objects: [],
    byReason: {},
    alreadyRedriven: 0,
    sent: 0,
    skippedOutputs: 0,
    failed: 0,
  };
  const keys: string[] = [];
  const marked = new Map<string, Set<string>>();
  for (const prefix of REDRIVE_PREFIXES) {
    for await (const key of source.list(prefix)) {
      const at = key.lastIndexOf(REDRIVEN_MARKER);
      if (at === -1) keys.push(key);
      else {
        const object = key.slice(0, at);
        marked.set(object, (marked.get(object) ?? new Set()).add(key.slice(at + REDRIVEN_MARKER.length)));
      }
    }
  }
  keys.sort();
  const pipeline =
    typeof options.pipeline === 'function'
      ? options.pipeline(await sampleTables(source, keys, functionName))
      : options.pipeline;
  for (const key of keys) {
    const batch = parseFailedBatch(key, await source.get(key));
    if (functionName && !isFunction(batch.function, functionName)) continue;
    summary.byReason[batch.reason] = (summary.byReason[batch.reason] ?? 0) + 1;
    const object = await redriveBatch(batch, marked.get(key) ?? new Set(), { ...options, pipeline }, summary);
    summary.objects.push(object);
    if (object.status === 'failed') summary.failed++;
  }
  return summary;
}

/** What the objects of `keys` show of each table (see {@link TableSamples}). */
async function sampleTables(
  source: RedriveSource,
  keys: readonly string[],
  functionName: string | undefined,
): Promise<TableSamples> {
  const records = new Map<string, StreamRecord[]>();
  const changeLogLayouts = new Map<string, Set<string>>();
  for (const key of keys) {
    const batch = parseFailedBatch(key, await source.get(key));
    if (functionName && !isFunction(batch.function, functionName)) continue;
    if (batch.input === 'change-log') {
      for (const record of batch.records) {
        let changes: MemoryEventDetail[];
        try {
          changes = readChanges(record);
        } catch {
          continue; // Unreadable: its redrive reports it.
        }
        for (const change of changes) {
          const table = change.origin?.table ?? '';
          changeLogLayouts.set(table, (changeLogLayouts.get(table) ?? new Set()).add(change.layout));
        }
      }
      continue;
    }
    for (const record of batch.records) {
      const arn = (record as { eventSourceARN?: unknown } | null)?.eventSourceARN;
      const table = typeof arn === 'string' ? streamSourceOf(arn).table : '';
      const sample = records.get(table) ?? [];
      if (sample.length < LAYOUT_SAMPLE) sample.push(record);
      records.set(table, sample);
    }
  }
  return { records, changeLogLayouts };
}

async function redriveBatch(
  batch: FailedBatch,
  doneSinks: ReadonlySet<string>,
  options: RedriveOptions & { pipeline: Pipeline },
  summary: RedriveSummary,
): Promise<RedrivenObject> {
  const object: RedrivenObject = {
    key: batch.key,
    function: batch.function,
    reason: batch.reason,
    records: batch.records.length,
    status: options.dryRun ? 'would-send' : 'sent',
    sent: 0,
  };
  const owedSinks = new Set<SinkName>([
    ...(batch.owes ?? sinksOwedBy(batch.function, options.routerWritesArchive ?? false)),
    ...(batch.refusedBy ?? []),
  ]);
  const outputs: RoutedOutput[] = [];
  // A change that still cannot be read: the object stays unmarked, for a run after the fix.
  let unreadable = false;
  if (batch.input === 'change-log') {
    // The vector sync's records: the changes they carry, read as its Lambda reads them. A change that
    // still cannot be read fails the object; the record's other changes are sent all the same.
    const prepareOptions: ChangeLogPrepareOptions = {
      layout: options.pipeline.layout,
      ...(options.pipeline.tableLayouts ? { tableLayouts: options.pipeline.tableLayouts } : {}),
      route: options.pipeline.routing.vector,
      ...options.changeLog,
    };
    const policy = resolveRetryPolicy();
    for (const record of batch.records) {
      const prepared = await prepareChangeLogRecord(
        record,
        prepareOptions,
        policy,
        new AbortController().signal,
      );
      if (prepared.kind === 'outputs') outputs.push(...prepared.outputs);
      const problem = prepared.kind === 'outputs' ? prepared.poison : prepared.reason;
      if (problem) {
        unreadable = true;
        object.status = 'failed';
        object.error ??= `still cannot be processed: ${problem}`;
      }
    }
  } else {
    // An archive writer refuses a TTL expiry without its old image, as the functions do.
    const outputsOf = owedSinks.has('archive')
      ? (record: StreamRecord) => outputsWithArchive(record, options.pipeline)
      : (record: StreamRecord) => options.pipeline.process(record).outputs;
    try {
      for (const record of batch.records) outputs.push(...outputsOf(record));
    } catch (error) {
      return { ...object, status: 'failed', error: `still cannot be processed: ${(error as Error).message}` };
    }
  }
  const owed = outputs.filter(
    (o) =>
      owedSinks.has(o.sink) &&
      (!batch.onlyOutputs || batch.onlyOutputs.has(outputIdentity(o.sink, o.eventId))),
  );
  const bySink = new Map<SinkName, RoutedOutput[]>();
  for (const output of owed) bySink.set(output.sink, [...(bySink.get(output.sink) ?? []), output]);
  for (const [name, mine] of bySink) {
    if (doneSinks.has(name)) {
      summary.alreadyRedriven += mine.length;
      continue;
    }
    const sink = options.sinks.find((s) => s.name === name);
    if (!sink) {
      summary.skippedOutputs += mine.length;
      continue;
    }
    if (options.dryRun) continue;
    const { outcomes } = await sink.deliver(mine);
    const accepted = outcomes.filter((outcome) => outcome.status === 'accepted').length;
    object.sent += accepted;
    summary.sent += accepted;
    const refused = outcomes.find((outcome) => outcome.status !== 'accepted');
    if (refused) {
      object.status = 'failed';
      object.error ??= `${name}: ${'reason' in refused ? refused.reason : 'not accepted'}`;
      continue;
    }
    if (unreadable) continue;
    const marker = { redrivenAt: new Date((options.now ?? Date.now)()).toISOString(), outputs: mine.length };
    await options.source.put(`${batch.key}${REDRIVEN_MARKER}${name}`, `${JSON.stringify(marker)}\n`);
  }
  return object;
}

/**
 * True when `name` (`router`, `vector-sync`, …) names the function: its dead letters' name, or its
 * deployed name in an on-failure record (`MemoryCdc-VectorSyncFunction-AbC123`), letters and
 * digits compared without case.
 */
function isFunction(functionName: string, name: string): boolean {
  const plain = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
  return functionName === name || plain(functionName).includes(plain(name));
}

/**
 * The sinks a function delivers to, when its object does not say: a redrive sends a record only what
 * its function owed (the router archives only in the one-reader layout, the archiver never
 * publishes). A function known only by its deployed name (an on-failure record's function ARN) is
 * matched by the name's part; an unknown one owes every sink.
 */
function sinksOwedBy(functionName: string, routerWritesArchive: boolean): SinkName[] {
  if (/router/i.test(functionName))
    return routerWritesArchive ? ['eventbridge', 'kinesis', 'archive'] : ['eventbridge', 'kinesis'];
  if (/archiver/i.test(functionName)) return ['archive'];
  if (readsChangeLog(functionName)) return ['vector'];
  return ['eventbridge', 'kinesis', 'archive', 'vector'];
}
