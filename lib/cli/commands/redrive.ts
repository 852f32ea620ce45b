import { join, resolve } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import { createAwsClient } from '../../config/createAwsClient.js';
import { lazyAwsClient } from '../../config/lazyAwsClient.js';
import { JsonLinesSink } from '../../dev/sinks/JsonLinesSink.js';
import { ConfigError } from '../../errors.js';
import { createDeliverySinks, selectDeliverySinks } from '../../live/backfill/createDeliverySinks.js';
import { createPipeline } from '../../pipeline/createPipeline.js';
import { openRedriveSource } from '../../redrive/openRedriveSource.js';
import { type RedriveSummary, redrive } from '../../redrive/redrive.js';
import { chooseRedriveLayouts, readGivenLayouts } from '../../redrive/redriveLayouts.js';
import { resolveRouting } from '../../routing/defaultRouting.js';
import type { RoutingConfig } from '../../routing/types.js';
import { LocalArchiveSink } from '../../sinks/archive/LocalArchiveSink.js';
import type { Sink } from '../../sinks/types.js';
import { LocalVectorSink } from '../../sinks/vector/LocalVectorSink.js';
import { S3ClaimCheckReader } from '../../vector/S3ClaimCheckReader.js';
import { readJsonArgument } from '../readJsonArgument.js';
import { runCommand } from '../runCommand.js';
import type { CliContext, RegisterCommand } from '../types.js';

interface RedriveFlags {
  dryRun?: boolean;
  deliver?: string | true;
  local?: string;
  vectorIndex?: string;
  routerArchives?: boolean;
  function?: string;
  layout?: string;
  tableLayouts?: string;
  routing?: string;
  region?: string;
  s3EndpointUrl?: string;
  json?: boolean;
}

/** The summary, with how each table's layout was chosen (absent when a layout was given for every table). */
type RedriveReport = RedriveSummary & { layouts?: Record<string, string> };

