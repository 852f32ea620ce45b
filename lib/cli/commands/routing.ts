import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_ROUTING, resolveRouting } from '../../routing/defaultRouting.js';
import { assertWritable, writeOutputFile } from '../outputFile.js';
import { readRoutingFlag } from '../readPipelineFlags.js';
import { runCommand } from '../runCommand.js';
import type { CliContext, RegisterCommand } from '../types.js';

interface RoutingShowFlags {
  routing?: string;
  out?: string;
  force?: boolean;
}

async function runRoutingShow(flags: RoutingShowFlags, ctx: CliContext): Promise<void> {
  const routing = flags.routing ? resolveRouting(readRoutingFlag(flags.routing, ctx.cwd)) : DEFAULT_ROUTING;
  const text = `${JSON.stringify(routing, null, 2)}\n`;
  if (!flags.out) {
    ctx.out(text);
    return;
  }
  const out = resolve(ctx.cwd, flags.out);
  await assertWritable(out, { option: '--out', force: flags.force });
  await writeOutputFile(out, text, { option: '--out', force: flags.force });
  ctx.err(`memory-cdc routing show: wrote ${out}\n`);
}

/**
 * `memory-cdc routing show`: prints the routing in the format `--routing` reads (the defaults, or
 * the defaults merged with a given file), as a starting point for a routing file.
 *
 * @example
 * ```sh
 * npx memory-cdc routing show --out routing.json   # edit it, then:
 * npx memory-cdc replay --routing routing.json
 * ```
 */
export const registerRouting: RegisterCommand = (program: Command, ctx: CliContext) => {
  const routing = program
    .command('routing')
    .description('Routing files: which entities each sink (eventbridge, kinesis, archive, vector) receives');
  routing
    .command('show')
    .description('Print the routing as a --routing file: the defaults, or the defaults merged with --routing')
    .option('--routing <file>', 'a routing file (or inline JSON) to merge over the defaults and check')
    .option('--out <file>', 'write the routing file here instead of standard output (folders are created)')
    .option('--force', 'overwrite --out if it exists')
    .action((flags: RoutingShowFlags) => runCommand(ctx, 'routing show', () => runRoutingShow(flags, ctx)));
};
