/**
 * Prefix and suffix tests on strings. `String.prototype.startsWith` is several times slower than
 * comparing a slice on Node 22, and prefix rules are the commonest content filter, so they share
 * these helpers.
 */

/** Test of "starts with `prefix`". */
export function hasPrefix(prefix: string): (value: string) => boolean {
  const length = prefix.length;
  if (length === 0) return () => true;
  const first = prefix.charCodeAt(0);
  return (value) =>
    value.length >= length && value.charCodeAt(0) === first && value.slice(0, length) === prefix;
}

/** Test of "ends with `suffix`". */
export function hasSuffix(suffix: string): (value: string) => boolean {
  const length = suffix.length;
  if (length === 0) return () => true;
  return (value) => value.length >= length && value.endsWith(suffix);
}
