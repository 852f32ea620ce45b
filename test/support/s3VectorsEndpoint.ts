/**
 * A local HTTP endpoint speaking Amazon S3 Vectors' REST-JSON protocol, so tests run the real
 * `@aws-sdk/client-s3vectors` client. The wire format follows the client's serializers: each
 * operation is `POST /<Operation>` with a JSON body; errors carry the `x-amzn-errortype` header and
 * the documented status (429 TooManyRequestsException, 503 ServiceUnavailableException, 400
 * ValidationException, 404 NotFoundException). Limits are the documented ones (500 vectors per
 * PutVectors/DeleteVectors, 100 keys per GetVectors, top-K 100, 2 KB filterable metadata, 50
 * metadata keys, 20 MiB requests). Queries are exact (brute force) with the documented filter
 * operators. Faults are injected per request to test throttling and partial failures.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An index the endpoint serves. */
export interface IndexSpec {
  vectorBucketName: string;
  indexName: string;
  dimension: number;
  /** @default 'cosine' */
  distanceMetric?: 'cosine' | 'euclidean';
  nonFilterableMetadataKeys?: string[];
}

/** A stored vector. */
export interface StoredVector {
  data: number[];
  metadata: Record<string, unknown> | undefined;
}

/** What a fault rule sees: the operation, its parsed body, and how many calls of it came before. */
export interface RequestInfo {
  operation: string;
  body: Record<string, unknown>;
  /** 0 for the first call of this operation. */
  call: number;
}

/** An error the endpoint returns instead of serving the request. */
export interface Fault {
  status: number;
  type: string;
  message?: string;
}

/** Decides whether a request fails; return undefined to serve it. */
export type FaultRule = (request: RequestInfo) => Fault | undefined;

/** One served (or failed) request, for assertions on batching. */
export interface RequestLogEntry {
  operation: string;
  status: number;
  bytes: number;
  /** Vectors in a PutVectors, keys in a GetVectors/DeleteVectors. */
  items: number;
}

/** A running endpoint. */
export interface S3VectorsEndpoint {
  /** `http://127.0.0.1:<port>`: the client's `endpoint`. */
  readonly url: string;
  readonly requests: RequestLogEntry[];
  /** Fault rules, consulted in order for every request. */
  readonly faults: FaultRule[];
  createIndex(spec: IndexSpec): void;
  vectors(vectorBucketName: string, indexName: string): Map<string, StoredVector>;
  close(): Promise<void>;
}

/** The documented limits the endpoint enforces. */
export const LIMITS = {
  vectorsPerPut: 500,
  keysPerDelete: 500,
  keysPerGet: 100,
  topK: 100,
  listPage: 1000,
  requestBytes: 20 * 1024 * 1024,
  filterableMetadataBytes: 2048,
  totalMetadataBytes: 40 * 1024,
  metadataKeys: 50,
  keyLength: 1024,
} as const;

class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const validation = (message: string) => new ServiceError(400, 'ValidationException', message);

interface IndexState {
  spec: IndexSpec;
  vectors: Map<string, StoredVector>;
}

type Json = Record<string, unknown>;

function matches(metadata: Json, filter: unknown, nonFilterable: Set<string>): boolean {
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter))
    throw validation('invalid filter');
  return Object.entries(filter as Json).every(([field, condition]) => {
    if (field === '$and' || field === '$or') {
      if (!Array.isArray(condition) || condition.length === 0)
        throw validation(`${field} needs a non-empty array`);
      const results = condition.map((c) => matches(metadata, c, nonFilterable));
      return field === '$and' ? results.every(Boolean) : results.some(Boolean);
    }
    if (nonFilterable.has(field)) throw validation(`metadata key ${field} is non-filterable`);
    const value = metadata[field];
    const values = Array.isArray(value) ? value : [value];
    if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) {
      return values.includes(condition);
    }
    return Object.entries(condition as Json).every(([op, operand]) => {
      switch (op) {
        case '$eq':
          return values.includes(operand);
        case '$ne':
          return !values.includes(operand);
        case '$gt':
          return typeof value === 'number' && value > (operand as number);
        case '$gte':
          return typeof value === 'number' && value >= (operand as number);
        case '$lt':
          return typeof value === 'number' && value < (operand as number);
        case '$lte':
          return typeof value === 'number' && value <= (operand as number);
        case '$in':
          return Array.isArray(operand) && values.some((v) => operand.includes(v));
        case '$nin':
          return Array.isArray(operand) && !values.some((v) => operand.includes(v));
        case '$exists':
          return (value !== undefined) === operand;
        default:
          throw validation(`unknown filter operator ${op}`);
      }
    });
  });
}

