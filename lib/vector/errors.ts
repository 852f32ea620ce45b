/**
 * Typed errors of the vector sync worker. Each one says whether another attempt may succeed, so
 * the worker can tell a throttled call (retry) from a poison record (dead-letter) without reading
 * messages.
 */
import { MemoryCdcError } from '../errors.js';

/** A vector's length differs from the index's dimension. Never written: the index stays consistent. */
export class DimensionMismatchError extends MemoryCdcError {
  readonly expected: number;
  readonly actual: number;
  readonly retryable = false;
  constructor(expected: number, actual: number, what: string) {
    super(`${what} has ${actual} dimensions, the index expects ${expected}`);
    this.expected = expected;
    this.actual = actual;
  }
}

/** An item's embedding attribute is not float32 little-endian bytes nor a list of numbers. */
export class InvalidEmbeddingError extends MemoryCdcError {
  readonly retryable = false;
}

/** A turn needs an embedding computed from its text, and no embedder is configured. */
export class EmbedderNotConfiguredError extends MemoryCdcError {
  readonly retryable = false;
  constructor() {
    super(
      'this turn has text but no embedding attribute, and no embedder is configured ' +
        '(configure one, e.g. `--embedder bedrock --region <region>`)',
    );
  }
}

/** The embedding model failed for one text. */
export class EmbeddingError extends MemoryCdcError {
  /** True for throttling, timeouts and 5xx; false when the model rejected the input. */
  readonly retryable: boolean;
  /** True when the model asked the caller to slow down (the retry waits longer). */
  readonly throttled: boolean;
  constructor(message: string, retryable: boolean, options?: { cause?: unknown; throttled?: boolean }) {
    super(message, options);
    this.retryable = retryable;
    this.throttled = options?.throttled ?? false;
  }
}

/** The vector index failed a read or a write. */
export class VectorIndexError extends MemoryCdcError {
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.retryable = retryable;
  }
}

/** A vector operation lacks a vector key or a decimal sequence number (a producer bug). */
export class InvalidOperationError extends MemoryCdcError {
  readonly retryable = false;
}
