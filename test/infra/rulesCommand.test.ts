/**
 * `memory-cdc rules`: the memory-bus rules of a CDK app as a rules file, from a template, a cloud
 * assembly, an app entry synthesized in-process, or the app of cdk.json.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCdcStack } from '../../infra/MemoryCdcStack.js';
import { memoryRulesFromTemplates } from '../../infra/memoryRules.js';
import { registerRules } from '../../lib/cli/commands/rules.js';
import type { CliContext } from '../../lib/cli/types.js';
import { memoryEventPattern } from '../../lib/subscriptions/memoryEventPattern.js';
import { CDK_JSON_CONTEXT, ENV, STREAM_ARN, TABLE_NAME } from './support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const NEW_TURNS = memoryEventPattern({ detailType: ['Turn Created'], entity: ['turn'] });
const TABLE_CONTEXT = ['-c', `tableName=${TABLE_NAME}`, '-c', `streamArn=${STREAM_ARN}`];

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'memory-cdc-rules-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `memory-cdc rules …` in a working directory. */
async function rules(args: string[], cwd = work): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const ctx: CliContext = { out: (t) => (out += t), err: (t) => (err += t), exitCode: 0, cwd };
  const program = new Command('memory-cdc').exitOverride();
  registerRules(program, ctx);
  await program.parseAsync(['node', 'memory-cdc', 'rules', ...args]);
  return { code: ctx.exitCode, out, err };
}

describe('memory-cdc rules', () => {
  it('prints the rules of the memory bus in a template, named by Name, subscription id or construct path', async () => {
    const { code, out } = await rules(['--app', join(FIXTURES, 'memory-rules.template.json')]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      NewTurns: { source: ['memory-cdc'], 'detail-type': ['Turn Created'] },
      'audit-expiries': { detail: { expired: [true] } },
      'App/Runs': { detail: { entity: ['run'] } },
      CrossStackRule: { source: ['memory-cdc'], detail: { op: ['remove'] } },
    });
  });

  it('leaves out rules on other buses and schedules, and says why it skipped disabled and deploy-time patterns', async () => {
    const { out, err } = await rules(['--app', join(FIXTURES, 'memory-rules.template.json')]);
    expect(Object.keys(JSON.parse(out))).not.toContain('OtherBusRule');
    expect(err).toContain('skipped App/Paused: the rule is disabled');
    expect(err).toContain(
      'skipped App/ThisTable: its pattern holds CloudFormation functions that resolve only at deploy time',
    );
  });

  it('reads a cloud assembly directory written by cdk synth', async () => {
    const outdir = join(work, 'cdk.out');
    const app = new App({
      outdir,
      builtinCloudFormationValidation: false,
      context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] },
    });
    const stack = new MemoryCdcStack(app, 'Assembly', {
      env: ENV,
      tableName: TABLE_NAME,
      tableStreamArn: STREAM_ARN,
    });
    stack.cdc.onEvent({ detailType: ['Turn Created'], entity: ['turn'] }, undefined, { id: 'NewTurns' });
    app.synth();
    const { code, out } = await rules(['--app', 'cdk.out']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ NewTurns: NEW_TURNS });
  });

  it('synthesizes an app entry in this process with the given context and writes the rules file', async () => {
    const entry = join(FIXTURES, 'subscribedApp.ts');
    const { code, err } = await rules(['--app', entry, ...TABLE_CONTEXT, '--out', 'rules.json']);
    expect(code).toBe(0);
    expect(err).toBe('memory-cdc rules: wrote 1 rule(s) to rules.json\n');
    expect(JSON.parse(readFileSync(join(work, 'rules.json'), 'utf8'))).toEqual({ NewTurns: NEW_TURNS });
  });

  it('synthesizes the app of cdk.json when no --app is given; the ready stack has no subscriptions', async () => {
    const { code, out, err } = await rules(TABLE_CONTEXT, ROOT);
    expect(code).toBe(0);
    expect(out).toBe('{}\n');
    expect(err).toBe('memory-cdc rules: no rules on the memory bus in 1 stack(s)\n');
  });

  it('says which context the app is missing and how to pass it', async () => {
    const exitListeners = process.listenerCount('beforeExit');
    const { code, out, err } = await rules([], ROOT);
    // The half-built App must not try to synthesize into the removed folder when the process exits.
    expect(process.listenerCount('beforeExit')).toBe(exitListeners);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(
      /^memory-cdc rules: missing context tableName and streamArn\. Deploy beside your table with: npx cdk deploy -c tableName=<table> -c streamArn=<stream ARN>/,
    );
  });

  it('says when there is neither --app nor a cdk.json', async () => {
    const { code, err } = await rules([]);
    expect(code).toBe(2);
    expect(err).toContain(`no cdk.json in ${work}: pass --app`);
  });
});

describe('memoryRulesFromTemplates', () => {
  it('prefixes a rule name taken in another stack with its stack name', () => {
    const template = JSON.parse(readFileSync(join(FIXTURES, 'memory-rules.template.json'), 'utf8'));
    const { rules: found } = memoryRulesFromTemplates([
      { stackName: 'A', template },
      { stackName: 'B', template },
    ]);
    expect(Object.keys(found)).toContain('NewTurns');
    expect(Object.keys(found)).toContain('B/NewTurns');
  });
});
