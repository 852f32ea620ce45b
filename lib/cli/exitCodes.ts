/**
 * The exit codes every `memory-cdc` command uses, and the one mapping from error classes to them.
 * Callers branch on the error's class, never on its message.
 */
import { CommanderError } from 'commander';
import { ConfigError, InterruptedError, LayoutError } from '../errors.js';
import { InvalidPatternError } from '../patterns/InvalidPatternError.js';

/** The exit codes, as the README's "Conventions" section lists them. */
export const EXIT_CODES = {
  /** The command did its work. */
  success: 0,
  /** The command ran but the work failed: records failed or were not delivered, AWS refused, no match. */
  failed: 1,
  /** The command line or a file it names is wrong (unknown flag, bad value, bad config file). */
  usage: 2,
  /** Interrupted by Ctrl-C (SIGINT) or SIGTERM, after stopping cleanly. */
  interrupted: 130,
} as const;

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/**
 * The exit code an error stands for: a wrong command line or config file (ConfigError and its
 * subclasses, LayoutError, InvalidPatternError, commander's parse errors) is 2; an interruption 130;
 * anything else 1.
 *
 * @example
 * ```ts
 * exitCodeOf(new ConfigError('--count must be a positive integer')); // 2
 * exitCodeOf(new DeliveryError('kinesis', 'throttled', true)); // 1
 * ```
 */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof InterruptedError) return EXIT_CODES.interrupted;
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_CODES.success : EXIT_CODES.usage;
  if (error instanceof ConfigError || error instanceof LayoutError || error instanceof InvalidPatternError)
    return EXIT_CODES.usage;
  return EXIT_CODES.failed;
}
