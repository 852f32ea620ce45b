/**
 * decode + classify + route over 1,000 generated records of ~4 KB, next to JSON.parse +
 * JSON.stringify of the same bytes, in the same process. Target ratio <= 2.0.
 */
import { generateFixtures } from '../lib/fixtures/generateFixtures.js';
import { agentMemoryLayout } from '../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../lib/pipeline/createPipeline.js';
import type { StreamEvent } from '../lib/stream/types.js';
import { type BenchResult, medianMs } from './measure.js';

export async function benchCore(): Promise<BenchResult[]> {
  const records = generateFixtures({ count: 1000, itemSize: 4000, seed: 7, embeddingDimensions: 0 });
  const bytes = JSON.stringify({ Records: records });
  const pipeline = createPipeline({ layout: agentMemoryLayout });
  let sink = 0;
  const baseline = () => {
    sink += JSON.stringify(JSON.parse(bytes)).length;
  };
  const pipelineRun = () => {
    const event = JSON.parse(bytes) as StreamEvent;
    for (const record of event.Records) sink += pipeline.process(record).outputs.length;
  };
  // Interleave so drift in machine load hits both sides alike.
  const base: number[] = [];
  const core: number[] = [];
  for (let round = 0; round < 5; round++) {
    base.push(medianMs(baseline, 7, 2));
    core.push(medianMs(pipelineRun, 7, 2));
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const b = median(base);
  const c = median(core);
  if (sink < 0) console.log(sink);
  return [
    { name: 'core: batch size', value: Math.round(bytes.length / records.length), unit: 'bytes/record' },
    {
      name: 'core: baseline JSON.parse+stringify',
      value: Math.round((records.length / b) * 1000),
      unit: 'records/s',
    },
    {
      name: 'core: parse+decode+classify+route',
      value: Math.round((records.length / c) * 1000),
      unit: 'records/s',
    },
    {
      name: 'core: ratio pipeline / baseline (target <= 2.0)',
      value: Math.round((c / b) * 100) / 100,
      unit: 'x',
    },
  ];
}
