import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createBackfillProgress } from '../../live/backfill/BackfillProgress.js';
import { createDeliverySinks, selectDeliverySinks } from '../../live/backfill/createDeliverySinks.js';
import { LAYOUT_SAMPLE_ITEMS, runBackfill } from '../../live/backfill/runBackfill.js';
import {
  abortOnInterrupt,
  parsePositiveInteger,
  parsePositiveNumber,
  parseProgressSeconds,
} from '../../live/cliSupport.js';
import { createDynamoDbClient } from '../../live/createClients.js';
import { BackfillError } from '../../live/errors.js';
import { LiveReport } from '../../live/LiveReport.js';
import type { RoutedOutput, SinkName } from '../../routing/types.js';
import type { Sink } from '../../sinks/types.js';
import type { StreamRecord } from '../../stream/types.js';
import { addEndpointOption } from '../endpointOption.js';
import { type PipelineFlags, readPipelineFlags } from '../readPipelineFlags.js';
import { runCommand } from '../runCommand.js';
import type { CliContext, RegisterCommand } from '../types.js';

/** Flags of `memory-cdc backfill`. */
export interface BackfillFlags extends Omit<PipelineFlags, 'rules'> {
  table: string;
  region?: string;
  endpoint?: string;
  segments: string;
  concurrency?: string;
  rate?: string;
  pageSize?: string;
  consistentRead?: boolean;
  checkpoint?: string;
  restart?: boolean;
  json?: boolean;
  deliver?: string | true;
  progress: string | false;
}

/** Sends one page's outputs to the selected sinks; retryable failures stop the backfill (resume re-sends). */
async function deliverPage(
  outputs: RoutedOutput[],
  sinks: Sink[],
  report: LiveReport,
  segment: number,
  signal: AbortSignal,
): Promise<void> {
  await Promise.all(
    sinks.map(async (sink) => {
      const mine = outputs.filter((o) => o.sink === sink.name);
      if (mine.length === 0) return;
      const { outcomes } = await sink.deliver(mine, { signal });
      let retryable: string | undefined;
      outcomes.forEach((outcome, i) => {
        if (outcome.status === 'rejected') report.undelivered(mine[i]!.record, sink.name, outcome.reason);
        else if (outcome.status === 'retryable') retryable ??= outcome.reason;
      });
      if (retryable !== undefined) {
        throw new BackfillError(
          `${sink.name} did not accept every output of a page (${retryable}); run backfill again to resume from the checkpoint`,
          segment,
        );
      }
    }),
  );
}

