/**
 * Writes captured records as a fixture file: a Lambda DynamoDB Streams event (`{"Records": [...]}`),
 * the shape `replay` reads and a stream Lambda receives, with the CLI's file habits (folders
 * created, no overwrite without `--force`, never half a file).
 */
import { writeOutputFile } from '../cli/outputFile.js';
import type { StreamRecord } from '../stream/types.js';

/** Writes the fixture file. */
export async function writeCaptureFile(
  path: string,
  records: readonly StreamRecord[],
  force = false,
): Promise<void> {
  await writeOutputFile(path, `${JSON.stringify({ Records: records }, null, 2)}\n`, {
    option: '--out',
    force,
  });
}
