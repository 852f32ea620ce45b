import type { Command } from 'commander';

/** What a CLI command writes to and reports back; tests pass their own. */
export interface CliContext {
  /** Write to standard output (a newline is not added). */
  out(text: string): void;
  /** Write to standard error (a newline is not added). */
  err(text: string): void;
  /** Exit code of the run; commands set it (0 by default). */
  exitCode: number;
  /** Working directory paths resolve against. */
  cwd: string;
}

/** A CLI command module registers itself on the program. */
export type RegisterCommand = (program: Command, context: CliContext) => void;
