/**
 * `memory-cdc vectors sync` and `memory-cdc vectors query`: the semantic recall index on a laptop.
 * `sync` replays fixtures through the pipeline into the local LanceDB index (the same worker the
 * vector-sync Lambda runs); `query` finds a user's nearest turns. Vectors come from the items'
 * own embeddings or from a configured embedder — never made up.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type Command, InvalidArgumentError } from 'commander';
import { ConfigError } from '../../errors.js';
import { resolveLayout } from '../../layout/resolveLayout.js';
import { findFixtureFiles } from '../../replay/findFixtureFiles.js';
import { replay } from '../../replay/replay.js';
import { LocalVectorSink } from '../../sinks/vector/LocalVectorSink.js';
import {
  BedrockTitanEmbedder,
  TITAN_EMBED_TEXT_V2,
  TITAN_V2_DIMENSIONS,
} from '../../vector/BedrockTitanEmbedder.js';
import { DEFAULT_LOCAL_INDEX_DIR, LanceDbIndex } from '../../vector/backends/LanceDbIndex.js';
import { EmbedderNotConfiguredError } from '../../vector/errors.js';
import { parseEmbedding } from '../../vector/parseEmbedding.js';
import type { Embedder } from '../../vector/types.js';
import { assertInputPaths } from '../assertInputPaths.js';
import { readRoutingFlag } from '../readPipelineFlags.js';
import { runCommand } from '../runCommand.js';
import type { CliContext, RegisterCommand } from '../types.js';

/** Embedder flags shared by both subcommands. */
interface EmbedderFlags {
  embedder?: string;
  region?: string;
  modelId: string;
  dimensions?: number;
  endpointUrl?: string;
}

interface SyncFlags extends EmbedderFlags {
  index: string;
  layout?: string;
  routing?: string;
  json?: boolean;
}

interface QueryFlags extends EmbedderFlags {
  index: string;
  user: string;
  conversation?: string;
  vector?: string;
  text?: string;
  k: number;
  json?: boolean;
}

const NO_EMBEDDER_HINT =
  'configure one with `--embedder bedrock --region <region>` (Amazon Titan Text Embeddings V2, your AWS credentials)';

function positiveInteger(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`must be a whole number from 1 to ${max}`);
    return n;
  };
}

/** The embedder the flags configure, or undefined when none is. */
function embedderFrom(flags: EmbedderFlags, indexDimension: number | undefined): Embedder | undefined {
  if (flags.embedder === undefined) return undefined;
  if (flags.embedder !== 'bedrock') {
    throw new ConfigError(
      `--embedder: unknown embedder ${JSON.stringify(flags.embedder)} (supported: bedrock)`,
    );
  }
  const region = flags.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region)
    throw new ConfigError('--embedder bedrock needs a region: pass --region <region> or set AWS_REGION');
  const titanSize = (TITAN_V2_DIMENSIONS as readonly number[]).includes(indexDimension ?? -1);
  const client = new BedrockRuntimeClient({
    region,
    retryMode: 'adaptive',
    maxAttempts: 5,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 3_000,
      requestTimeout: 30_000,
      throwOnRequestTimeout: true,
    }),
    ...(flags.endpointUrl ? { endpoint: flags.endpointUrl } : {}),
  });
  return new BedrockTitanEmbedder({
    client,
    modelId: flags.modelId,
    dimensions: flags.dimensions ?? (titanSize ? indexDimension! : 1024),
  });
}

function addEmbedderOptions(command: Command): Command {
  return command
    .option('--embedder <name>', 'embed texts with: bedrock (Amazon Titan Text Embeddings V2)')
    .option('--region <region>', 'AWS region of the embedder (default: AWS_REGION)')
    .option('--model-id <id>', 'Bedrock model id', TITAN_EMBED_TEXT_V2)
    .option(
      '--dimensions <n>',
      'embedding size: 256, 512 or 1024 (default: the index’s, else 1024)',
      positiveInteger(4096),
    )
    .option('--endpoint-url <url>', 'Bedrock Runtime endpoint (VPC endpoints, local tests)');
}

