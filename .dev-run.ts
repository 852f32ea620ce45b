import { Command } from 'commander';
import { registerDev } from './lib/cli/commands/dev.js';
const ctx = { out: (s: string) => process.stdout.write(s), err: (s: string) => process.stderr.write(s), exitCode: 0, cwd: '/tmp/devrun' };
const program = new Command().exitOverride();
registerDev(program, ctx);
await program.parseAsync(process.argv.slice(2), { from: 'user' });
process.exitCode = ctx.exitCode;