function distance(metric: 'cosine' | 'euclidean', a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let sq = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
    sq += (x - y) ** 2;
  }
  if (metric === 'euclidean') return Math.sqrt(sq);
  return 1 - dot / (Math.sqrt(na) * Math.sqrt(nb) || 1);
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    request.on('data', (chunk: Buffer) => parts.push(chunk));
    request.on('end', () => resolve(Buffer.concat(parts)));
    request.on('error', reject);
  });
}

/**
 * Starts an endpoint on a random free port of 127.0.0.1.
 *
 * @example
 * ```ts
 * const endpoint = await startS3VectorsEndpoint();
 * endpoint.createIndex({ vectorBucketName: 'memory', indexName: 'turns', dimension: 4 });
 * const client = new S3VectorsClient({ endpoint: endpoint.url, region: 'us-east-1', credentials });
 * endpoint.faults.push(({ operation, call }) => (operation === 'PutVectors' && call === 0 ? { status: 429, type: 'TooManyRequestsException' } : undefined));
 * ```
 */
export async function startS3VectorsEndpoint(): Promise<S3VectorsEndpoint> {
  const indexes = new Map<string, IndexState>();
  const requests: RequestLogEntry[] = [];
  const faults: FaultRule[] = [];
  const calls = new Map<string, number>();
  const id = (bucket: unknown, name: unknown) => `${String(bucket)}/${String(name)}`;

  const indexOf = (body: Json): IndexState => {
    const index = indexes.get(id(body.vectorBucketName, body.indexName));
    if (!index) throw new ServiceError(404, 'NotFoundException', 'The specified index could not be found');
    return index;
  };

  const checkKeys = (keys: unknown, max: number): string[] => {
    if (!Array.isArray(keys) || keys.length < 1 || keys.length > max) {
      throw validation(`keys must have between 1 and ${max} items`);
    }
    for (const key of keys) {
      if (typeof key !== 'string' || key.length < 1 || key.length > LIMITS.keyLength)
        throw validation('invalid key');
    }
    return keys as string[];
  };

  const checkMetadata = (metadata: unknown, spec: IndexSpec): void => {
    if (metadata === undefined) return;
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
      throw validation('metadata must be an object');
    }
    const entries = Object.entries(metadata as Json);
    if (entries.length > LIMITS.metadataKeys) throw validation('too many metadata keys');
    const nonFilterable = new Set(spec.nonFilterableMetadataKeys ?? []);
    const filterable = Object.fromEntries(entries.filter(([k]) => !nonFilterable.has(k)));
    if (Buffer.byteLength(JSON.stringify(filterable)) > LIMITS.filterableMetadataBytes) {
      throw validation('Filterable metadata must have at most 2048 bytes');
    }
    if (Buffer.byteLength(JSON.stringify(metadata)) > LIMITS.totalMetadataBytes) {
      throw validation('Total metadata must have at most 40 KB');
    }
  };

  const checkData = (data: unknown, spec: IndexSpec): number[] => {
    const values = (data as { float32?: unknown } | null)?.float32;
    if (!Array.isArray(values) || values.length !== spec.dimension) {
      throw validation(
        `Invalid vector dimension: expected ${spec.dimension}, got ${Array.isArray(values) ? values.length : 0}`,
      );
    }
    if (!values.every((v) => typeof v === 'number' && Number.isFinite(v)))
      throw validation('vector values must be finite');
    return values.map((v) => Math.fround(v as number));
  };

  const operations: Record<string, (body: Json) => { response: Json; items: number }> = {
    CreateIndex(body) {
      const spec: IndexSpec = {
        vectorBucketName: String(body.vectorBucketName),
        indexName: String(body.indexName),
        dimension: Number(body.dimension),
        distanceMetric: body.distanceMetric === 'euclidean' ? 'euclidean' : 'cosine',
        nonFilterableMetadataKeys:
          ((body.metadataConfiguration as Json | undefined)?.nonFilterableMetadataKeys as
            | string[]
            | undefined) ?? [],
      };
      if (indexes.has(id(spec.vectorBucketName, spec.indexName))) {
        throw new ServiceError(409, 'ConflictException', 'index exists');
      }
      indexes.set(id(spec.vectorBucketName, spec.indexName), { spec, vectors: new Map() });
      return {
        response: {
          indexArn: `arn:aws:s3vectors:us-east-1:123456789012:bucket/${spec.vectorBucketName}/index/${spec.indexName}`,
        },
        items: 0,
      };
    },
    PutVectors(body) {
      const index = indexOf(body);
      const vectors = body.vectors;
      if (!Array.isArray(vectors) || vectors.length < 1 || vectors.length > LIMITS.vectorsPerPut) {
        throw validation(`vectors must have between 1 and ${LIMITS.vectorsPerPut} items`);
      }
      // Validate every vector before storing any: a failed request writes nothing.
      const parsed = vectors.map((v: Json) => {
        checkKeys([v.key], 1);
        checkMetadata(v.metadata, index.spec);
        return {
          key: String(v.key),
          data: checkData(v.data, index.spec),
          metadata: v.metadata as Json | undefined,
        };
      });
      for (const v of parsed) index.vectors.set(v.key, { data: v.data, metadata: v.metadata });
      return { response: {}, items: vectors.length };
    },
    GetVectors(body) {
      const index = indexOf(body);
      const keys = checkKeys(body.keys, LIMITS.keysPerGet);
      const vectors = keys.flatMap((key) => {
        const v = index.vectors.get(key);
        if (!v) return [];
        const out: Json = { key };
        if (body.returnData === true) out.data = { float32: v.data };
        if (body.returnMetadata === true && v.metadata !== undefined) out.metadata = v.metadata;
        return [out];
      });
      return { response: { vectors }, items: keys.length };
    },
    DeleteVectors(body) {
      const index = indexOf(body);
      const keys = checkKeys(body.keys, LIMITS.keysPerDelete);
      for (const key of keys) index.vectors.delete(key);
      return { response: {}, items: keys.length };
    },
    ListVectors(body) {
      const index = indexOf(body);
      const max = body.maxResults === undefined ? 500 : Number(body.maxResults);
      if (!Number.isInteger(max) || max < 1 || max > LIMITS.listPage)
        throw validation('maxResults must be 1-1000');
      const all = [...index.vectors.keys()].sort();
      const start = body.nextToken === undefined ? 0 : Number(body.nextToken);
      const page = all.slice(start, start + max).map((key) => {
        const v = index.vectors.get(key)!;
        const out: Json = { key };
        if (body.returnData === true) out.data = { float32: v.data };
        if (body.returnMetadata === true && v.metadata !== undefined) out.metadata = v.metadata;
        return out;
      });
      const response: Json = { vectors: page };
      if (start + max < all.length) response.nextToken = String(start + max);
      return { response, items: page.length };
    },
    QueryVectors(body) {
      const index = indexOf(body);
      const topK = Number(body.topK);
      if (!Number.isInteger(topK) || topK < 1 || topK > LIMITS.topK) throw validation('topK must be 1-100');
      const query = checkData(body.queryVector, index.spec);
      const nonFilterable = new Set(index.spec.nonFilterableMetadataKeys ?? []);
      const metric = index.spec.distanceMetric ?? 'cosine';
      const hits = [...index.vectors]
        .filter(([, v]) => body.filter === undefined || matches(v.metadata ?? {}, body.filter, nonFilterable))
        .map(([key, v]) => ({ key, v, d: distance(metric, query, v.data) }))
        .sort((a, b) => a.d - b.d)
        .slice(0, topK)
        .map(({ key, v, d }) => {
          const out: Json = { key };
          if (body.returnDistance === true) out.distance = d;
          if (body.returnMetadata === true && v.metadata !== undefined) out.metadata = v.metadata;
          return out;
        });
      return { response: { vectors: hits, distanceMetric: metric }, items: hits.length };
    },
  };

  const send = (response: ServerResponse, status: number, body: Json, errorType?: string) => {
    const text = JSON.stringify(body);
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    };
    if (errorType) headers['x-amzn-errortype'] = errorType;
    response.writeHead(status, headers);
    response.end(text);
  };

  const server: Server = createServer(async (request, response) => {
    const operation = (request.url ?? '/').split('?')[0]!.replace(/^\//, '');
    const raw = await readBody(request);
    let status = 200;
    let items = 0;
    try {
      const handler = operations[operation];
      if (request.method !== 'POST' || !handler)
        throw new ServiceError(404, 'UnknownOperationException', operation);
      if (raw.byteLength > LIMITS.requestBytes) throw validation('Request payload exceeds 20 MiB');
      const body = (raw.byteLength ? JSON.parse(raw.toString('utf8')) : {}) as Json;
      const call = calls.get(operation) ?? 0;
      calls.set(operation, call + 1);
      for (const rule of faults) {
        const fault = rule({ operation, body, call });
        if (fault) throw new ServiceError(fault.status, fault.type, fault.message ?? fault.type);
      }
      const result = handler(body);
      items = result.items;
      send(response, 200, result.response);
    } catch (error) {
      const e =
        error instanceof ServiceError
          ? error
          : new ServiceError(500, 'InternalServerException', String(error));
      status = e.status;
      send(response, e.status, { message: e.message }, e.type);
    } finally {
      requests.push({ operation, status, bytes: raw.byteLength, items });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    faults,
    createIndex(spec) {
      indexes.set(id(spec.vectorBucketName, spec.indexName), { spec, vectors: new Map() });
    },
    vectors(bucket, name) {
      const index = indexes.get(id(bucket, name));
      if (!index) throw new Error(`no index ${bucket}/${name}`);
      return index.vectors;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