async function runSync(files: string[], flags: SyncFlags, ctx: CliContext): Promise<void> {
  const directory = resolve(ctx.cwd, flags.index);
  const layout = flags.layout ? resolveLayout(flags.layout, ctx.cwd) : undefined;
  const routing = flags.routing ? readRoutingFlag(flags.routing, ctx.cwd) : undefined;
  await assertInputPaths(files, ctx.cwd, 'fixture file or folder');
  const probe = await LanceDbIndex.open({ directory });
  const dimension = probe.dimension;
  await probe.close();
  const embedder = embedderFrom(flags, dimension);
  if (embedder && dimension !== undefined && embedder.dimensions !== dimension) {
    throw new ConfigError(
      `--dimensions ${embedder.dimensions}: ${embedder.modelId}'s embedding has ${embedder.dimensions} dimensions, the index at ${directory} expects ${dimension}`,
    );
  }
  let withoutEmbedder = 0;
  const sink = await LocalVectorSink.open({
    directory,
    ...(embedder ? { embedder } : {}),
    onOutcome: (_output, outcome) => {
      if (outcome.status === 'rejected' && outcome.error instanceof EmbedderNotConfiguredError)
        withoutEmbedder++;
    },
  });
  const summary = await replay({
    files: await findFixtureFiles(files, ctx.cwd),
    ...(layout ? { layout } : {}),
    ...(routing ? { routing } : {}),
    sinks: { vector: sink },
    cwd: ctx.cwd,
  });
  // Turns without an embedding are expected when no embedder is configured: one line, not an error each.
  const errors = summary.errors.filter((e) => !e.message.includes(EmbedderNotConfiguredError.name));
  for (const e of errors)
    ctx.err(`error: ${e.file}${e.eventId ? ` eventID ${e.eventId}` : ''}: ${e.message}\n`);

  const index = await LanceDbIndex.open({ directory });
  let live = 0;
  let tombstones = 0;
  for await (const entry of index.list({ includeTombstones: true })) {
    if (entry.deleted) tombstones++;
    else live++;
  }
  await index.close();
  const s = sink.worker.stats;
  if (summary.failed > 0 || errors.length > 0) ctx.exitCode = 1;
  if (flags.json) {
    const result = {
      records: summary.records,
      files: summary.files.length,
      vectorOperations: summary.bySink.vector,
      ...s,
      index: { directory, vectors: live, dimension: index.dimension ?? null, tombstones },
      notIndexedWithoutEmbedder: withoutEmbedder,
    };
    ctx.out(`${JSON.stringify(result)}\n`);
    return;
  }
  const lines = [
    `memory-cdc vectors sync: ${summary.records} record(s) from ${summary.files.length} file(s), ${summary.bySink.vector} vector operation(s)`,
    `  upserted ${s.upserted} (${s.itemEmbeddings} from item embeddings, ${s.embeddingCalls} embedded${embedder ? ` by ${embedder.modelId}` : ''})`,
    `  unchanged ${s.unchanged}, stale or duplicate ${s.stale}, deleted ${s.deleted}, rejected ${s.rejected}`,
    `Index ${directory}: ${live} turn vector(s)${index.dimension !== undefined ? ` of ${index.dimension} dimensions` : ''}, ${tombstones} tombstone(s)`,
  ];
  if (withoutEmbedder > 0) {
    lines.push(
      `Not indexed: ${withoutEmbedder} turn(s) have text but no embedding attribute, and no embedder is configured; ${NO_EMBEDDER_HINT}`,
    );
  }
  ctx.out(`${lines.join('\n')}\n`);
}

