/**
 * A local EventBridge endpoint for tests: an HTTP server speaking PutEvents over the AWS JSON 1.1
 * protocol (`X-Amz-Target: AWSEvents.PutEvents`), so the real @aws-sdk/client-eventbridge runs —
 * serialization, signing, error parsing. It validates requests the way the service documents
 * (1–10 entries, total entry size below the limit, Detail a JSON object, DetailType ≤ 128
 * characters), records what it accepted, and injects faults: whole-request throttling
 * (`ThrottlingException`) and 500s, slow answers, connection resets, and partial failures
 * (per-entry `ThrottlingException` / `InternalFailure` with `FailedEntryCount`).
 *
 * @example
 * const bus = await startEventBridgeEndpoint({ seed: 3 });
 * bus.setFaults({ entryFailure: 0.2, throttle: 0.05 });
 * const client = bus.client({ maxAttempts: 1 });
 * // … publish …
 * expect(bus.accepted.map((e) => e.detail.eventId)).toContain(id);
 * await bus.close();
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { EventBridgeClient, type EventBridgeClientConfig } from '@aws-sdk/client-eventbridge';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { putEventsEntrySize } from '../../lib/sinks/eventbridge/putEventsEntrySize.js';

/** Random faults; each a probability between 0 and 1. */
export interface PutEventsFaults {
  /** Whole request answered `400 ThrottlingException`. */
  throttle?: number;
  /** Whole request answered `500 InternalException`. */
  serverError?: number;
  /** Connection reset before any answer (the request is not processed). */
  reset?: number;
  /** Answer delayed by `slowMs` (the request is processed). */
  slow?: number;
  /** Delay of a slow answer. @default 200 */
  slowMs?: number;
  /** Per entry of a processed request: fails with `ThrottlingException` or `InternalFailure`. */
  entryFailure?: number;
}

/** A fault for exactly the next request. */
export type NextFault = 'throttle' | 'serverError' | 'reset' | { slowMs: number } | { failEntries: number[] };

/** An event the endpoint accepted. */
export interface AcceptedEvent {
  eventId: string;
  source: string;
  detailType: string;
  /** Detail parsed from JSON. */
  detail: Record<string, unknown>;
  time?: number;
  resources: string[];
  eventBusName?: string;
  /** Size of the entry as EventBridge computes it. */
  size: number;
}

/** One request the endpoint saw. */
export interface PutEventsLogEntry {
  entries: number;
  bytes: number;
  /** Fault injected, if any. */
  fault?: string;
  status?: number;
  failedEntries: number;
}

/** A running endpoint. */
export interface EventBridgeEndpoint {
  url: string;
  port: number;
  /** Accepted events, in the order they were accepted (duplicates included). */
  readonly accepted: AcceptedEvent[];
  /** Every PutEvents request, in arrival order. */
  readonly log: PutEventsLogEntry[];
  /** Replaces the random faults. */
  setFaults(faults: PutEventsFaults): void;
  /** Queues faults for the next requests, one each, before the random ones apply. */
  failNext(...faults: NextFault[]): void;
  /** Entries for which this returns an error code are refused with it (e.g. `MalformedDetail`). */
  rejectEntries(predicate: ((entry: AcceptedEvent) => string | undefined) | undefined): void;
  /** A client pointed here (dummy credentials, HTTP/1.1). */
  client(overrides?: Partial<EventBridgeClientConfig>): EventBridgeClient;
  close(): Promise<void>;
}

/** Options for {@link startEventBridgeEndpoint}. */
export interface EventBridgeEndpointOptions {
  /** Size limit of one request (sum of entry sizes, strictly less). @default 1000000 */
  maxRequestBytes?: number;
  faults?: PutEventsFaults;
  /** Seed of the fault generator, so runs repeat. @default 1 */
  seed?: number;
}

/** mulberry32: a small seeded generator. */
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

interface WireEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Time?: number;
  Resources?: string[];
  EventBusName?: string;
}

const JSON_TYPE = 'application/x-amz-json-1.1';

function sendJson(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': JSON_TYPE,
    'content-length': String(Buffer.byteLength(text)),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  sendJson(res, status, { __type: type, message }, type);
}

