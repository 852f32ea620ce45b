/**
 * The table's final state, computed from fixture files independently of the vector worker: apply
 * every record's image in stream order, keep what is left, and pick the turns that have something
 * to index. What `vectors sync` must leave in the index.
 */
import { classifyItem } from '../../../lib/layout/classifyItem.js';
import { readField, readString } from '../../../lib/layout/readField.js';
import type { Layout } from '../../../lib/layout/types.js';
import { loadFixtureFile } from '../../../lib/replay/loadFixtureFile.js';
import { vectorKeyFor } from '../../../lib/routing/vectorOperation.js';
import { decodeRecord } from '../../../lib/stream/decodeRecord.js';
import type { JsonValue, PlainItem } from '../../../lib/stream/types.js';

/** A turn the table ends with. */
export interface FinalTurn {
  vectorKey: string;
  userId: string | undefined;
  conversationId: string | undefined;
  text: string | undefined;
  /** The item's own embedding attribute, undecoded. */
  embedding: JsonValue | undefined;
}

/** The turns left after replaying `files` in order. */
export async function finalTurns(files: readonly string[], layout: Layout): Promise<FinalTurn[]> {
  const items = new Map<string, PlainItem>();
  for (const file of files) {
    for (const record of await loadFixtureFile(file)) {
      let change: ReturnType<typeof decodeRecord>;
      try {
        change = decodeRecord(record);
      } catch {
        continue; // Malformed fixture records change nothing.
      }
      const key = vectorKeyFor(change.position.table, change.keys);
      if (change.op === 'remove') items.delete(key);
      else if (change.after) items.set(key, change.after);
    }
  }
  const turns: FinalTurn[] = [];
  for (const [vectorKey, item] of items) {
    const c = classifyItem(layout, item);
    if (c.entity !== 'turn') continue;
    const text = readString(item, c.rule?.fields?.text);
    const embedding = readField(item, c.rule?.fields?.embedding);
    if (text === undefined && embedding === undefined) continue;
    turns.push({ vectorKey, userId: c.ids.userId, conversationId: c.ids.conversationId, text, embedding });
  }
  return turns;
}
