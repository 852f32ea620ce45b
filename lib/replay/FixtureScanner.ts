/**
 * Finds the records of a fixture file as its text arrives, chunk by chunk, and parses each one with
 * the runtime's own `JSON.parse`: the scanner only follows the file's outer structure (the top-level
 * object and its `Records` array, or a bare array) and, inside a record, strings and bracket depth —
 * enough to know where each record ends. So memory holds one chunk plus one record whatever the
 * file's size, and each record costs one native parse instead of a token-by-token one.
 *
 * Every byte is still checked: the outer structure here (commas, colons, brackets, what follows the
 * end), each record and each other top-level member by `JSON.parse`. A file that is not JSON is
 * reported with the byte where it goes wrong; the records before that point have been returned.
 */

import { FixtureError } from '../errors.js';
import { jsonSyntaxReason as syntaxReason } from '../jsonSyntaxReason.js';
import type { FixtureEntry } from './readFixtureRecords.js';

/** The message for JSON that is not a DynamoDB Streams event. */
export const NOT_AN_EVENT =
  'not a DynamoDB Streams event: expected {"Records": [...]} or an array of records';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const BOM = 0xfeff;

// Where the outer structure is: what the next significant character may be.
/** Nothing yet: `{` or `[`. */
const START = 0;
/** After the top-level `{`: a member name or `}`. */
const OBJECT_FIRST = 1;
/** After a `,` between members: a member name. */
const OBJECT_KEY = 2;
/** After a member name: `:`. */
const OBJECT_COLON = 3;
/** After `:`: the member's value (`[` when the member is `Records`). */
const OBJECT_VALUE = 4;
/** After a member's value: `,` or `}`. */
const OBJECT_NEXT = 5;
/** After the records array's `[`: a record or `]`. */
const ARRAY_FIRST = 6;
/** After a `,` between records: a record. */
const ARRAY_VALUE = 7;
/** After a record: `,` or `]`. */
const ARRAY_NEXT = 8;
/** After the top-level value: whitespace only. */
const DONE = 9;

// What the value being scanned is.
const RECORD = 0;
const KEY = 1;
const MEMBER = 2;

const EXPECTED: Record<number, string> = {
  [START]: '{ or [',
  [OBJECT_FIRST]: 'a member name or }',
  [OBJECT_KEY]: 'a member name',
  [OBJECT_COLON]: ':',
  [OBJECT_VALUE]: 'a value',
  [OBJECT_NEXT]: ', or }',
  [ARRAY_FIRST]: 'a record or ]',
  [ARRAY_VALUE]: 'a record',
  [ARRAY_NEXT]: ', or ]',
};

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** True for a character that ends a number or literal (`true`, `false`, `null`). */
function endsPrimitive(c: number): boolean {
  return c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE || isWhitespace(c);
}

/** The position of the quote that closes a string, searching from `from`; -1 when not in `text` yet. */
function closingQuote(text: string, from: number): number {
  for (let q = text.indexOf('"', from); q >= 0; q = text.indexOf('"', q + 1)) {
    // Escaped when an odd number of backslashes precede it (the opening quote stops the count).
    let k = q - 1;
    while (text.charCodeAt(k) === BACKSLASH) k--;
    if (((q - 1 - k) & 1) === 0) return q;
  }
  return -1;
}

/**
 * Splits fixture text into records as it arrives: a Lambda event (`{"Records": [...]}`, other
 * top-level members allowed and checked) or a bare array of records, with or without a UTF-8
 * byte-order mark. Push the file's text in pieces of any size, then call {@link end}. Errors do not
 * throw: the records before them are returned, and {@link failure} says what went wrong.
 *
 * @example
 * ```ts
 * const scanner = new FixtureScanner('events/conversation.json');
 * const entries = [...scanner.push('{"Records":[{"eventID":"1"},'), ...scanner.push('{"eventID":"2"}]}')];
 * scanner.end();
 * entries.map((e) => e.index); // [0, 1]
 * scanner.failure; // undefined
 * ```
 */
export class FixtureScanner {
  /** Why the file cannot be read as fixture records (set once; nothing is returned after it). */
  failure: FixtureError | undefined;

