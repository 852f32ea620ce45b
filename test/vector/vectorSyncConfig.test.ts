import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../lib/errors.js';
import { loadVectorSyncConfig } from '../../lib/vector/vectorSyncConfig.js';

const required = {
  MEMORY_CDC_LAYOUT: 'agent-memory',
  DEAD_LETTER_BUCKET: 'memory-dlq',
  VECTOR_BUCKET_NAME: 'memory-vectors',
  VECTOR_INDEX_NAME: 'turns',
};

describe('loadVectorSyncConfig', () => {
  test('fills in the documented defaults', () => {
    expect(loadVectorSyncConfig(required)).toEqual({
      layout: 'agent-memory',
      tableLayouts: {},
      routing: {},
      logLevel: 'info',
      logContents: false,
      metricsNamespace: 'MemoryCdc',
      deadLetterBucket: 'memory-dlq',
      vectorBucketName: 'memory-vectors',
      vectorIndexName: 'turns',
      embeddingAttribute: 'embedding',
      embeddingDimensions: 1024,
      bedrockModelId: 'amazon.titan-embed-text-v2:0',
      embeddingConcurrency: 8,
      deliveryMaxAttempts: 6,
      deadlineReserveMs: 5000,
      connectionTimeoutMs: 3000,
      requestTimeoutMs: 15000,
    });
  });

  test('names every missing variable', () => {
    expect(() => loadVectorSyncConfig({})).toThrow(
      /MEMORY_CDC_LAYOUT is required; DEAD_LETTER_BUCKET is required; VECTOR_BUCKET_NAME is required; VECTOR_INDEX_NAME is required/,
    );
  });

  test('names the variable and the bad value', () => {
    expect(() => loadVectorSyncConfig({ ...required, EMBEDDING_DIMENSIONS: 'many' })).toThrow(
      'EMBEDDING_DIMENSIONS must be a whole number (given "many")',
    );
    expect(() => loadVectorSyncConfig({ ...required, VECTOR_BUCKET_NAME: 'Memory_Vectors' })).toThrow(
      /VECTOR_BUCKET_NAME must match pattern .* \(given "Memory_Vectors"\)/,
    );
    expect(() => loadVectorSyncConfig({ ...required, EMBEDDING_DIMENSIONS: '768' })).toThrow(ConfigError);
    expect(() => loadVectorSyncConfig({ ...required, EMBEDDING_DIMENSIONS: '768' })).toThrow(
      'EMBEDDING_DIMENSIONS must be 256, 512 or 1024 for amazon.titan-embed-text-v2:0 (given 768)',
    );
  });
});
