import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import { openArchiveReader } from '../../archive/openArchiveReader.js';
import { restoreArchive } from '../../archive/restoreArchive.js';
import type { RestoreFilter, RestoreProgress, RestoreSummary } from '../../archive/types.js';
import { createAwsClient } from '../../config/createAwsClient.js';
import { ConfigError } from '../../errors.js';
import { resolveLayout } from '../../layout/resolveLayout.js';
import { ENTITY_KINDS, type EntityKind } from '../../layout/types.js';
import { addEndpointOption } from '../endpointOption.js';
import { runCommand } from '../runCommand.js';
import type { CliContext, RegisterCommand } from '../types.js';

interface RestoreFlags {
  table?: string;
  sourceTable?: string;
  user?: string;
  conversation?: string;
  entity?: string;
  from?: string;
  to?: string;
  dryRun?: boolean;
  ttlExtend?: string;
  ttlAttribute?: string;
  keepExpired?: boolean;
  layout: string;
  region?: string;
  endpointUrl?: string;
  endpoint?: string;
  s3EndpointUrl?: string;
  progress?: boolean;
  json?: boolean;
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * Parses `--ttl-extend`: a whole number of seconds, or with a unit (`90m`, `12h`, `30d`).
 * @throws ConfigError naming the option and the bad value
 */
export function parseTtlExtend(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * DURATION_UNITS[match[2] || 's']! : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new ConfigError(
      `--ttl-extend: expected a duration such as 3600, 90m, 12h or 30d (given ${JSON.stringify(text)})`,
    );
  }
  return seconds;
}

function parseTime(option: string, text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(date.getTime())) {
    throw new ConfigError(
      `${option}: expected an ISO-8601 time or a YYYY-MM-DD day (given ${JSON.stringify(text)})`,
    );
  }
  return date;
}

function parseEntities(text: string | undefined): EntityKind[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((name) => name.trim());
  const bad = names.filter((name) => !(ENTITY_KINDS as readonly string[]).includes(name));
  if (bad.length > 0 || names.length === 0) {
    throw new ConfigError(
      `--entity: unknown entity ${bad.join(', ')} (expected some of ${ENTITY_KINDS.join(', ')})`,
    );
  }
  return names as EntityKind[];
}

function filterOf(flags: RestoreFlags): RestoreFilter {
  const filter: RestoreFilter = {};
  if (flags.sourceTable !== undefined) filter.table = flags.sourceTable;
  if (flags.user !== undefined) filter.userId = flags.user;
  if (flags.conversation !== undefined) filter.conversationId = flags.conversation;
  const entities = parseEntities(flags.entity);
  if (entities) filter.entities = entities;
  const from = parseTime('--from', flags.from);
  const to = parseTime('--to', flags.to);
  if (from) filter.from = from;
  if (to) filter.to = to;
  if (from && to && from >= to)
    throw new ConfigError(`--from (${flags.from}) must be before --to (${flags.to})`);
  return filter;
}

function ttlExtendOf(
  flags: RestoreFlags,
  ctx: CliContext,
): { attribute: string; seconds: number } | undefined {
  if (flags.ttlExtend === undefined) return undefined;
  const seconds = parseTtlExtend(flags.ttlExtend);
  const attribute = flags.ttlAttribute ?? resolveLayout(flags.layout, ctx.cwd).ttlAttribute;
  if (!attribute) {
    throw new ConfigError(
      `--ttl-extend: layout ${flags.layout} names no TTL attribute; give --ttl-attribute`,
    );
  }
  return { attribute, seconds };
}

function formatSummary(summary: RestoreSummary, ttlAttribute: string | undefined): string {
  const lines = [
    `Read ${summary.objectsRead} archive object(s) from ${summary.source}: ${summary.entriesRead} archived item version(s)`,
    `Matched ${summary.itemsMatched} item(s)${Object.keys(summary.tables).length ? ':' : ''}`,
    ...Object.entries(summary.tables).map(([table, count]) => `  ${table}: ${count}`),
  ];
  if (summary.newExpiry !== undefined) {
    lines.push(
      `New expiry (${ttlAttribute}): ${summary.newExpiry} (${new Date(summary.newExpiry * 1000).toISOString()})`,
    );
  }
  if (summary.expiredItems > 0) {
    lines.push(
      summary.newExpiry !== undefined
        ? `${summary.expiredItems} item(s) had expired already: written with the new expiry`
        : `${summary.expiredItems} item(s) expired already${summary.dryRun ? ': a real run refuses them unless --ttl-extend or --keep-expired is given' : ''}`,
    );
  }
  lines.push(
    summary.dryRun
      ? 'Dry run: nothing written.'
      : `Wrote ${summary.itemsWritten} item(s) in ${summary.batchWrites} BatchWriteItem call(s), ${summary.retries} retry call(s) for unprocessed items`,
  );
  return `${lines.join('\n')}\n`;
}

