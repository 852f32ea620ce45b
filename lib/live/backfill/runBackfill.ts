/**
 * Backfill, like Debezium's initial snapshot: a parallel Scan of the table whose items become
 * synthetic INSERT records for the pipeline, so a new consumer (or a fresh vector index) starts with
 * everything the table already holds, then follows the stream.
 */
import {
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  ScanCommand,
  type ScanCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { ConfigError, TableNotFoundError } from '../../errors.js';
import { type BackoffOptions, type RetryNotice, resolveBackoff, retrying } from '../../retry/backoff.js';
import type { StreamRecord } from '../../stream/types.js';
import { BackfillError } from '../errors.js';
import { BackfillCheckpoint } from './BackfillCheckpoint.js';
import { RateLimiter, type Timer } from './RateLimiter.js';
import { type BackfillSource, syntheticInsertRecord } from './syntheticInsertRecord.js';

/** Most scan segments a backfill accepts. */
export const MAX_SEGMENTS = 10_000;

/** Items the layout detection samples before a backfill without `--layout` (as many as replay looks at). */
export const LAYOUT_SAMPLE_ITEMS = 200;

/** The items read ahead of the scan by {@link BackfillOptions.sample}. */
export interface BackfillSample {
  /** The first items of a plain (unsegmented) Scan, as synthetic INSERT records. */
  records: StreamRecord[];
  /** True when the sample is the whole table (the Scan ended before the sample size). */
  wholeTable: boolean;
}

/** Options for {@link runBackfill}. */
export interface BackfillOptions {
  /** A DynamoDB client; give it `maxAttempts: 1` (the backfill retries with back-off itself). */
  client: DynamoDBClient;
  table: string;
  /** The client's endpoint URL, if not AWS's (binds the checkpoint to it). @default the AWS endpoint */
  endpoint?: string;
  /** Scan segments (`TotalSegments`, 1-{@link MAX_SEGMENTS}). @default 4 */
  segments?: number;
  /** Segments scanned at the same time. @default min(segments, 8) */
  concurrency?: number;
  /** Records per second over the whole backfill. @default unlimited */
  rate?: number;
  /** Items per Scan page (`Limit`). @default min(1000, rate) */
  pageSize?: number;
  /** Strongly consistent reads (twice the read capacity). @default false */
  consistentRead?: boolean;
  /** The checkpoint file. */
  checkpointPath: string;
  /** Ignore an existing checkpoint and scan from the start. @default false */
  restart?: boolean;
  /** Stops the backfill after the pages in flight; the checkpoint keeps what was done. */
  signal?: AbortSignal;
  backoff?: BackoffOptions;
  /**
   * Handles one page's records (pipeline, sinks). The page is checkpointed only after this
   * resolves; a throw stops the backfill and the page is emitted again on resume.
   */
  onRecords(records: StreamRecord[], segment: number): Promise<void>;
  /**
   * Reads up to `items` items with a plain Scan before the backfill starts and hands them over, e.g.
   * to detect the layout from a meaningful sample rather than from whichever page arrives first.
   * Nothing is checkpointed or emitted for them; the backfill proper scans them again. Called after
   * `onStart`, and not at all when the checkpoint says the backfill is complete.
   */
  sample?: { items: number; onSample(sample: BackfillSample): void };
  /** Called once the table is described (before the first page). */
  onStart?(info: BackfillStart): void;
  /** Called after each checkpointed page. */
  onProgress?(progress: { items: number; segment: number }): void;
  /** Called before each retry of a throttled or failed Scan. */
  onRetry?(notice: RetryNotice & { segment: number }): void;
  /** Clock and sleep for the rate limiter. */
  timer?: Timer;
  /** Time stamped on the records (epoch ms). @default Date.now */
  now?: () => number;
}

/** What is known when the scan starts. */
export interface BackfillStart {
  tableArn: string;
  /** The records' eventSourceARN (the table's stream, when it has one). */
  sourceArn: string;
  /** DynamoDB's item count (updated about every six hours; an estimate). */
  estimatedItems: number;
  /** Items emitted by earlier runs of this checkpoint. */
  resumedItems: number;
  resumed: boolean;
}

/** The outcome of {@link runBackfill}. */
export interface BackfillResult {
  /** Items emitted by this run. */
  items: number;
  /** Items emitted by this checkpoint over all runs. */
  totalItems: number;
  /** True when every segment was scanned to its end. */
  complete: boolean;
  /** True when the checkpoint was complete before this run (nothing was scanned). */
  alreadyComplete: boolean;
  resumed: boolean;
  checkpointPath: string;
}

function validate(options: BackfillOptions): {
  segments: number;
  rate: number;
  pageSize: number;
  concurrency: number;
} {
  const segments = options.segments ?? 4;
  // DynamoDB allows up to 1,000,000; the checkpoint keeps a line per segment, so stay practical.
  if (!Number.isInteger(segments) || segments < 1 || segments > MAX_SEGMENTS) {
    throw new ConfigError(`--segments must be an integer from 1 to ${MAX_SEGMENTS} (given ${segments})`);
  }
  const rate = options.rate ?? Number.POSITIVE_INFINITY;
  if (!(rate > 0))
    throw new ConfigError(`--rate must be a positive number of records per second (given ${rate})`);
  const pageSize = options.pageSize ?? Math.max(1, Math.min(1000, Math.floor(rate)));
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new ConfigError(`--page-size must be a positive integer (given ${pageSize})`);
  }
  const concurrency = options.concurrency ?? Math.min(segments, 8);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ConfigError(`concurrency must be a positive integer (given ${concurrency})`);
  }
  return { segments, rate, pageSize, concurrency };
}

