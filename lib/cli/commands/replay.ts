import type { Command } from 'commander';
import { MemoryCdcError } from '../../errors.js';
import { findFixtureFiles } from '../../replay/findFixtureFiles.js';
import { formatOutputLine } from '../../replay/formatOutput.js';
import { formatSummary } from '../../replay/formatSummary.js';
import { replay } from '../../replay/replay.js';
import { LocalArchiveSink } from '../../sinks/archive/LocalArchiveSink.js';
import { type PipelineFlags, readPipelineFlags } from '../readPipelineFlags.js';
import type { CliContext, RegisterCommand } from '../types.js';

interface ReplayFlags extends PipelineFlags {
  json?: boolean;
  archive: boolean;
  archiveDir: string;
}

async function runReplay(files: string[], flags: ReplayFlags, ctx: CliContext): Promise<void> {
  const { layout, routing, rules } = readPipelineFlags(flags, ctx.cwd);
  const archive = flags.archive
    ? new LocalArchiveSink({ cwd: ctx.cwd, folder: flags.archiveDir })
    : undefined;
  const summary = await replay({
    files: await findFixtureFiles(files, ctx.cwd),
    layout,
    routing,
    rules,
    sinks: archive ? { archive } : {},
    cwd: ctx.cwd,
    onOutput: flags.json ? (output, matched) => ctx.out(`${formatOutputLine(output, matched)}\n`) : undefined,
  });
  for (const e of summary.errors)
    ctx.err(`error: ${e.file}${e.eventId ? ` eventID ${e.eventId}` : ''}: ${e.message}\n`);
  if (!flags.json) {
    const extra = archive
      ? [
          `Archive: ${summary.bySink.archive} expired item(s) in ${archive.written.length} object(s) under ${archive.folder}`,
        ]
      : [];
    ctx.out(formatSummary(summary, { extra }));
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
    .argument('[files...]', 'fixture files or folders')
    .option(
      '--layout <layout>',
      'agent-memory | mastra | path to a layout JSON file (default: detected per file)',
    )
    .option('--json', 'print one JSON object per routed output instead of the summary')
    .option(
      '--rules <file>',
      'JSON object of rule name -> EventBridge event pattern; shows which rules each event fires',
    )
    .option('--routing <file>', 'JSON routing configuration (which entities go to which sink)')
    .option('--archive-dir <dir>', 'folder the local archive sink writes to', '.memory-cdc/archive')
    .option('--no-archive', 'do not write the local archive')
    .action(async (files: string[], flags: ReplayFlags) => {
      try {
        await runReplay(files, flags, ctx);
      } catch (error) {
        if (!(error instanceof MemoryCdcError)) throw error;
        ctx.err(`memory-cdc replay: ${error.message}\n`);
        ctx.exitCode = 2;
      }
    });
};