  /** Text not yet consumed: from the start of the value being scanned, else from `pos`. */
  private text = '';
  /** UTF-8 bytes of the text consumed before `text` (for positions in messages). */
  private bytesBefore = 0;
  /** Scan position in `text`. */
  private pos = 0;
  private state = START;
  /** Start (in `text`) of the value being scanned; -1 when between values. */
  private valueStart = -1;
  private valueKind = RECORD;
  /** Inside a value being scanned: bracket depth, and whether `pos` is inside a string. */
  private depth = 0;
  private inString = false;
  /** True when the top level is a bare array of records. */
  private bare = false;
  private key = '';
  private recordsSeen = false;
  private index = 0;
  private started = false;

  constructor(private readonly file: string) {}

  /** Scans the next piece of the file's text; returns the records completed in it, in order. */
  push(chunk: string): FixtureEntry[] {
    const out: FixtureEntry[] = [];
    if (this.failure || chunk.length === 0) return out;
    this.text = this.pos < this.text.length || this.valueStart >= 0 ? this.text + chunk : chunk;
    try {
      this.scan(out);
    } catch (error) {
      if (!(error instanceof FixtureError)) throw error;
      this.failure = error;
      return out;
    }
    // Keep only what is still needed: the value in progress (it is parsed whole), or nothing.
    const keep = this.valueStart >= 0 ? this.valueStart : this.pos;
    if (keep > 0) {
      this.bytesBefore += Buffer.byteLength(keep >= this.text.length ? this.text : this.text.slice(0, keep));
      this.text = keep >= this.text.length ? '' : this.text.slice(keep);
      this.pos -= keep;
      if (this.valueStart >= 0) this.valueStart -= keep;
    }
    return out;
  }

  /** The file ended: sets {@link failure} when the JSON is incomplete or holds no records array. */
  end(): void {
    if (this.failure) return;
    if (!this.started) this.failure = this.error('not JSON: the file is empty');
    else if (this.state !== DONE) {
      const where =
        this.valueStart >= 0 && this.valueKind === RECORD
          ? `, in Records[${this.index}]`
          : this.state >= ARRAY_FIRST
            ? `, in the records array after ${this.index} record(s)`
            : '';
      this.failure = this.error(
        `not JSON: the file ends before its JSON does (at byte ${this.bytesBefore + Buffer.byteLength(this.text)}${where})`,
      );
    } else if (!this.recordsSeen) this.failure = this.error(NOT_AN_EVENT);
  }

  private error(message: string): FixtureError {
    return new FixtureError(this.file, message);
  }

  /** The byte offset in the file of position `at` of `text`. */
  private byteAt(at: number): number {
    return this.bytesBefore + Buffer.byteLength(this.text.slice(0, at));
  }

  private unexpected(at: number): FixtureError {
    const c = String.fromCodePoint(this.text.codePointAt(at) ?? 0);
    if (this.state === START)
      return this.error(`not JSON: it does not start with { or [ (found ${JSON.stringify(c)})`);
    if (this.state === DONE && !this.recordsSeen)
      return this.error(`${NOT_AN_EVENT} (found one JSON value after another, as in JSON Lines)`);
    if (this.state === DONE)
      return this.error(
        `not JSON: unexpected ${JSON.stringify(c)} at byte ${this.byteAt(at)}, after the end of the JSON value`,
      );
    return this.error(
      `not JSON: unexpected ${JSON.stringify(c)} at byte ${this.byteAt(at)}, expected ${EXPECTED[this.state]}`,
    );
  }