/** Starts the endpoint on a free port of 127.0.0.1. */
export async function startEventBridgeEndpoint(
  options: EventBridgeEndpointOptions = {},
): Promise<EventBridgeEndpoint> {
  const maxRequestBytes = options.maxRequestBytes ?? 1_000_000;
  const random = seededRandom(options.seed ?? 1);
  let faults: PutEventsFaults = options.faults ?? {};
  const queued: NextFault[] = [];
  let reject: ((entry: AcceptedEvent) => string | undefined) | undefined;
  const accepted: AcceptedEvent[] = [];
  const log: PutEventsLogEntry[] = [];
  const sockets = new Set<Socket>();
  const clients: EventBridgeClient[] = [];

  const chance = (p: number | undefined) => p !== undefined && p > 0 && random() < p;

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const target = req.headers['x-amz-target'];
    if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
      sendError(res, 400, 'UnknownOperationException', `unsupported operation ${String(target)}`);
      return;
    }
    let input: { Entries?: WireEntry[] };
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      sendError(res, 400, 'SerializationException', 'request body is not JSON');
      return;
    }
    const entries = input.Entries ?? [];
    const sizes = entries.map((e) => putEventsEntrySize(e));
    const bytes = sizes.reduce((a, b) => a + b, 0);
    const entry: PutEventsLogEntry = { entries: entries.length, bytes, failedEntries: 0 };
    log.push(entry);

    const next = queued.shift();
    let failEntries = new Set<number>();
    let slowMs = 0;
    if (next === 'reset' || (next === undefined && chance(faults.reset))) {
      entry.fault = 'reset';
      req.socket.resetAndDestroy();
      return;
    }
    if (next === 'throttle' || (next === undefined && chance(faults.throttle))) {
      entry.fault = 'throttle';
      entry.status = 400;
      sendError(res, 400, 'ThrottlingException', 'Rate exceeded');
      return;
    }
    if (next === 'serverError' || (next === undefined && chance(faults.serverError))) {
      entry.fault = 'serverError';
      entry.status = 500;
      sendError(res, 500, 'InternalException', 'An internal error occurred');
      return;
    }
    if (typeof next === 'object' && 'slowMs' in next) slowMs = next.slowMs;
    else if (next === undefined && chance(faults.slow)) slowMs = faults.slowMs ?? 200;
    if (typeof next === 'object' && 'failEntries' in next) failEntries = new Set(next.failEntries);
    if (slowMs > 0) {
      entry.fault = 'slow';
      await new Promise((resolve) => setTimeout(resolve, slowMs));
      if (res.destroyed) return;
    }

    if (entries.length < 1 || entries.length > 10) {
      entry.status = 400;
      sendError(
        res,
        400,
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10`,
      );
      return;
    }
    if (bytes >= maxRequestBytes) {
      entry.status = 400;
      sendError(
        res,
        400,
        'ValidationException',
        'Total size of the entries in the request is over the limit.',
      );
      return;
    }

    const results = entries.map((wire, index) => {
      if (failEntries.has(index) || (!failEntries.size && chance(faults.entryFailure))) {
        entry.fault ??= 'partial';
        return random() < 0.5
          ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }
          : { ErrorCode: 'InternalFailure', ErrorMessage: 'An internal error occurred' };
      }
      if (!wire.Source || !wire.DetailType) {
        return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source and DetailType are required' };
      }
      if ([...wire.DetailType].length > 128) {
        return {
          ErrorCode: 'InvalidArgument',
          ErrorMessage: 'Parameter DetailType is longer than 128 characters',
        };
      }
      let detail: unknown;
      try {
        detail = JSON.parse(wire.Detail ?? '');
      } catch {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      }
      if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      }
      const event: AcceptedEvent = {
        eventId: randomUUID(),
        source: wire.Source,
        detailType: wire.DetailType,
        detail: detail as Record<string, unknown>,
        ...(wire.Time !== undefined ? { time: wire.Time } : {}),
        resources: wire.Resources ?? [],
        ...(wire.EventBusName ? { eventBusName: wire.EventBusName } : {}),
        size: sizes[index]!,
      };
      const code = reject?.(event);
      if (code) return { ErrorCode: code, ErrorMessage: `refused by test: ${code}` };
      accepted.push(event);
      return { EventId: event.eventId };
    });
    const failed = results.filter((r) => 'ErrorCode' in r).length;
    entry.failedEntries = failed;
    entry.status = 200;
    sendJson(res, 200, { FailedEntryCount: failed, Entries: results });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((error: Error) => {
        if (!res.headersSent) sendError(res, 500, 'InternalException', error.message);
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    accepted,
    log,
    setFaults: (next) => {
      faults = next;
    },
    failNext: (...next) => {
      queued.push(...next);
    },
    rejectEntries: (predicate) => {
      reject = predicate;
    },
    client: (overrides = {}) => {
      const client = new EventBridgeClient({
        endpoint: url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        requestHandler: new NodeHttpHandler(),
        ...overrides,
      });
      clients.push(client);
      return client;
    },
    close: async () => {
      for (const client of clients) client.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
