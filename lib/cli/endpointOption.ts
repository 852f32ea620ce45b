/**
 * The one endpoint flag of every command that talks to DynamoDB: `--endpoint-url <url>` (the AWS
 * CLI's name), with `--endpoint <url>` kept as an alias. Both option values are set to the one
 * given, so a command reads either.
 */
import { type Command, Option } from 'commander';

/** The flags an endpoint option fills. */
export interface EndpointFlags {
  endpointUrl?: string;
  endpoint?: string;
}

/**
 * Adds `--endpoint-url <url>` and its alias `--endpoint <url>` to a command.
 *
 * @example
 * addEndpointOption(program.command('tail'), 'DynamoDB endpoint, e.g. http://localhost:8000 for DynamoDB Local')
 *   .action((flags: EndpointFlags) => console.log(flags.endpointUrl));
 * // memory-cdc tail --endpoint http://localhost:8000  → flags.endpointUrl === 'http://localhost:8000'
 *
 * Both given with different values is a usage error (exit code 2) before the action runs.
 */
export function addEndpointOption(command: Command, description: string): Command {
  return command
    .addOption(new Option('--endpoint-url <url>', description))
    .addOption(new Option('--endpoint <url>', 'alias of --endpoint-url').hideHelp())
    .hook('preAction', (self) => {
      const flags = self.opts<EndpointFlags>();
      if (
        flags.endpointUrl !== undefined &&
        flags.endpoint !== undefined &&
        flags.endpointUrl !== flags.endpoint
      ) {
        self.error(
          `error: --endpoint is an alias of --endpoint-url: give one of them (given ${flags.endpointUrl} and ${flags.endpoint})`,
          { exitCode: 2, code: 'memory-cdc.endpointConflict' },
        );
      }
      const url = flags.endpointUrl ?? flags.endpoint;
      if (url === undefined) return;
      self.setOptionValue('endpointUrl', url);
      self.setOptionValue('endpoint', url);
    });
}
