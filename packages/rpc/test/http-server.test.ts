/**
 * The HTTP side, as Core's httpserver.cpp / httprpc.cpp: persistent connections, body limit (413),
 * HTTP methods (405), paths (404, /wallet/<name>), warmup (-28), the work queue (503), `stop`
 * replying before shutting down, and `help`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MockableClock } from '@bitcoind-lite/runtime';
import { systemClock } from '@bitcoind-lite/runtime/host';
import { HttpConn, request, rpc, startHarness, type Harness } from './rpc-harness.js';

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) {
    h.openGate();
    await h.close();
  }
});

async function harness(...a: Parameters<typeof startHarness>): Promise<Harness> {
  const h = await startHarness(...a);
  open.push(h);
  return h;
}

const WHOAMI = JSON.stringify({ id: 1, method: 'whoami' });

describe('connections', () => {
  it('serves several requests on one keep-alive connection', async () => {
    const h = await harness();
    const c = await HttpConn.open(h.port);
    try {
      for (let i = 0; i < 5; i++) {
        const r = await c.request({
          body: JSON.stringify({ id: i, method: 'echojson', params: [i] }),
          auth: h.authHeader,
        });
        expect(r.status).toBe(200);
        expect(r.body).toBe(`{"result":[${i}],"error":null,"id":${i}}\n`);
        expect(r.headers.connection ?? 'keep-alive').not.toBe('close');
      }
      // Errors keep the connection too.
      const bad = await c.request({ body: 'nonsense', auth: h.authHeader });
      expect(bad.status).toBe(500);
      const after = await c.request({ body: WHOAMI, auth: h.authHeader });
      expect(after.status).toBe(200);
      expect(c.closed).toBe(false);
    } finally {
      c.close();
    }
  });

  it('answers a body over the limit with 413 and closes the connection', async () => {
    const h = await harness({ extra: { maxBodyBytes: 1000 } });
    const fits = JSON.stringify({ id: 1, method: 'echojson', params: ['x'.repeat(900)] });
    expect((await rpc(h, fits)).status).toBe(200);
    const c = await HttpConn.open(h.port);
    const r = await c.request({ body: 'x'.repeat(1001), auth: h.authHeader });
    expect(r.status).toBe(413);
    await c.waitClosed();
  });

  it('answers an unknown HTTP method with 405 and no body', async () => {
    const h = await harness();
    const r = await request(h.port, { method: 'DELETE', body: WHOAMI, auth: h.authHeader });
    expect(r.status).toBe(405);
    expect(r.body).toBe('');
  });

  it('answers GET on the JSON-RPC path with 405 and Core text, before asking for auth', async () => {
    const h = await harness();
    const r = await request(h.port, { method: 'GET' });
    expect(r.status).toBe(405);
    expect(r.body).toBe('JSONRPC server handles only POST requests');
  });

  it('answers an unknown path with 404 and no body', async () => {
    const h = await harness();
    for (const path of ['/foo', '/rest/chaininfo.json', '/walletx']) {
      const r = await request(h.port, { path, body: WHOAMI, auth: h.authHeader });
      expect(r.status, path).toBe(404);
      expect(r.body).toBe('');
    }
  });

  it('records /wallet/<name>, URL-decoded, in the call context', async () => {
    const h = await harness();
    const r = await rpc(h, WHOAMI, '/wallet/my%20wallet');
    expect(JSON.parse(r.body).result).toEqual({
      wallet: 'my wallet',
      user: 'alice',
      uri: '/wallet/my%20wallet',
    });
    const root = await rpc(h, WHOAMI);
    expect(JSON.parse(root.body).result.wallet).toBeNull();
    const empty = await rpc(h, WHOAMI, '/wallet/');
    expect(JSON.parse(empty.body).result.wallet).toBe('');
  });
});

describe('warmup', () => {
  it('answers -28 with the status until warmup finishes', async () => {
    const h = await harness({ extra: { warmup: 'Loading block index…' } });
    const r = await rpc(h, WHOAMI);
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body).error).toEqual({ code: -28, message: 'Loading block index…' });
    const two = await rpc(h, { jsonrpc: '2.0', id: 1, method: 'help' });
    expect(two.status).toBe(200);
    expect(JSON.parse(two.body).error.code).toBe(-28);

    h.server.setWarmup('Verifying blocks…');
    expect(JSON.parse((await rpc(h, WHOAMI)).body).error.message).toBe('Verifying blocks…');
    h.server.setWarmup(undefined);
    expect(JSON.parse((await rpc(h, WHOAMI)).body).error).toBeNull();
  });

  it("starts in Core's 'RPC server started' warmup when none is given", async () => {
    const h = await harness({ omitWarmup: true });
    expect(JSON.parse((await rpc(h, WHOAMI)).body).error).toEqual({
      code: -28,
      message: 'RPC server started',
    });
  });
});

describe('work queue', () => {
  it('answers 503 "Work queue depth exceeded" when threads and queue are full', async () => {
    const h = await harness({ extra: { rpcThreads: 1, workQueue: 1 } });
    const running = rpc(h, { id: 'a', method: 'gate' });
    await h.gateEntered;
    // One of the next two waits in the queue; the other finds it full and is answered at once.
    const b = rpc(h, { id: 'b', method: 'whoami' });
    const c = rpc(h, { id: 'c', method: 'whoami' });
    const first = await Promise.race([b, c]);
    expect(first.status).toBe(503);
    expect(first.body).toBe('Work queue depth exceeded');
    expect(h.logLines.some((l) => l.includes('work queue depth exceeded'))).toBe(true);

    h.openGate();
    const a = await running;
    expect(JSON.parse(a.body).result).toBe('opened');
    // The queued one runs once the worker is free.
    const statuses = [(await b).status, (await c).status].sort();
    expect(statuses).toEqual([200, 503]);
  });
});

describe('control methods', () => {
  it('`stop` replies "Bitcoin Core stopping", then calls onStop', async () => {
    const h = await harness();
    const r = await rpc(h, { id: 1, method: 'stop' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ result: 'Bitcoin Core stopping', error: null, id: 1 });
    while (h.stopCalls === 0) await new Promise((res) => setImmediate(res));
    expect(h.stopCalls).toBe(1);
  });

  it('`help` lists first lines under == Category == headers, sorted', async () => {
    const h = await harness();
    const r = await rpc(h, { id: 1, method: 'help' });
    const text = JSON.parse(r.body).result as string;
    const lines = text.split('\n');
    expect(lines[0]).toBe('== Control ==');
    expect(lines).toContain('help ( "command" )');
    expect(lines).toContain('stop');
    expect(lines).toContain('uptime');
    expect(lines).toContain('== Test ==');
    expect(lines).toContain('typed "str" ( num flag obj arr )');
    // A blank line before each later header, none at the end.
    expect(text).toContain('\n\n== Test ==\n');
    expect(text.endsWith('\n')).toBe(false);
    // The hidden `wait` argument of stop is not shown.
    expect(text).not.toContain('wait');
  });

  it('`help <cmd>` gives usage, description, arguments and result', async () => {
    const h = await harness();
    const r = await rpc(h, { id: 1, method: 'help', params: ['uptime'] });
    expect(JSON.parse(r.body).result).toBe(
      'uptime\n\nReturns the total uptime of the server.\n\nResult:\n' +
        'n    (numeric) The number of seconds that the server has been running',
    );
    const unknown = await rpc(h, { id: 1, method: 'help', params: ['nosuch'] });
    expect(JSON.parse(unknown.body).result).toBe('help: unknown command: nosuch');
  });

  it('`uptime` counts whole seconds from start and getrpcinfo lists itself', async () => {
    const h = await harness();
    const up = JSON.parse((await rpc(h, { id: 1, method: 'uptime' })).body).result;
    expect(Number.isInteger(up)).toBe(true);
    expect(up).toBeGreaterThanOrEqual(0);
    const info = JSON.parse((await rpc(h, { id: 1, method: 'getrpcinfo' })).body).result;
    expect(info.active_commands).toHaveLength(1);
    expect(info.active_commands[0].method).toBe('getrpcinfo');
  });

  it('`uptime` runs on the steady clock: setmocktime far ahead does not move it (Core 30)', async () => {
    const clock = new MockableClock(systemClock());
    const h = await harness({ extra: { clock } });
    clock.setMockTime(Math.floor(Date.now() / 1000) + 20_000);
    const up = JSON.parse((await rpc(h, { id: 1, method: 'uptime' })).body).result;
    expect(up).toBeGreaterThanOrEqual(0);
    expect(up).toBeLessThan(10_000);
  });
});
