/**
 * A small agent-memory table for the vector tests: turns written through the TableSimulator (so the
 * stream records are the ones DynamoDB would emit), the vector operations the real pipeline derives
 * from them, and the turns that survive — what the index must end up holding.
 */
import { embeddingBytes, fixtureVector } from '../../../lib/fixtures/embeddingBytes.js';
import { type Item, TableSimulator } from '../../../lib/fixtures/TableSimulator.js';
import { agentMemoryLayout } from '../../../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../../../lib/pipeline/createPipeline.js';
import type { VectorOperation, VectorOutput } from '../../../lib/routing/types.js';
import { vectorKeyFor } from '../../../lib/routing/vectorOperation.js';
import type { StreamRecord } from '../../../lib/stream/types.js';

/** Vector length of the test table (a Titan V2 size, so text-only turns can be embedded). */
export const DIMENSIONS = 256;

/** A turn the table still holds. */
export interface SurvivingTurn {
  vectorKey: string;
  userId: string;
  conversationId: string;
  role: string;
  text: string;
  /** The item's own embedding, or undefined when only the embedder can make one. */
  embedding: number[] | undefined;
}

/** A table of turns and what its stream holds. */
export class TurnTable {
  readonly sim = new TableSimulator({
    table: 'agent-memory',
    keyAttributes: ['pk', 'sk'],
    startEpochSeconds: 1_795_860_000,
  });
  private readonly keys = new Map<string, Item>();

  /** Writes a turn; `embedding` is a seed for an item embedding (binary when `binary`), or none. */
  putTurn(
    userId: string,
    conversationId: string,
    turnId: string,
    role: string,
    text: string,
    embedding?: { seed: number; binary?: boolean },
  ): Item {
    this.sim.advance(10);
    const key = {
      pk: `USER#${userId}`,
      sk: `CONV#${conversationId}#TS#${new Date(this.sim.now * 1000).toISOString()}`,
    };
    const item: Item = {
      ...key,
      turn_id: turnId,
      role,
      text,
      created_at: new Date(this.sim.now * 1000).toISOString(),
    };
    if (embedding) {
      const vector = fixtureVector(embedding.seed, DIMENSIONS);
      item.embedding = embedding.binary ? embeddingBytes(vector) : vector;
    }
    this.sim.put(item);
    this.keys.set(turnId, key);
    return key;
  }

  key(turnId: string): Item {
    const key = this.keys.get(turnId);
    if (!key) throw new Error(`no turn ${turnId}`);
    return key;
  }

  update(turnId: string, changes: Item): void {
    this.sim.update(this.key(turnId), changes);
  }

  delete(turnId: string): void {
    this.sim.delete(this.key(turnId));
  }

  expire(turnId: string): void {
    this.sim.expire(this.key(turnId));
  }

  get records(): StreamRecord[] {
    return this.sim.records;
  }

  /** Vector outputs of every record, in stream order, through the real pipeline. */
  vectorOutputs(records: readonly StreamRecord[] = this.records): VectorOutput[] {
    const pipeline = createPipeline({ layout: agentMemoryLayout });
    return records.flatMap((r) =>
      pipeline.process(r).outputs.filter((o): o is VectorOutput => o.sink === 'vector'),
    );
  }

  /** Vector operations of every record, in stream order. */
  operations(records: readonly StreamRecord[] = this.records): VectorOperation[] {
    return this.vectorOutputs(records).map((o) => o.payload);
  }

  /** The turns the table holds now. */
  surviving(): SurvivingTurn[] {
    const out: SurvivingTurn[] = [];
    for (const key of this.keys.values()) {
      const item = this.sim.get(key);
      if (!item) continue;
      const [, userId] = String(item.pk).split('#');
      const [, conversationId] = String(item.sk).split('#');
      const raw = item.embedding;
      let embedding: number[] | undefined;
      if (raw instanceof Uint8Array) {
        const view = Buffer.from(raw);
        embedding = Array.from({ length: view.length / 4 }, (_, i) => view.readFloatLE(i * 4));
      } else if (Array.isArray(raw)) embedding = raw as number[];
      out.push({
        vectorKey: vectorKeyFor('agent-memory', { pk: String(key.pk), sk: String(key.sk) }),
        userId: userId!,
        conversationId: conversationId!,
        role: String(item.role),
        text: String(item.text),
        embedding,
      });
    }
    return out;
  }
}

/** A deterministic shuffle (mulberry32), so an out-of-order test always replays the same order. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
