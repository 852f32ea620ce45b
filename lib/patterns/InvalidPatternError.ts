import { MemoryCdcError } from '../errors.js';

/**
 * An EventBridge event pattern that PutRule would reject (InvalidEventPatternException). `reason`
 * says what is wrong, `path` where (dotted field path, e.g. `detail.state`), and `rule` which rule of
 * a rules file, when the pattern came from one.
 *
 * @example
 * ```ts
 * try {
 *   compilePattern({ detail: { state: [] } });
 * } catch (error) {
 *   if (error instanceof InvalidPatternError) console.error(error.reason); // 'Empty arrays are not allowed'
 * }
 * ```
 */
export class InvalidPatternError extends MemoryCdcError {
  /** What is wrong, in the words PutRule's reason uses where it has them. */
  readonly reason: string;
  /** Dotted path of the offending field (`detail.state`); undefined for the pattern as a whole. */
  readonly path: string | undefined;
  /** Name of the rule whose pattern is invalid, when it came from a rules file. */
  readonly rule: string | undefined;

  constructor(reason: string, options: { path?: string; rule?: string; cause?: unknown } = {}) {
    const where = options.path ? ` (at ${options.path})` : '';
    const rule = options.rule === undefined ? '' : `rule ${JSON.stringify(options.rule)}: `;
    super(`${rule}Event pattern is not valid. Reason: ${reason}${where}`, { cause: options.cause });
    this.reason = reason;
    this.path = options.path || undefined;
    this.rule = options.rule;
  }
}
