import { LayoutError } from '../errors.js';

/** A compiled key template such as `CONV#{conversationId}#TS#{timestamp}`. */
export interface KeyTemplate {
  readonly source: string;
  /** Literal text before the first placeholder: a cheap test before the regex. */
  readonly prefix: string;
  readonly names: readonly string[];
  /** Captured placeholder values, or undefined when the key does not fit the template. */
  match(value: string): Record<string, string> | undefined;
  /** Builds a key value from identifiers (fixtures and restores use it). */
  format(values: Record<string, string>): string;
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Compiles a key template. Placeholders match one or more characters other than `#`, the
 * separator every shipped layout uses, so `CONV#{conversationId}` never swallows a turn's
 * `CONV#c1#TS#…` sort key.
 * @throws LayoutError for an empty template or a placeholder used twice
 */
export function compileKeyTemplate(source: string): KeyTemplate {
  if (typeof source !== 'string' || source === '')
    throw new LayoutError('a key template must be a non-empty string');
  const names: string[] = [];
  let pattern = '^';
  let last = 0;
  for (const m of source.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    if (names.includes(name)) throw new LayoutError(`key template ${source} uses {${name}} twice`);
    names.push(name);
    pattern += `${escapeRegExp(source.slice(last, m.index))}([^#]+)`;
    last = m.index! + m[0].length;
  }
  pattern += `${escapeRegExp(source.slice(last))}$`;
  const regex = new RegExp(pattern);
  const firstBrace = source.indexOf('{');
  const prefix = firstBrace === -1 ? source : source.slice(0, firstBrace);
  return {
    source,
    prefix,
    names,
    match(value) {
      if (!value.startsWith(prefix)) return undefined;
      const m = regex.exec(value);
      if (!m) return undefined;
      const out: Record<string, string> = Object.create(null);
      for (let i = 0; i < names.length; i++) out[names[i]!] = m[i + 1]!;
      return out;
    },
    format(values) {
      return source.replace(PLACEHOLDER, (_, name: string) => {
        const value = Object.hasOwn(values, name) ? values[name] : undefined;
        if (value === undefined) throw new LayoutError(`key template ${source} needs {${name}}`);
        return value;
      });
    },
  };
}
