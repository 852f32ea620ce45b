import { MemoryCdcError } from '../errors.js';
import { EXIT_CODES, exitCodeOf } from './exitCodes.js';
import { interruptCount } from './interrupts.js';
import type { CliContext } from './types.js';

/**
 * Writes `memory-cdc <command>: <message>` for an error and returns its exit code
 * ({@link exitCodeOf}). An error that is not one of memory-cdc's own (a bug, or an SDK error that
 * escaped) is reported the same way, with its class name, so the first line always says what failed.
 */
export function reportError(ctx: CliContext, command: string, error: unknown): number {
  const prefix = command ? `memory-cdc ${command}` : 'memory-cdc';
  const message =
    error instanceof MemoryCdcError
      ? error.message
      : error instanceof Error
        ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`
        : String(error);
  ctx.err(`${prefix}: ${message}\n`);
  if (process.env.MEMORY_CDC_DEBUG && error instanceof Error && error.stack) ctx.err(`${error.stack}\n`);
  return exitCodeOf(error);
}

/**
 * Runs one command's work with the exit-code rule every command follows: 0 when it did its work,
 * 1 when the work failed (the command sets `ctx.exitCode = 1`, or throws), 2 when the command line
 * or a file it names is wrong (ConfigError, LayoutError, InvalidPatternError), 130 when Ctrl-C
 * interrupted it (it still stops cleanly and reports what it did). Errors are written to stderr
 * as `memory-cdc <command>: <message>`.
 *
 * @example
 * ```ts
 * program
 *   .command('tail')
 *   .option('--table <name>', 'table to read')
 *   .action((flags) => runCommand(ctx, 'tail', () => runTail(flags, ctx)));
 * ```
 */
export async function runCommand(ctx: CliContext, command: string, run: () => unknown): Promise<void> {
  const interruptsBefore = interruptCount();
  const interrupted = () => interruptCount() > interruptsBefore;
  try {
    await run();
  } catch (error) {
    // An interrupted command's aborted calls are not failures: it stopped because it was asked to.
    if (interrupted() && !(error instanceof MemoryCdcError && exitCodeOf(error) === EXIT_CODES.usage)) {
      ctx.exitCode = EXIT_CODES.interrupted;
      return;
    }
    ctx.exitCode = reportError(ctx, command, error);
    return;
  }
  if (interrupted()) ctx.exitCode = EXIT_CODES.interrupted;
}
