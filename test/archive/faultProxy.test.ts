import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FaultProxy, faults, startFaultProxy } from '../support/faultProxy.js';

/** An upstream that echoes what it received as JSON. */
async function startEcho(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'echo' });
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('fault proxy', () => {
  let echo: Awaited<ReturnType<typeof startEcho>>;
  let proxy: FaultProxy;

  beforeAll(async () => {
    echo = await startEcho();
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => echo.server.close(() => resolve()));
  });
  afterEach(async () => {
    await proxy?.close();
  });

  const call = (path: string, init: RequestInit = {}) => fetch(`${proxy.url}${path}`, init);

  it('passes requests and answers through unchanged when no rule applies', async () => {
    proxy = await startFaultProxy({ target: echo.url });
    const response = await call('/bucket/some%3Dkey?x=1', {
      method: 'PUT',
      body: 'payload',
      headers: { 'x-amz-target': 'Svc.Op', authorization: 'AWS4 sig' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-upstream')).toBe('echo');
    const seen = (await response.json()) as { headers: Record<string, string> };
    expect(seen).toMatchObject({ method: 'PUT', url: '/bucket/some%3Dkey?x=1', body: 'payload' });
    expect(seen.headers).toMatchObject({
      host: new URL(proxy.url).host,
      'x-amz-target': 'Svc.Op',
      authorization: 'AWS4 sig',
    });
    expect(proxy.log).toEqual([
      { method: 'PUT', path: '/bucket/some%3Dkey?x=1', target: 'Svc.Op', status: 200 },
    ]);
  });

  it("answers S3's 503 SlowDown with its XML body to the matching requests only, `after` skipped, `times` times", async () => {
    proxy = await startFaultProxy({
      target: echo.url,
      rules: [{ match: { method: 'PUT', path: /some=key/ }, after: 1, times: 2, fault: faults.s3SlowDown() }],
    });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await call('/bucket/some%3Dkey', { method: 'PUT', body: 'x' })).status);
    expect(statuses).toEqual([200, 503, 503, 200, 200]);
    expect((await call('/bucket/other', { method: 'PUT', body: 'x' })).status).toBe(200);
    proxy.addRule({ match: { method: 'GET' }, fault: faults.s3SlowDown() });
    const slowDown = await call('/bucket/some%3Dkey');
    expect(slowDown.headers.get('content-type')).toBe('application/xml');
    expect(await slowDown.text()).toContain('<Code>SlowDown</Code>');
    expect(proxy.injected()).toBe(3);
  });

  it('injects with a seeded probability, the same requests each run', async () => {
    const pattern = async () => {
      proxy = await startFaultProxy({
        target: echo.url,
        seed: 42,
        rules: [{ probability: 0.3, fault: faults.internalError() }],
      });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await call('/x')).status);
      await proxy.close();
      return statuses;
    };
    const first = await pattern();
    expect(await pattern()).toEqual(first);
    const failures = first.filter((s) => s === 500).length;
    expect(failures).toBeGreaterThan(3);
    expect(failures).toBeLessThan(25);
    proxy = await startFaultProxy({ target: echo.url });
  });

  it('throttles only the requests beyond a rate, matched by X-Amz-Target', async () => {
    proxy = await startFaultProxy({
      target: echo.url,
      rules: [
        {
          match: { target: 'Kinesis_20131202.PutRecords' },
          rate: { requests: 3, windowMs: 60_000 },
          fault: faults.jsonError(400, 'ProvisionedThroughputExceededException', 'Rate exceeded for shard'),
        },
      ],
    });
    const put = () =>
      call('/', { method: 'POST', headers: { 'x-amz-target': 'Kinesis_20131202.PutRecords' }, body: '{}' });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await put()).status);
    expect(statuses).toEqual([200, 200, 200, 400, 400]);
    const throttled = await put();
    expect(throttled.headers.get('x-amzn-errortype')).toBe('ProvisionedThroughputExceededException');
    expect(await throttled.json()).toEqual({
      __type: 'ProvisionedThroughputExceededException',
      message: 'Rate exceeded for shard',
    });
    const other = await call('/', {
      method: 'POST',
      headers: { 'x-amz-target': 'Kinesis_20131202.GetRecords' },
      body: '{}',
    });
    expect(other.status).toBe(200);
  });

  it('resets the connection so the client sees a network error, and forwards slowed requests intact', async () => {
    proxy = await startFaultProxy({
      target: echo.url,
      rules: [
        { match: { path: '/reset' }, fault: faults.reset() },
        { match: { path: '/slow', body: /keep me/ }, fault: faults.delay(20) },
      ],
    });
    await expect(call('/reset')).rejects.toThrow();
    const slow = await call('/slow', { method: 'POST', body: 'keep me' });
    expect(((await slow.json()) as { body: string }).body).toBe('keep me');
    expect(proxy.log.map((e) => e.fault)).toEqual(['reset', 'delay']);
  });

  it('lets a custom fault forward a changed request and change the answer (a partial failure)', async () => {
    proxy = await startFaultProxy({
      target: echo.url,
      rules: [
        {
          fault: faults.custom(async (request, forward) => {
            const answer = await forward({ ...request, body: Buffer.from('first half') });
            const seen = JSON.parse(answer.body.toString());
            return {
              ...answer,
              body: Buffer.from(JSON.stringify({ forwarded: seen.body, failed: 'second half' })),
            };
          }),
        },
      ],
    });
    const response = await call('/batch', { method: 'POST', body: 'first half|second half' });
    expect(await response.json()).toEqual({ forwarded: 'first half', failed: 'second half' });
  });
});
