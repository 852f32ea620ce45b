import { describe, expect, it } from 'vitest';
import { bundledFixtures } from '../../lib/fixtures/bundledFixtures.js';
import { mastraScenario } from '../../lib/fixtures/scenarios/mastraScenario.js';
import { detectLayout } from '../../lib/layout/detectLayout.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { mastraLayout } from '../../lib/layout/presets/mastra.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { agentMemoryTable, plainTable } from '../fixtures/tables.js';

const FIXTURES = bundledFixtures();
const agentMemoryFiles = Object.keys(FIXTURES).filter((f) => f.startsWith('agent-memory/'));
const mastraFiles = Object.keys(FIXTURES).filter((f) => f.startsWith('mastra/'));
const mastraRecords = mastraScenario();

function agentMemoryRecords(): StreamRecord[] {
  const sim = agentMemoryTable();
  sim.put({ pk: 'USER#u1', sk: 'CONV#c1', title: 'hello' });
  sim.put({ pk: 'RATELIMIT#u1:tokens', sk: 'WINDOW#1', count: 1 });
  return sim.records;
}

describe('detectLayout', () => {
  it.each(agentMemoryFiles)('detects the agent-memory layout in the bundled %s', (file) => {
    expect(detectLayout(FIXTURES[file]!.Records).layout).toBe(agentMemoryLayout);
  });

  it.each(mastraFiles)('detects the mastra layout in the bundled %s', (file) => {
    expect(detectLayout(FIXTURES[file]!.Records).layout).toBe(mastraLayout);
  });

  it('says why it chose agent-memory', () => {
    expect(detectLayout(agentMemoryRecords()).reason).toBe(
      '2 of 2 partition keys fit the agent-memory templates',
    );
  });

  it('says why it chose mastra', () => {
    expect(detectLayout(mastraRecords.slice(0, 3)).reason).toBe("3 of 3 keys are Mastra's ($mastra…)");
  });

  it('detects nothing in records that fit both presets, and says so', () => {
    const detection = detectLayout([...agentMemoryRecords(), ...mastraRecords.slice(0, 1)]);
    expect(detection.layout).toBeUndefined();
    expect(detection.reason).toMatch(/fit both mastra \(1\) and agent-memory \(2\); pass --layout/);
  });

  it('detects nothing in a table keyed on other attributes', () => {
    const sim = plainTable();
    sim.put({ id: 'USER#u1' });
    const detection = detectLayout(sim.records);
    expect(detection).toEqual({
      layout: undefined,
      reason:
        "no record's keys fit a preset (looked at 1 record, none keyed pk, SessionID or session_id); pass --layout",
    });
  });

  it('detects nothing when pk/sk keys fit no agent-memory partition template', () => {
    const sim = agentMemoryTable();
    sim.put({ pk: 'TENANT#t1', sk: 'TICKET#1' });
    expect(detectLayout(sim.records).reason).toBe(
      "no record's keys fit a preset (looked at 1 record keyed pk); pass --layout",
    );
  });

  it('detects nothing in an empty batch, and says there was nothing to look at', () => {
    expect(detectLayout([])).toEqual({
      layout: undefined,
      reason: "no record's keys fit a preset (no records to look at); pass --layout",
    });
  });

  it('recognises Mastra records whose keys are not prefixed but whose images carry __edb_e__', () => {
    const sim = agentMemoryTable();
    sim.put({ pk: 'custom#thread#1', sk: 'x', __edb_e__: 'thread', __edb_v__: '1' });
    expect(detectLayout(sim.records).layout).toBe(mastraLayout);
  });

  it('looks only at the sample of records it is given', () => {
    const records = [...agentMemoryRecords(), ...mastraRecords];
    expect(detectLayout(records, 2).layout).toBe(agentMemoryLayout);
  });
});