async function runBackfillCommand(flags: BackfillFlags, ctx: CliContext): Promise<void> {
  const segments = parsePositiveInteger('--segments', flags.segments)!;
  const concurrency = parsePositiveInteger('--concurrency', flags.concurrency);
  const rate = parsePositiveNumber('--rate', flags.rate);
  const pageSize = parsePositiveInteger('--page-size', flags.pageSize);
  const progressSeconds = parseProgressSeconds(flags.progress);
  const { layout: given, routing } = readPipelineFlags(flags, ctx.cwd);
  const delivered: SinkName[] = flags.deliver ? selectDeliverySinks(flags.deliver) : [];
  const sinks = createDeliverySinks(delivered, flags.region);
  const checkpointPath = resolve(
    ctx.cwd,
    flags.checkpoint ?? `.memory-cdc/backfill/${flags.table}.checkpoint.json`,
  );

  const client = createDynamoDbClient({ region: flags.region, endpoint: flags.endpoint });
  const controller = new AbortController();
  const stopInterrupt = abortOnInterrupt(controller, () =>
    ctx.err('\nbackfill: stopping after the pages in flight; run again to resume\n'),
  );
  const progress = createBackfillProgress({
    bar: progressSeconds > 0 && process.stderr.isTTY === true && !flags.json,
    intervalSeconds: progressSeconds,
    err: ctx.err,
  });
  let report: LiveReport | undefined;
  let sourceArn = '';
  let sampled: StreamRecord[] | undefined;
  let sampleNote = '';
  const reportFor = (records: StreamRecord[]): LiveReport => {
    report ??= LiveReport.forFirstRecords(
      {
        source: `${flags.table} (${sourceArn})`,
        layout: given,
        routing,
        onOutput: flags.json ? (_output, line) => ctx.out(`${line}\n`) : undefined,
      },
      sampled ?? records,
      sampleNote || 'the first items',
      // A local preview shows a table no preset fits as entity "unknown", as replay does; --deliver
      // refuses instead, so a forgotten --layout never sends a whole table to real sinks unclassified.
      delivered.length === 0 ? (warning) => ctx.err(`warning: ${warning}\n`) : undefined,
    );
    if (!given && sampled) {
      ctx.err(`backfill: layout ${report.pipeline.layout.name}, detected from ${sampleNote}\n`);
    }
    return report;
  };
  try {
    const result = await runBackfill({
      client,
      table: flags.table,
      endpoint: flags.endpoint,
      segments,
      concurrency,
      rate,
      pageSize,
      consistentRead: flags.consistentRead,
      checkpointPath,
      restart: flags.restart,
      signal: controller.signal,
      // Without --layout, detect it from a sample of the table, not from whichever page comes first.
      ...(given
        ? {}
        : {
            sample: {
              items: LAYOUT_SAMPLE_ITEMS,
              onSample: ({ records, wholeTable }) => {
                sampled = records;
                sampleNote = wholeTable
                  ? `all ${records.length} item(s) of the table`
                  : `a sample of the first ${records.length} items scanned`;
                if (records.length > 0) reportFor(records); // A LayoutError now, before any page is scanned.
              },
            },
          }),
      onStart: (info) => {
        sourceArn = info.sourceArn;
        if (info.resumed)
          ctx.err(`backfill: resuming from ${checkpointPath} (${info.resumedItems} items done before)\n`);
        progress.start(info.estimatedItems, info.resumedItems);
      },
      onRecords: async (records, segment) => {
        const live = reportFor(records);
        const outputs: RoutedOutput[] = [];
        for (const record of records) {
          const processed = live.add(record);
          if (processed.ok) outputs.push(...processed.processed.outputs);
          else ctx.err(`error: ${processed.error.message}\n`);
        }
        if (sinks.length)
          await deliverPage(
            outputs.filter((o) => delivered.includes(o.sink)),
            sinks,
            live,
            segment,
            controller.signal,
          );
      },
      onProgress: ({ items }) => progress.update(items),
      onRetry: ({ segment, attempt, delayMs, error }) =>
        ctx.err(
          `notice: segment ${segment}: Scan failed (${(error as Error).name}); retry ${attempt} in ${delayMs} ms\n`,
        ),
    });
    progress.stop();
    if (!flags.json && report) {
      const extra = delivered.length
        ? [`Delivered to: ${delivered.join(', ')} (other sinks' outputs were only counted)`]
        : [];
      ctx.out(report.format('backfill', 'Table', extra));
    }
    const state = result.alreadyComplete
      ? `already complete per ${checkpointPath}; pass --restart to scan again`
      : result.complete
        ? 'complete'
        : `stopped; run the same command again to resume from ${checkpointPath}`;
    ctx.err(`backfill: ${result.items} item(s) emitted by this run, ${result.totalItems} in all; ${state}\n`);
    if (report && (report.summary.failed > 0 || report.summary.undelivered > 0)) ctx.exitCode = 1;
  } finally {
    progress.stop();
    stopInterrupt();
    client.destroy();
    for (const sink of sinks) await sink.close?.();
  }
}

/**
 * `memory-cdc backfill`: scans the table and runs every item through the pipeline as an insert,
 * so new consumers start with what the table already holds.
 */
export const registerBackfill: RegisterCommand = (program: Command, ctx: CliContext) => {
  addEndpointOption(
    program.command('backfill'),
    'DynamoDB endpoint, e.g. http://localhost:8000 for DynamoDB Local (--endpoint is an alias)',
  )
    .description(
      'Scan a table and emit every item as a synthetic insert through the pipeline (initial snapshot)',
    )
    .requiredOption('--table <name>', 'table to scan')
    .option('--region <region>', 'AWS region (default: AWS_REGION / your AWS config)')
    .option('--segments <n>', 'parallel Scan segments (TotalSegments)', '4')
    .option('--concurrency <n>', 'segments scanned at once (default: min(segments, 8))')
    .option('--rate <n>', 'at most n items per second over the whole backfill')
    .option('--page-size <n>', 'items per Scan page (default: min(1000, rate))')
    .option('--consistent-read', 'strongly consistent Scan (twice the read capacity)')
    .option('--checkpoint <file>', 'checkpoint file (default: .memory-cdc/backfill/<table>.checkpoint.json)')
    .option('--restart', 'ignore the checkpoint and scan from the start')
    .option('--layout <layout>', 'agent-memory | mastra | path to a layout JSON file (default: detected)')
    .option('--routing <file>', 'JSON routing configuration (which entities go to which sink)')
    .option('--json', 'print one JSON object per routed output (as replay --json)')
    .option(
      '--deliver [sinks]',
      'send outputs to the real sinks (eventbridge,kinesis,vector; default: those configured by EVENT_BUS_NAME, CHANGE_LOG_STREAM_NAME, VECTOR_BUCKET_NAME+VECTOR_INDEX_NAME)',
    )
    .option('--progress <seconds>', 'without a terminal, print progress this often (0: never)', '10')
    .option('--no-progress', 'no progress bar or lines')
    .action((flags: BackfillFlags) => runCommand(ctx, 'backfill', () => runBackfillCommand(flags, ctx)));
};