async function describeSource(options: BackfillOptions, backoff: ReturnType<typeof resolveBackoff>) {
  try {
    const { Table } = await retrying(
      () =>
        options.client.send(new DescribeTableCommand({ TableName: options.table }), {
          abortSignal: options.signal,
        }),
      { backoff, signal: options.signal },
    );
    const keyAttributes = [...(Table?.KeySchema ?? [])]
      .sort((a, b) => (a.KeyType === 'HASH' ? -1 : b.KeyType === 'HASH' ? 1 : 0))
      .flatMap((k) => (k.AttributeName ? [k.AttributeName] : []));
    const source: BackfillSource = {
      tableArn: Table?.TableArn ?? `arn:aws:dynamodb:::table/${options.table}`,
      keyAttributes,
      ...(Table?.LatestStreamArn ? { streamArn: Table.LatestStreamArn } : {}),
    };
    const created = Table?.CreationDateTime;
    return {
      source,
      estimatedItems: Table?.ItemCount ?? 0,
      checkpointSource: {
        endpoint: options.endpoint ?? 'aws',
        tableArn: source.tableArn,
        tableCreatedAt: created ? new Date(created).toISOString() : '',
      },
    };
  } catch (error) {
    if (error instanceof ResourceNotFoundException) throw new TableNotFoundError(options.table);
    throw new BackfillError(`DescribeTable ${options.table} failed: ${(error as Error).message}`, undefined, {
      cause: error,
    });
  }
}

/** Reads the first `items` items of the table (a plain Scan, page by page) as synthetic inserts. */
async function sampleItems(
  options: BackfillOptions,
  source: BackfillSource,
  items: number,
  backoff: ReturnType<typeof resolveBackoff>,
): Promise<BackfillSample> {
  const records: StreamRecord[] = [];
  const seconds = Math.floor((options.now ?? Date.now)() / 1000);
  let startKey: ScanCommandOutput['LastEvaluatedKey'];
  do {
    let page: ScanCommandOutput;
    try {
      page = await retrying(
        () =>
          options.client.send(
            new ScanCommand({
              TableName: options.table,
              Limit: Math.min(1000, items - records.length),
              ExclusiveStartKey: startKey,
            }),
            { abortSignal: options.signal },
          ),
        { backoff, signal: options.signal },
      );
    } catch (error) {
      if (error instanceof ResourceNotFoundException) throw new TableNotFoundError(options.table);
      throw new BackfillError(`Scan for the layout sample failed: ${(error as Error).message}`, undefined, {
        cause: error,
      });
    }
    for (const item of page.Items ?? []) records.push(syntheticInsertRecord(source, item, seconds));
    startKey = page.LastEvaluatedKey;
  } while (startKey && records.length < items);
  return { records, wholeTable: !startKey };
}

