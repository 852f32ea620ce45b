/**
 * Writes captured records as a fixture file: a Lambda DynamoDB Streams event (`{"Records": [...]}`),
 * or a Lambda Kinesis event of Kinesis Data Streams for DynamoDB records (`--format kinesis`) — the
 * shapes `replay` reads and a stream Lambda receives — with the CLI's file habits (folders
 * created, no overwrite without `--force`, never half a file).
 */

import type { KinesisStreamRecord } from 'aws-lambda';
import { writeOutputFile } from '../cli/outputFile.js';
import type { StreamRecord } from '../stream/types.js';

/** Writes the fixture file. */
export async function writeCaptureFile(
  path: string,
  records: readonly StreamRecord[] | readonly KinesisStreamRecord[],
  force = false,
): Promise<void> {
  await writeOutputFile(path, `${JSON.stringify({ Records: records }, null, 2)}\n`, {
    option: '--out',
    force,
  });
}
