import type { Command } from 'commander';
import type { CliContext, RegisterCommand } from '../types.js';

/** One CLI command: its name, the one line the root help shows, and how to load its module. */
export interface CommandEntry {
  /** The command's name, as typed after `memory-cdc`. */
  readonly name: string;
  /** The description its module registers (a test keeps the two equal). */
  readonly summary: string;
  /** Imports the command's module: only the command that runs pays for its dependencies. */
  readonly load: () => Promise<RegisterCommand>;
}

/** Every command module; each file registers one command (or one command group). */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'replay',
    summary:
      'Replay DynamoDB Streams fixtures through the pipeline locally (default: every fixture in events/)',
    load: async () => (await import('./replay.js')).registerReplay,
  },
  {
    name: 'test-pattern',
    summary:
      'Test an EventBridge event pattern against an event offline, like TestEventPattern ' +
      '(exit 0: match, 1: no match, 2: invalid pattern or input)',
    load: async () => (await import('./testPattern.js')).registerTestPattern,
  },
  {
    name: 'fixtures',
    summary: 'Generate a fixture file of realistic agent-memory stream records (agent-memory layout)',
    load: async () => (await import('./fixtures.js')).registerFixtures,
  },
  {
    name: 'layout',
    summary: 'Inspect the layouts that classify items',
    load: async () => (await import('./layout.js')).registerLayout,
  },
  {
    name: 'tail',
    summary:
      "Follow a table's DynamoDB stream, or with --kinesis-stream the Kinesis data stream it streams to, live through the pipeline (same output as replay)",
    load: async () => (await import('./tail.js')).registerTail,
  },
  {
    name: 'capture',
    summary:
      "Save records from a table's DynamoDB stream, or its Kinesis data stream, as a replayable fixture file (DynamoDB Streams event; --format kinesis: Kinesis Data Streams for DynamoDB)",
    load: async () => (await import('./capture.js')).registerCapture,
  },
  {
    name: 'backfill',
    summary: 'Scan a table and emit every item as a synthetic insert through the pipeline (initial snapshot)',
    load: async () => (await import('./backfill.js')).registerBackfill,
  },
  {
    name: 'restore',
    summary: 'Restore TTL-archived items to a DynamoDB table (BatchWriteItem, unprocessed items retried)',
    load: async () => (await import('./restore.js')).registerRestore,
  },
  {
    name: 'redrive',
    summary:
      'Send dead letters and on-failure batches through the pipeline again, with their original event ids',
    load: async () => (await import('./redrive.js')).registerRedrive,
  },
  {
    name: 'dev',
    summary:
      'Run the pipeline against a real DynamoDB stream on this machine: DynamoDB Local (Java 17+), a memory table, optional seed data, live view',
    load: async () => (await import('./dev.js')).registerDev,
  },
  {
    name: 'vectors',
    summary: 'Semantic recall index: sync fixtures into a local vector index, query it',
    load: async () => (await import('./vectors.js')).registerVectors,
  },
  {
    name: 'rules',
    summary: "Print the event patterns of a CDK app's memory-bus rules as a rules file for replay --rules",
    load: async () => (await import('./rules.js')).registerRules,
  },
  {
    name: 'estimate',
    summary: 'Estimate the monthly AWS cost and the first quota to bind for a workload',
    load: async () => (await import('./estimate.js')).registerEstimate,
  },
  {
    name: 'routing',
    summary: 'Routing files: which entities each sink (eventbridge, kinesis, archive, vector) receives',
    load: async () => (await import('./routing.js')).registerRouting,
  },
];

/** The command an argument list names (`memory-cdc help X` names X), if any. */
export function commandNameIn(args: readonly string[]): string | undefined {
  const words = args.filter((arg) => !arg.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * Registers what a run needs: the command the arguments name (only its module is imported), or,
 * when they name none (`--help`, `--version`, a typo), every command's one-line summary for the
 * root help — so `memory-cdc --help` loads no command module at all.
 *
 * @param args the arguments after the program name (`process.argv.slice(2)`)
 */
export async function registerCommands(
  program: Command,
  context: CliContext,
  args: readonly string[],
): Promise<void> {
  const name = commandNameIn(args);
  const entry = COMMANDS.find((command) => command.name === name);
  if (entry) {
    (await entry.load())(program, context);
    return;
  }
  for (const command of COMMANDS) program.command(command.name).description(command.summary);
}