/** A cli-progress bar on stderr (loaded only when shown: it is a terminal nicety). */
async function progressBar(): Promise<{ update(progress: RestoreProgress): void; stop(): void }> {
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar(
    { format: '{phase} [{bar}] {value}/{total} | {items} item(s)', stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  let phase: RestoreProgress['phase'] | undefined;
  return {
    update(progress) {
      const [value, total] =
        progress.phase === 'writing'
          ? [progress.itemsWritten, progress.itemsMatched]
          : [progress.objectsRead, progress.objectsTotal];
      const payload = {
        phase: progress.phase === 'writing' ? 'writing' : 'reading objects',
        items: progress.itemsMatched,
      };
      if (progress.phase === 'done') return;
      if (phase !== progress.phase) {
        if (phase) bar.stop();
        bar.start(total, value, payload);
        phase = progress.phase;
      } else {
        bar.update(value, payload);
      }
    },
    stop: () => bar.stop(),
  };
}

async function runRestore(source: string, flags: RestoreFlags, ctx: CliContext): Promise<void> {
  const filter = filterOf(flags);
  const ttlExtend = ttlExtendOf(flags, ctx);
  const region = flags.region;
  const reader = openArchiveReader(source, {
    cwd: ctx.cwd,
    s3Client: () =>
      createAwsClient(S3Client, {
        region,
        ...(flags.s3EndpointUrl ? { endpoint: flags.s3EndpointUrl, forcePathStyle: true } : {}),
      }),
  });
  const client = flags.dryRun
    ? undefined
    : createAwsClient(DynamoDBClient, { region, endpoint: flags.endpointUrl });
  const bar = (flags.progress ?? Boolean(process.stderr.isTTY)) ? await progressBar() : undefined;
  try {
    const summary = await restoreArchive({
      reader,
      filter,
      targetTable: flags.table,
      client,
      dryRun: flags.dryRun ?? false,
      ttlExtend,
      ttlAttribute: flags.ttlAttribute ?? resolveLayout(flags.layout, ctx.cwd).ttlAttribute,
      keepExpired: flags.keepExpired ?? false,
      onProgress: bar ? (progress) => bar.update(progress) : undefined,
    });
    bar?.stop();
    ctx.out(flags.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary, ttlExtend?.attribute));
  } finally {
    bar?.stop();
    client?.destroy();
  }
}

/**
 * `memory-cdc restore <source>`: writes archived (TTL-expired) items back to DynamoDB, from a local
 * archive folder or an `s3://bucket/prefix` URI, selected by user, conversation, entity and time.
 */
export const registerRestore: RegisterCommand = (program: Command, ctx: CliContext) => {
  const command = program
    .command('restore')
    .description('Restore TTL-archived items to a DynamoDB table (BatchWriteItem, unprocessed items retried)')
    .argument('<source>', 'archive folder (e.g. .memory-cdc/archive) or s3://bucket/prefix/')
    .option('--table <name>', "table to write to (default: each item's own source table)")
    .option('--source-table <name>', 'only items archived from this table')
    .option('--user <id>', 'only items of this user (identifier userId)')
    .option('--conversation <id>', 'only items of this conversation (identifier conversationId)')
    .option('--entity <kinds>', `only these entities, comma-separated (${ENTITY_KINDS.join(', ')})`)
    .option('--from <time>', 'only items that expired at or after this time (ISO-8601 or YYYY-MM-DD, UTC)')
    .option('--to <time>', 'only items that expired before this time')
    .option('--dry-run', 'read and count what would be restored; write nothing')
    .option('--ttl-extend <duration>', 'set the TTL attribute to now + duration (3600, 90m, 12h, 30d)')
    .option('--ttl-attribute <name>', "the table's TTL attribute (default: the layout's)")
    .option(
      '--keep-expired',
      'write items whose expiry already passed as they are (TTL deletes them again soon)',
    )
    .option(
      '--layout <layout>',
      'agent-memory | mastra | layout file (for the TTL attribute)',
      'agent-memory',
    )
    .option('--region <region>', 'AWS region (default: from the environment)')
    .option('--s3-endpoint-url <url>', 'S3 endpoint for s3:// sources (path-style addressing)')
    .option('--progress', 'show a progress bar on stderr (default: when stderr is a terminal)')
    .option('--no-progress', 'never show a progress bar')
    .option('--json', 'print the summary as one JSON object');
  addEndpointOption(command, 'DynamoDB endpoint (DynamoDB Local, dynalite); --endpoint is an alias');
  command.action((source: string, flags: RestoreFlags) =>
    runCommand(ctx, 'restore', () => runRestore(source, flags, ctx)),
  );
};
