/**
 * Runs one CLI command in-process on a fresh commander program (only that command registered), with
 * environment variables set or removed for the run and restored after it.
 */
import { Command, CommanderError } from 'commander';
import type { CliContext, RegisterCommand } from '../../lib/cli/types.js';
import type { CliRun } from './runCli.js';

/** Environment changes for one run. */
export interface RunEnvironment {
  /** Variables set for the run. */
  set?: Record<string, string>;
  /** Variables removed for the run (before `set` applies). */
  unset?: readonly string[];
}

/**
 * `memory-cdc <name> <args…>` with `register` (e.g. `registerRedrive`) as the only command.
 *
 * @example
 * ```ts
 * const { code, out } = await runRegisteredCommand(registerRedrive, 'redrive', ['.', '--dry-run'], cwd);
 * ```
 */
export async function runRegisteredCommand(
  register: RegisterCommand,
  name: string,
  args: string[],
  cwd: string,
  env: RunEnvironment = {},
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = { out: (s) => out.push(s), err: (s) => err.push(s), exitCode: 0, cwd };
  const program = new Command('memory-cdc')
    .exitOverride()
    .configureOutput({ writeOut: ctx.out, writeErr: ctx.err });
  register(program, ctx);
  const saved = { ...process.env };
  for (const variable of env.unset ?? []) delete process.env[variable];
  Object.assign(process.env, env.set ?? {});
  try {
    await program.parseAsync([name, ...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    ctx.exitCode = error.exitCode;
  } finally {
    process.env = saved;
  }
  return { code: ctx.exitCode, out: out.join(''), err: err.join('') };
}
