/**
 * An HTTP endpoint that accepts connections and requests and never answers: the "hung call" fault.
 * Sockets are destroyed on `close()` so the test process never waits for them.
 *
 * @example
 * const hung = await startHungEndpoint();
 * const s3 = createAwsClient(S3Client, { endpoint: hung.url, forcePathStyle: true, requestTimeoutMs: 500 });
 * await expect(s3.send(new PutObjectCommand({ … }))).rejects.toMatchObject({ name: 'TimeoutError' });
 * await hung.close();
 */
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A running hung endpoint. */
export interface HungEndpoint {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Requests received (none answered). */
  readonly requests: number;
  close(): Promise<void>;
}

/** Starts an endpoint on a free port of 127.0.0.1 that reads every request and never responds. */
export async function startHungEndpoint(): Promise<HungEndpoint> {
  const sockets = new Set<Socket>();
  let requests = 0;
  const server = createServer((request) => {
    requests += 1;
    request.resume();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
