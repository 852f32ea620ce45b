import { LayoutError } from '../errors.js';

/**
 * Value types a placeholder may require (`{timestamp:time}`, `{step:step}`), so two templates of the
 * same shape — the literal seed layout's `{conversationId}#{timestamp}` and `{runId}#{step}` — tell
 * their items apart by the value of the last segment. `{id:any}` matches any non-empty text, `#`
 * included (a whole key attribute that is an opaque id, like a session id).
 */
export const PLACEHOLDER_TYPES = ['time', 'step', 'any'] as const;

/** One of {@link PLACEHOLDER_TYPES}. */
export type PlaceholderType = (typeof PLACEHOLDER_TYPES)[number];

/** Epoch values below this (2001-09-09 in seconds) are step numbers, not times. */
const EPOCH_FLOOR = 1_000_000_000;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * True when `value` is a time: an ISO-8601 date or date-time (`2026-11-21T10:00:00.000Z`,
 * `2026-11-21`), or epoch seconds or milliseconds (digits, optionally with a fraction, at least
 * 10^9 — 2001-09-09 in seconds).
 */
export function isTimeValue(value: string): boolean {
  if (ISO_8601.test(value)) return !Number.isNaN(Date.parse(value.replace(' ', 'T')));
  return /^\d+(?:\.\d+)?$/.test(value) && Number(value) >= EPOCH_FLOOR;
}

/** True when `value` is a step number: digits (zero-padding allowed) whose value is below 10^9. */
export function isStepValue(value: string): boolean {
  return /^\d{1,12}$/.test(value) && Number(value) < EPOCH_FLOOR;
}

const TYPE_TESTS: Record<PlaceholderType, (value: string) => boolean> = {
  time: isTimeValue,
  step: isStepValue,
  any: () => true,
};

/** A compiled key template such as `CONV#{conversationId}#TS#{timestamp}`. */
export interface KeyTemplate {
  readonly source: string;
  /** Literal text before the first placeholder: a cheap test before the regex. */
  readonly prefix: string;
  readonly names: readonly string[];
  /** Captured placeholder values, or undefined when the key does not fit the template. */
  match(value: string): Record<string, string> | undefined;
  /** The same values as {@link match}, in the order of {@link names}, without building a record. */
  capture(value: string): string[] | undefined;
  /** Builds a key value from identifiers (fixtures and restores use it). */
  format(values: Record<string, string>): string;
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z]+))?\}/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * True when a template's placeholders can be read without its regex: none is `:any`, and each is
 * followed by a literal that starts with `#` (or ends the template). A `[^#]+` placeholder then
 * ends exactly at the next `#` (or the end), so the regex never backtracks and a scan for `#`
 * finds the same values — the shape of every shipped layout's keys (`CONV#{conversationId}#TS#…`).
 */
function splitsAtSeparators(
  literals: readonly string[],
  types: readonly [number, PlaceholderType][],
): boolean {
  if (types.some(([, type]) => type === 'any')) return false;
  for (let i = 1; i < literals.length; i++) {
    const literal = literals[i]!;
    if (literal === '' ? i !== literals.length - 1 : !literal.startsWith('#')) return false;
  }
  return true;
}

/**
 * The placeholder values of `value` under a template that {@link splitsAtSeparators} (`value`
 * starts with `literals[0]`), or undefined when it does not fit: what the template's regex
 * captures, found with `indexOf` instead.
 */
function splitAtSeparators(value: string, literals: readonly string[]): string[] | undefined {
  const captured: string[] = [];
  let position = literals[0]!.length;
  for (let i = 1; i < literals.length; i++) {
    let end = value.indexOf('#', position);
    if (end === -1) end = value.length;
    if (end === position) return undefined; // a placeholder matches one character or more
    const literal = literals[i]!;
    if (!value.startsWith(literal, end)) return undefined;
    captured.push(value.slice(position, end));
    position = end + literal.length;
  }
  return position === value.length ? captured : undefined;
}

/**
 * Compiles a key template. Placeholders match one or more characters other than `#`, the
 * separator every shipped layout uses, so `CONV#{conversationId}` never swallows a turn's
 * `CONV#c1#TS#…` sort key. A placeholder may name a value type after a colon: `{timestamp:time}`
 * matches only an ISO-8601 or epoch time, `{step:step}` only a step number (see
 * {@link isTimeValue}, {@link isStepValue}), `{id:any}` any non-empty text, `#` included.
 *
 * @example
 * ```ts
 * const turn = compileKeyTemplate('{conversationId}#{timestamp:time}');
 * turn.match('c-7f3a#2026-11-21T10:00:00.000Z'); // { conversationId: 'c-7f3a', timestamp: '2026-11-21T10:00:00.000Z' }
 * turn.match('r-9#3'); // undefined: 3 is a step number, not a time
 * ```
 * @throws LayoutError for an empty template, a placeholder used twice or an unknown value type
 */
export function compileKeyTemplate(source: string): KeyTemplate {
  if (typeof source !== 'string' || source === '')
    throw new LayoutError('a key template must be a non-empty string');
  const names: string[] = [];
  const types: [number, PlaceholderType][] = [];
  /** The literal text before each placeholder, and after the last one. */
  const literals: string[] = [];
  let pattern = '^';
  let last = 0;
  for (const m of source.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    if (names.includes(name)) throw new LayoutError(`key template ${source} uses {${name}} twice`);
    const type = m[2];
    if (type !== undefined) {
      if (!(PLACEHOLDER_TYPES as readonly string[]).includes(type)) {
        throw new LayoutError(
          `key template ${source}: unknown value type :${type} of {${name}} (one of ${PLACEHOLDER_TYPES.join(', ')})`,
        );
      }
      types.push([names.length, type as PlaceholderType]);
    }
    names.push(name);
    literals.push(source.slice(last, m.index));
    pattern += `${escapeRegExp(source.slice(last, m.index))}${type === 'any' ? '(.+)' : '([^#]+)'}`;
    last = m.index! + m[0].length;
  }
  literals.push(source.slice(last));
  pattern += `${escapeRegExp(source.slice(last))}$`;
  const regex = new RegExp(pattern);
  const split = splitsAtSeparators(literals, types) ? literals : undefined;
  const firstBrace = source.indexOf('{');
  const prefix = firstBrace === -1 ? source : source.slice(0, firstBrace);
  const capture = (value: string): string[] | undefined => {
    if (!value.startsWith(prefix)) return undefined;
    const captured = split ? splitAtSeparators(value, split) : regex.exec(value)?.slice(1);
    if (!captured) return undefined;
    for (let t = 0; t < types.length; t++) {
      const [i, type] = types[t]!;
      if (!TYPE_TESTS[type](captured[i]!)) return undefined;
    }
    return captured;
  };
  return {
    source,
    prefix,
    names,
    match(value) {
      const captured = capture(value);
      if (!captured) return undefined;
      // No prototype (a placeholder may be named `__proto__`), built fast: see `emptyRecord`.
      const out: Record<string, string> = Object.setPrototypeOf({}, null);
      for (let i = 0; i < names.length; i++) out[names[i]!] = captured[i]!;
      return out;
    },
    capture,
    format(values) {
      return source.replace(PLACEHOLDER, (_match, name: string) => {
        const value = Object.hasOwn(values, name) ? values[name] : undefined;
        if (value === undefined) throw new LayoutError(`key template ${source} needs {${name}}`);
        return value;
      });
    },
  };
}
