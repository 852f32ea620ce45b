/**
 * Picks a preset layout from the records themselves when they make it unambiguous: Mastra's items
 * carry ElectroDB's `__edb_e__` and `$mastra…` keys; agent-memory items have `pk`/`sk` keys that fit
 * its templates. Anything else needs `--layout`.
 */
import type { StreamRecord } from '../stream/types.js';
import { compileKeyTemplate } from './keyTemplate.js';
import { agentMemoryLayout } from './presets/agentMemory.js';
import { mastraLayout } from './presets/mastra.js';
import type { Layout } from './types.js';

const AGENT_MEMORY_PARTITIONS = [
  ...new Set(agentMemoryLayout.entities.flatMap((r) => (r.pk ? [r.pk] : []))),
].map(compileKeyTemplate);

/** The outcome of {@link detectLayout}. */
export type LayoutDetection = { layout: Layout; reason: string } | { layout: undefined; reason: string };

function keyString(record: StreamRecord, name: string): string | undefined {
  const value = record.dynamodb?.Keys?.[name];
  return value && 'S' in value ? value.S : undefined;
}

/** Looks at up to `sample` records' keys and returns the layout they fit, or says why none. */
export function detectLayout(records: readonly StreamRecord[], sample = 200): LayoutDetection {
  let mastra = 0;
  let agent = 0;
  let seen = 0;
  for (const record of records.slice(0, sample)) {
    const pk = keyString(record, 'pk');
    const sk = keyString(record, 'sk');
    if (pk === undefined) continue;
    seen++;
    const image = record.dynamodb?.NewImage ?? record.dynamodb?.OldImage;
    if (pk.startsWith('$mastra') || (image && '__edb_e__' in image)) mastra++;
    else if (sk !== undefined && AGENT_MEMORY_PARTITIONS.some((t) => t.match(pk))) agent++;
  }
  if (mastra > 0 && agent === 0)
    return { layout: mastraLayout, reason: `${mastra} of ${seen} keys are Mastra's ($mastra…)` };
  if (agent > 0 && mastra === 0) {
    return {
      layout: agentMemoryLayout,
      reason: `${agent} of ${seen} partition keys fit the agent-memory templates`,
    };
  }
  if (agent > 0 && mastra > 0) {
    return {
      layout: undefined,
      reason: `records fit both mastra (${mastra}) and agent-memory (${agent}); pass --layout`,
    };
  }
  return { layout: undefined, reason: `no record's keys fit a preset (looked at ${seen}); pass --layout` };
}
