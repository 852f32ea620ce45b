import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { deadLetterKey } from '../delivery/deadLetterKey.js';
import type { DeadLetter, DeadLetterStore } from '../delivery/types.js';

/**
 * Dead letters as JSON files in a local folder, at the keys the S3 store uses
 * (`dead-letter/<function>/<day>/<sequence>-<eventID>.json`), for `memory-cdc dev`.
 */
export class LocalDeadLetterStore implements DeadLetterStore {
  /** Files written so far. */
  readonly written: string[] = [];

  constructor(private readonly folder: string) {}

  async write(letter: DeadLetter): Promise<string> {
    const path = join(this.folder, deadLetterKey(letter.function, letter.record));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${JSON.stringify(letter, null, 2)}\n`);
    this.written.push(path);
    return path;
  }
}
