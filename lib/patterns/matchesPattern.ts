import { compilePattern } from './compilePattern.js';

/**
 * One-off check: does `event` match `pattern`? Compiles the pattern on every call; to match many
 * events, compile once with {@link compilePattern}.
 *
 * @example
 * ```ts
 * matchesPattern({ source: ['memory-cdc'] }, { source: 'memory-cdc', 'detail-type': 'Turn Created' }); // true
 * matchesPattern({ detail: { count: [5] } }, { detail: { count: '5' } }); // false: 5 is not "5"
 * ```
 * @throws InvalidPatternError when the pattern is malformed
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  return compilePattern(pattern).matches(event);
}
