import { resolve } from 'node:path';
import type { KinesisStreamRecord } from 'aws-lambda';
import type { Command } from 'commander';
import { ConfigError, MemoryCdcError } from '../../errors.js';
import { parseAttributeList, Redactor } from '../../live/redactRecord.js';
import {
  parsePrecision,
  parseStreamFlags,
  type StreamFlags,
  StreamSession,
} from '../../live/StreamSession.js';
import { toKinesisCaptureRecord } from '../../live/toKinesisCaptureRecord.js';
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
  format: string;
}

/** The file formats `capture --format` writes. */
const CAPTURE_FORMATS = ['dynamodb', 'kinesis'] as const;

async function runCapture(flags: CaptureFlags, ctx: CliContext): Promise<void> {
  // --precision also sets the unit `--format kinesis` writes from a DynamoDB stream.
  const reading = parseStreamFlags(flags.kinesisStream ? flags : { ...flags, precision: undefined });
  const precision = parsePrecision(flags.precision);
  const redacted = flags.redact ? parseAttributeList(flags.redact) : [];
  if (flags.redact !== undefined && redacted.length === 0)
    throw new ConfigError('--redact needs attribute names: --redact text,content');
  const redactor = new Redactor(redacted);
  const format = flags.format;
  if (!(CAPTURE_FORMATS as readonly string[]).includes(format)) {
    throw new ConfigError(
      `--format must be ${CAPTURE_FORMATS.join(' or ')} (given ${JSON.stringify(format)})`,
    );
  }
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
  const kinesisFile: KinesisStreamRecord[] = [];
  let unconverted = 0;
  try {
    const streamArn = await session.streamArn();
    ctx.err(
      `capture: reading ${streamArn} from ${reading.startAt} until ${reading.count} record(s); Ctrl-C to stop early\n`,
    );
    // A stream that fails mid-way: keep what was read before.
    const failure = await session.read(streamArn, ({ records, kinesisRecords, undecodable = [] }) => {
      for (const bad of undecodable) {
        unconverted++;
        ctx.err(
          `error: shard ${bad.shardId}, Kinesis record ${bad.sequenceNumber}: ${bad.error.message} (not captured)\n`,
        );
      }
      records.forEach((record, i) => {
        const kept = redactor.redact(record);
        captured.push(kept);
        if (format === 'kinesis') {
          kinesisFile.push(
            toKinesisCaptureRecord(kept, {
              read: kinesisRecords?.[i],
              redacted: redacted.length > 0,
              ...(precision !== 'auto' ? { precision } : {}),
            }),
          );
        }
      });
    });
    if (captured.length === 0) {
      throw failure ?? new MemoryCdcError(`no records captured; ${flags.out} not written`);
    }
    await writeCaptureFile(out, format === 'kinesis' ? kinesisFile : captured, flags.force ?? false);
    const note = redacted.length ? ` (redacted: ${redacted.join(', ')})` : '';
    const shape =
      format === 'kinesis' ? ' in the Kinesis Data Streams for DynamoDB format (Lambda Kinesis event)' : '';
    ctx.err(`capture: wrote ${captured.length} record(s) to ${flags.out}${shape}${note}\n`);
    if (failure) throw failure;
    if (unconverted > 0) ctx.exitCode = 1;
  } finally {
    session.close();
  }
}

/**
 * `memory-cdc capture`: saves live stream records — from a table's DynamoDB stream or, with
 * `--kinesis-stream`, the Kinesis data stream it streams to — as a fixture file for `replay`: a
 * Lambda DynamoDB Streams event, or with `--format kinesis` a Lambda Kinesis event of Kinesis Data
 * Streams for DynamoDB records; chosen attributes redacted.
 */
export const registerCapture: RegisterCommand = (program: Command, ctx: CliContext) => {
  addEndpointOption(
    program.command('capture'),
    'DynamoDB Streams (or, with --kinesis-stream, Kinesis) endpoint, e.g. http://localhost:8000 for DynamoDB Local (--endpoint is an alias)',
  )
    .description(
      "Save records from a table's DynamoDB stream, or its Kinesis data stream, as a replayable fixture file (DynamoDB Streams event; --format kinesis: Kinesis Data Streams for DynamoDB)",
    )
    .requiredOption('--out <file>', 'fixture file to write ({"Records": [...]})')
    .option(
      '--format <format>',
      'dynamodb: a Lambda DynamoDB Streams event | kinesis: a Lambda Kinesis event of Kinesis Data Streams for DynamoDB records (replay reads both)',
      'dynamodb',
    )
    .option('--table <name>', 'table whose newest stream to read (with --kinesis-stream: only its changes)')
    .option('--stream-arn <arn>', 'stream to read (instead of --table)')
    .option(
      '--kinesis-stream <name|arn>',
      'read the Kinesis data stream the table streams to (Kinesis Data Streams for DynamoDB) instead of its DynamoDB stream; each change captured once',
    )
    .option(
      '--precision <precision>',
      'auto | microsecond | millisecond: with --kinesis-stream, the unit of ApproximateCreationDateTime when a record does not state it; with --format kinesis, the unit written (default microsecond)',
    )
    .option('--region <region>', 'AWS region (default: AWS_REGION / your AWS config)')
    .option('--count <n>', 'stop after n records', '100')
    .option(
      '--redact <attributes>',
      'comma-separated top-level attributes whose values are replaced (type and shape kept)',
    )
    .option(
      '--from <position>',
      'latest | trim-horizon (oldest record kept: up to 24 h back on a DynamoDB stream, the retention period on Kinesis)',
      'latest',
    )
    .option('--force', 'overwrite --out if it exists')
    .option('--poll-interval <ms>', 'wait before polling an idle shard again', '1000')
    .option('--progress <seconds>', 'print progress to stderr this often (0: never)', '10')
    .option('--no-progress', 'no progress lines')
    .option('--verbose', 'also report shard transitions (opened, ended, skipped)')
    .action((flags: CaptureFlags) => runCommand(ctx, 'capture', () => runCapture(flags, ctx)));
};
