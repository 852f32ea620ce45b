import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.js';
import { measureTrafficShape } from '../../lib/estimate/measureTrafficShape.js';
import { measureWorkload } from '../../lib/estimate/measureWorkload.js';
import { generateFixtures } from '../../lib/fixtures/generateFixtures.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';

const pipeline = createPipeline({ layout: agentMemoryLayout });

describe('measureTrafficShape', () => {
  const records = generateFixtures({ count: 2000, itemSize: 2048, seed: 7 });
  const shape = measureTrafficShape(pipeline, records);

  it('measures every generated record, expiries apart', () => {
    const measured = Object.values(shape.changes).reduce((s, x) => s + x.records, 0);
    expect(shape.failed).toBe(0);
    expect(measured + shape.expiries.records).toBe(2000);
    expect(shape.expiries.records).toBeGreaterThan(0);
  });

  it('sends rate-limit counter bumps to EventBridge never (noise)', () => {
    expect(shape.changes.rate_limit?.eventBridgeEvents).toBe(0);
  });

  it('counts turn text for embedding only where turns are upserted', () => {
    const turn = shape.changes.turn;
    expect(turn?.vectorUpserts).toBeGreaterThan(0);
    expect(turn?.embedChars).toBeGreaterThan(1000 * (turn?.vectorUpserts ?? 0));
    expect(shape.changes.ledger?.vectorUpserts).toBe(0);
  });

  it('gives every change-log record at least one billed kilobyte', () => {
    const turn = shape.changes.turn;
    expect(turn?.kinesisKb).toBeGreaterThanOrEqual(turn?.kinesisRecords ?? 0);
    expect(turn?.kinesisBytes).toBeGreaterThan(2048 * (turn?.kinesisRecords ?? 0) * 0.5);
  });

  it('measures compressed archive bytes for expiries', () => {
    expect(shape.expiries.archiveBytes).toBeGreaterThan(0);
    expect(shape.expiries.archiveBytes).toBeLessThan(shape.expiries.rawRecordBytes);
  });

  it('leaves undecodable records out of the averages and counts them', () => {
    const bad = { eventID: 'x', eventName: 'INSERT', dynamodb: { Keys: { pk: { Q: 'nope' } } } };
    const withBad = measureTrafficShape(pipeline, [...records.slice(0, 10), bad as never]);
    expect(withBad.failed).toBe(1);
  });
});

describe('measureWorkload', () => {
  const records = generateFixtures({ count: 600, seed: 3 });

  it('divides counts by --window-seconds when given', () => {
    const m = measureWorkload(pipeline, records, 60);
    const total = Object.values(m.changesPerSecond).reduce((s, r) => s + (r ?? 0), 0);
    expect(total * 60 + (m.expiriesPerDay / 86_400) * 60).toBeCloseTo(600, 6);
    expect(m.windowSource).toBe('flag');
  });

  it('refuses a sample spanning under a minute without a window, saying which flag to pass', () => {
    const t = records[0]?.dynamodb?.ApproximateCreationDateTime ?? 0;
    const sameMinute = records.map((r) => ({
      ...r,
      dynamodb: { ...r.dynamodb, ApproximateCreationDateTime: t },
    }));
    expect(() => measureWorkload(pipeline, sameMinute)).toThrow(ConfigError);
    expect(() => measureWorkload(pipeline, sameMinute)).toThrow(/--window-seconds/);
  });
});
