import type { Command } from 'commander';
import type { CliContext, RegisterCommand } from '../types.js';
import { registerFixtures } from './fixtures.js';
import { registerReplay } from './replay.js';

/** Every command module; each file registers one command (or one command group). */
const commands: RegisterCommand[] = [registerReplay, registerFixtures];

export function registerCommands(program: Command, context: CliContext): void {
  for (const register of commands) register(program, context);
}
