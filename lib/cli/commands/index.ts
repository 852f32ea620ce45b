import type { Command } from 'commander';
import type { CliContext, RegisterCommand } from '../types.js';
import { registerBackfill } from './backfill.js';
import { registerCapture } from './capture.js';
import { registerDev } from './dev.js';
import { registerEstimate } from './estimate.js';
import { registerFixtures } from './fixtures.js';
import { registerLayout } from './layout.js';
import { registerReplay } from './replay.js';
import { registerRestore } from './restore.js';
import { registerRules } from './rules.js';
import { registerTail } from './tail.js';
import { registerTestPattern } from './testPattern.js';
import { registerVectors } from './vectors.js';

/** Every command module; each file registers one command (or one command group). */
const commands: RegisterCommand[] = [
  registerReplay,
  registerTestPattern,
  registerFixtures,
  registerLayout,
  registerTail,
  registerCapture,
  registerBackfill,
  registerRestore,
  registerDev,
  registerVectors,
  registerRules,
  registerEstimate,
];

export function registerCommands(program: Command, context: CliContext): void {
  for (const register of commands) register(program, context);
}
