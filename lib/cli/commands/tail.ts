import type { Command } from 'commander';
import { formatLiveRecord } from '../../live/formatLiveRecord.js';
import { LiveReport, type LiveReportOptions } from '../../live/LiveReport.js';
import { parseStreamFlags, type StreamFlags, StreamSession } from '../../live/StreamSession.js';
import { addEndpointOption } from '../endpointOption.js';
import { type PipelineFlags, readPipelineFlags } from '../readPipelineFlags.js';
import { runCommand } from '../runCommand.js';
import type { CliContext, RegisterCommand } from '../types.js';

/** Flags of `memory-cdc tail`. */
export interface TailFlags extends StreamFlags, PipelineFlags {
  json?: boolean;
}

async function runTail(flags: TailFlags, ctx: CliContext): Promise<void> {
  const reading = parseStreamFlags(flags);
  const { layout: given, routing, rules } = readPipelineFlags(flags, ctx.cwd);

  const session = new StreamSession({
    command: 'tail',
    flags,
    reading,
    err: ctx.err,
    interruptNotice: 'stopping (Ctrl-C again to kill)',
  });
  let report: LiveReport | undefined;
  try {
    const streamArn = await session.streamArn();
    const reportOptions: Omit<LiveReportOptions, 'layout' | 'layoutReason'> = {
      source: streamArn,
      routing,
      rules,
      onOutput: flags.json ? (_output, line) => ctx.out(`${line}\n`) : undefined,
    };
    if (given) report = new LiveReport({ ...reportOptions, layout: given, layoutReason: 'given' });
    const { startAt, count } = reading;
    ctx.err(
      `tail: reading ${streamArn} from ${startAt}${count ? `, ${count} record(s)` : ''}; Ctrl-C to stop\n`,
    );
    // Kinesis source: records that are not changes fail (reported now, counted once a report exists).
    const unconverted: string[] = [];
    let duplicates = 0;
    let late = 0;
    let otherTables = 0;
    // A stream that fails mid-way: still print what was read, then the error.
    const failure = await session.read(streamArn, (batch) => {
      for (const bad of batch.undecodable ?? []) {
        const message = `shard ${bad.shardId}, Kinesis record ${bad.sequenceNumber}: ${bad.error.message}`;
        ctx.err(`error: ${message}\n`);
        if (report) report.failed(message);
        else unconverted.push(message);
      }
      duplicates += batch.duplicates ?? 0;
      late += batch.late?.length ?? 0;
      otherTables += batch.otherTables ?? 0;
      const { records } = batch;
      if (records.length === 0) return;
      if (!report) {
        report = LiveReport.forFirstRecords(reportOptions, records, 'the first records', (warning) =>
          ctx.err(`warning: ${warning}\n`),
        );
        for (const message of unconverted.splice(0)) report.failed(message);
      }
      for (const record of records) {
        const result = report.add(record);
        if (!result.ok) ctx.err(`error: ${result.error.message}\n`);
        else if (!flags.json) ctx.out(`${formatLiveRecord(result.processed, report.pipeline.layout)}\n`);
      }
    });
    if (!flags.json) {
      const extra = reading.kinesis
        ? [
            `Kinesis source: ${duplicates} redelivered change(s) dropped (same eventID); ${late} change(s) arrived after a later change of their item (order across reads not restored)`,
            ...(reading.kinesis.table !== undefined
              ? [
                  `Kinesis source: ${otherTables} change(s) of other tables skipped (--table ${reading.kinesis.table})`,
                ]
              : []),
          ]
        : [];
      ctx.out(report ? report.format('tail', 'Stream', extra) : 'memory-cdc tail: 0 record(s)\n');
    }
    session.reportProgress();
    if (failure) throw failure;
    if ((report && report.summary.failed > 0) || unconverted.length > 0) ctx.exitCode = 1;
  } finally {
    session.close();
  }
}

/**
 * `memory-cdc tail`: follows a table's stream — its DynamoDB stream, or with `--kinesis-stream` the
 * Kinesis data stream it streams to — through the pipeline, printing what replay prints.
 */
export const registerTail: RegisterCommand = (program: Command, ctx: CliContext) => {
  addEndpointOption(
    program.command('tail'),
    'DynamoDB Streams (or, with --kinesis-stream, Kinesis) endpoint, e.g. http://localhost:8000 for DynamoDB Local (--endpoint is an alias)',
  )
    .description(
      "Follow a table's DynamoDB stream, or with --kinesis-stream the Kinesis data stream it streams to, live through the pipeline (same output as replay)",
    )
    .option('--table <name>', 'table whose newest stream to read (with --kinesis-stream: only its changes)')
    .option('--stream-arn <arn>', 'stream to read (instead of --table)')
    .option(
      '--kinesis-stream <name|arn>',
      'read the Kinesis data stream the table streams to (records in the Kinesis Data Streams for DynamoDB format), instead of its DynamoDB stream; each change shown once, per-item order restored within each read',
    )
    .option(
      '--precision <precision>',
      'with --kinesis-stream: auto | microsecond | millisecond, the unit of ApproximateCreationDateTime when a record does not state it',
    )
    .option('--region <region>', 'AWS region (default: AWS_REGION / your AWS config)')
    .option(
      '--from <position>',
      'latest | trim-horizon (oldest record kept: up to 24 h back on a DynamoDB stream, the retention period on Kinesis)',
      'latest',
    )
    .option('--layout <layout>', 'agent-memory | mastra | path to a layout JSON file (default: detected)')
    .option('--routing <file>', 'JSON routing configuration (which entities go to which sink)')
    .option(
      '--rules <file>',
      'JSON object of rule name -> EventBridge event pattern; shows which rules each event fires (as replay --rules)',
    )
    .option('--json', 'print one JSON object per routed output (as replay --json)')
    .option('--count <n>', 'stop after n records')
    .option('--poll-interval <ms>', 'wait before polling an idle shard again', '1000')
    .option('--progress <seconds>', 'print records/s and lag to stderr this often (0: never)', '10')
    .option('--no-progress', 'no progress lines')
    .option('--verbose', 'also report shard transitions (opened, ended, skipped)')
    .action((flags: TailFlags) => runCommand(ctx, 'tail', () => runTail(flags, ctx)));
};
