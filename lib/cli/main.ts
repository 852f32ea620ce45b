import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';
import type { CliContext } from './types.js';

/** Builds the `memory-cdc` program; tests call this with their own context. */
export function createProgram(context: CliContext): Command {
  const program = new Command('memory-cdc')
    .description('Change-data-capture for AI agent memory on DynamoDB')
    .exitOverride()
    .configureOutput({ writeOut: (s) => context.out(s), writeErr: (s) => context.err(s) });
  registerCommands(program, context);
  return program;
}

/** Runs the CLI and resolves to the exit code. */
export async function main(argv: string[], context?: Partial<CliContext>): Promise<number> {
  const ctx: CliContext = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    exitCode: 0,
    cwd: process.cwd(),
    ...context,
  };
  try {
    await createProgram(ctx).parseAsync(argv);
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : Math.max(ctx.exitCode, 2);
    ctx.err(`memory-cdc: ${error instanceof Error ? error.message : String(error)}\n`);
    return Math.max(ctx.exitCode, 1);
  }
}
