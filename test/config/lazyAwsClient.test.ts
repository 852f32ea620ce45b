import { describe, expect, it } from 'vitest';
import { lazyAwsClient, type SendingClient } from '../../lib/config/lazyAwsClient.js';

/** A client that answers each command with what it was sent, and remembers being destroyed. */
function echoClient() {
  const client = {
    destroyed: false,
    async send(command: never, options?: never) {
      return { command, options };
    },
    destroy() {
      client.destroyed = true;
    },
  };
  return client;
}

describe('lazyAwsClient', () => {
  it('builds the client on the first call only, and forwards every call to it', async () => {
    let loads = 0;
    const real = echoClient();
    const lazy = lazyAwsClient(async () => {
      loads++;
      return real;
    });
    expect(loads).toBe(0);
    const signal = new AbortController().signal;
    const answers = await Promise.all([
      lazy.send('a' as never, { abortSignal: signal } as never),
      lazy.send('b' as never),
    ]);
    expect(answers).toEqual([{ command: 'a', options: { abortSignal: signal } }, { command: 'b' }]);
    await lazy.send('c' as never);
    expect(loads).toBe(1);
    lazy.destroy();
    expect(real.destroyed).toBe(true);
  });

  it('tries loading again on the next call after a failed load', async () => {
    let loads = 0;
    const lazy = lazyAwsClient<SendingClient>(async () => {
      loads++;
      if (loads === 1) throw new Error('chunk not found');
      return echoClient();
    });
    await expect(lazy.send('a' as never)).rejects.toThrow('chunk not found');
    await expect(lazy.send('b' as never)).resolves.toEqual({ command: 'b' });
    expect(loads).toBe(2);
  });

  it('destroys nothing when the client was never built', () => {
    let loads = 0;
    const lazy = lazyAwsClient(async () => {
      loads++;
      return echoClient();
    });
    lazy.destroy();
    expect(loads).toBe(0);
  });
});
