/**
 * `replay --rules subs.json` / `tail --rules subs.json`: the subscriptions file the CDK app deploys
 * is matched locally as it is, rule per entry.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPipelineFlags } from '../../lib/cli/readPipelineFlags.js';
import { runCli } from '../support/runCli.js';

const SUBS = join(import.meta.dirname, '../fixtures-data/subscriptions/subs.json');
const CONVERSATION = join(import.meta.dirname, '../../events/agent-memory/conversation.json');
const RUNS = join(import.meta.dirname, '../../events/agent-memory/runs-and-tools.json');
const work = mkdtempSync(join(tmpdir(), 'memory-cdc-subs-replay-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (...args: string[]) => runCli(work, ...args);

describe('replay --rules with a subscriptions file', () => {
  it('fires each entry as a rule named by its id', async () => {
    const { code, out } = await run('replay', '--json', '--no-archive', '--rules', SUBS, CONVERSATION, RUNS);
    expect(code).toBe(0);
    const eventbridge = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { sink: string; detailType?: string; rules?: string[] })
      .filter((l) => l.sink === 'eventbridge');
    const fired = (rule: string) => eventbridge.filter((l) => l.rules!.includes(rule));
    // conversation.json writes two user turns (t-1, t-3).
    expect(fired('user-turns')).toHaveLength(2);
    expect(fired('failed-runs').map((l) => l.detailType)).toEqual(['Run Failed']);
    expect(
      fired('run-outcomes')
        .map((l) => l.detailType)
        .sort(),
    ).toEqual(['Run Completed', 'Run Failed']);
    expect(fired('all-to-analytics')).toHaveLength(eventbridge.length);
  });

  it('counts events per entry in the summary, as for a rules file', async () => {
    const { code, out } = await run('replay', '--no-archive', '--rules', SUBS, CONVERSATION, RUNS);
    expect(code).toBe(0);
    const rules = out.slice(out.indexOf('\nRules\n'));
    expect(rules).toMatch(/user-turns\s+2\n/);
    expect(rules).toMatch(/failed-runs\s+1\n/);
    // runs-and-tools.json settles three tool calls (two succeeded, one failed).
    expect(rules).toMatch(/settled-tools\s+3\n/);
  });

  it('rejects an invalid subscriptions file with the file and the entry, exit 2', async () => {
    const file = join(work, 'bad-subs.json');
    writeFileSync(
      file,
      JSON.stringify({
        subscriptions: [{ id: 'typo', filter: { detailType: ['Turn Craeted'] }, target: 'x' }],
      }),
    );
    const { code, err } = await run('replay', '--no-archive', '--rules', file, CONVERSATION);
    expect(code).toBe(2);
    expect(err).toContain(`subscriptions file ${file}: subscriptions[0] (id "typo"): filter.detailType[0]`);
    expect(err).toMatch(/filter\.detailType\[0\] must be one of: .*Turn Created/);
  });
});

describe('the --rules flag of replay and tail', () => {
  it('reads a subscriptions file as rules named by entry id, in file order', () => {
    const { rules } = readPipelineFlags({ rules: SUBS }, work);
    expect(rules!.ruleNames).toEqual([
      'user-turns',
      'failed-runs',
      'settled-tools',
      'run-outcomes',
      'all-to-analytics',
    ]);
  });

  it('still reads a rules file of rule name -> pattern', () => {
    const { rules } = readPipelineFlags({ rules: '{"a": {"source": ["memory-cdc"]}}' }, work);
    expect(rules!.ruleNames).toEqual(['a']);
  });
});