/** Reads `--vector FILE`: a JSON list of numbers, JSON base64 text, or raw float32 little-endian bytes. */
function readVectorFile(path: string): Float32Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new ConfigError(`--vector: cannot read ${path}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return parseEmbedding(new Uint8Array(bytes)); // Not JSON: raw float32 little-endian.
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && 'vector' in value) value = value.vector;
  try {
    return parseEmbedding(value as never);
  } catch (error) {
    throw new ConfigError(`--vector: ${path}: ${(error as Error).message}`);
  }
}

async function runQuery(flags: QueryFlags, ctx: CliContext): Promise<void> {
  if ((flags.vector === undefined) === (flags.text === undefined)) {
    throw new ConfigError('give exactly one of --vector <file> or --text <text>');
  }
  const directory = resolve(ctx.cwd, flags.index);
  if (!existsSync(directory)) {
    throw new ConfigError(`no local vector index at ${directory}: run \`memory-cdc vectors sync\` first`);
  }
  const index = await LanceDbIndex.open({ directory });
  try {
    if (index.dimension === undefined) {
      throw new ConfigError(
        `the local vector index at ${directory} holds no vectors yet: run \`memory-cdc vectors sync\``,
      );
    }
    let vector: Float32Array;
    if (flags.vector !== undefined) {
      vector = readVectorFile(resolve(ctx.cwd, flags.vector));
      if (vector.length !== index.dimension) {
        throw new ConfigError(
          `--vector ${flags.vector}: the query vector has ${vector.length} dimensions, the index expects ${index.dimension}`,
        );
      }
    } else {
      const embedder = embedderFrom(flags, index.dimension);
      if (!embedder) {
        throw new ConfigError(
          `--text needs an embedder to turn the text into a vector, and none is configured: ${NO_EMBEDDER_HINT}, or query with --vector <file>`,
        );
      }
      if (embedder.dimensions !== index.dimension) {
        throw new ConfigError(
          `--dimensions ${embedder.dimensions}: ${embedder.modelId}'s embedding has ${embedder.dimensions} dimensions, the index expects ${index.dimension}`,
        );
      }
      const [result] = await embedder.embed([flags.text!]);
      if (!result?.ok) throw result?.error ?? new ConfigError('the embedder returned nothing');
      vector = result.vector;
    }
    const matches = await index.query({
      vector,
      topK: flags.k,
      userId: flags.user,
      ...(flags.conversation !== undefined ? { conversationId: flags.conversation } : {}),
    });
    if (flags.json) {
      for (const m of matches) ctx.out(`${JSON.stringify(m)}\n`);
      return;
    }
    const scope = `user ${flags.user}${flags.conversation !== undefined ? `, conversation ${flags.conversation}` : ''}`;
    ctx.out(
      `memory-cdc vectors query: ${matches.length} match(es) for ${scope}, nearest first (cosine distance: lower is closer, 0 is the same direction)\n`,
    );
    if (matches.length > 0) ctx.out(`  #  distance  ${'time'.padEnd(24)}  conversation  role      text\n`);
    matches.forEach((m, i) => {
      const when = new Date(m.metadata.timestamp).toISOString();
      const text = (m.text ?? '').replace(/\s+/g, ' ');
      const shown = text.length > 100 ? `${text.slice(0, 99)}…` : text;
      ctx.out(
        `${String(i + 1).padStart(3)}. ${m.distance.toFixed(4).padStart(8)}  ${when}  ${m.metadata.conversationId ?? '-'}  ${(m.metadata.role ?? '-').padEnd(9)} ${shown}\n`,
      );
    });
  } finally {
    await index.close();
  }
}

/** `memory-cdc vectors sync|query`: the local semantic recall index. */
export const registerVectors: RegisterCommand = (program: Command, ctx: CliContext) => {
  const vectors = program
    .command('vectors')
    .description('Semantic recall index: sync fixtures into a local vector index, query it');

  addEmbedderOptions(
    vectors
      .command('sync')
      .description(
        'Replay fixtures through the vector sync worker into the local index (default: every fixture in events/)',
      )
      .argument('[files...]', 'fixture files or folders')
      .option('--index <dir>', 'local index directory', DEFAULT_LOCAL_INDEX_DIR)
      .option(
        '--layout <layout>',
        'agent-memory | mastra | path to a layout JSON file (default: detected per file)',
      )
      .option('--routing <file>', 'JSON routing configuration (its `vector` route picks the entities)')
      .option('--json', 'print the summary as one JSON object'),
  ).action((files: string[], flags: SyncFlags) =>
    runCommand(ctx, 'vectors sync', () => runSync(files, flags, ctx)),
  );

  addEmbedderOptions(
    vectors
      .command('query')
      .description("Find a user's turns nearest to a vector or a text")
      .requiredOption('--user <userId>', 'the user whose memory to search')
      .option('--conversation <conversationId>', 'only this conversation')
      .option('--vector <file>', 'query vector: JSON list of numbers, base64 or raw float32 little-endian')
      .option('--text <text>', 'query text (needs --embedder)')
      .option('-k, --k <n>', 'number of matches (1-100)', positiveInteger(100), 5)
      .option('--index <dir>', 'local index directory', DEFAULT_LOCAL_INDEX_DIR)
      .option(
        '--json',
        'one JSON object per match ({"key", "distance", "metadata", "text"}; lower distance is closer)',
      ),
  ).action((flags: QueryFlags) => runCommand(ctx, 'vectors query', () => runQuery(flags, ctx)));
};
