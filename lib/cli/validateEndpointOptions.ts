import type { Command } from 'commander';
import { parseEndpointUrl } from '../config/parseEndpointUrl.js';
import { ConfigError } from '../errors.js';
import { EXIT_CODES } from './exitCodes.js';

/** The command's name as typed, e.g. `vectors query`. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Checks every endpoint option of the command about to run (any option whose long name contains
 * `endpoint`, whatever a command calls it) before its action starts, so a bad endpoint fails at
 * once with exit 2 and the expected form, before any file is read or server started. Installed
 * once on the program as a `preAction` hook.
 */
export function validateEndpointOptions(program: Command): void {
  program.hook('preAction', (_program, action) => {
    for (const option of action.options) {
      if (!option.long?.includes('endpoint')) continue;
      const value: unknown = action.getOptionValue(option.attributeName());
      if (typeof value !== 'string') continue;
      try {
        parseEndpointUrl(option.long, value);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        action.error(`memory-cdc ${commandPath(action)}: ${error.message}`, {
          exitCode: EXIT_CODES.usage,
          code: 'memory-cdc.invalidEndpoint',
        });
      }
    }
  });
}
