/** Offline EventBridge event-pattern engine: validate, compile and match patterns like EventBridge. */
export { type CompileOptions, compilePattern } from './compilePattern.js';
export { compileRules } from './compileRules.js';
export { InvalidPatternError } from './InvalidPatternError.js';
export { MAX_PATTERN_LENGTH } from './limits.js';
export { matchesPattern } from './matchesPattern.js';
export type { CompiledPattern, RuleSet, ValueMatcher } from './types.js';
