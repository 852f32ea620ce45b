/**
 * vitest globalSetup: when the run ends, stop every Java process (DynamoDB Local) that a test of
 * this run started and that is still running — whatever happened to the test that owned it (a hook
 * timeout, a worker killed, an unhandled error). They are found by the suite's temp-folder variable,
 * which every worker and every process a worker spawns inherits (`globalTempDir.ts` sets it first).
 * `startDynamoDbLocal`'s watchdog already stops Java when its owner dies; this is the belt to those
 * braces, and it is what catches a Java whose owner is still alive at the end (a leak in a test).
 * Linux only (`/proc`); elsewhere the watchdog and the exit hooks remain.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { SUITE_TMPDIR_VARIABLE } from './globalTempDir.js';

/** Process ids of running `java` processes whose environment carries `variable=value`. */
export function javaProcessesWith(variable: string, value: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const marker = `${variable}=${value}`;
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'java') continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(marker))
        found.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

export default function setup(): () => void {
  const folder = process.env[SUITE_TMPDIR_VARIABLE];
  return () => {
    if (!folder) return;
    for (const pid of javaProcessesWith(SUITE_TMPDIR_VARIABLE, folder)) {
      try {
        process.kill(pid, 'SIGKILL');
        console.warn(`test run teardown: stopped DynamoDB Local (java, pid ${pid}) that a test left running`);
      } catch {
        // Already gone.
      }
    }
  };
}
