#!/usr/bin/env node
// The CLI runs the compiled JavaScript in dist/ (built by `npm run build`, which `npm ci` runs in a
// clone through the `prepare` script and `npm pack` runs before packing) on the machine's own Node.
let cli;
try {
  cli = await import('../dist/lib/cli/main.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/lib/cli/main.js'))
    throw error;
  process.stderr.write(
    'memory-cdc: the compiled CLI (dist/) is missing: run `npm run build` in the memory-cdc folder\n',
  );
  process.exit(1);
}
process.exitCode = await cli.main(process.argv);
