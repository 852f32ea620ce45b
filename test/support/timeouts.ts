/**
 * Time limits of the heavy tests (a JVM, emulators, hundreds of Lambda invocations). Sized for a
 * busy 2-core machine (load ~20: every process gets a tenth of a core), where these tests ran
 * 3–5 times longer than alone; a limit only catches a hang, it never measures speed (benchmarks do).
 */
export const HEAVY_TEST_TIMEOUT_MS = 300_000;
