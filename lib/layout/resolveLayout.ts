import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LayoutError } from '../errors.js';
import { type SchemaValidatorSpec, schemaValidator } from '../validation/schemaValidator.js';
import { compileKeyTemplate } from './keyTemplate.js';
import { layoutSchema } from './layoutSchema.js';
import { agentMemoryLayout } from './presets/agentMemory.js';
import { mastraLayout } from './presets/mastra.js';
import { sessionStateLayout, sessionTurnsLayout } from './presets/sessionMemory.js';
import type { Layout } from './types.js';

/** The shipped layouts by name. */
export const PRESET_LAYOUTS: Readonly<Record<string, Layout>> = {
  'agent-memory': agentMemoryLayout,
  mastra: mastraLayout,
  'session-state': sessionStateLayout,
  'session-turns': sessionTurnsLayout,
};

/** A custom layout's check (precompiled in the Lambda bundles; built-in presets are not checked). */
export const LAYOUT_VALIDATOR: SchemaValidatorSpec = {
  id: 'layout',
  schema: layoutSchema,
  // One function per referenced definition rather than a copy at each use: a smaller precompiled validator.
  options: { allErrors: true, useDefaults: true, inlineRefs: false },
};

const validate = schemaValidator(LAYOUT_VALIDATOR);

/**
 * Validates a custom layout (parsed JSON) and returns it as a {@link Layout}.
 * @throws LayoutError naming every problem and where it is
 */
export function parseLayout(value: unknown, origin: string): Layout {
  const copy = structuredClone(value);
  if (!validate(copy)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new LayoutError(`${origin}: invalid layout: ${problems}`);
  }
  const layout = copy as unknown as Layout;
  for (const [i, rule] of layout.entities.entries()) {
    if (rule.discriminatorOnly && !rule.discriminatorValues?.length) {
      throw new LayoutError(
        `${origin}: invalid layout: /entities/${i} is discriminatorOnly but lists no discriminatorValues`,
      );
    }
    try {
      if (rule.pk) compileKeyTemplate(rule.pk);
      if (rule.sk) compileKeyTemplate(rule.sk);
    } catch (error) {
      throw new LayoutError(`${origin}: ${(error as Error).message}`);
    }
  }
  return layout;
}

/**
 * Resolves `--layout` / `MEMORY_CDC_LAYOUT`: a preset name (`agent-memory`, `mastra`,
 * `session-state`, `session-turns`), inline JSON,
 * or the path of a JSON layout file.
 * @throws LayoutError for an unknown name, an unreadable file or an invalid layout
 */
export function resolveLayout(spec: string, cwd = process.cwd()): Layout {
  const preset = PRESET_LAYOUTS[spec];
  if (preset) return preset;
  const trimmed = spec.trim();
  if (trimmed.startsWith('{')) {
    try {
      return parseLayout(JSON.parse(trimmed), 'inline layout');
    } catch (error) {
      if (error instanceof LayoutError) throw error;
      throw new LayoutError(`inline layout is not valid JSON: ${(error as Error).message}`);
    }
  }
  const path = resolve(cwd, spec);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new LayoutError(
      `layout ${JSON.stringify(spec)} is neither a preset (${Object.keys(PRESET_LAYOUTS).join(', ')}) nor a readable file`,
    );
  }
  try {
    return parseLayout(JSON.parse(text), path);
  } catch (error) {
    if (error instanceof LayoutError) throw error;
    throw new LayoutError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
}
