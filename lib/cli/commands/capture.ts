import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, MemoryCdcError } from '../../errors.js';
import {
  abortOnInterrupt,
  every,
  parsePositiveInteger,
  parseStartPosition,
  resolveStreamArn,
} from '../../live/cliSupport.js';
import { createStreamsClient } from '../../live/createClients.js';
import { formatNotice } from '../../live/formatNotice.js';
import { formatProgress, LiveStats } from '../../live/LiveStats.js';
import { readStream } from '../../live/readStream.js';
import { parseAttributeList, Redactor } from '../../live/redactRecord.js';
import type { ShardWalker } from '../../live/ShardWalker.js';
import { assertWritable, writeCaptureFile } from '../../live/writeCaptureFile.js';
import type { StreamRecord } from '../../stream/types.js';
import type { CliContext, RegisterCommand } from '../types.js';

/** Flags of `memory-cdc capture`. */
export interface CaptureFlags {
  table?: string;
  streamArn?: string;
  region?: string;
  endpoint?: string;
  out: string;
  count: string;
  redact?: string;
  from: string;
  force?: boolean;
  pollInterval: string;
  progress: string | false;
  verbose?: boolean;
}

async function runCapture(flags: CaptureFlags, ctx: CliContext): Promise<void> {
  const startAt = parseStartPosition(flags.from);
  const count = parsePositiveInteger('--count', flags.count)!;
  const idlePollMs = parsePositiveInteger('--poll-interval', flags.pollInterval);
  const progressSeconds = flags.progress === false ? 0 : Number(flags.progress);
  if (!(progressSeconds >= 0))
    throw new ConfigError(`--progress must be a number of seconds (given ${flags.progress})`);
  const redacted = flags.redact ? parseAttributeList(flags.redact) : [];
  if (flags.redact !== undefined && redacted.length === 0)
    throw new ConfigError('--redact needs attribute names: --redact text,content');
  const redactor = new Redactor(redacted);
  const out = resolve(ctx.cwd, flags.out);
  await assertWritable(out, flags.force ?? false);

  const client = createStreamsClient({ region: flags.region, endpoint: flags.endpoint });
  const controller = new AbortController();
  const stopInterrupt = abortOnInterrupt(controller, () =>
    ctx.err('capture: stopping; writing what was captured\n'),
  );
  const stats = new LiveStats();
  let walker: ShardWalker | undefined;
  const progress = () =>
    ctx.err(
      `capture: ${formatProgress(stats.snapshot(walker?.caughtUp()), walker?.counts())} (of ${count})\n`,
    );
  const stopProgress = every(progressSeconds * 1000, progress);
  const captured: StreamRecord[] = [];
  let failure: MemoryCdcError | undefined;
  try {
    const streamArn = await resolveStreamArn(client, flags, controller.signal);
    ctx.err(`capture: reading ${streamArn} from ${startAt} until ${count} record(s); Ctrl-C to stop early\n`);
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
        for (const record of records) captured.push(redactor.redact(record));
      }
    } catch (error) {
      // Keep what was read before the stream failed.
      if (!(error instanceof MemoryCdcError) || error instanceof ConfigError) throw error;
      failure = error;
    }
    if (captured.length === 0) {
      throw failure ?? new MemoryCdcError(`no records captured; ${flags.out} not written`);
    }
    await writeCaptureFile(out, captured);
    const note = redacted.length ? ` (redacted: ${redacted.join(', ')})` : '';
    ctx.err(`capture: wrote ${captured.length} record(s) to ${flags.out}${note}\n`);
    if (failure) throw failure;
  } finally {
    stopProgress();
    stopInterrupt();
    client.destroy();
  }
}

/**
 * `memory-cdc capture`: saves live stream records as a fixture file (Lambda's event format),
 * with chosen attributes redacted, for `replay`.
 */
export const registerCapture: RegisterCommand = (program: Command, ctx: CliContext) => {
  program
    .command('capture')
    .description(
      "Save records from a table's DynamoDB stream as a replayable fixture file (Lambda event format)",
    )
    .requiredOption('--out <file>', 'fixture file to write ({"Records": [...]})')
    .option('--table <name>', 'table whose newest stream to read')
    .option('--stream-arn <arn>', 'stream to read (instead of --table)')
    .option('--region <region>', 'AWS region (default: AWS_REGION / your AWS config)')
    .option('--endpoint <url>', 'endpoint URL, e.g. http://localhost:8000 for DynamoDB Local')
    .option('--count <n>', 'stop after n records', '100')
    .option(
      '--redact <attributes>',
      'comma-separated top-level attributes whose values are replaced (type and shape kept)',
    )
    .option('--from <position>', 'latest | trim-horizon (oldest record kept, up to 24 h back)', 'latest')
    .option('--force', 'overwrite --out if it exists')
    .option('--poll-interval <ms>', 'wait before polling an idle shard again', '1000')
    .option('--progress <seconds>', 'print progress to stderr this often (0: never)', '10')
    .option('--no-progress', 'no progress lines')
    .option('--verbose', 'also report shard transitions (opened, ended, skipped)')
    .action(async (flags: CaptureFlags) => {
      try {
        await runCapture(flags, ctx);
      } catch (error) {
        if (!(error instanceof MemoryCdcError)) throw error;
        ctx.err(`memory-cdc capture: ${error.message}\n`);
        ctx.exitCode = error instanceof ConfigError ? 2 : 1;
      }
    });
};
