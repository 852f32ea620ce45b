import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DEV_SOURCES, isDevSource } from '../../dev/DevSource.js';
import { formatDevView } from '../../dev/formatDevView.js';
import { type DevInfo, runDev } from '../../dev/runDev.js';
import { ConfigError, MemoryCdcError } from '../../errors.js';
import { resolveLayout } from '../../layout/resolveLayout.js';
import { abortOnInterrupt, parsePositiveInteger, parsePositiveNumber } from '../../live/cliSupport.js';
import { formatOutputLine } from '../../replay/formatOutput.js';
import { readRoutingFlag } from '../readPipelineFlags.js';
import { runCommand } from '../runCommand.js';
import type { CliContext, RegisterCommand } from '../types.js';

/** Flags of `memory-cdc dev`. */
export interface DevFlags {
  layout: string;
  table?: string;
  seed: string;
  keys?: string;
  rate: string;
  port: string;
  emulators?: boolean;
  json?: boolean;
  outDir: string;
  routing?: string;
  duration?: string;
  source: string;
}

/** Parses a whole number >= 0. */
function parseCount(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new ConfigError(`${option} must be a whole number >= 0 (given ${JSON.stringify(value)})`);
  return n;
}

function describeReady(info: DevInfo): string {
  const lines = [
    `DynamoDB Local: ${info.endpoint} (any region and credentials; e.g. aws dynamodb scan --endpoint-url ${info.endpoint} --table-name ${info.tableName})`,
    `table ${info.tableName} (layout ${info.layout}), stream ${info.streamArn}`,
    ...(info.sourceStream
      ? [
          `source: Kinesis stream ${info.sourceStream.name} at ${info.sourceStream.endpoint} (${info.sourceStream.arn}), written by the local bridge from the table's stream in the Kinesis Data Streams for DynamoDB format; router and archiver read Lambda Kinesis events from it`,
        ]
      : []),
    ...(info.expirySweeper
      ? [
          'local expiry sweeper on: DynamoDB Local never TTL-deletes in a table with secondary indexes, so dev deletes expired items itself',
        ]
      : []),
    ...Object.entries(info.outputs).map(([name, where]) => `  ${name.padEnd(13)} ${where}`),
    'Ctrl-C stops everything',
  ];
  return `${lines.join('\n')}\n`;
}

