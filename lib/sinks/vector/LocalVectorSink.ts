/**
 * The vector sink of local replay: the worker over a LanceDB index in a directory, so replaying
 * fixtures leaves an index whose contents equal the surviving turns.
 */
import { LanceDbIndex } from '../../vector/backends/LanceDbIndex.js';
import type { Embedder } from '../../vector/types.js';
import { VectorSyncWorker } from '../../vector/VectorSyncWorker.js';
import { VectorSyncSink, type VectorSyncSinkOptions } from './VectorSyncSink.js';

/** Options for {@link LocalVectorSink.open}. */
export interface LocalVectorSinkOptions {
  /** Directory of the local index (e.g. `.memory-cdc/vectors`). */
  directory: string;
  /** Embeds turns that carry no embedding; without one such turns are reported rejected. */
  embedder?: Embedder;
  /** Retries of failed writes. The local index fails only on disk errors. @default one attempt */
  retry?: VectorSyncSinkOptions['retry'];
  onOutcome?: VectorSyncSinkOptions['onOutcome'];
}

/**
 * A {@link VectorSyncSink} writing to a local LanceDB index; `close()` releases the index.
 *
 * @example
 * ```ts
 * const sink = await LocalVectorSink.open({ directory: '.memory-cdc/vectors' });
 * await sink.deliver(vectorOutputs);
 * await sink.close();
 * ```
 */
export class LocalVectorSink extends VectorSyncSink {
  /** Opens (or creates) the index in `directory`. */
  static async open(options: LocalVectorSinkOptions): Promise<LocalVectorSink> {
    const index = await LanceDbIndex.open({ directory: options.directory });
    const worker = new VectorSyncWorker({
      index,
      storeText: true,
      ...(options.embedder ? { embedder: options.embedder } : {}),
    });
    return new LocalVectorSink({
      worker,
      retry: options.retry ?? { maxAttempts: 1 },
      ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
    });
  }
}
