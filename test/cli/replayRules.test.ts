import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.js';

const RULES = join(import.meta.dirname, '../fixtures-data/rules/subscriptions.json');
const CONVERSATION = join(import.meta.dirname, '../../events/agent-memory/conversation.json');
const RUNS = join(import.meta.dirname, '../../events/agent-memory/runs-and-tools.json');

async function run(...args: string[]) {
  let out = '';
  let err = '';
  const code = await main(['node', 'memory-cdc', ...args], {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
    cwd: mkdtempSync(join(tmpdir(), 'memory-cdc-rules-')),
  });
  return { code, out, err };
}

describe('replay --rules', () => {
  it('lists the rules each EventBridge output matches in --json', async () => {
    const { code, out } = await run('replay', '--json', '--no-archive', '--rules', RULES, CONVERSATION, RUNS);
    expect(code).toBe(0);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { sink: string; detailType?: string; rules?: string[]; payload: never });
    const eventbridge = lines.filter((l) => l.sink === 'eventbridge');
    expect(eventbridge.length).toBeGreaterThan(0);
    for (const line of eventbridge) expect(Array.isArray(line.rules)).toBe(true);
    const userTurns = eventbridge.filter((l) => l.rules!.includes('user-turns'));
    // conversation.json writes two user turns (t-1, t-3).
    expect(userTurns).toHaveLength(2);
    expect(eventbridge.filter((l) => l.rules!.includes('failed-runs')).map((l) => l.detailType)).toEqual([
      'Run Failed',
    ]);
    expect(eventbridge.filter((l) => l.rules!.includes('settled-tools'))).toHaveLength(2);
    expect(lines.filter((l) => l.sink !== 'eventbridge').every((l) => l.rules === undefined)).toBe(true);
  });

  it('counts events per rule in the summary and flags a rule that matched nothing', async () => {
    const { code, out } = await run('replay', '--no-archive', '--rules', RULES, CONVERSATION, RUNS);
    expect(code).toBe(0);
    const rules = out.slice(out.indexOf('\nRules\n'));
    expect(rules).toMatch(/user-turns\s+2\n/);
    expect(rules).toMatch(/failed-runs\s+1\n/);
    expect(rules).toMatch(/settled-tools\s+2\n/);
    expect(rules).toMatch(/typo\s+0\s+matched nothing: check the pattern/);
    expect(out).toMatch(/Turn Created\s+4\s+user-turns/);
  });

  it('rejects an invalid pattern with the rule name and the reason, exit 2', async () => {
    const { code, err } = await run(
      'replay',
      '--no-archive',
      '--rules',
      '{"bad": {"detail-type": "Turn Created"}}',
    );
    expect(code).toBe(2);
    expect(err).toMatch(/bad/);
  });

  it('rejects a rules file that is not an object of patterns', async () => {
    const { code, err } = await run('replay', '--no-archive', '--rules', '[1, 2]');
    expect(code).toBe(2);
    expect(err).toMatch(/--rules: expected a JSON object/);
  });
});