function formatSummary(summary: RedriveReport): string {
  const lines = [`Redrive from ${summary.source}${summary.dryRun ? ' (dry run: nothing sent)' : ''}`];
  for (const [table, reason] of Object.entries(summary.layouts ?? {}))
    lines.push(`layout of table ${table || '(unnamed)'}: ${reason}`);
  const reasons = Object.entries(summary.byReason).sort((a, b) => b[1] - a[1]);
  lines.push(`${summary.objects.length} object(s) to redrive${reasons.length ? ', by reason:' : ''}`);
  for (const [reason, count] of reasons) lines.push(`  ${count}  ${reason}`);
  if (!summary.dryRun) lines.push(`Sent ${summary.sent} output(s) with their original event ids`);
  if (summary.alreadyRedriven > 0)
    lines.push(`${summary.alreadyRedriven} output(s) redriven by an earlier run: not sent again`);
  if (summary.skippedOutputs > 0)
    lines.push(`${summary.skippedOutputs} output(s) for sinks not selected: not sent (no marker written)`);
  for (const object of summary.objects.filter((o) => o.status === 'failed'))
    lines.push(`failed: ${object.key}: ${object.error}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The local vector index (LanceDB, as `vectors sync` writes it), opened when the first vector output
 * arrives: a redrive of router or archiver objects never creates it.
 */
function lazyLocalVectorSink(directory: string): Sink {
  let opened: Promise<LocalVectorSink> | undefined;
  return {
    name: 'vector',
    async deliver(outputs, options) {
      opened ??= LocalVectorSink.open({ directory });
      return (await opened).deliver(outputs as Parameters<LocalVectorSink['deliver']>[0], options);
    },
    async close() {
      if (opened) await (await opened).close();
    },
  };
}

async function localSinks(folder: string, vectorIndex: string): Promise<Sink[]> {
  return [
    (await JsonLinesSink.open('eventbridge', join(folder, 'eventbridge.jsonl'))) as Sink,
    (await JsonLinesSink.open('kinesis', join(folder, 'kinesis.jsonl'))) as Sink,
    new LocalArchiveSink({ cwd: folder, folder: 'archive' }) as Sink,
    lazyLocalVectorSink(vectorIndex),
  ];
}

async function runRedrive(sourceText: string, flags: RedriveFlags, ctx: CliContext): Promise<void> {
  const modes = [flags.dryRun, flags.deliver, flags.local].filter(Boolean).length;
  if (modes !== 1) {
    throw new ConfigError(
      'give exactly one of --dry-run (list), --deliver [sinks] (the real sinks) or --local <folder> (local files)',
    );
  }
  const routing = flags.routing
    ? (readJsonArgument('--routing', flags.routing, ctx.cwd) as Partial<RoutingConfig>)
    : undefined;
  // The layouts the functions run with (MEMORY_CDC_LAYOUT, MEMORY_CDC_TABLE_LAYOUTS), the options in
  // their place; neither given, each table's is detected from its records.
  const given = readGivenLayouts(
    process.env,
    {
      layout: flags.layout,
      tableLayouts: flags.tableLayouts
        ? readJsonArgument('--table-layouts', flags.tableLayouts, ctx.cwd)
        : undefined,
    },
    ctx.cwd,
  );
  let layouts: Record<string, string> | undefined;
  // A layout given for every table needs no look at the records first (which reads every object twice).
  const pipeline = given.layout
    ? createPipeline({
        layout: given.layout,
        tableLayouts: given.tableLayouts,
        routing: resolveRouting(routing),
      })
    : (samples: Parameters<typeof chooseRedriveLayouts>[1]) => {
        const chosen = chooseRedriveLayouts(given, samples, (warning) => ctx.err(`warning: ${warning}\n`));
        layouts = chosen.reasons;
        return createPipeline({
          layout: chosen.layout,
          tableLayouts: chosen.tableLayouts,
          routing: resolveRouting(routing),
        });
      };
  if (flags.vectorIndex && !flags.local) throw new ConfigError('--vector-index goes with --local <folder>');
  let s3: S3Client | undefined;
  const s3Client = () =>
    (s3 ??= createAwsClient(S3Client, {
      region: flags.region,
      ...(flags.s3EndpointUrl ? { endpoint: flags.s3EndpointUrl, forcePathStyle: true } : {}),
    }));
  const source = openRedriveSource(sourceText, { cwd: ctx.cwd, s3Client });
  const local = flags.local ? join(ctx.cwd, flags.local) : undefined;
  const sinks: Sink[] = flags.deliver
    ? createDeliverySinks(selectDeliverySinks(flags.deliver, process.env, { archive: true }), flags.region)
    : local
      ? await localSinks(
          local,
          flags.vectorIndex ? resolve(ctx.cwd, flags.vectorIndex) : join(local, 'vectors'),
        )
      : [];
  // The vector sync's change-log records are read as its Lambda reads them: the item's own embedding
  // in EMBEDDING_ATTRIBUTE, claim-checked changes read back from S3 (loaded on first use).
  const claimChecks = new S3ClaimCheckReader({ client: lazyAwsClient(async () => s3Client()) });
  try {
    const summary = await redrive({
      source,
      pipeline,
      sinks,
      dryRun: flags.dryRun ?? false,
      functionName: flags.function,
      routerWritesArchive: flags.routerArchives ?? false,
      changeLog: { embeddingAttribute: process.env.EMBEDDING_ATTRIBUTE ?? 'embedding', claimChecks },
    });
    const report: RedriveReport = { ...summary, layouts };
    ctx.out(flags.json ? `${JSON.stringify(report)}\n` : formatSummary(report));
    if (summary.failed > 0) ctx.exitCode = 1;
  } finally {
    for (const sink of sinks) await sink.close?.();
  }
}

/**
 * `memory-cdc redrive <source>`: sends dead letters (`dead-letter/<function>/…`) and Lambda's S3
 * on-failure records (`aws/lambda/…`) through the pipeline again, once their cause is fixed.
 */
export const registerRedrive: RegisterCommand = (program: Command, ctx: CliContext) => {
  program
    .command('redrive')
    .description(
      'Send dead letters and on-failure batches through the pipeline again, with their original event ids',
    )
    .argument('<source>', 'folder holding dead-letter/ and aws/lambda/ (e.g. .memory-cdc), or s3://bucket/')
    .option('--dry-run', 'list what would be redriven, grouped by reason; send nothing')
    .option(
      '--deliver [sinks]',
      'send to the real sinks (eventbridge,kinesis,archive,vector; default: those configured by EVENT_BUS_NAME, CHANGE_LOG_STREAM_NAME, ARCHIVE_BUCKET (and ARCHIVE_PREFIX), VECTOR_BUCKET_NAME and VECTOR_INDEX_NAME, as the functions are; vector embeds with BEDROCK_MODEL_ID at EMBEDDING_DIMENSIONS)',
    )
    .option(
      '--local <folder>',
      'send to local files instead (eventbridge.jsonl, kinesis.jsonl, archive/, and the vector sync’s changes to a local vector index in vectors/)',
    )
    .option(
      '--vector-index <dir>',
      'with --local: the local vector index to write (e.g. .memory-cdc/vectors)',
    )
    .option(
      '--router-archives',
      'the router wrote the TTL archive (one-reader layout: ARCHIVE_BUCKET set on it): its on-failure batches owe their archive outputs too (dead letters say what they owed)',
    )
    .option(
      '--function <name>',
      'only what this function gave up on (router, archiver, vector-sync; on-failure batches by its deployed name, e.g. MemoryCdc-VectorSyncFunction-…)',
    )
    .option(
      '--layout <layout>',
      'agent-memory | mastra | session-state | session-turns | layout file: every table’s layout (default: MEMORY_CDC_LAYOUT, as the functions run; neither set: detected per table from its records, as replay does)',
    )
    .option(
      '--table-layouts <json|file>',
      'layouts of particular tables, JSON object of table name -> layout (default: MEMORY_CDC_TABLE_LAYOUTS, as the functions run)',
    )
    .option('--routing <file>', 'JSON routing configuration (as the functions run)')
    .option('--region <region>', 'AWS region (default: from the environment)')
    .option('--s3-endpoint-url <url>', 'S3 endpoint for an s3:// source (path-style addressing)')
    .option('--json', 'print the summary as one JSON object')
    .action((source: string, flags: RedriveFlags) =>
      runCommand(ctx, 'redrive', () => runRedrive(source, flags, ctx)),
    );
};
