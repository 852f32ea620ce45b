/**
 * A fault-injecting HTTP reverse proxy for tests. Put it in front of any local endpoint (s3rver,
 * kinesalite, a test PutEvents server…) and point the real SDK client at the proxy: requests pass
 * through unchanged (the Host header too, so SigV4 signatures still verify) unless a rule injects
 * a fault.
 *
 * Faults ({@link faults}): a canned response (500, S3's 503 SlowDown with its XML error body, a JSON
 * protocol throttling error for Kinesis/EventBridge/DynamoDB…), a slow response (delay, then
 * forward), a connection reset (TCP RST before any response byte), or a custom answer computed from
 * the request, optionally after forwarding a changed request (partial failures of batch APIs).
 *
 * Rules ({@link FaultRule}) choose requests by method, path, `X-Amz-Target`, headers, body or a
 * function, and apply to every match, to the first `times` matches after skipping `after`, with a
 * `probability` (seeded, so runs repeat), or only while matching requests exceed a `rate`
 * (throttling). The first rule that applies wins; the rest forward.
 *
 * @example S3 answers 503 SlowDown to the next two PUTs
 * const s3 = await startS3rver({ buckets: ['archive-bucket'] });
 * const proxy = await startFaultProxy({ target: s3.endpoint });
 * proxy.addRule({ match: { method: 'PUT' }, fault: faults.s3SlowDown(), times: 2 });
 * const client = s3.client({ endpoint: proxy.url, maxAttempts: 1 });
 *
 * @example Kinesis PutRecords throttled above 5 calls per second, 10 % of GetRecords reset
 * const proxy = await startFaultProxy({ target: `http://127.0.0.1:${kinesalitePort}`, seed: 7 });
 * proxy.addRule({
 *   match: { target: 'Kinesis_20131202.PutRecords' },
 *   rate: { requests: 5, windowMs: 1000 },
 *   fault: faults.jsonError(400, 'ProvisionedThroughputExceededException', 'Rate exceeded for shard'),
 * });
 * proxy.addRule({ match: { target: /GetRecords$/ }, probability: 0.1, fault: faults.reset() });
 *
 * @example A partial failure: DynamoDB BatchWriteItem writes the first item only
 * proxy.addRule({
 *   match: { target: 'DynamoDB_20120810.BatchWriteItem' },
 *   times: 1,
 *   fault: faults.custom(async (request, forward) => {
 *     const body = JSON.parse(request.body.toString());
 *     const [table, writes] = Object.entries(body.RequestItems)[0];
 *     body.RequestItems[table] = writes.slice(0, 1);
 *     const answer = await forward({ ...request, body: Buffer.from(JSON.stringify(body)) });
 *     const reply = { ...JSON.parse(answer.body.toString()), UnprocessedItems: { [table]: writes.slice(1) } };
 *     return { ...answer, body: Buffer.from(JSON.stringify(reply)) };
 *   }),
 * });
 */
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type RequestOptions,
  type Server,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does instead of (or before) forwarding a request. */
export type Fault =
  /** Answer with this response; the target never sees the request. */
  | { kind: 'respond'; status: number; headers?: Record<string, string>; body?: string }
  /** Wait, then forward (a slow service). */
  | { kind: 'delay'; ms: number }
  /** Reset the connection (TCP RST) without answering: the client sees ECONNRESET. */
  | { kind: 'reset' }
  /**
   * Forward, let the target store the write, then reset the connection instead of passing its
   * answer on: a write that happened but was never acknowledged.
   */
  | { kind: 'lostAnswer' }
  /**
   * Compute the answer: `forward` sends a (possibly changed) request to the target and returns its
   * answer, so a handler can fake partial failures (forward half a batch, report the rest failed).
   */
  | {
      kind: 'custom';
      handle(
        request: ProxiedRequest,
        forward: (request: ProxiedRequest) => Promise<ProxiedResponse>,
      ): Promise<ProxiedResponse>;
    };

