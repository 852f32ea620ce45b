import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';

/**
 * Reads an option that takes a JSON file or inline JSON (`--rules rules.json` or `--rules '{…}'`).
 * @param parse the JSON parser (patterns and events use `parseJsonExact`, which keeps every number exact)
 * @throws ConfigError naming the option and what is wrong
 */
export function readJsonArgument(
  option: string,
  value: string,
  cwd: string,
  parse: (text: string) => unknown = JSON.parse,
): unknown {
  const trimmed = value.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return parse(trimmed);
    } catch (error) {
      throw new ConfigError(`${option}: inline JSON is invalid: ${(error as Error).message}`);
    }
  }
  const path = resolve(cwd, value);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`${option}: cannot read ${path}`);
  }
  try {
    return parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError(`${option}: ${path} is not valid JSON: ${(error as Error).message}`);
  }
}
