import { describe, expect, it } from 'vitest';
import { serializeDetail } from '../../lib/delivery/serializeDetail.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import { corpusDigest, corpusRecords } from './detailCorpus.js';

describe('what the pipeline emits, byte for byte', () => {
  it('stays what main emitted before the issue-16 rework of classify, events and routing', () => {
    // SHA-256 of `corpusText()` as main 9fa7f9b produced it: every detail's JSON, event id,
    // partition key, EventBridge entry, archive and vector payload of the corpus. A change here
    // changes what consumers receive; update the pin only for a change made on purpose.
    expect(corpusDigest()).toBe('bda4a49d4c417e416e34c2677caa9ba5c54bd295ca24c73001f9842002ecaeaf');
  });

  it('serializes each detail as JSON.stringify does', () => {
    const pipeline = createPipeline({ layout: agentMemoryLayout });
    let details = 0;
    for (const record of corpusRecords()) {
      for (const { detail } of pipeline.process(record).events) {
        expect(serializeDetail(detail).json).toBe(JSON.stringify(detail));
        details++;
      }
    }
    expect(details).toBeGreaterThan(600);
  });
});