/** Canned faults. */
export const faults = {
  /** Any status with an optional body and headers. */
  status(status: number, body = '', headers: Record<string, string> = {}): Fault {
    return { kind: 'respond', status, body, headers };
  },
  /** A bare HTTP 500. */
  internalError(): Fault {
    return faults.status(500, 'Internal Server Error', { 'content-type': 'text/plain' });
  },
  /** S3's `500 InternalError` with its XML error body. */
  s3InternalError(): Fault {
    return faults.s3Error(500, 'InternalError', 'We encountered an internal error. Please try again.');
  },
  /** S3's throttling answer, `503 SlowDown` with its XML error body. */
  s3SlowDown(): Fault {
    return faults.s3Error(503, 'SlowDown', 'Please reduce your request rate.');
  },
  /** An S3 REST-XML error. */
  s3Error(status: number, code: string, message: string): Fault {
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Error><Code>${code}</Code><Message>${message}</Message>` +
      '<RequestId>FAULTPROXY0000001</RequestId><HostId>faultproxy</HostId></Error>';
    return faults.status(status, body, {
      'content-type': 'application/xml',
      'x-amz-request-id': 'FAULTPROXY0000001',
    });
  },
  /**
   * An error of an AWS JSON protocol service (Kinesis, DynamoDB, EventBridge…), e.g.
   * `jsonError(400, 'ProvisionedThroughputExceededException', 'Rate exceeded for shard')`.
   */
  jsonError(status: number, type: string, message: string): Fault {
    return faults.status(status, JSON.stringify({ __type: type, message }), {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-errortype': type,
      'x-amzn-requestid': 'faultproxy-0000-0001',
    });
  },
  /** A slow response: forwarded after `ms`. */
  delay(ms: number): Fault {
    return { kind: 'delay', ms };
  },
  /** A connection reset before any response byte. */
  reset(): Fault {
    return { kind: 'reset' };
  },
  /** The write reaches the target, the answer never reaches the client (connection reset). */
  lostAnswer(): Fault {
    return { kind: 'lostAnswer' };
  },
  /** An answer computed from the request, optionally after forwarding a changed request. */
  custom(handle: Extract<Fault, { kind: 'custom' }>['handle']): Fault {
    return { kind: 'custom', handle };
  },
};

/** A request as rules see it. */
export interface ProxiedRequest {
  method: string;
  /** Path and query, as sent (percent-encoded). */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** An answer, as a custom fault returns it. */
export interface ProxiedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Declarative request selection; every given field must match. */
export interface RequestMatcher {
  method?: string;
  /** Exact path (without query) or a pattern tested on path and query, both percent-decoded. */
  path?: string | RegExp;
  /** The `X-Amz-Target` header of JSON protocol calls, e.g. `Kinesis_20131202.PutRecords`. */
  target?: string | RegExp;
  headers?: Record<string, string | RegExp>;
  /** Tested on the body as UTF-8 text. */
  body?: RegExp;
}

/** When and what to inject. */
export interface FaultRule {
  /** Which requests the rule considers. @default every request */
  match?: RequestMatcher | ((request: ProxiedRequest) => boolean);
  fault: Fault;
  /** Skip this many matching requests first. @default 0 */
  after?: number;
  /** Inject at most this many times, then the rule retires. @default Infinity */
  times?: number;
  /** Inject into each considered request with this probability (seeded). @default 1 */
  probability?: number;
  /** Inject only while more than `requests` matching requests arrived within `windowMs` (throttling). */
  rate?: { requests: number; windowMs: number };
}

/** One request the proxy saw. */
export interface ProxyLogEntry {
  method: string;
  path: string;
  target?: string;
  /** The fault injected, if any. */
  fault?: Fault['kind'];
  /** Status returned to the client (undefined after a reset). */
  status?: number;
}

/** A running proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give this to the client as its endpoint. */
  url: string;
  port: number;
  /** Every request seen, in arrival order. */
  readonly log: ProxyLogEntry[];
  /** Adds a rule after the existing ones; returns a function that removes it. */
  addRule(rule: FaultRule): () => void;
  clearRules(): void;
  /** Number of faults injected so far. */
  injected(): number;
  close(): Promise<void>;
}

/** Options for {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** Base URL of the real endpoint, e.g. `http://127.0.0.1:4569`. */
  target: string;
  rules?: FaultRule[];
  /** Seed of the generator behind `probability`. @default 1 */
  seed?: number;
}

/** mulberry32: a small seeded generator, so probabilistic faults repeat run to run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function test(pattern: string | RegExp, value: string | undefined, exact: boolean): boolean {
  if (value === undefined) return false;
  return typeof pattern === 'string'
    ? exact
      ? value === pattern
      : value.includes(pattern)
    : pattern.test(value);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}

/** The path with percent-escapes decoded (S3 keys arrive as `table%3Dx/…`), as matchers see it. */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function matches(matcher: FaultRule['match'], request: ProxiedRequest): boolean {
  if (matcher === undefined) return true;
  if (typeof matcher === 'function') return matcher(request);
  if (matcher.method && matcher.method.toUpperCase() !== request.method) return false;
  if (matcher.path !== undefined) {
    const path = decodePath(request.path);
    const ok =
      typeof matcher.path === 'string' ? path.split('?')[0] === matcher.path : matcher.path.test(path);
    if (!ok) return false;
  }
  if (matcher.target !== undefined && !test(matcher.target, header(request.headers, 'x-amz-target'), true)) {
    return false;
  }
  for (const [name, pattern] of Object.entries(matcher.headers ?? {})) {
    if (!test(pattern, header(request.headers, name), true)) return false;
  }
  if (matcher.body && !matcher.body.test(request.body.toString('utf8'))) return false;
  return true;
}

interface RuleState {
  rule: FaultRule;
  seen: number;
  injected: number;
  arrivals: number[];
}

/**
 * Starts a proxy on a free port of 127.0.0.1 in front of `target`.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = seededRandom(options.seed ?? 1);
  let rules: RuleState[] = [];
  const log: ProxyLogEntry[] = [];
  let injectedCount = 0;
  const sockets = new Set<Socket>();

  const addRule = (rule: FaultRule) => {
    const state: RuleState = { rule, seen: 0, injected: 0, arrivals: [] };
    rules.push(state);
    return () => {
      rules = rules.filter((r) => r !== state);
    };
  };
  for (const rule of options.rules ?? []) addRule(rule);

  /** The fault to inject into this request, updating rule counters. */
  const choose = (request: ProxiedRequest): Fault | undefined => {
    const now = Date.now();
    for (const state of rules) {
      const { rule } = state;
      if (!matches(rule.match, request)) continue;
      state.seen++;
      if (rule.rate) {
        state.arrivals.push(now);
        state.arrivals = state.arrivals.filter((t) => now - t < rule.rate!.windowMs);
        if (state.arrivals.length <= rule.rate.requests) continue;
      }
      if (state.seen <= (rule.after ?? 0)) continue;
      if (state.injected >= (rule.times ?? Number.POSITIVE_INFINITY)) continue;
      if (rule.probability !== undefined && random() >= rule.probability) continue;
      state.injected++;
      injectedCount++;
      return rule.fault;
    }
    return undefined;
  };

  /** Request options for the target; the body was buffered, so it goes with a length, unchunked. */
  const upstreamOptions = (request: ProxiedRequest): RequestOptions => {
    const headers: IncomingHttpHeaders = {
      ...request.headers,
      'content-length': String(request.body.length),
    };
    delete headers['transfer-encoding'];
    return { host: target.hostname, port: target.port, method: request.method, path: request.path, headers };
  };

  /** Sends a request to the target and collects the whole answer (for custom faults). */
  const forward = (request: ProxiedRequest): Promise<ProxiedResponse> =>
    new Promise((resolve, reject) => {
      const upstream = httpRequest(upstreamOptions(request), (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('error', reject);
        answer.on('end', () => {
          const headers = { ...answer.headers };
          delete headers['content-length'];
          delete headers['transfer-encoding'];
          resolve({ status: answer.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
        });
      });
      upstream.on('error', reject);
      upstream.end(request.body);
    });

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const request: ProxiedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      const entry: ProxyLogEntry = { method: request.method, path: request.path };
      const amzTarget = header(req.headers, 'x-amz-target');
      if (amzTarget) entry.target = amzTarget;
      log.push(entry);
      const fault = choose(request);
      if (fault) entry.fault = fault.kind;
      if (fault?.kind === 'reset') {
        req.socket.resetAndDestroy();
        return;
      }
      if (fault?.kind === 'respond') {
        const body = Buffer.from(fault.body ?? '');
        res.writeHead(fault.status, { ...fault.headers, 'content-length': String(body.length) });
        res.end(body);
        entry.status = fault.status;
        return;
      }
      if (fault?.kind === 'lostAnswer') {
        try {
          await forward(request);
        } finally {
          req.socket.resetAndDestroy();
        }
        return;
      }
      if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
      if (fault?.kind === 'custom') {
        try {
          const answer = await fault.handle(request, forward);
          entry.status = answer.status;
          res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
          res.end(answer.body);
        } catch (error) {
          entry.status = 502;
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(`fault proxy: custom fault failed: ${(error as Error).message}`);
        }
        return;
      }
      // Pass-through streams the answer back as it arrives (a delay fault only holds the request).
      const upstream = httpRequest(upstreamOptions(request), (answer) => {
        entry.status = answer.statusCode;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', (error) => {
        if (res.headersSent) {
          res.destroy(error);
          return;
        }
        entry.status = 502;
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`fault proxy: upstream error: ${error.message}`);
      });
      upstream.end(request.body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    addRule,
    clearRules: () => {
      rules = [];
    },
    injected: () => injectedCount,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