  private scan(out: FixtureEntry[]): void {
    const text = this.text;
    const n = text.length;
    while (this.pos < n) {
      if (this.valueStart >= 0) {
        const end = this.valueEnd(text, n);
        if (end < 0) return;
        this.finishValue(text.slice(this.valueStart, end), out);
        this.pos = end;
        continue;
      }
      const at = this.pos;
      const c = text.charCodeAt(at);
      if (isWhitespace(c) || (c === BOM && !this.started && this.bytesBefore === 0 && at === 0)) {
        this.pos++;
        continue;
      }
      this.started = true;
      switch (this.state) {
        case START:
          if (c === OPEN_BRACE) this.state = OBJECT_FIRST;
          else if (c === OPEN_BRACKET) {
            this.bare = true;
            this.recordsSeen = true;
            this.state = ARRAY_FIRST;
          } else throw this.unexpected(at);
          this.pos++;
          break;
        case OBJECT_FIRST:
        case OBJECT_KEY:
          if (c === QUOTE) this.beginValue(KEY, at);
          else if (c === CLOSE_BRACE && this.state === OBJECT_FIRST) {
            this.state = DONE;
            this.pos++;
          } else throw this.unexpected(at);
          break;
        case OBJECT_COLON:
          if (c !== COLON) throw this.unexpected(at);
          this.state = OBJECT_VALUE;
          this.pos++;
          break;
        case OBJECT_VALUE:
          if (this.key !== 'Records') this.beginValue(MEMBER, at);
          else if (c === OPEN_BRACKET) {
            this.recordsSeen = true;
            this.state = ARRAY_FIRST;
            this.pos++;
          } else throw this.error(NOT_AN_EVENT);
          break;
        case OBJECT_NEXT:
          if (c === COMMA) this.state = OBJECT_KEY;
          else if (c === CLOSE_BRACE) this.state = DONE;
          else throw this.unexpected(at);
          this.pos++;
          break;
        case ARRAY_FIRST:
        case ARRAY_VALUE:
          if (c === CLOSE_BRACKET && this.state === ARRAY_FIRST) {
            this.state = this.bare ? DONE : OBJECT_NEXT;
            this.pos++;
          } else if (c === CLOSE_BRACKET || c === COMMA || c === CLOSE_BRACE || c === COLON)
            throw this.unexpected(at);
          else this.beginValue(RECORD, at);
          break;
        case ARRAY_NEXT:
          if (c === COMMA) this.state = ARRAY_VALUE;
          else if (c === CLOSE_BRACKET) this.state = this.bare ? DONE : OBJECT_NEXT;
          else throw this.unexpected(at);
          this.pos++;
          break;
        default:
          throw this.unexpected(at);
      }
    }
  }

  private beginValue(kind: number, at: number): void {
    this.valueKind = kind;
    this.valueStart = at;
    this.depth = 0;
    this.inString = false;
  }

  /**
   * Scans the value that starts at `valueStart` from `pos`: its end (exclusive), or -1 when it goes
   * on past the text so far (`pos`, `depth` and `inString` then say where to resume).
   */
  private valueEnd(text: string, n: number): number {
    let i = this.pos;
    const first = text.charCodeAt(this.valueStart);
    if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
      if (first === QUOTE) {
        const q = closingQuote(text, i === this.valueStart ? i + 1 : i);
        if (q >= 0) return q + 1;
        this.pos = n;
        return -1;
      }
      // A number or literal: it ends at the first delimiter.
      while (i < n && !endsPrimitive(text.charCodeAt(i))) i++;
      this.pos = i;
      return i < n ? i : -1;
    }
    let depth = this.depth;
    if (this.inString) {
      const q = closingQuote(text, i);
      if (q < 0) {
        this.pos = n;
        return -1;
      }
      this.inString = false;
      i = q + 1;
    }
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        const q = closingQuote(text, i + 1);
        if (q < 0) {
          this.depth = depth;
          this.inString = true;
          this.pos = n;
          return -1;
        }
        i = q;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) return i + 1;
    }
    this.depth = depth;
    this.pos = n;
    return -1;
  }

  private finishValue(json: string, out: FixtureEntry[]): void {
    const start = this.valueStart;
    const kind = this.valueKind;
    this.valueStart = -1;
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (error) {
      const { reason, position } = syntaxReason(error);
      const where = kind === RECORD ? ` in Records[${this.index}]` : kind === KEY ? ' in a member name' : '';
      throw this.error(`not JSON: ${reason} at byte ${this.byteAt(start + (position ?? 0))}${where}`);
    }
    if (kind === RECORD) {
      out.push({ index: this.index++, record: value });
      this.state = ARRAY_NEXT;
    } else if (kind === KEY) {
      this.key = value as string;
      this.state = OBJECT_COLON;
    } else this.state = OBJECT_NEXT;
  }
}
