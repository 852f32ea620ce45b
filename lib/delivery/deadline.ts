/**
 * The Lambda deadline as AbortSignals. A killed invocation replays its whole batch, so delivery
 * stops a little before the deadline and reports what it did not finish instead.
 */

/** Two signals: stop delivering (`soft`), and stop everything, dead letters included (`hard`). */
export interface Deadline {
  /** Aborts `reserveMs` before the deadline: no new requests, in-flight ones are cancelled. */
  soft: AbortSignal;
  /** Aborts shortly before the deadline: the last writes (dead letters) give up. */
  hard: AbortSignal;
  /** Clears the timers (call when the batch is done). */
  dispose(): void;
}

/** Options for {@link watchDeadline}. */
export interface DeadlineOptions {
  /** `context.getRemainingTimeInMillis`; without it the batch has no deadline. */
  remainingTimeMs?: () => number;
  /**
   * Time kept back for dead letters, the response and the summary log. At most a quarter of the
   * time left when the batch starts, so a short timeout still delivers. @default 5000
   */
  reserveMs?: number;
  /** Time kept back after the hard signal. @default 500 */
  hardReserveMs?: number;
}

/**
 * Starts watching the deadline of the current invocation.
 *
 * @example
 * ```ts
 * const deadline = watchDeadline({ remainingTimeMs: () => context.getRemainingTimeInMillis() });
 * try { await sink.deliver(outputs, { signal: deadline.soft }); } finally { deadline.dispose(); }
 * ```
 */
export function watchDeadline(options: DeadlineOptions): Deadline {
  const soft = new AbortController();
  const hard = new AbortController();
  const remaining = options.remainingTimeMs?.();
  if (remaining === undefined) return { soft: soft.signal, hard: hard.signal, dispose: () => {} };
  const reserve = Math.min(options.reserveMs ?? 5000, remaining / 4);
  const hardReserve = Math.min(options.hardReserveMs ?? 500, remaining / 10);
  const timers = [
    setTimeout(() => soft.abort(new Error('Lambda deadline near')), Math.max(0, remaining - reserve)),
    setTimeout(() => hard.abort(new Error('Lambda deadline imminent')), Math.max(0, remaining - hardReserve)),
  ];
  for (const timer of timers) timer.unref();
  return {
    soft: soft.signal,
    hard: hard.signal,
    dispose: () => {
      for (const timer of timers) clearTimeout(timer);
    },
  };
}
