import type { Command } from 'commander';
import { ConfigError, LayoutError, MemoryCdcError } from '../../errors.js';
import { detectLayout } from '../../layout/detectLayout.js';
import { resolveLayout } from '../../layout/resolveLayout.js';
import type { Layout } from '../../layout/types.js';
import {
  abortOnInterrupt,
  every,
  parsePositiveInteger,
  parseStartPosition,
  resolveStreamArn,
} from '../../live/cliSupport.js';
import { createStreamsClient } from '../../live/createClients.js';
import { formatLiveRecord } from '../../live/formatLiveRecord.js';
import { formatNotice } from '../../live/formatNotice.js';
import { LiveReport } from '../../live/LiveReport.js';
import { formatProgress, LiveStats } from '../../live/LiveStats.js';
import { readStream } from '../../live/readStream.js';
import type { ShardWalker } from '../../live/ShardWalker.js';
import type { RoutingConfig } from '../../routing/types.js';
import type { StreamRecord } from '../../stream/types.js';
import { readJsonArgument } from '../readJsonArgument.js';
import type { CliContext, RegisterCommand } from '../types.js';

/** Flags of `memory-cdc tail`. */
export interface TailFlags {
  table?: string;
  streamArn?: string;
  region?: string;
  endpoint?: string;
  from: string;
  layout?: string;
  routing?: string;
  json?: boolean;
  count?: string;
  pollInterval: string;
  progress: string | false;
  verbose?: boolean;
}

/** The layout given with `--layout`, else the one the first records fit (as replay detects per file). */
function chooseLayout(
  given: Layout | undefined,
  records: StreamRecord[],
): { layout: Layout; reason: string } {
  if (given) return { layout: given, reason: 'given' };
  const detection = detectLayout(records);
  if (!detection.layout)
    throw new LayoutError(`cannot choose a layout from the first records: ${detection.reason}`);
  return { layout: detection.layout, reason: `detected: ${detection.reason}` };
}

async function runTail(flags: TailFlags, ctx: CliContext): Promise<void> {
  const startAt = parseStartPosition(flags.from);
  const count = parsePositiveInteger('--count', flags.count);
  const idlePollMs = parsePositiveInteger('--poll-interval', flags.pollInterval);
  const progressSeconds = flags.progress === false ? 0 : Number(flags.progress);
  if (!(progressSeconds >= 0))
    throw new ConfigError(`--progress must be a number of seconds (given ${flags.progress})`);
  const given = flags.layout ? resolveLayout(flags.layout, ctx.cwd) : undefined;
  const routing = flags.routing
    ? (readJsonArgument('--routing', flags.routing, ctx.cwd) as Partial<RoutingConfig>)
    : undefined;

  const client = createStreamsClient({ region: flags.region, endpoint: flags.endpoint });
  const controller = new AbortController();
  const stopInterrupt = abortOnInterrupt(controller, () =>
    ctx.err('tail: stopping (Ctrl-C again to kill)\n'),
  );
  const stats = new LiveStats();
  let walker: ShardWalker | undefined;
  const stopProgress = every(progressSeconds * 1000, () =>
    ctx.err(`tail: ${formatProgress(stats.snapshot(walker?.caughtUp()), walker?.counts())}\n`),
  );
  let report: LiveReport | undefined;
  let failure: MemoryCdcError | undefined;
  try {
    const streamArn = await resolveStreamArn(client, flags, controller.signal);
    const newReport = (layout: Layout, reason: string) =>
      new LiveReport({
        source: streamArn,
        layout,
        layoutReason: reason,
        routing,
        onOutput: flags.json ? (_output, line) => ctx.out(`${line}\n`) : undefined,
      });
    if (given) report = newReport(given, 'given');
    ctx.err(
      `tail: reading ${streamArn} from ${startAt}${count ? `, ${count} record(s)` : ''}; Ctrl-C to stop\n`,
    );
    try {
      for await (const records of readStream(client, {
        streamArn,
        startAt,
        count,
        idlePollMs,
        signal: controller.signal,
        stats,
        onWalker: (w) => {
          walker = w;
        },
        onNotice: (notice) => {
          const line = formatNotice(notice, flags.verbose);
          if (line) ctx.err(`${line}\n`);
        },
      })) {
        if (!report) {
          const { layout, reason } = chooseLayout(given, records);
          report = newReport(layout, reason);
        }
        for (const record of records) {
          const result = report.add(record);
          if (!result.ok) ctx.err(`error: ${result.error.message}\n`);
          else if (!flags.json) ctx.out(`${formatLiveRecord(result.processed, report.pipeline.layout)}\n`);
        }
      }
    } catch (error) {
      // The stream failed mid-way: still print what was read, then the error.
      if (!(error instanceof MemoryCdcError) || error instanceof ConfigError || error instanceof LayoutError)
        throw error;
      failure = error;
    }
    if (!flags.json) {
      ctx.out(report ? report.format('tail', 'Stream') : 'memory-cdc tail: 0 record(s)\n');
    }
    ctx.err(`tail: ${formatProgress(stats.snapshot(walker?.caughtUp()), walker?.counts())}\n`);
    if (failure) throw failure;
    if (report && report.summary.failed > 0) ctx.exitCode = 1;
  } finally {
    stopProgress();
    stopInterrupt();
    client.destroy();
  }
}

/**
 * `memory-cdc tail`: follows a table's stream through the pipeline, printing what replay prints.
 */
export const registerTail: RegisterCommand = (program: Command, ctx: CliContext) => {
  program
    .command('tail')
    .description("Follow a table's DynamoDB stream live through the pipeline (same output as replay)")
    .option('--table <name>', 'table whose newest stream to read')
    .option('--stream-arn <arn>', 'stream to read (instead of --table)')
    .option('--region <region>', 'AWS region (default: AWS_REGION / your AWS config)')
    .option('--endpoint <url>', 'endpoint URL, e.g. http://localhost:8000 for DynamoDB Local')
    .option('--from <position>', 'latest | trim-horizon (oldest record kept, up to 24 h back)', 'latest')
    .option('--layout <layout>', 'agent-memory | mastra | path to a layout JSON file (default: detected)')
    .option('--routing <file>', 'JSON routing configuration (which entities go to which sink)')
    .option('--json', 'print one JSON object per routed output (as replay --json)')
    .option('--count <n>', 'stop after n records')
    .option('--poll-interval <ms>', 'wait before polling an idle shard again', '1000')
    .option('--progress <seconds>', 'print records/s and lag to stderr this often (0: never)', '10')
    .option('--no-progress', 'no progress lines')
    .option('--verbose', 'also report shard transitions (opened, ended, skipped)')
    .action(async (flags: TailFlags) => {
      try {
        await runTail(flags, ctx);
      } catch (error) {
        if (!(error instanceof MemoryCdcError)) throw error;
        ctx.err(`memory-cdc tail: ${error.message}\n`);
        ctx.exitCode = error instanceof ConfigError || error instanceof LayoutError ? 2 : 1;
      }
    });
};
