import { ConfigError } from '../errors.js';
import { type CompileOptions, compilePattern } from './compilePattern.js';
import { InvalidPatternError } from './InvalidPatternError.js';
import type { RuleSet, ValueMatcher } from './types.js';

/**
 * Compiles a rules file (`{ "rule-name": eventPattern, … }`) into a {@link RuleSet} that tells which
 * rules an event fires, in the file's order. Every pattern is compiled once, up front, so a typo is
 * reported before any event is matched. (As with any JS object, rule names that look like array
 * indices, e.g. `"42"`, come before the others.)
 *
 * @example
 * ```ts
 * const rules = compileRules({
 *   'all-turns': { source: ['memory-cdc'], 'detail-type': ['Turn Created'] },
 *   'failed-runs': { source: ['memory-cdc'], detail: { transition: { to: ['failed'] } } },
 * });
 * rules.match(event); // e.g. ['all-turns']
 * rules.names; // ['all-turns', 'failed-runs']
 * ```
 * @param rules rule name -> event pattern (object or JSON text)
 * @param options passed to {@link compilePattern}
 * @throws InvalidPatternError naming the rule whose pattern is malformed
 * @throws ConfigError when `rules` is not an object
 */
export function compileRules(rules: Record<string, unknown>, options: CompileOptions = {}): RuleSet {
  if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) {
    throw new ConfigError('rules must be a JSON object mapping rule names to event patterns');
  }
  const names = Object.keys(rules);
  const matchers: ValueMatcher[] = names.map((name) => {
    try {
      return compilePattern(rules[name], options).matches;
    } catch (error) {
      if (!(error instanceof InvalidPatternError)) throw error;
      throw new InvalidPatternError(error.reason, { path: error.path, rule: name, cause: error });
    }
  });
  const count = names.length;
  return {
    names,
    match(event: unknown): string[] {
      const matched: string[] = [];
      for (let i = 0; i < count; i++) if (matchers[i]!(event)) matched.push(names[i]!);
      return matched;
    },
  };
}
