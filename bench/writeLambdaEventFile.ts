/** Writes generated stream records as one Lambda DynamoDB Streams event file, a batch at a time. */
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import type { StreamRecord } from '../lib/stream/types.js';

/**
 * Writes `{"Records":[…]}` with the records of every batch `next` returns, until it returns
 * undefined; `next` is told how many bytes were written so far. Returns the file's size in bytes.
 */
export function writeLambdaEventFile(
  file: string,
  next: (bytesSoFar: number, batch: number) => readonly StreamRecord[] | undefined,
): number {
  const fd = openSync(file, 'w');
  try {
    let bytes = writeSync(fd, '{"Records":[');
    let first = true;
    for (let batch = 0; ; batch++) {
      const records = next(bytes, batch);
      if (!records) break;
      if (records.length === 0) continue;
      bytes += writeSync(fd, (first ? '' : ',') + records.map((r) => JSON.stringify(r)).join(','));
      first = false;
    }
    writeSync(fd, ']}');
  } finally {
    closeSync(fd);
  }
  return statSync(file).size;
}
