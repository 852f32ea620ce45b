import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { estimateCost, WORKLOAD_DEFAULTS } from '../../estimate/estimateCost.js';
import { formatEstimate } from '../../estimate/formatEstimate.js';
import { measureTrafficShape } from '../../estimate/measureTrafficShape.js';
import { measureWorkload } from '../../estimate/measureWorkload.js';
import { DEFAULT_PRICES } from '../../estimate/prices.js';
import { defaultQuotas } from '../../estimate/quotas.js';
import { applyPriceOverrides, parseChanges, parseWorkload } from '../../estimate/readWorkload.js';
import type { Workload } from '../../estimate/types.js';
import {
  GENERATED_ENTITIES,
  type GeneratedEntity,
  generateFixtures,
} from '../../fixtures/generateFixtures.js';
import { agentMemoryLayout } from '../../layout/presets/agentMemory.js';
import { createPipeline } from '../../pipeline/createPipeline.js';
import { chooseLayout } from '../../replay/chooseLayout.js';
import { loadFixtureFile } from '../../replay/loadFixtureFile.js';
import type { StreamRecord } from '../../stream/types.js';
import { assertInputPaths } from '../assertInputPaths.js';
import { readJsonArgument } from '../readJsonArgument.js';
import { readPipelineFlags } from '../readPipelineFlags.js';
import { runCommand } from '../runCommand.js';
import type { CliContext, RegisterCommand } from '../types.js';

interface EstimateFlags {
  workload?: string;
  changes?: string;
  from?: string;
  windowSeconds?: string;
  expiriesPerDay?: string;
  itemSize?: string;
  embeddings?: string;
  source?: string;
  kinesis?: string;
  region?: string;
  prices?: string;
  layout?: string;
  routing?: string;
  json?: boolean;
}

/** Sample size when the shape is measured on generated records. */
const SAMPLE_RECORDS = 3000;

function numberFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new ConfigError(`${flag} must be a number >= 0 (given ${value})`);
  return n;
}

async function runEstimate(flags: EstimateFlags, ctx: CliContext): Promise<void> {
  const settings = readPipelineFlags({ layout: flags.layout, routing: flags.routing }, ctx.cwd);
  const fromFile = flags.workload
    ? parseWorkload(flags.workload, readJsonArgument('--workload', flags.workload, ctx.cwd))
    : {};
  const fromFlags: Partial<Workload> = parseWorkload('flags', {
    ...(flags.changes ? { changesPerSecond: parseChanges(flags.changes) } : {}),
    ...(flags.expiriesPerDay !== undefined
      ? { expiriesPerDay: numberFlag('--expiries-per-day', flags.expiriesPerDay) }
      : {}),
    ...(flags.itemSize !== undefined ? { itemBytes: numberFlag('--item-size', flags.itemSize) } : {}),
    ...(flags.embeddings ? { embeddings: flags.embeddings } : {}),
    ...(flags.source ? { source: flags.source } : {}),
    ...(flags.kinesis ? { kinesisMode: flags.kinesis } : {}),
    ...(flags.region ? { region: flags.region } : {}),
  });

  let sample: StreamRecord[];
  let measured: Partial<Workload> = {};
  let layout = settings.layout;
  if (flags.from) {
    await assertInputPaths([flags.from], ctx.cwd, '--from file');
    sample = await loadFixtureFile(resolve(ctx.cwd, flags.from));
    if (!layout) {
      const chosen = chooseLayout(undefined, sample);
      layout = chosen.layout ?? agentMemoryLayout;
    }
    const window = numberFlag('--window-seconds', flags.windowSeconds);
    const m = measureWorkload(createPipeline({ layout, routing: settings.routing }), sample, window);
    measured = {
      changesPerSecond: m.changesPerSecond,
      expiriesPerDay: m.expiriesPerDay,
      itemBytes: m.itemBytes,
    };
    ctx.err(
      `memory-cdc estimate: measured ${m.records} record(s) of ${flags.from} over ${m.windowSeconds} s (${m.windowSource === 'records' ? 'their creation times' : '--window-seconds'})\n`,
    );
  } else {
    const changes = fromFlags.changesPerSecond ?? fromFile.changesPerSecond;
    if (!changes || Object.keys(changes).length === 0) {
      throw new ConfigError(
        'give the workload: --changes turn=50,run=5,… , --workload FILE or --from CAPTURE',
      );
    }
    const mix: Partial<Record<GeneratedEntity, number>> = {};
    for (const [entity, rate] of Object.entries(changes)) {
      if (GENERATED_ENTITIES.includes(entity as GeneratedEntity) && rate && rate > 0)
        mix[entity as GeneratedEntity] = rate;
    }
    // Entities the generator does not write (unknown) take the mean shape of the others.
    if (Object.keys(mix).length === 0) mix.turn = 1;
    sample = generateFixtures({
      count: SAMPLE_RECORDS,
      itemSize: fromFlags.itemBytes ?? fromFile.itemBytes ?? WORKLOAD_DEFAULTS.itemBytes,
      mix,
    });
    layout = layout ?? agentMemoryLayout;
  }
  const region = fromFlags.region ?? fromFile.region ?? DEFAULT_PRICES.region;
  const workload: Workload = {
    ...WORKLOAD_DEFAULTS,
    region,
    ...measured,
    ...fromFile,
    ...fromFlags,
  } as Workload;
  let prices = DEFAULT_PRICES;
  let quotas = defaultQuotas(region);
  if (flags.prices) {
    ({ prices, quotas } = applyPriceOverrides(
      flags.prices,
      readJsonArgument('--prices', flags.prices, ctx.cwd),
      prices,
      quotas,
    ));
  }
  const shape = measureTrafficShape(createPipeline({ layout, routing: settings.routing }), sample);
  const estimate = estimateCost(workload, shape, prices, quotas);
  ctx.out(flags.json ? `${JSON.stringify(estimate, null, 2)}\n` : formatEstimate(estimate));
}

/**
 * `memory-cdc estimate`: monthly cost per component and the first quota to bind, for a workload given
 * as rates (`--changes`, `--workload`) or measured from a capture (`--from`).
 */
export const registerEstimate: RegisterCommand = (program: Command, ctx: CliContext) => {
  program
    .command('estimate')
    .description('Estimate the monthly AWS cost and the first quota to bind for a workload')
    .option('--changes <rates>', 'table changes per second by entity, e.g. turn=50,run=5,rate_limit=20')
    .option('--workload <file>', 'workload JSON file (fields as in the README)')
    .option('--from <file>', 'measure the workload from a capture or fixture file')
    .option(
      '--window-seconds <s>',
      'how long the --from sample took (when its creation times span under 60 s)',
    )
    .option('--expiries-per-day <n>', 'items TTL deletes per day')
    .option('--item-size <bytes>', 'average item size in bytes')
    .option('--embeddings <from>', 'bedrock | item (vectors from the item attribute: no Bedrock cost)')
    .option('--source <layout>', 'one-reader | two-readers | kinesis')
    .option('--kinesis <mode>', 'change log capacity mode: on-demand | provisioned')
    .option('--region <region>', 'AWS Region, for quotas')
    .option('--prices <file>', 'JSON overrides of the price table and quotas')
    .option('--layout <layout>', 'agent-memory | mastra | layout JSON file (for --from)')
    .option('--routing <file>', 'JSON routing configuration (what reaches each sink)')
    .option('--json', 'print the estimate as JSON')
    .action((flags: EstimateFlags) => runCommand(ctx, 'estimate', () => runEstimate(flags, ctx)));
};
