import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { PRESET_LAYOUTS } from '../../layout/resolveLayout.js';
import { runCommand } from '../runCommand.js';
import type { CliContext, RegisterCommand } from '../types.js';

/**
 * A preset as the JSON a custom layout file starts from: every field the layout schema knows, in
 * the order the README documents them.
 *
 * @example
 * ```ts
 * presetLayoutJson('agent-memory'); // '{\n  "name": "agent-memory",\n  "partitionKey": "pk", …'
 * ```
 */
export function presetLayoutJson(name: string): string | undefined {
  const preset = Object.hasOwn(PRESET_LAYOUTS, name) ? PRESET_LAYOUTS[name] : undefined;
  return preset ? `${JSON.stringify(preset, null, 2)}\n` : undefined;
}

/** `memory-cdc layout show PRESET`: prints a preset layout as a starting point for a custom one. */
export const registerLayout: RegisterCommand = (program: Command, ctx: CliContext) => {
  const layout = program.command('layout').description('Inspect the layouts that classify items');
  layout
    .command('show')
    .description(
      'Print a preset layout as JSON: save it, edit key names and templates, pass it with --layout FILE',
    )
    .argument('<preset>', `one of: ${Object.keys(PRESET_LAYOUTS).join(', ')}`)
    .action((name: string) =>
      runCommand(ctx, 'layout show', () => {
        const json = presetLayoutJson(name);
        if (!json) {
          throw new ConfigError(
            `unknown preset ${JSON.stringify(name)} (presets: ${Object.keys(PRESET_LAYOUTS).join(', ')})`,
          );
        }
        ctx.out(json);
      }),
    );
};
