import { ConfigError } from '../errors.js';

/**
 * Checks an endpoint URL given on the command line or in configuration (`--endpoint`,
 * `--endpoint-url`, `--s3-endpoint-url`): it must be an `http://` or `https://` URL with a host, as
 * the AWS SDK expects. Without this check `localhost:8000` reaches the SDK, which fails far later
 * with `UnknownError`.
 *
 * @example
 * ```ts
 * parseEndpointUrl('--endpoint', 'http://localhost:8000'); // 'http://localhost:8000'
 * parseEndpointUrl('--endpoint', 'localhost:8000'); // throws: … expected a URL such as http://localhost:8000
 * ```
 * @param option the flag or variable, named in the message
 * @param value the endpoint as given
 * @returns the endpoint, unchanged
 * @throws ConfigError naming the option, the value and the expected form
 */
export function parseEndpointUrl(option: string, value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    const guess = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? 'http://localhost:8000' : `http://${value}`;
    throw new ConfigError(
      `${option}: expected a URL with scheme and host such as http://localhost:8000 (given ${JSON.stringify(value)}; did you mean ${guess}?)`,
    );
  }
  return value;
}
