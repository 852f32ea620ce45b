/**
 * A JSON number that a double cannot hold exactly (an integer beyond ±2^53, or more significant
 * digits than a double keeps). Patterns and events are parsed with these in place of such numbers
 * so that `[9007199254740993]` never matches `9007199254740992`: EventBridge compares numbers it
 * cannot compare numerically by their exact value, and so does memory-cdc.
 */
import Tokenizer from '@streamparser/json/tokenizer.js';
import TokenParser from '@streamparser/json/tokenparser.js';
import { canonical, isExactDouble } from '../stream/jsonNumber.js';

export class ExactNumber {
  /** The number as written. */
  readonly text: string;
  /** The same value however it is written (`1e20` and `100000000000000000000` share it). */
  readonly key: string;
  constructor(text: string) {
    this.text = text;
    const c = canonical(text);
    this.key = c ? `\u0000number:${c.negative ? '-' : ''}${c.digits}e${c.exponent}` : `\u0000number:${text}`;
  }
  /** Written back as its exact decimal text (a string: JSON.stringify cannot emit raw numbers everywhere). */
  toJSON(): string {
    return this.text;
  }
}

/** The library's tokenizer, reading each number as {@link exactNumberOf} says. */
class ExactTokenizer extends Tokenizer {
  protected override parseNumber(text: string): number {
    return exactNumberOf(text) as number; // the token parser passes the value through untouched
  }
}

/** A number a double holds exactly as a JS number, else an {@link ExactNumber}. */
export function exactNumberOf(text: string): number | ExactNumber {
  return isExactDouble(text) ? Number(text) : new ExactNumber(text);
}

/**
 * Parses JSON without losing number precision: numbers a double holds exactly become JS numbers,
 * the others {@link ExactNumber}s. Otherwise as `JSON.parse`: a repeated key keeps its last value,
 * and a `__proto__` key stays an ordinary key (@streamparser/json defines own properties).
 *
 * @example
 * ```ts
 * parseJsonExact('[9007199254740993, 5]'); // [ExactNumber { text: '9007199254740993' }, 5]
 * ```
 * @throws SyntaxError for text that is not JSON
 */
export function parseJsonExact(text: string): unknown {
  const tokenizer = new ExactTokenizer();
  const parser = new TokenParser({ paths: ['$'] });
  tokenizer.onToken = parser.write.bind(parser);
  tokenizer.onEnd = () => {
    if (!parser.isEnded) parser.end();
  };
  let root: { value: unknown } | undefined;
  let failure: Error | undefined;
  parser.onValue = ({ value }) => {
    root = { value };
  };
  parser.onError = (error) => {
    failure ??= error;
  };
  tokenizer.onError = (error) => {
    failure ??= error;
  };
  try {
    tokenizer.write(text);
    if (!tokenizer.isEnded) tokenizer.end();
  } catch (error) {
    failure ??= error as Error;
  }
  if (failure || !root) throw new SyntaxError(failure?.message ?? 'Unexpected end of JSON input');
  return root.value;
}
