import { createServer } from 'node:net';

/**
 * Asks the operating system for a free TCP port on `host` (listens on port 0, reads the port, closes).
 * Another process may take the port before the caller binds it; callers that start a server on it
 * should report a clear error when the bind fails.
 */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}
