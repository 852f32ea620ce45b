import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  appSource,
  parseContextOptions,
  readCdkJson,
  readCloudAssembly,
  synthesizeEntry,
} from '../../../infra/cloudAssembly.js';
import {
  type CloudFormationTemplate,
  memoryRulesFromTemplates,
  type StackTemplate,
} from '../../../infra/memoryRules.js';
import { assertWritable, writeOutputFile } from '../outputFile.js';
import { runCommand } from '../runCommand.js';
import type { CliContext, RegisterCommand } from '../types.js';

interface RulesFlags {
  app?: string;
  context: string[];
  out?: string;
  force?: boolean;
}

async function loadTemplates(flags: RulesFlags, ctx: CliContext): Promise<StackTemplate[]> {
  const context = parseContextOptions(flags.context);
  if (!flags.app) {
    const cdk = readCdkJson(ctx.cwd);
    return synthesizeEntry(cdk.entry, { ...cdk.context, ...context });
  }
  const source = appSource(flags.app, ctx.cwd);
  if (source.kind === 'assembly') return readCloudAssembly(source.path);
  if (source.kind === 'template') {
    const template = JSON.parse(readFileSync(source.path, 'utf8')) as CloudFormationTemplate;
    return [{ stackName: 'template', template }];
  }
  return synthesizeEntry(source.path, context);
}

async function runRules(flags: RulesFlags, ctx: CliContext): Promise<void> {
  const out = flags.out ? resolve(ctx.cwd, flags.out) : undefined;
  if (out) await assertWritable(out, { option: '--out', force: flags.force });
  const templates = await loadTemplates(flags, ctx);
  const { rules, skipped } = memoryRulesFromTemplates(templates);
  for (const { rule, reason } of skipped) ctx.err(`memory-cdc rules: skipped ${rule}: ${reason}\n`);
  if (Object.keys(rules).length === 0) {
    ctx.err(`memory-cdc rules: no rules on the memory bus in ${templates.length} stack(s)\n`);
  }
  const text = `${JSON.stringify(rules, null, 2)}\n`;
  if (out) {
    await writeOutputFile(out, text, { option: '--out', force: flags.force });
    ctx.err(`memory-cdc rules: wrote ${Object.keys(rules).length} rule(s) to ${flags.out}\n`);
  } else {
    ctx.out(text);
  }
}

/**
 * `memory-cdc rules [--app PATH] [-c key=value…] [--out FILE]`: prints the event patterns of the
 * rules on the memory bus of a CDK app as a rules file for `memory-cdc replay --rules`, so the
 * patterns tested locally are the deployed ones. Without `--app`, the app of `./cdk.json` is
 * synthesized in this process (with its context, plus `-c`); `--app` also takes a cloud assembly
 * directory (`cdk.out`), a template file, or another app entry file.
 *
 * With the bundled app, the rules are those of the subscriptions file (`-c subscriptions=subs.json`,
 * or `"subscriptions": "subs.json"` in the context of cdk.json, beside `tableName` and `streamArn`).
 *
 * @example
 * ```sh
 * npx memory-cdc rules -c subscriptions=subs.json --out rules.json   # tableName, streamArn in cdk.json
 * npx memory-cdc rules --app cdk.out --out rules.json                # an app already synthesized
 * npx memory-cdc replay --rules rules.json
 * ```
 */
export const registerRules: RegisterCommand = (program: Command, ctx: CliContext) => {
  program
    .command('rules')
    .description(
      "Print the event patterns of a CDK app's memory-bus rules as a rules file for replay --rules",
    )
    .option(
      '--app <path>',
      'cloud assembly directory (cdk.out), template (.json) or app entry (.ts/.js); default: cdk.json',
    )
    .option(
      '-c, --context <key=value>',
      'CDK context for the synthesized app (repeatable; added to the context of cdk.json), e.g. -c subscriptions=subs.json -c tableName=… -c streamArn=…',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--out <file>', 'write the rules file here instead of standard output')
    .option('--force', 'overwrite --out if it exists')
    .action((flags: RulesFlags) => runCommand(ctx, 'rules', () => runRules(flags, ctx)));
};
