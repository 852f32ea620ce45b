import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { compilePattern } from '../../patterns/compilePattern.js';
import { parseJsonExact } from '../../patterns/ExactNumber.js';
import { InvalidPatternError } from '../../patterns/InvalidPatternError.js';
import { type EventInput, eventFromInput } from '../../replay/eventFromInput.js';
import { readJsonArgument } from '../readJsonArgument.js';
import { runCommand } from '../runCommand.js';
import type { CliContext, RegisterCommand } from '../types.js';

/** Fields TestEventPattern requires in the event (it rejects the call without them). */
const TEST_EVENT_PATTERN_FIELDS = ['id', 'account', 'source', 'time', 'region', 'resources', 'detail-type'];

interface TestPatternFlags {
  pattern: string;
  event: string;
  json?: boolean;
}

function runTestPattern(flags: TestPatternFlags, ctx: CliContext): void {
  // Numbers are kept exact: [9007199254740993] never matches 9007199254740992.
  const pattern = readJsonArgument('--pattern', flags.pattern, ctx.cwd, parseJsonExact);
  let event = readJsonArgument('--event', flags.event, ctx.cwd, parseJsonExact);
  let compiled: ReturnType<typeof compilePattern>;
  try {
    compiled = compilePattern(pattern);
  } catch (error) {
    if (!(error instanceof InvalidPatternError)) throw error;
    throw new ConfigError(`invalid pattern: ${error.message}`, { cause: error });
  }
  let input: EventInput;
  try {
    input = eventFromInput(event);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw new ConfigError(`--event: ${error.message}`);
  }
  if (input.converted) ctx.err(`note: --event is ${input.converted}\n`);
  event = input.event;
  const missing = TEST_EVENT_PATTERN_FIELDS.filter((field) => !Object.hasOwn(input.event, field));
  if (missing.length > 0) {
    ctx.err(
      `note: the event lacks ${missing.join(', ')}; AWS TestEventPattern would refuse it, matching anyway\n`,
    );
  }

  const matched = compiled.matches(event);
  ctx.out(flags.json ? `${JSON.stringify({ match: matched })}\n` : matched ? 'match\n' : 'no match\n');
  ctx.exitCode = matched ? 0 : 1;
}

/**
 * `memory-cdc test-pattern --pattern FILE|JSON --event FILE|JSON`: the offline twin of EventBridge's
 * TestEventPattern. Prints `match` (exit 0) or `no match` (exit 1); an invalid pattern, an
 * unreadable file or invalid JSON exits 2 with the reason on stderr.
 *
 * @example
 * ```sh
 * npx memory-cdc test-pattern --pattern '{"source":["memory-cdc"],"detail-type":["Turn Created"]}' --event event.json
 * ```
 */
export const registerTestPattern: RegisterCommand = (program: Command, ctx: CliContext) => {
  program
    .command('test-pattern')
    .description(
      'Test an EventBridge event pattern against an event offline, like TestEventPattern ' +
        '(exit 0: match, 1: no match, 2: invalid pattern or input)',
    )
    .requiredOption('--pattern <file|json>', 'the event pattern: a JSON file, or inline JSON')
    .requiredOption(
      '--event <file|json>',
      'the EventBridge event, a PutEvents entry or a line of replay --json output: a JSON file, or inline JSON',
    )
    .option('--json', 'print {"match": true|false} instead of match / no match')
    .action((flags: TestPatternFlags) => runCommand(ctx, 'test-pattern', () => runTestPattern(flags, ctx)));
};
