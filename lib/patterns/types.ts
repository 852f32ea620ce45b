/**
 * Types of the offline EventBridge pattern engine. An event is the JSON object EventBridge delivers
 * (`{ version, id, "detail-type", source, account, time, region, resources, detail }`), already
 * parsed; patterns are the JSON objects PutRule takes.
 */

/** Tests one event value; `undefined` stands for "the field is absent". */
export type ValueMatcher = (value: unknown) => boolean;

/** A pattern compiled once and matched many times. */
export interface CompiledPattern {
  /** The pattern as given (parsed, when it was given as JSON text). */
  readonly pattern: Readonly<Record<string, unknown>>;
  /** True when EventBridge would deliver `event` to a rule with this pattern. */
  matches(event: unknown): boolean;
}

/** Named patterns, as in a rules file (`{ "rule-name": pattern, … }`). */
export interface RuleSet {
  /** Every rule name, in the file's order (including rules that never match). */
  readonly names: readonly string[];
  /** Names of the rules whose pattern matches `event`, in the file's order. */
  match(event: unknown): string[];
}
