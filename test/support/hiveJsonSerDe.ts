/**
 * A small reader of text objects the way Athena engine v3 reads a table declared with the Hive JSON
 * SerDe (`org.apache.hive.hcatalog.data.JsonSerDe`), for the archive's column types: it fails on
 * any line Athena would reject and on any line Athena would read differently from what was meant.
 *
 * The rules, from Trino's `JsonDeserializer` (trinodb/trino
 * lib/trino-hive-formats/src/main/java/io/trino/hive/formats/line/json/JsonDeserializer.java, which
 * Athena engine v3 uses for this SerDe and which its header calls "bug for bug compatible with Hive
 * JsonSerDe where possible") and Hive's `HiveJsonReader` (apache/hive
 * serde/src/java/org/apache/hadoop/hive/serde2/json/HiveJsonReader.java):
 * - a line is one JSON object ("start of object expected" otherwise); records are split on `\n`,
 *   `\r` or `\r\n` (Hadoop's LineRecordReader), and the SerDe wants one object per line;
 * - a field name matches a column case-insensitively (both lower-case it); unknown fields are
 *   skipped; a column with no field reads as NULL; JSON `null` reads as NULL;
 * - of two fields whose lower-cased names are equal, Trino keeps the last and Hive reads both: the
 *   reader rejects such a line, because which value a query sees then depends on the engine;
 * - partition columns are never read from the line (the connector fills them from the partition);
 * - a field named `_colN` that is no column is read as the N-th column (both readers'
 *   `_col([0-9]+)` fallback), so the reader rejects it;
 * - a scalar column (`string`) needs a JSON scalar ("varchar value must be a scalar json value");
 *   its text is the string's value, a number's text as written (so 38 digits survive), or
 *   `true`/`false`;
 * - a `map` needs a JSON object whose values fit the value type; a duplicate key is rejected here
 *   (Trino keeps one of them silently);
 * - a `struct` needs a JSON object, with the same field rules as the line;
 * - Jackson's default StreamReadConstraints (Jackson 2.15+) bound a string at 20,000,000 chars, a
 *   number at 1,000 chars and nesting at 1,000 levels; the reader rejects anything beyond them;
 * - a string with a lone UTF-16 surrogate cannot be written as UTF-8 (it would be replaced), so the
 *   reader rejects it.
 * The JSON itself is parsed strictly (RFC 8259: no comments, no single quotes, no NaN, no
 * unescaped control characters), as Jackson's defaults do.
 */
import type { HiveType } from '../../lib/archive/archiveColumns.js';

/** A value Athena reads from a column: text, NULL, a map or a struct (both as `Map`s). */
export type HiveValue = string | null | Map<string, HiveValue>;

/** A column of the table being read. */
export interface HiveColumn {
  name: string;
  type: HiveType;
}

/** A line Athena would reject or misread; `line` is 1-based. */
export class HiveReadError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const MAX_STRING = 20_000_000;
const MAX_NUMBER = 1_000;
const MAX_DEPTH = 1_000;

/** A parsed JSON value that keeps what a streaming parser sees: number text, field order, duplicates. */
export type JsonNode =
  | { kind: 'string'; text: string }
  | { kind: 'number'; text: string }
  | { kind: 'boolean'; text: 'true' | 'false' }
  | { kind: 'null' }
  | { kind: 'object'; fields: [name: string, value: JsonNode][] }
  | { kind: 'array'; items: JsonNode[] };

class JsonSyntaxError extends Error {}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Parses one JSON text strictly, keeping number text and duplicate fields.
 * @throws Error for text that is not one JSON value
 */
export function parseJson(text: string): JsonNode {
  let at = 0;
  const fail = (message: string): never => {
    throw new JsonSyntaxError(`${message} at column ${at + 1}`);
  };
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++;
  };
  const string = (): string => {
    at++; // opening quote
    let out = '';
    for (;;) {
      if (at >= text.length) fail('unterminated string');
      const c = text[at]!;
      if (c === '"') break;
      if (c < ' ') fail('unescaped control character in a string');
      if (c === '\\') {
        const e = text[at + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e !== undefined && e in simple) {
          out += simple[e];
          at += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) {
          out += String.fromCharCode(Number.parseInt(text.slice(at + 2, at + 6), 16));
          at += 6;
        } else fail('invalid escape');
        continue;
      }
      out += c;
      at++;
    }
    at++;
    if (out.length > MAX_STRING) fail(`string longer than ${MAX_STRING} characters`);
    if (LONE_SURROGATE.test(out)) fail('string with a lone surrogate (not valid UTF-8)');
    return out;
  };
  const value = (depth: number): JsonNode => {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
    space();
    const c = text[at];
    if (c === '{') {
      at++;
      const fields: [string, JsonNode][] = [];
      space();
      if (text[at] === '}') {
        at++;
        return { kind: 'object', fields };
      }
      for (;;) {
        space();
        if (text[at] !== '"') fail('field name expected');
        const name = string();
        space();
        if (text[at] !== ':') fail('":" expected');
        at++;
        fields.push([name, value(depth + 1)]);
        space();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] === '}') {
          at++;
          return { kind: 'object', fields };
        }
        fail('"," or "}" expected');
      }
    }
    if (c === '[') {
      at++;
      const items: JsonNode[] = [];
      space();
      if (text[at] === ']') {
        at++;
        return { kind: 'array', items };
      }
      for (;;) {
        items.push(value(depth + 1));
        space();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] === ']') {
          at++;
          return { kind: 'array', items };
        }
        fail('"," or "]" expected');
      }
    }
    if (c === '"') return { kind: 'string', text: string() };
    for (const word of ['true', 'false', 'null'] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return word === 'null' ? { kind: 'null' } : { kind: 'boolean', text: word };
      }
    }
    NUMBER.lastIndex = at;
    const number = NUMBER.exec(text);
    if (number) {
      at += number[0].length;
      if (number[0].length > MAX_NUMBER) fail(`number longer than ${MAX_NUMBER} characters`);
      return { kind: 'number', text: number[0] };
    }
    return fail('value expected');
  };
  const root = value(0);
  space();
  if (at !== text.length) fail('text after the JSON value');
  return root;
}

