/**
 * The loop of the README: subs.json → `replay --rules subs.json` → `cdk deploy -c
 * subscriptions=subs.json` → `memory-cdc rules --out rules.json`. The bundled app synthesizes the
 * file's rules, `memory-cdc rules` (default path: the app of cdk.json) prints them, and replaying
 * either file fires the same rules.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRules } from '../../lib/cli/commands/rules.js';
import { main } from '../../lib/cli/main.js';
import type { CliContext } from '../../lib/cli/types.js';
import { readSubscriptionsFile, subscriptionRules } from '../../lib/subscriptions/subscriptionsFile.js';
import { CDK_JSON_CONTEXT, STREAM_ARN, TABLE_NAME } from './support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SUBS = join(ROOT, 'test/fixtures-data/subscriptions/subs.json');
const EVENTS = ['conversation.json', 'runs-and-tools.json'].map((f) => join(ROOT, 'events/agent-memory', f));

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'memory-cdc-loop-'));
  // A project whose cdk.json names the table once, as the README's loop assumes.
  writeFileSync(
    join(work, 'cdk.json'),
    JSON.stringify({
      app: `npx tsx ${join(ROOT, 'infra/app.ts')}`,
      context: { ...CDK_JSON_CONTEXT, tableName: TABLE_NAME, streamArn: STREAM_ARN },
    }),
  );
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `memory-cdc rules …` in the project. */
async function rules(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const ctx: CliContext = { out: (t) => (out += t), err: (t) => (err += t), exitCode: 0, cwd: work };
  const program = new Command('memory-cdc').exitOverride();
  registerRules(program, ctx);
  await program.parseAsync(['node', 'memory-cdc', 'rules', ...args]);
  return { code: ctx.exitCode, out, err };
}

/** The Rules section of a replay summary. */
async function replayedRules(rulesFile: string): Promise<string> {
  let out = '';
  const code = await main(['node', 'memory-cdc', 'replay', '--no-archive', '--rules', rulesFile, ...EVENTS], {
    out: (s) => {
      out += s;
    },
    err: () => {},
    cwd: work,
  });
  expect(code).toBe(0);
  return out.slice(out.indexOf('\nRules\n'));
}

describe('the subscriptions loop', () => {
  it('writes the rules of the subscriptions file from the app of cdk.json with -c subscriptions', async () => {
    const { code, err } = await rules(['-c', `subscriptions=${SUBS}`, '--out', 'rules.json']);
    expect(code).toBe(0);
    expect(err).toContain('wrote 5 rule(s) to rules.json');
    expect(JSON.parse(readFileSync(join(work, 'rules.json'), 'utf8'))).toEqual(
      subscriptionRules(readSubscriptionsFile(SUBS)),
    );
  });

  it('fires the same rules replaying the written rules file as replaying the subscriptions file', async () => {
    await rules(['-c', `subscriptions=${SUBS}`, '--out', 'rules.json']);
    expect(await replayedRules(join(work, 'rules.json'))).toBe(await replayedRules(SUBS));
  });

  it('stops with the file and the entry when the subscriptions file is invalid, exit 2', async () => {
    const bad = join(work, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ subscriptions: [{ id: 'x', filter: {}, target: 'arn:aws:s3:::b' }] }),
    );
    const { code, err } = await rules(['-c', `subscriptions=${bad}`]);
    expect(code).toBe(2);
    expect(err).toContain(
      `memory-cdc rules: subscriptions file ${bad}: subscriptions[0] (id "x"): target must be the ARN of`,
    );
  });
});
