import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lambdaCpuMs, MODEL_CONSTANTS, WORKLOAD_DEFAULTS } from '../../lib/estimate/estimateCost.js';
import { generateFixtures } from '../../lib/fixtures/generateFixtures.js';
import { capacityTable, planCapacity } from './capacityPlan.js';
import { hotConversation } from './hotConversation.js';
import { type SimulatedBatch, simulateRouterBatch } from './simulateRouterBatch.js';

const LATENCY_MS = WORKLOAD_DEFAULTS.callLatencyMs;
// One core's CPU per record, stretched to the router's share of a vCPU at its memory.
const CPU_MS = lambdaCpuMs(WORKLOAD_DEFAULTS.routerCpuMsPerRecord, WORKLOAD_DEFAULTS.routerMemoryMb);
const options = { latencyMs: LATENCY_MS, cpuMsPerRecord: CPU_MS };

let mixed: SimulatedBatch;
let hot: SimulatedBatch;

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  mixed = await simulateRouterBatch(generateFixtures({ count: 100, seed: 5 }), options);
  hot = await simulateRouterBatch(hotConversation(), options);
});
afterAll(() => {
  vi.useRealTimers();
});

describe('router capacity, simulated on a virtual clock', () => {
  it('acknowledges every record of both batches', () => {
    expect(mixed.failures).toBe(0);
    expect(hot.failures).toBe(0);
    expect(hot.putRecordsChanges).toBeGreaterThanOrEqual(100);
    // One conversation's 100 changes: one record, one PutRecords call (issue 16).
    expect(hot.putRecordsCalls).toBe(1);
  });

  it('holds a batch at least as long as its PutEvents rounds take (10 entries a call, 4 calls at a time)', () => {
    const rounds = Math.ceil(Math.ceil(mixed.putEventsEntries / 10) / MODEL_CONSTANTS.putEventsConcurrency);
    expect(mixed.sinkMs).toBeGreaterThanOrEqual(rounds * LATENCY_MS);
    expect(mixed.sinkMs % LATENCY_MS).toBe(0);
  });

  it('matches the capacity plan in infra/README.md', () => {
    const table = capacityTable(
      [1_000, 10_000, 100_000].map((w) => planCapacity(w, mixed)),
      hot,
    );
    const file = new URL('../../infra/README.md', import.meta.url);
    const readme = readFileSync(file, 'utf8');
    const marker = /(<!-- capacity:start -->\n)([\s\S]*?)(\n<!-- capacity:end -->)/;
    // After a change to the router's call pattern: UPDATE_CAPACITY=1 npx vitest run test/scale
    if (process.env.UPDATE_CAPACITY)
      writeFileSync(
        file,
        readme.replace(marker, (_, a, _b, c) => `${a}${table}${c}`),
      );
    const shown = marker.exec(readme)?.[2] ?? '';
    // Payload sizes move with every catalog change: numbers must agree within 10 %, words exactly.
    const numbers = (text: string) =>
      (text.match(/\d[\d,]*(\.\d+)?/g) ?? []).map((x) => Number(x.replaceAll(',', '')));
    const words = (text: string) => text.replace(/\d[\d,]*(\.\d+)?/g, '#');
    expect(words(shown), 'infra/README.md capacity table (UPDATE_CAPACITY=1 rewrites it)').toBe(words(table));
    const expected = numbers(table);
    numbers(shown).forEach((value, i) => {
      const want = expected[i] ?? Number.NaN;
      expect(
        Math.abs(value - want),
        `number ${i + 1} of the table: ${value} vs ${want}\n${table}`,
      ).toBeLessThanOrEqual(0.1 * Math.max(Math.abs(want), 1));
    });
  });
});
