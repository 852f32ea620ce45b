/**
 * EventBridge `wildcard` values: `*` matches any run of characters (including none); `\*` is a
 * literal asterisk and `\\` a literal backslash. Two wildcards in a row and any other escape are
 * rejected, as PutRule does.
 */
import { hasPrefix } from './affixTests.js';
import { InvalidPatternError } from './InvalidPatternError.js';

/**
 * Compiles a wildcard value into a test on strings. Matching is linear in the value's length per
 * literal segment (no backtracking regular expression), so hostile values cannot stall it.
 *
 * @example
 * ```ts
 * const png = compileWildcard('dir/*.png', 'detail.FileName');
 * png('dir/photo.png'); // true
 * png('dir/photo.jpg'); // false
 * ```
 * @throws InvalidPatternError for consecutive wildcards or an invalid escape
 */
export function compileWildcard(text: string, path: string): (value: string) => boolean {
  const segments: string[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '*') {
      if (text[i + 1] === '*') {
        throw new InvalidPatternError(
          `Consecutive wildcard characters at pos ${i} in ${JSON.stringify(text)}`,
          {
            path,
          },
        );
      }
      segments.push(literal);
      literal = '';
    } else if (char === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') {
        throw new InvalidPatternError(`Invalid escape character at pos ${i} in ${JSON.stringify(text)}`, {
          path,
        });
      }
      literal += next;
      i++;
    } else {
      literal += char;
    }
  }
  segments.push(literal);

  if (segments.length === 1) {
    const exact = segments[0]!;
    return (value) => value === exact;
  }
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  const startsRight = hasPrefix(first);
  const middle = segments.slice(1, -1).filter((segment) => segment !== '');
  const minLength = first.length + last.length;
  return (value) => {
    if (value.length < minLength || !startsRight(value) || !value.endsWith(last)) return false;
    let from = first.length;
    const end = value.length - last.length;
    for (const segment of middle) {
      const at = value.indexOf(segment, from);
      if (at === -1 || at + segment.length > end) return false;
      from = at + segment.length;
    }
    return true;
  };
}
