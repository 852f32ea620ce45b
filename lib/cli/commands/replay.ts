import type { Command } from 'commander';
import { findFixtureFiles } from '../../replay/findFixtureFiles.js';
import { formatOutputLine } from '../../replay/formatOutput.js';
import { formatReplayError, formatSummary } from '../../replay/formatSummary.js';
import { replay } from '../../replay/replay.js';
import type { ReplaySummary } from '../../replay/types.js';
import { LocalArchiveSink } from '../../sinks/archive/LocalArchiveSink.js';
import { assertInputPaths } from '../assertInputPaths.js';
import { type PipelineFlags, readPipelineFlags } from '../readPipelineFlags.js';
import { runCommand } from '../runCommand.js';
import type { CliContext, RegisterCommand } from '../types.js';

/**
 * Waits while process.stdout holds more than it wants (a slow reader of `--json`), so outputs do
 * not pile up in memory. Resolves at once when stdout is not backed up (or is not what ctx.out
 * writes to, as in tests).
 */
function stdoutDrained(): Promise<void> | undefined {
  if (!process.stdout.writableNeedDrain) return undefined;
  return new Promise((resolve) => {
    process.stdout.once('drain', resolve);
    process.stdout.once('close', resolve);
  });
}

/** Characters of `--json` lines written at a time. */
const JSON_BLOCK = 64 * 1024;

/**
 * Collects `--json` lines and writes them a block at a time: written one by one, each line would be
 * a system call of its own when stdout is a file or /dev/null.
 */
class JsonLines {
  private block = '';
  constructor(private readonly out: (text: string) => void) {}

  /** Adds a line; a promise when stdout is backed up and the caller should wait for it. */
  add(line: string): Promise<void> | undefined {
    this.block += `${line}\n`;
    return this.block.length >= JSON_BLOCK ? this.flush() : undefined;
  }

  /** Writes what is held. */
  flush(): Promise<void> | undefined {
    if (this.block === '') return undefined;
    this.out(this.block);
    this.block = '';
    return stdoutDrained();
  }
}

/** The counts of `--json`'s stderr summary line (errors were printed line by line above it). */
function jsonSummary(summary: ReplaySummary) {
  const { errors, ...counts } = summary;
  return { ...counts, errors: errors.length };
}

interface ReplayFlags extends PipelineFlags {
  json?: boolean;
  archive: boolean;
  archiveDir: string;
}

async function runReplay(files: string[], flags: ReplayFlags, ctx: CliContext): Promise<void> {
  const { layout, routing, rules } = readPipelineFlags(flags, ctx.cwd);
  await assertInputPaths(files, ctx.cwd, 'fixture file or folder');
  const archive = flags.archive
    ? new LocalArchiveSink({ cwd: ctx.cwd, folder: flags.archiveDir })
    : undefined;
  const lines = flags.json ? new JsonLines(ctx.out) : undefined;
  let summary: ReplaySummary;
  try {
    summary = await replay({
      files: await findFixtureFiles(files, ctx.cwd),
      layout,
      routing,
      rules,
      sinks: archive ? { archive } : {},
      cwd: ctx.cwd,
      onOutput: lines ? (output, matched) => lines.add(formatOutputLine(output, matched)) : undefined,
      // With --json, stdout is for outputs: warnings go to stderr as they arise.
      onWarning: flags.json ? (message) => ctx.err(`warning: ${message}\n`) : undefined,
    });
  } finally {
    await lines?.flush();
  }
  // Each error once, on stderr; the summary (on stdout) counts them without repeating them.
  for (const e of summary.errors) ctx.err(`error: ${formatReplayError(e)}\n`);
  if (flags.json) {
    // The summary as one JSON line on stderr, so a run can be reconciled (records = replayed +
    // failed) while stdout carries only outputs.
    ctx.err(`${JSON.stringify({ summary: jsonSummary(summary) })}\n`);
  } else {
    const extra = archive
      ? [
          `Archive: ${summary.bySink.archive} expired item(s) in ${archive.written.length} object(s) under ${archive.folder}`,
        ]
      : [];
    ctx.out(formatSummary(summary, { extra, errors: false }));
  }
  if (summary.failed > 0 || summary.errors.length > 0) ctx.exitCode = 1;
}

/** `memory-cdc replay [FILES...]`: the main job. */
export const registerReplay: RegisterCommand = (program: Command, ctx: CliContext) => {
  program
    .command('replay')
    .description(
      'Replay DynamoDB Streams fixtures through the pipeline locally (default: every fixture in events/)',
    )
    .argument(
      '[files...]',
      'fixture files or folders: Lambda DynamoDB Streams events, or Lambda Kinesis events of Kinesis Data Streams for DynamoDB records (as capture --format kinesis writes)',
    )
    .option(
      '--layout <layout>',
      'agent-memory | mastra | path to a layout JSON file (default: detected per file)',
    )
    .option(
      '--json',
      'print one JSON object per routed output on stdout; errors and a one-line JSON summary go to stderr',
    )
    .option(
      '--rules <file>',
      'JSON object of rule name -> EventBridge event pattern; shows which rules each event fires',
    )
    .option('--routing <file>', 'JSON routing configuration (which entities go to which sink)')
    .option('--archive-dir <dir>', 'folder the local archive sink writes to', '.memory-cdc/archive')
    .option('--no-archive', 'do not write the local archive')
    .action((files: string[], flags: ReplayFlags) =>
      runCommand(ctx, 'replay', () => runReplay(files, flags, ctx)),
    );
};
