import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, MemoryCdcError } from '../../errors.js';
import { parseAttributeList, Redactor } from '../../live/redactRecord.js';
import { parseStreamFlags, type StreamFlags, StreamSession } from '../../live/StreamSession.js';
import { writeCaptureFile } from '../../live/writeCaptureFile.js';
import type { StreamRecord } from '../../stream/types.js';
import { addEndpointOption } from '../endpointOption.js';
import { assertWritable } from '../outputFile.js';
import { runCommand } from '../runCommand.js';
import type { CliContext, RegisterCommand } from '../types.js';

/** Flags of `memory-cdc capture`. */
export interface CaptureFlags extends StreamFlags {
  out: string;
  count: string;
  redact?: string;
  force?: boolean;
}

async function runCapture(flags: CaptureFlags, ctx: CliContext): Promise<void> {
  const reading = parseStreamFlags(flags);
  const redacted = flags.redact ? parseAttributeList(flags.redact) : [];
  if (flags.redact !== undefined && redacted.length === 0)
    throw new ConfigError('--redact needs attribute names: --redact text,content');
  const redactor = new Redactor(redacted);
  const out = resolve(ctx.cwd, flags.out);
  await assertWritable(out, { option: '--out', force: flags.force });

  const session = new StreamSession({
    command: 'capture',
    flags,
    reading,
    err: ctx.err,
    interruptNotice: 'stopping; writing what was captured',
    progressSuffix: ` (of ${reading.count})`,
  });
  const captured: StreamRecord[] = [];
  try {
    const streamArn = await session.streamArn();
    ctx.err(
      `capture: reading ${streamArn} from ${reading.startAt} until ${reading.count} record(s); Ctrl-C to stop early\n`,
    );
    // A stream that fails mid-way: keep what was read before.
    const failure = await session.read(streamArn, (records) => {
      for (const record of records) captured.push(redactor.redact(record));
    });
    if (captured.length === 0) {
      throw failure ?? new MemoryCdcError(`no records captured; ${flags.out} not written`);
    }
    await writeCaptureFile(out, captured, flags.force ?? false);
    const note = redacted.length ? ` (redacted: ${redacted.join(', ')})` : '';
    ctx.err(`capture: wrote ${captured.length} record(s) to ${flags.out}${note}\n`);
    if (failure) throw failure;
  } finally {
    session.close();
  }
}

/**
 * `memory-cdc capture`: saves live stream records as a fixture file (Lambda's event format),
 * with chosen attributes redacted, for `replay`.
 */
export const registerCapture: RegisterCommand = (program: Command, ctx: CliContext) => {
  addEndpointOption(
    program.command('capture'),
    'DynamoDB endpoint, e.g. http://localhost:8000 for DynamoDB Local (--endpoint is an alias)',
  )
    .description(
      "Save records from a table's DynamoDB stream as a replayable fixture file (Lambda event format)",
    )
    .requiredOption('--out <file>', 'fixture file to write ({"Records": [...]})')
    .option('--table <name>', 'table whose newest stream to read')
    .option('--stream-arn <arn>', 'stream to read (instead of --table)')
    .option('--region <region>', 'AWS region (default: AWS_REGION / your AWS config)')
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
    .action((flags: CaptureFlags) => runCommand(ctx, 'capture', () => runCapture(flags, ctx)));
};
