import { Command, CommanderError } from 'commander';
import { packageVersion } from '../packageRoot.js';
import { registerCommands } from './commands/index.js';
import { EXIT_CODES } from './exitCodes.js';
import { reportError } from './runCommand.js';
import type { CliContext } from './types.js';
import { validateEndpointOptions } from './validateEndpointOptions.js';

/**
 * Builds the `memory-cdc` program for one run; tests call this with their own context. Only the
 * command `argv` names is loaded (see {@link registerCommands}).
 */
export async function createProgram(context: CliContext, argv: readonly string[]): Promise<Command> {
  const program = new Command('memory-cdc')
    .description('Change-data-capture for AI agent memory on DynamoDB')
    .version(packageVersion(), '-V, --version', 'print the version of memory-cdc')
    .exitOverride()
    .configureOutput({ writeOut: (s) => context.out(s), writeErr: (s) => context.err(s) });
  await registerCommands(program, context, argv.slice(2));
  validateEndpointOptions(program);
  return program;
}

/** Runs the CLI and resolves to the exit code (see lib/cli/exitCodes.ts). */
export async function main(argv: string[], context?: Partial<CliContext>): Promise<number> {
  const ctx: CliContext = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    exitCode: 0,
    cwd: process.cwd(),
    ...context,
  };
  try {
    await (await createProgram(ctx, argv)).parseAsync(argv);
    return ctx.exitCode;
  } catch (error) {
    // Commander has printed its own message (unknown flag, missing value, --help).
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_CODES.usage;
    return reportError(ctx, '', error);
  }
}
