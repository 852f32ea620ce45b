/**
 * Types of the dev seeder: the writes an agent platform makes to its memory table, as data, so the
 * same plan can be checked without a table and applied to DynamoDB Local through the SDK.
 */
import type { NativeAttributeValue } from '@aws-sdk/util-dynamodb';

/** An item or key as plain values (util-dynamodb marshals it: `Set` for sets, `Uint8Array` for binary). */
export type SeedItem = Record<string, NativeAttributeValue>;

/** One write to the table; each one yields exactly one stream record (it always changes something). */
export type SeedWrite =
  /** PutItem: a new item (INSERT), or a whole new version of one (MODIFY). */
  | { op: 'put'; item: SeedItem }
  /** UpdateItem: `SET` each attribute of `set`, `REMOVE` each name of `remove` (MODIFY). */
  | { op: 'update'; key: SeedItem; set: SeedItem; remove?: string[] }
  /** DeleteItem of an item that exists (REMOVE). */
  | { op: 'delete'; key: SeedItem };

/** What a story needs to write realistic items. */
export interface SeedContext {
  /** Seeded random number in [0, 1). */
  random(): number;
  /** A random element of a list. */
  pick<T>(list: readonly T[]): T;
  /**
   * A wall-clock instant in epoch ms, strictly later than the last one handed out, so timestamps in
   * sort keys never collide even when writes come faster than one a millisecond.
   */
  stamp(): number;
  /** A new short id, unique within this seed run (`prefix-<n>`). */
  id(prefix: string): string;
}

/** A story: a sequence of writes that belong together (a conversation, a run with its steps…). */
export type SeedStory = (context: SeedContext) => Generator<SeedWrite, void, undefined>;

/** Stories of a layout with their relative weights. */
export type SeedStories = readonly (readonly [name: string, weight: number, story: SeedStory])[];
