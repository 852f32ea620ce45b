/**
 * vitest globalSetup: the whole suite writes its temporary files (the `cdk.out*` folder of every CDK
 * App a test synthesizes, test data folders) under one folder of its own, removed when the run ends,
 * so `npm test` leaves nothing in the machine's temp dir. Test workers inherit `TMPDIR`, which
 * `os.tmpdir()` reads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The variable naming the suite's temp folder (set while the suite runs). */
export const SUITE_TMPDIR_VARIABLE = 'MEMORY_CDC_SUITE_TMPDIR';

/** Points TMPDIR at a new folder; returns the teardown that restores TMPDIR and removes the folder. */
export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const folder = mkdtempSync(join(tmpdir(), 'memory-cdc-test-'));
  process.env.TMPDIR = folder;
  process.env[SUITE_TMPDIR_VARIABLE] = folder;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    delete process.env[SUITE_TMPDIR_VARIABLE];
    rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
  };
}
