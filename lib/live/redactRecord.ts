/**
 * Redaction for `capture`: chosen attributes keep their DynamoDB type and shape (a list of 1024
 * numbers stays a list of 1024 numbers, a map keeps its keys) but lose their values, so fixtures
 * made from production traffic replay like production without carrying its data.
 *
 * A value is replaced by a pseudonym derived with HMAC-SHA-256 under a key drawn once per capture:
 * equal values get equal markers within one capture (a redacted `threadId` still groups its turns;
 * distinct values stay distinct), while no marker can be traced back by hashing guessed values.
 * A string holding a JSON object or array (Mastra's `content`, `metadata`, `snapshot`) is redacted
 * inside, so it still parses and keeps its keys.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { AttributeMap, AttributeValue, StreamRecord } from '../stream/types.js';

/** Replaces the values of named top-level attributes in a record's Keys, NewImage and OldImage. */
export class Redactor {
  private readonly key: Buffer;
  private readonly attributes: ReadonlySet<string>;

  /**
   * @param attributes top-level attribute names whose values are replaced
   * @param key HMAC key; a random one by default (tests pass a fixed key)
   */
  constructor(attributes: Iterable<string>, key: Buffer = randomBytes(32)) {
    this.attributes = new Set(attributes);
    this.key = key;
  }

  /** A copy of the record with the chosen attributes redacted (the input is not changed). */
  redact(record: StreamRecord): StreamRecord {
    const data = record.dynamodb;
    if (!data || this.attributes.size === 0) return record;
    const dynamodb = { ...data };
    if (data.Keys) dynamodb.Keys = this.redactImage(data.Keys);
    if (data.NewImage) dynamodb.NewImage = this.redactImage(data.NewImage);
    if (data.OldImage) dynamodb.OldImage = this.redactImage(data.OldImage);
    return { ...record, dynamodb };
  }

  /** A copy of an image with the chosen attributes redacted. */
  redactImage(image: AttributeMap): AttributeMap {
    const out: AttributeMap = {};
    for (const [name, value] of Object.entries(image)) {
      out[name] = this.attributes.has(name) ? this.redactValue(value) : value;
    }
    return out;
  }

  private digest(kind: string, value: string | Uint8Array): string {
    return createHmac('sha256', this.key).update(kind).update('\u0000').update(value).digest('hex');
  }

  private string(value: string): string {
    const json = parseJsonContainer(value);
    if (json !== undefined) return JSON.stringify(this.redactJson(json));
    return this.marker(value);
  }

  private marker(value: string): string {
    return `[redacted:${this.digest('S', value).slice(0, 12)}]`;
  }

  private redactJson(value: unknown): unknown {
    if (typeof value === 'string') return this.marker(value);
    if (typeof value === 'number') return Number(this.number(String(value)));
    if (typeof value === 'boolean') return false;
    if (Array.isArray(value)) return value.map((v) => this.redactJson(v));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redactJson(v)]));
    }
    return value;
  }

  /** A non-negative integer below 2^48: exact as a JSON number. */
  private number(value: string): string {
    return String(Number.parseInt(this.digest('N', value).slice(0, 12), 16));
  }

  private binary(value: string | Uint8Array): string | Uint8Array {
    const marker = Buffer.from(`[redacted:${this.digest('B', value).slice(0, 12)}]`);
    return typeof value === 'string' ? marker.toString('base64') : new Uint8Array(marker);
  }

  /** Replaces a value, keeping its type and, for sets, lists and maps, its size and keys. */
  redactValue(value: AttributeValue): AttributeValue {
    if ('S' in value) return { S: this.string(value.S) };
    if ('N' in value) return { N: this.number(value.N) };
    if ('B' in value) return { B: this.binary(value.B) };
    if ('SS' in value) return { SS: value.SS.map((s) => this.string(s)) };
    if ('NS' in value) return { NS: value.NS.map((n) => this.number(n)) };
    if ('BS' in value) return { BS: value.BS.map((b) => this.binary(b)) };
    if ('M' in value) {
      const map: AttributeMap = {};
      for (const [k, v] of Object.entries(value.M)) map[k] = this.redactValue(v);
      return { M: map };
    }
    if ('L' in value) return { L: value.L.map((v) => this.redactValue(v)) };
    if ('BOOL' in value) return { BOOL: false };
    return value; // NULL carries no data
  }
}

/** The parsed value when the text is a JSON object or array, else undefined. */
function parseJsonContainer(text: string): unknown {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined; // not JSON after all: redacted as plain text
  }
}

/**
 * Parses `--redact a,b,c` into attribute names (trimmed, empty entries dropped).
 */
export function parseAttributeList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
