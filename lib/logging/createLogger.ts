import { type DestinationStream, type Logger, pino } from 'pino';

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Name of the function or command, on every line. */
  name: string;
  /** @default 'info' */
  level?: string;
  /**
   * Log item contents (images, archive items, vector text). Off by default: agent memory is user
   * data; turn it on only to debug, with `MEMORY_CDC_LOG_CONTENTS=true`. @default false
   */
  logContents?: boolean;
  /** Where lines go. @default standard output */
  destination?: DestinationStream;
}

/** Paths that can hold item contents, wherever a log call nests them. */
const CONTENT_PATHS = [
  'before',
  'after',
  'item',
  'plain',
  'text',
  'NewImage',
  'OldImage',
  '*.before',
  '*.after',
  '*.item',
  '*.plain',
  '*.text',
  '*.NewImage',
  '*.OldImage',
  '*.dynamodb.NewImage',
  '*.dynamodb.OldImage',
  '*.Detail.before',
  '*.Detail.after',
];

/**
 * The one logger factory: pino, JSON lines, item contents redacted unless asked for. Handlers log one
 * summary line per batch with counts and reasons, never contents; the redaction is a second guard.
 *
 * @example
 * ```ts
 * import { createLogger } from 'memory-cdc';
 *
 * const logger = createLogger({ name: 'router', level: process.env.LOG_LEVEL });
 * logger.info({ records: 100, failed: 0 }, 'batch');
 * ```
 */
export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level ?? 'info',
    base: { function: options.name },
    redact: options.logContents ? [] : { paths: CONTENT_PATHS, censor: '[redacted]' },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
