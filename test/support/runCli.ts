/** Runs the CLI in-process (`main(argv, context)`) and collects what it printed and its exit code. */
import { main } from '../../lib/cli/main.js';

/** What one in-process CLI run returned and printed. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** `memory-cdc <args…>` with `cwd` as its working directory. */
export async function runCli(cwd: string, ...args: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(['node', 'memory-cdc', ...args], {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
    cwd,
  });
  return { code, out, err };
}
