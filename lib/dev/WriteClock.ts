/**
 * Remembers when each write was sent, per item key, so the record it produced can be timed from the
 * write to delivery. DynamoDB Local truncates ApproximateCreationDateTime to the minute, so stream
 * timestamps cannot measure lag locally; the writer's own clock can.
 *
 * Every write the seeder makes changes its item, so each yields exactly one stream record, and the
 * records of one key arrive in write order: matching them first-in-first-out per key is exact.
 * Records nobody here wrote (TTL deletions, other writers) find no write and are not timed.
 */
import type { AttributeMap, JsonValue } from '../stream/types.js';

export class WriteClock {
  private readonly pending = new Map<string, number[]>();

  /** @param keyAttributes the table's key attribute names, partition key first */
  constructor(private readonly keyAttributes: readonly string[]) {}

  /** Notes that a write to the item with this key was sent at `atMs`. */
  written(key: Record<string, unknown>, atMs: number): void {
    const id = this.idOf(key);
    const times = this.pending.get(id);
    if (times) times.push(atMs);
    else this.pending.set(id, [atMs]);
  }

  /** When the write that produced the record of this key was sent, or undefined; forgets it. */
  take(keys: Record<string, JsonValue | unknown>): number | undefined {
    const id = this.idOf(keys);
    const times = this.pending.get(id);
    if (!times) return undefined;
    const at = times.shift();
    if (times.length === 0) this.pending.delete(id);
    return at;
  }

  /** {@link take} for a stream record's `Keys` (DynamoDB JSON; key attributes are S, N or B). */
  takeRecordKeys(keys: AttributeMap): number | undefined {
    const plain: Record<string, unknown> = {};
    for (const name of this.keyAttributes) {
      const value = keys[name];
      plain[name] = value && 'S' in value ? value.S : value && 'N' in value ? value.N : undefined;
    }
    return this.take(plain);
  }

  /** Writes whose record has not been seen yet. */
  get outstanding(): number {
    let n = 0;
    for (const times of this.pending.values()) n += times.length;
    return n;
  }

  private idOf(key: Record<string, unknown>): string {
    return this.keyAttributes.map((name) => String(key[name])).join('\u0000');
  }
}
