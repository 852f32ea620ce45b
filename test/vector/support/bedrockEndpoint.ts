/**
 * A local HTTP endpoint speaking Amazon Bedrock Runtime's InvokeModel REST-JSON protocol for Titan
 * Text Embeddings V2 (`POST /model/<modelId>/invoke`, body `{inputText, dimensions, normalize}`,
 * response `{embedding, inputTextTokenCount}`), so tests run the real
 * `@aws-sdk/client-bedrock-runtime` client. Embeddings are deterministic in the text (a seeded
 * pseudo-random unit vector), so equal texts get equal vectors. Faults are injected per request.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a fault rule sees. */
export interface InvokeInfo {
  modelId: string;
  inputText: string;
  /** 0 for the first call. */
  call: number;
}

/** Decides whether a call fails; undefined serves it. */
export type BedrockFaultRule = (info: InvokeInfo) => { status: number; type: string } | undefined;

/** A running endpoint. */
export interface BedrockEndpoint {
  readonly url: string;
  /** Texts embedded successfully, in call order. */
  readonly embedded: string[];
  /** Every call, failed ones included. */
  readonly calls: number;
  readonly faults: BedrockFaultRule[];
  close(): Promise<void>;
}

/** The vector the endpoint returns for a text (tests compare against it). */
export function expectedEmbedding(text: string, dimensions: number): number[] {
  const seed = createHash('sha256').update(text).digest();
  let x = seed.readUInt32LE(0) || 1;
  const out: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.push(((x >>> 0) / 4294967296) * 2 - 1);
  }
  const norm = Math.sqrt(out.reduce((s, v) => s + v * v, 0));
  return out.map((v) => Math.fround(v / norm));
}

/** Starts an endpoint on a random free port of 127.0.0.1. */
export async function startBedrockEndpoint(): Promise<BedrockEndpoint> {
  const state = { calls: 0 };
  const embedded: string[] = [];
  const faults: BedrockFaultRule[] = [];
  const server: Server = createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on('data', (c: Buffer) => parts.push(c));
    request.on('end', () => {
      const send = (status: number, body: unknown, type?: string) => {
        const text = JSON.stringify(body);
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (type) headers['x-amzn-errortype'] = type;
        response.writeHead(status, headers);
        response.end(text);
      };
      const match = /^\/model\/([^/]+)\/invoke$/.exec(request.url ?? '');
      if (request.method !== 'POST' || !match)
        return send(404, { message: 'unknown route' }, 'UnknownOperationException');
      const modelId = decodeURIComponent(match[1]!);
      const call = state.calls++;
      let body: { inputText?: unknown; dimensions?: unknown };
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8'));
      } catch {
        return send(400, { message: 'Malformed input request' }, 'ValidationException');
      }
      const inputText = body.inputText;
      const dimensions = body.dimensions ?? 1024;
      if (typeof inputText !== 'string' || inputText.length === 0 || inputText.length > 50_000) {
        return send(400, { message: 'Malformed input request: inputText' }, 'ValidationException');
      }
      if (dimensions !== 256 && dimensions !== 512 && dimensions !== 1024) {
        return send(400, { message: 'Malformed input request: dimensions' }, 'ValidationException');
      }
      for (const rule of faults) {
        const fault = rule({ modelId, inputText, call });
        if (fault) return send(fault.status, { message: fault.type }, fault.type);
      }
      embedded.push(inputText);
      send(200, {
        embedding: expectedEmbedding(inputText, dimensions),
        inputTextTokenCount: inputText.split(/\s+/).length,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    embedded,
    get calls() {
      return state.calls;
    },
    faults,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
