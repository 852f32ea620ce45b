import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { fixtureFileText } from '../../fixtures/bundledFixtures.js';
import { generateFixtures, parseMix } from '../../fixtures/generateFixtures.js';
import { assertWritable, writeOutputFile } from '../outputFile.js';
import { runCommand } from '../runCommand.js';
import type { CliContext, RegisterCommand } from '../types.js';

interface FixturesFlags {
  count: number;
  itemSize: number;
  mix?: string;
  embeddingDimensions?: number;
  seed: number;
  out?: string;
  force?: boolean;
}

function positiveInt(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number >= 1`);
    return n;
  };
}

async function runFixtures(flags: FixturesFlags, ctx: CliContext): Promise<void> {
  const mix = flags.mix ? parseMix(flags.mix) : undefined;
  const path = flags.out ? resolve(ctx.cwd, flags.out) : undefined;
  if (path) await assertWritable(path, { option: '--out', force: flags.force });
  const records = generateFixtures({
    count: flags.count,
    itemSize: flags.itemSize,
    mix,
    embeddingDimensions: flags.embeddingDimensions,
    seed: flags.seed,
  });
  const text = fixtureFileText({ Records: records });
  if (!path) {
    ctx.out(text);
    return;
  }
  await writeOutputFile(path, text, { option: '--out', force: flags.force });
  ctx.err(`wrote ${records.length} records (${text.length} bytes) to ${path}\n`);
}

/** `memory-cdc fixtures`: generates larger fixture sets for tests and benchmarks. */
export const registerFixtures: RegisterCommand = (program, ctx) => {
  program
    .command('fixtures')
    .description('Generate a fixture file of realistic agent-memory stream records (agent-memory layout)')
    .option('-n, --count <n>', 'number of stream records', positiveInt('--count'), 1000)
    .option('--item-size <bytes>', 'approximate item size in bytes', positiveInt('--item-size'), 1024)
    .option('--mix <weights>', 'entity weights, e.g. turn=60,run=10,ledger=10,rate_limit=20')
    .option(
      '--embedding-dimensions <n>',
      'give turns a number-list embedding of this size',
      positiveInt('--embedding-dimensions'),
    )
    .option('--seed <n>', 'random seed (same seed, same records)', positiveInt('--seed'), 1)
    .option('-o, --out <file>', 'write to this file instead of standard output (folders are created)')
    .option('--force', 'overwrite --out if it exists')
    .action((flags: FixturesFlags) => runCommand(ctx, 'fixtures', () => runFixtures(flags, ctx)));
};