/**
 * Scans the table in parallel segments and hands each page to `onRecords` as synthetic INSERT
 * records, at most `rate` records a second, checkpointing every page so a stopped backfill resumes
 * where it was. Ctrl-C (the signal) stops it cleanly: the result says `complete: false`.
 *
 * @example
 * ```ts
 * const pipeline = createPipeline({ layout: agentMemoryLayout });
 * const result = await runBackfill({
 *   client: new DynamoDBClient({ maxAttempts: 1 }),
 *   table: 'agent-memory',
 *   segments: 8,
 *   rate: 500,
 *   checkpointPath: '.memory-cdc/backfill-agent-memory.json',
 *   onRecords: async (records) => {
 *     for (const record of records) console.log(pipeline.process(record).events.map((e) => e.detailType));
 *   },
 * });
 * console.log(`${result.items} items`, result.complete ? 'done' : 'stopped: run again to resume');
 * ```
 * @throws ConfigError for bad options or a missing table; BackfillError when a segment fails
 *   for good (the checkpoint keeps every page done before)
 */
export async function runBackfill(options: BackfillOptions): Promise<BackfillResult> {
  const { segments, rate, pageSize, concurrency } = validate(options);
  const backoff = resolveBackoff(options.backoff);
  const now = options.now ?? Date.now;
  const { source, estimatedItems, checkpointSource } = await describeSource(options, backoff);
  const checkpoint = await BackfillCheckpoint.open(options.checkpointPath, {
    table: options.table,
    source: checkpointSource,
    totalSegments: segments,
    restart: options.restart,
  });
  const result: BackfillResult = {
    items: 0,
    totalItems: checkpoint.items,
    complete: checkpoint.complete,
    alreadyComplete: checkpoint.complete,
    resumed: checkpoint.resumed,
    checkpointPath: checkpoint.path,
  };
  options.onStart?.({
    tableArn: source.tableArn,
    sourceArn: source.streamArn ?? `${source.tableArn}/stream/backfill`,
    estimatedItems,
    resumedItems: checkpoint.items,
    resumed: checkpoint.resumed,
  });
  if (checkpoint.complete) return result;
  if (options.sample)
    options.sample.onSample(await sampleItems(options, source, options.sample.items, backoff));

  const limiter = new RateLimiter(rate, options.timer);
  // A failing segment stops the others; the caller's signal stops everything.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const pending = checkpoint.state.segments.filter((s) => !s.done).map((s) => s.segment);

  const scanSegment = async (segment: number): Promise<void> => {
    while (!signal.aborted) {
      const startKey = checkpoint.startKey(segment);
      let page: ScanCommandOutput;
      try {
        page = await retrying(
          () =>
            options.client.send(
              new ScanCommand({
                TableName: options.table,
                Segment: segment,
                TotalSegments: segments,
                Limit: pageSize,
                ConsistentRead: options.consistentRead,
                ExclusiveStartKey: startKey,
              }),
              { abortSignal: signal },
            ),
          { backoff, signal, onRetry: (notice) => options.onRetry?.({ ...notice, segment }) },
        );
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof ResourceNotFoundException) throw new TableNotFoundError(options.table);
        throw new BackfillError(`Scan failed: ${(error as Error).message}`, segment, { cause: error });
      }
      const items = page.Items ?? [];
      await limiter.take(items.length, signal);
      if (signal.aborted) return;
      const seconds = Math.floor(now() / 1000);
      const records = items.map((item) => syntheticInsertRecord(source, item, seconds));
      if (records.length > 0) await options.onRecords(records, segment);
      const lastKey = page.LastEvaluatedKey;
      await checkpoint.pageDone(segment, items.length, lastKey);
      result.items += items.length;
      result.totalItems += items.length;
      options.onProgress?.({ items: result.totalItems, segment });
      if (!lastKey) return;
    }
  };

  const worker = async (): Promise<void> => {
    for (let next = pending.shift(); next !== undefined && !signal.aborted; next = pending.shift()) {
      await scanSegment(next);
    }
  };
  const workers = Array.from({ length: Math.min(concurrency, pending.length) }, () =>
    worker().catch((error: unknown) => {
      stop.abort();
      throw error;
    }),
  );
  const settled = await Promise.allSettled(workers);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  result.complete = checkpoint.complete;
  return result;
}
