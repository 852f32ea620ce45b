/**
 * V8's `JSON.parse` message without the quoted text and the position: the quoted text is the input
 * itself (item contents, which must not reach logs, dead-letter reasons or CLI output), and the
 * position is given apart.
 *
 * @example
 * ```ts
 * try { JSON.parse(text); } catch (error) { throw new Error(`not JSON: ${jsonSyntaxReason(error).reason}`); }
 * ```
 */
export function jsonSyntaxReason(error: unknown): { reason: string; position: number | undefined } {
  const message = error instanceof Error ? error.message : String(error);
  const at = /at position (\d+)/.exec(message);
  const reason = message
    .replace(/, ".*" is not valid JSON$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/ at position \d+.*$/s, '');
  return { reason, position: at ? Number(at[1]) : undefined };
}
