import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Estimate } from '../../lib/estimate/types.js';
import { generateFixtures } from '../../lib/fixtures/generateFixtures.js';
import { runCli } from '../support/runCli.js';

const cwd = mkdtempSync(join(tmpdir(), 'memory-cdc-estimate-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const estimate = (...args: string[]) => runCli(cwd, 'estimate', ...args);

describe('memory-cdc estimate', () => {
  it('prints the cost per component, the Pipes comparison and the binding quota', async () => {
    const run = await estimate('--changes', 'turn=50,rate_limit=30', '--expiries-per-day', '100000');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/Lambda: router/);
    expect(run.out).toMatch(/EventBridge: custom events/);
    expect(run.out).toMatch(/EventBridge Pipes to a plain bus/);
    expect(run.out).toMatch(/^binds first: /m);
  });

  it('prints JSON whose total is the sum of its components', async () => {
    const run = await estimate('--changes', 'turn=10', '--json');
    expect(run.code).toBe(0);
    const parsed = JSON.parse(run.out) as Estimate;
    expect(parsed.totalUsd).toBeCloseTo(
      parsed.components.reduce((s, c) => s + c.usd, 0),
      9,
    );
    expect(parsed.prices.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('measures the workload from a capture file over --window-seconds', async () => {
    const file = join(cwd, 'capture.json');
    writeFileSync(file, JSON.stringify({ Records: generateFixtures({ count: 300, seed: 5 }) }));
    const run = await estimate('--from', file, '--window-seconds', '30', '--json');
    expect(run.code).toBe(0);
    expect(run.err).toMatch(/measured 300 record\(s\).* over 30 s/);
    const parsed = JSON.parse(run.out) as Estimate;
    expect(parsed.rates.streamRecords).toBeCloseTo(10, 6);
  });

  it('takes price overrides from a file and refuses unknown prices', async () => {
    writeFileSync(join(cwd, 'prices.json'), JSON.stringify({ eventBridgeEventPerMillion: 2 }));
    const doubled = JSON.parse(
      (await estimate('--changes', 'turn=10', '--prices', 'prices.json', '--json')).out,
    ) as Estimate;
    const base = JSON.parse((await estimate('--changes', 'turn=10', '--json')).out) as Estimate;
    const eb = (e: Estimate) =>
      e.components.find((c) => c.component === 'EventBridge: custom events')?.usd ?? 0;
    expect(eb(doubled)).toBeCloseTo(2 * eb(base), 9);
    writeFileSync(join(cwd, 'typo.json'), JSON.stringify({ eventBridgePerMillion: 2 }));
    const typo = await estimate('--changes', 'turn=10', '--prices', 'typo.json');
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/unknown price "eventBridgePerMillion"/);
  });

  it('exits 2 naming the problem when no workload is given or an entity is unknown', async () => {
    const none = await estimate();
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/give the workload/);
    const bad = await estimate('--changes', 'turns=5');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown entity "turns"/);
  });
});