const typeLabel = (type: HiveType) => (type.kind === 'string' ? 'varchar' : type.kind);

function readValue(node: JsonNode, type: HiveType, path: string): HiveValue {
  if (node.kind === 'null') return null;
  switch (type.kind) {
    case 'string':
      if (node.kind === 'object' || node.kind === 'array')
        throw new Error(
          `${path}: ${typeLabel(type)} value must be a scalar json value (got an ${node.kind})`,
        );
      return node.text;
    case 'map': {
      if (node.kind !== 'object') throw new Error(`${path}: map needs a JSON object (got ${node.kind})`);
      const out = new Map<string, HiveValue>();
      for (const [key, value] of node.fields) {
        if (out.has(key)) throw new Error(`${path}: duplicate map key ${JSON.stringify(key)}`);
        out.set(key, readValue(value, type.value, `${path}[${JSON.stringify(key)}]`));
      }
      return out;
    }
    case 'struct':
      return readStruct(node, type.fields, new Set(), path);
  }
}

function readStruct(
  node: JsonNode,
  fields: readonly HiveColumn[],
  ignored: ReadonlySet<string>,
  path: string,
): Map<string, HiveValue> {
  if (node.kind !== 'object')
    throw new Error(`${path || 'line'}: start of object expected (got ${node.kind})`);
  const byName = new Map(fields.map((field) => [field.name.toLowerCase(), field]));
  const seen = new Map<string, string>();
  const out = new Map<string, HiveValue>(fields.map((field) => [field.name.toLowerCase(), null]));
  for (const [name, value] of node.fields) {
    const lower = name.toLowerCase();
    const previous = seen.get(lower);
    if (previous !== undefined)
      throw new Error(
        `${path || 'line'}: fields ${JSON.stringify(previous)} and ${JSON.stringify(name)} both match ${lower}; engines disagree on which one a query sees`,
      );
    seen.set(lower, name);
    if (ignored.has(lower)) continue;
    if (/^_col\d+$/.test(name) && !byName.has(lower))
      throw new Error(`${path || 'line'}: field ${name} would be read as column number ${name.slice(4)}`);
    const field = byName.get(lower);
    if (!field) continue;
    out.set(lower, readValue(value, field.type, path ? `${path}.${lower}` : lower));
  }
  return out;
}

/** One row as Athena would return it: data columns by lower-case name, then the partition values. */
export type HiveRow = Map<string, HiveValue>;

/** Options for {@link readHiveJsonLines}. */
export interface ReadHiveJsonOptions {
  /** The table's data columns. */
  columns: readonly HiveColumn[];
  /** Partition values of the object (from its key); never read from the lines. */
  partition: Readonly<Record<string, string>>;
}

/**
 * Reads the text of one (decompressed) object into rows.
 * @throws HiveReadError for the first line Athena would reject or misread
 */
export function readHiveJsonLines(text: string, options: ReadHiveJsonOptions): HiveRow[] {
  const records = text.split(/\r\n|\r|\n/);
  // A final line break ends the last record; it does not start an empty one.
  if (records.at(-1) === '') records.pop();
  const partitionNames = new Set(Object.keys(options.partition).map((name) => name.toLowerCase()));
  return records.map((record, i) => {
    const line = i + 1;
    if (record.trim() === '') throw new HiveReadError(line, 'empty line (not a JSON object)');
    let node: JsonNode;
    try {
      node = parseJson(record);
    } catch (error) {
      throw new HiveReadError(line, `invalid JSON: ${(error as Error).message}`);
    }
    try {
      const row = readStruct(node, options.columns, partitionNames, '');
      for (const [name, value] of Object.entries(options.partition)) row.set(name.toLowerCase(), value);
      return row;
    } catch (error) {
      throw new HiveReadError(line, (error as Error).message);
    }
  });
}
