import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { toEventBridgeEvent } from '../../replay/eventBridgeEvent.js';
import type { EventBridgeOutput, KinesisOutput } from '../../routing/types.js';
import type { DeliveryReport, Sink } from '../../sinks/types.js';

/**
 * A local stand-in for EventBridge or Kinesis in `memory-cdc dev`: appends what the service would
 * receive to a JSON Lines file — for EventBridge the event as rule targets get it, for Kinesis the
 * partition key and the change event — so `tail -f` shows the stream of events as it flows.
 *
 * @example
 * ```ts
 * const events = await JsonLinesSink.open('eventbridge', '.memory-cdc/dev/eventbridge.jsonl');
 * await events.deliver(eventBridgeOutputs);
 * await events.close();
 * ```
 */
export class JsonLinesSink<S extends 'eventbridge' | 'kinesis'>
  implements Sink<S extends 'eventbridge' ? EventBridgeOutput : KinesisOutput>
{
  private constructor(
    readonly name: S,
    /** The file written. */
    readonly file: string,
    private readonly stream: WriteStream,
  ) {}

  /** Opens (and truncates) the file. */
  static async open<S extends 'eventbridge' | 'kinesis'>(name: S, file: string): Promise<JsonLinesSink<S>> {
    await mkdir(dirname(file), { recursive: true });
    const stream = createWriteStream(file, { flags: 'w' });
    await once(stream, 'open');
    return new JsonLinesSink(name, file, stream);
  }

  async deliver(outputs: readonly (EventBridgeOutput | KinesisOutput)[]): Promise<DeliveryReport> {
    const lines = outputs.map((output) =>
      JSON.stringify(
        output.sink === 'eventbridge'
          ? toEventBridgeEvent(output.payload)
          : { partitionKey: output.payload.PartitionKey, data: output.payload.Data },
      ),
    );
    if (lines.length > 0 && !this.stream.write(`${lines.join('\n')}\n`)) await once(this.stream, 'drain');
    return { outcomes: outputs.map(() => ({ status: 'accepted' })) };
  }

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'close');
  }
}
