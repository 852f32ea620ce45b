/**
 * An AWS SDK client whose package is loaded, and the client built, on its first call. For clients a
 * Lambda keeps for rare paths — the router's S3 client writes only claim checks (oversize events),
 * dead letters and, in the one-reader layout, TTL expiries; the vector sync's reads claim-checked
 * events and writes dead letters — so that the function's start neither
 * loads nor evaluates the client's package (~150 KB of the router bundle, a chunk of its own that
 * esbuild splits off behind the `import()`). A failed load is retried on the next call.
 */

/** What memory-cdc calls on an AWS SDK client. */
export interface SendingClient {
  send(command: never, options?: never): Promise<unknown>;
  destroy(): void;
}

/**
 * A stand-in for the client `load` builds: `send` waits for it, then forwards; `destroy` destroys it
 * if it was built.
 *
 * @example
 * ```ts
 * const s3 = lazyAwsClient(async () => createAwsClient((await import('@aws-sdk/client-s3')).S3Client));
 * ```
 */
export function lazyAwsClient<Client extends SendingClient>(load: () => Promise<Client>): Client {
  let client: Promise<Client> | undefined;
  let built: Client | undefined;
  const lazy: SendingClient = {
    async send(command, options) {
      client ??= load().then(
        (c) => {
          built = c;
          return c;
        },
        (error: unknown) => {
          client = undefined;
          throw error;
        },
      );
      return (await client).send(command, options);
    },
    destroy() {
      built?.destroy();
    },
  };
  return lazy as Client;
}
