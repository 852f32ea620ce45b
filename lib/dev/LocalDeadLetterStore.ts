import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { recordDeadLetterKey } from '../delivery/deadLetterKey.js';
import { dynamoDbRecordAdapter } from '../delivery/recordAdapters.js';
import type { DeadLetter, DeadLetterStore, RecordAdapter } from '../delivery/types.js';
import type { StreamRecord } from '../stream/types.js';

/**
 * Dead letters as JSON files in a local folder, at the keys the S3 store uses
 * (`dead-letter/<function>/<day>/<sequence>-<eventID>.json` for DynamoDB stream records,
 * `…/<sequenceNumber>.json` for Kinesis records with `kinesisRecordAdapter`), for `memory-cdc dev`.
 */
export class LocalDeadLetterStore<R = StreamRecord> implements DeadLetterStore<R> {
  /** Files written so far. */
  readonly written: string[] = [];

  /** @param adapter how records are named @default dynamoDbRecordAdapter (DynamoDB stream records) */
  constructor(
    private readonly folder: string,
    private readonly adapter: RecordAdapter<R> = dynamoDbRecordAdapter as unknown as RecordAdapter<R>,
  ) {}

  async write(letter: DeadLetter<R>): Promise<string> {
    const path = join(this.folder, recordDeadLetterKey(this.adapter, letter.function, letter.record));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${JSON.stringify(letter, null, 2)}\n`);
    this.written.push(path);
    return path;
  }
}
