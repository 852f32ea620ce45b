import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConfigError } from '../../lib/errors.js';
import { BedrockTitanEmbedder, TITAN_V2_MAX_CHARACTERS } from '../../lib/vector/BedrockTitanEmbedder.js';
import { type BedrockEndpoint, expectedEmbedding, startBedrockEndpoint } from './support/bedrockEndpoint.js';

let endpoint: BedrockEndpoint;
beforeAll(async () => {
  endpoint = await startBedrockEndpoint();
});
afterAll(async () => {
  await endpoint.close();
});

function embedder(options: { maxAttempts?: number; concurrency?: number } = {}) {
  const client = new BedrockRuntimeClient({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: options.maxAttempts ?? 1,
    requestHandler: new NodeHttpHandler(),
  });
  return new BedrockTitanEmbedder({ client, dimensions: 256, concurrency: options.concurrency ?? 4 });
}

describe('BedrockTitanEmbedder against a Bedrock Runtime endpoint', () => {
  test('embeds each text with one InvokeModel call, results in input order', async () => {
    const texts = Array.from({ length: 10 }, (_, i) => `text number ${i}`);
    const before = endpoint.calls;
    const results = await embedder().embed(texts);
    expect(endpoint.calls - before).toBe(10);
    results.forEach((r, i) => {
      expect(r.ok && Array.from(r.vector)).toEqual(expectedEmbedding(texts[i]!, 256));
    });
  });

  test('a rejected input fails only that text, as not retryable', async () => {
    const rule = ({ inputText }: { inputText: string }) =>
      inputText === 'bad' ? { status: 400, type: 'ValidationException' } : undefined;
    endpoint.faults.push(rule);
    try {
      const [good, bad] = await embedder().embed(['good', 'bad']);
      expect(good?.ok).toBe(true);
      expect(bad).toMatchObject({ ok: false, error: { retryable: false, throttled: false } });
    } finally {
      endpoint.faults.splice(endpoint.faults.indexOf(rule), 1);
    }
  });

  test('throttling is retried by the SDK retry strategy; when it persists it is retryable and throttled', async () => {
    let left = 1;
    const once = ({ inputText }: { inputText: string }) =>
      inputText === 'once' && left-- > 0 ? { status: 429, type: 'ThrottlingException' } : undefined;
    endpoint.faults.push(once);
    const [recovered] = await embedder({ maxAttempts: 3 }).embed(['once']);
    expect(recovered?.ok).toBe(true);
    endpoint.faults.splice(endpoint.faults.indexOf(once), 1);

    const always = ({ inputText }: { inputText: string }) =>
      inputText === 'always' ? { status: 429, type: 'ThrottlingException' } : undefined;
    endpoint.faults.push(always);
    try {
      const [failed] = await embedder().embed(['always']);
      expect(failed).toMatchObject({ ok: false, error: { retryable: true, throttled: true } });
    } finally {
      endpoint.faults.splice(endpoint.faults.indexOf(always), 1);
    }
  });

  test('texts longer than Titan accepts are cut to its 50,000-character limit', async () => {
    const long = 'x'.repeat(TITAN_V2_MAX_CHARACTERS + 10);
    const [result] = await embedder().embed([long]);
    expect(result?.ok).toBe(true);
    expect(endpoint.embedded.at(-1)).toHaveLength(TITAN_V2_MAX_CHARACTERS);
  });

  test('refuses sizes Titan V2 does not offer', () => {
    const client = new BedrockRuntimeClient({ region: 'us-east-1' });
    expect(() => new BedrockTitanEmbedder({ client, dimensions: 768 })).toThrow(ConfigError);
    expect(() => new BedrockTitanEmbedder({ client, concurrency: 0 })).toThrow(ConfigError);
  });
});
