/**
 * An {@link Embedder} on Amazon Titan Text Embeddings V2 through Amazon Bedrock. Titan embeds one
 * text per InvokeModel call, so a batch is a bounded number of concurrent calls; retries of
 * throttled calls are the SDK client's retry strategy (configure `maxAttempts` / `retryMode` on the
 * client you pass).
 */
import { type BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import pLimit from 'p-limit';
import { ConfigError } from '../errors.js';
import { EmbeddingError } from './errors.js';
import type { Embedder, EmbeddingResult } from './types.js';

/** The model id of Titan Text Embeddings V2. */
export const TITAN_EMBED_TEXT_V2 = 'amazon.titan-embed-text-v2:0';

/** Output sizes Titan Text Embeddings V2 accepts. */
export const TITAN_V2_DIMENSIONS = [256, 512, 1024] as const;

/** Titan V2 takes at most 50,000 characters (and 8,192 tokens) per text. */
export const TITAN_V2_MAX_CHARACTERS = 50_000;

/** Options for {@link BedrockTitanEmbedder}. */
export interface BedrockTitanEmbedderOptions {
  /** A Bedrock Runtime client; its retry strategy retries throttled calls. */
  client: BedrockRuntimeClient;
  /** @default 'amazon.titan-embed-text-v2:0' */
  modelId?: string;
  /** Output dimensions: 256, 512 or 1024. @default 1024 */
  dimensions?: number;
  /** Ask the model for unit-length vectors (what cosine distance wants). @default true */
  normalize?: boolean;
  /** InvokeModel calls in flight at once. @default 8 */
  concurrency?: number;
}

/** Errors after which another attempt cannot succeed: the model rejected the input itself. */
const INPUT_ERRORS = new Set(['ValidationException']);

/** Errors that mean "slow down". */
const THROTTLING_ERRORS = new Set([
  'ThrottlingException',
  'ServiceQuotaExceededException',
  'TooManyRequestsException',
]);

function errorName(error: unknown): string {
  return (error as { name?: string } | null)?.name ?? 'Error';
}

/**
 * Embeds texts with Titan Text Embeddings V2.
 *
 * @example
 * ```ts
 * import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
 *
 * const embedder = new BedrockTitanEmbedder({
 *   client: new BedrockRuntimeClient({ maxAttempts: 5, retryMode: 'adaptive' }),
 *   dimensions: 1024,
 * });
 * const [result] = await embedder.embed(['Find me a quiet hotel in Alfama.']);
 * if (result?.ok) console.log(result.vector.length); // 1024
 * ```
 */
export class BedrockTitanEmbedder implements Embedder {
  readonly modelId: string;
  readonly dimensions: number;
  private readonly client: BedrockRuntimeClient;
  private readonly normalize: boolean;
  private readonly concurrency: number;

  /** @throws ConfigError for dimensions Titan V2 does not offer or a concurrency below 1 */
  constructor(options: BedrockTitanEmbedderOptions) {
    this.client = options.client;
    this.modelId = options.modelId ?? TITAN_EMBED_TEXT_V2;
    this.dimensions = options.dimensions ?? 1024;
    this.normalize = options.normalize ?? true;
    this.concurrency = options.concurrency ?? 8;
    if (
      this.modelId.startsWith('amazon.titan-embed-text-v2') &&
      !(TITAN_V2_DIMENSIONS as readonly number[]).includes(this.dimensions)
    ) {
      throw new ConfigError(
        `Titan Text Embeddings V2 dimensions must be one of ${TITAN_V2_DIMENSIONS.join(', ')} (given ${this.dimensions})`,
      );
    }
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new ConfigError(`embedding concurrency must be a positive integer (given ${this.concurrency})`);
    }
  }

  async embed(texts: readonly string[], options: { signal?: AbortSignal } = {}): Promise<EmbeddingResult[]> {
    const limit = pLimit(this.concurrency);
    return Promise.all(texts.map((text) => limit(() => this.embedOne(text, options.signal))));
  }

  private async embedOne(text: string, signal: AbortSignal | undefined): Promise<EmbeddingResult> {
    if (signal?.aborted) return { ok: false, error: new EmbeddingError('aborted before the call', true) };
    const body = JSON.stringify({
      inputText: text.length > TITAN_V2_MAX_CHARACTERS ? text.slice(0, TITAN_V2_MAX_CHARACTERS) : text,
      dimensions: this.dimensions,
      normalize: this.normalize,
    });
    let raw: Uint8Array;
    try {
      const response = await this.client.send(
        new InvokeModelCommand({
          modelId: this.modelId,
          contentType: 'application/json',
          accept: 'application/json',
          body,
        }),
        signal ? { abortSignal: signal } : {},
      );
      raw = response.body;
    } catch (error) {
      const name = errorName(error);
      const message = `${this.modelId}: ${name}: ${error instanceof Error ? error.message : String(error)}`;
      const retryable = !INPUT_ERRORS.has(name);
      return {
        ok: false,
        error: new EmbeddingError(message, retryable, {
          cause: error,
          throttled: THROTTLING_ERRORS.has(name),
        }),
      };
    }
    let embedding: unknown;
    try {
      embedding = (JSON.parse(Buffer.from(raw).toString('utf8')) as { embedding?: unknown }).embedding;
    } catch (error) {
      return {
        ok: false,
        error: new EmbeddingError(`${this.modelId}: response is not JSON`, true, { cause: error }),
      };
    }
    if (!Array.isArray(embedding) || !embedding.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      return {
        ok: false,
        error: new EmbeddingError(`${this.modelId}: response has no numeric "embedding"`, true),
      };
    }
    return { ok: true, vector: Float32Array.from(embedding as number[]) };
  }
}
