#!/usr/bin/env node
// The CLI runs the TypeScript sources directly (tsx), so the Lambdas, the CLI and the tests share
// one copy of lib/ with no build step between a fresh clone and `npx memory-cdc replay`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv);