async function runDevCommand(flags: DevFlags, ctx: CliContext): Promise<void> {
  const source = flags.source;
  if (!isDevSource(source)) {
    throw new ConfigError(`--source must be ${DEV_SOURCES.join(' or ')} (given ${JSON.stringify(source)})`);
  }
  const layout = resolveLayout(flags.layout, ctx.cwd);
  const seed = parseCount('--seed', flags.seed);
  const seedKeys = flags.keys ?? 'prefixed';
  if (seedKeys !== 'prefixed' && seedKeys !== 'literal') {
    throw new ConfigError(`--keys must be prefixed or literal (given ${JSON.stringify(flags.keys)})`);
  }
  const seedRate = Number(flags.rate);
  if (!Number.isFinite(seedRate) || seedRate < 0) {
    throw new ConfigError(
      `--rate must be a number of writes per second >= 0 (given ${JSON.stringify(flags.rate)})`,
    );
  }
  const port = parsePositiveInteger('--port', flags.port)!;
  const durationSeconds = parsePositiveNumber('--duration', flags.duration);
  const routing = flags.routing ? readRoutingFlag(flags.routing, ctx.cwd) : undefined;
  const controller = new AbortController();
  const stopInterrupt = abortOnInterrupt(controller, () =>
    ctx.err('\ndev: stopping (DynamoDB Local, sinks, seeder)\n'),
  );
  // --duration counts from the moment everything is up, not from the Java start.
  let timer: NodeJS.Timeout | undefined;
  // Redraw in place on a terminal; otherwise (a log, CI, or --json on the same screen) print every 10 s.
  const redraw = !flags.json && process.stderr.isTTY === true;
  let drawn = 0;
  let lastPrinted = 0;
  /** Writes a line above the live view (the view is drawn again below it on its next tick). */
  const notice = (line: string) => {
    ctx.err(`${redraw && drawn ? `\x1b[${drawn}F\x1b[J` : ''}${line}\n`);
    drawn = 0;
  };
  // Start-up takes seconds (Java): say what is happening, and that it still is.
  const started = Date.now();
  let step: { text: string; since: number } | undefined;
  const ticker = setInterval(() => {
    if (!step) return;
    const seconds = Math.round((Date.now() - step.since) / 1000);
    const hint = step.text.startsWith('starting DynamoDB Local')
      ? " (Java's first start can take 20-30 s on a busy machine)"
      : '';
    ctx.err(`dev: still ${step.text}, ${seconds} s${hint}\n`);
  }, 5000);
  ticker.unref();
  // The SDK prints some warnings with console.warn; on the live view's screen they would tear the
  // redraw, so they are written as lines above it instead.
  const consoleWarn = console.warn;
  console.warn = (...args: unknown[]) => notice(`dev: warning: ${args.map(String).join(' ')}`);
  try {
    const { snapshot, info } = await runDev({
      layout,
      ...(flags.table ? { tableName: flags.table } : {}),
      port,
      seed,
      seedKeys,
      seedRate,
      emulators: flags.emulators ?? false,
      source,
      outDir: resolve(ctx.cwd, flags.outDir),
      ...(routing ? { routing } : {}),
      signal: controller.signal,
      ...(flags.json ? { onOutput: (output) => ctx.out(`${formatOutputLine(output)}\n`) } : {}),
      onStep: (text) => {
        step = { text, since: Date.now() };
        ctx.err(`dev: ${text}...\n`);
      },
      onReady: (ready) => {
        step = undefined;
        clearInterval(ticker);
        if (durationSeconds) timer = setTimeout(() => controller.abort(), durationSeconds * 1000);
        ctx.err(`dev: ready after ${((Date.now() - started) / 1000).toFixed(1)} s\n${describeReady(ready)}`);
      },
      onView: (s, ready) => {
        if (redraw) {
          // Lines cut to the terminal's width: a wrapped line would throw the redraw off by one.
          const columns = Math.max(40, (process.stderr.columns ?? 120) - 1);
          const text = formatDevView({ ...ready, table: ready.tableName }, s, { width: columns })
            .split('\n')
            .map((line) => line.slice(0, columns))
            .join('\n');
          ctx.err(`${drawn ? `\x1b[${drawn}F\x1b[J` : ''}${text}\n`);
          drawn = text.split('\n').length;
        } else if (s.elapsedMs - lastPrinted >= 10_000) {
          lastPrinted = s.elapsedMs;
          ctx.err(`${formatDevView({ ...ready, table: ready.tableName }, s)}\n`);
        }
      },
    });
    if (redraw && drawn) ctx.err(`\x1b[${drawn}F\x1b[J`);
    ctx.err(`${formatDevView({ ...info, table: info.tableName }, snapshot, { full: true })}\n`);
    ctx.err('dev: stopped\n');
  } catch (error) {
    // Ctrl-C while DynamoDB Local was still starting: everything is stopped already.
    if (!controller.signal.aborted || error instanceof MemoryCdcError) throw error;
    ctx.err('dev: stopped\n');
  } finally {
    clearInterval(ticker);
    console.warn = consoleWarn;
    if (timer) clearTimeout(timer);
    stopInterrupt();
  }
}

/**
 * `memory-cdc dev`: DynamoDB Local with the memory table, an optional seeder, and the stream
 * consumed by the router's and archiver's processing into local sinks (or emulators), with a live view.
 */
export const registerDev: RegisterCommand = (program: Command, ctx: CliContext) => {
  program
    .command('dev')
    .description(
      'Run the pipeline against a real DynamoDB stream on this machine: DynamoDB Local (Java 17+), a memory table, optional seed data, live view',
    )
    .option('--layout <layout>', 'agent-memory | mastra | path to a layout JSON file', 'agent-memory')
    .option('--table <name>', 'table name (default: the layout name)')
    .option('--seed <n>', 'write n realistic items over time (0: none; write your own to the endpoint)', '0')
    .option(
      '--keys <form>',
      'agent-memory keys the seeder writes: prefixed (USER#…, CONV#…#TS#…) or literal (user_id, conversation_id#timestamp, run_id#step)',
      'prefixed',
    )
    .option('--rate <n>', 'seed writes per second (0: as fast as DynamoDB Local takes them)', '20')
    .option('--port <port>', "DynamoDB Local's port", '8000')
    .option(
      '--emulators',
      'change log to kinesalite and archive/dead letters to s3rver instead of local files',
    )
    .option('--json', 'print one JSON line per delivered output on stdout (the live view stays on stderr)')
    .option('--out-dir <dir>', 'folder for the local sinks', '.memory-cdc/dev')
    .option('--routing <file>', 'JSON routing configuration (which entities go to which sink)')
    .option('--duration <seconds>', 'stop this long after start-up (default: run until Ctrl-C)')
    .option(
      '--source <source>',
      "what the router and archiver read: dynamodb-stream (the table's stream) or kinesis (Kinesis Data Streams for DynamoDB: kinesalite fed from the table's stream by a local bridge)",
      'dynamodb-stream',
    )
    .action((flags: DevFlags) => runCommand(ctx, 'dev', () => runDevCommand(flags, ctx)));
};
