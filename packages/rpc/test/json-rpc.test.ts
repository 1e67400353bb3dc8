/**
 * The JSON-RPC envelope over real HTTP, after Core's test/functional/interface_rpc.py and
 * httprpc.cpp / rpc/request.cpp: 1.0 and 2.0 replies and their HTTP statuses, notifications,
 * batches, parse and request errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpc, startHarness, type Harness } from './rpc-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('JSON-RPC 1.0 (legacy)', () => {
  it('answers 200 with result, error null and the id, as application/json with a newline', async () => {
    const r = await rpc(h, { id: 7, method: 'echojson', params: [1] });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body).toBe('{"result":[1],"error":null,"id":7}\n');
  });

  it('accepts "jsonrpc": "1.0" as legacy', async () => {
    const r = await rpc(h, { jsonrpc: '1.0', id: 'x', method: 'echojson' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ result: [], error: null, id: 'x' });
  });

  it('turns an RPC error into HTTP 500 with result null', async () => {
    const r = await rpc(h, { id: 1, method: 'fail', params: ['param'] });
    expect(r.status).toBe(500);
    expect(r.body).toBe(
      '{"result":null,"error":{"code":-8,"message":"Block height out of range"},"id":1}\n',
    );
  });

  it('answers an unknown method with HTTP 404 and -32601', async () => {
    const r = await rpc(h, { id: 1, method: 'invalidmethod', params: [] });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body)).toEqual({
      result: null,
      error: { code: -32601, message: 'Method not found' },
      id: 1,
    });
  });

  it('maps a handler exception to RPC_MISC_ERROR (-1) with its text', async () => {
    const r = await rpc(h, { id: 1, method: 'fail', params: ['other'] });
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body).error).toEqual({ code: -1, message: 'boom' });
  });

  it('leaves out the id when the request had none', async () => {
    const r = await rpc(h, { method: 'invalidmethod' });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body)).toEqual({
      result: null,
      error: { code: -32601, message: 'Method not found' },
    });
  });
});

describe('parse and request errors', () => {
  it.each([[''], ['this is bad'], ['{"method": "echojson"'], ['[1,]']])(
    'answers %j with -32700 Parse error, id null, HTTP 500',
    async (body) => {
      const r = await rpc(h, body);
      expect(r.status).toBe(500);
      expect(r.body).toBe(
        '{"result":null,"error":{"code":-32700,"message":"Parse error"},"id":null}\n',
      );
    },
  );

  it('answers a top-level scalar with "Top-level object parse error"', async () => {
    const r = await rpc(h, '42');
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body)).toEqual({
      result: null,
      error: { code: -32700, message: 'Top-level object parse error' },
      id: null,
    });
  });

  it.each([
    [{ jsonrpc: 2, method: 'echojson' }, 'jsonrpc field must be a string'],
    [{ jsonrpc: '3.0', method: 'echojson' }, 'JSON-RPC version not supported'],
    [{ id: 1 }, 'Missing method'],
    [{ id: 1, method: 5 }, 'Method must be a string'],
    [{ id: 1, method: 'echojson', params: 5 }, 'Params must be an array or object'],
  ])('answers %j with HTTP 400 and -32600 %s', async (req, message) => {
    const r = await rpc(h, req);
    expect(r.status).toBe(400);
    const expected: Record<string, unknown> = {
      result: null,
      error: { code: -32600, message },
    };
    if ('id' in req) expected.id = req.id;
    expect(JSON.parse(r.body)).toEqual(expected);
  });

  it('answers a malformed 2.0 request with HTTP 400 too, in the 2.0 shape (JSONErrorReply)', async () => {
    // Core parses the request outside JSONRPCExec, so its errors are HTTP errors even for 2.0,
    // and a 2.0 request without id is still answered.
    const r = await rpc(h, { jsonrpc: '2.0', id: 3, params: [] });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Missing method' },
      id: 3,
    });
    const n = await rpc(h, { jsonrpc: '2.0', method: 7 });
    expect(n.status).toBe(400);
    expect(JSON.parse(n.body)).toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Method must be a string' },
    });
  });
});

describe('JSON-RPC 2.0', () => {
  it('answers 200 with only result', async () => {
    const r = await rpc(h, { jsonrpc: '2.0', id: 1, method: 'echojson', params: ['a'] });
    expect(r.status).toBe(200);
    expect(r.body).toBe('{"jsonrpc":"2.0","result":["a"],"id":1}\n');
  });

  it('answers errors with HTTP 200 and only error', async () => {
    const nf = await rpc(h, { jsonrpc: '2.0', id: 1, method: 'invalidmethod' });
    expect(nf.status).toBe(200);
    expect(nf.body).toBe(
      '{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":1}\n',
    );
    const bad = await rpc(h, { jsonrpc: '2.0', id: 2, method: 'fail', params: ['param'] });
    expect(bad.status).toBe(200);
    expect(JSON.parse(bad.body)).toEqual({
      jsonrpc: '2.0',
      error: { code: -8, message: 'Block height out of range' },
      id: 2,
    });
  });

  it('treats "id": null as a request, not a notification', async () => {
    const r = await rpc(h, { jsonrpc: '2.0', id: null, method: 'echojson' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ jsonrpc: '2.0', result: [], id: null });
  });

  it('executes a notification (no id) and answers 204 without a body', async () => {
    const before = h.stopCalls;
    const r = await rpc(h, { jsonrpc: '2.0', method: 'whoami' });
    expect(r.status).toBe(204);
    expect(r.body).toBe('');
    expect(r.headers['content-type']).toBeUndefined();
    // Failing notifications are not answered either.
    const f = await rpc(h, { jsonrpc: '2.0', method: 'fail', params: ['param'] });
    expect(f.status).toBe(204);
    expect(f.body).toBe('');
    expect(h.stopCalls).toBe(before);
  });

  it('executes notifications: the gate-free side effect is visible afterwards', async () => {
    // `logging` changes state; a notification must still run it.
    const r = await rpc(h, { jsonrpc: '2.0', method: 'logging', params: [['net']] });
    expect(r.status).toBe(204);
    const q = await rpc(h, { jsonrpc: '2.0', id: 1, method: 'logging' });
    expect(JSON.parse(q.body).result.net).toBe(true);
    await rpc(h, { jsonrpc: '2.0', method: 'logging', params: [[], ['net']] });
  });
});

describe('batches', () => {
  const calls = [
    { method: 'echojson', params: [0] },
    { method: 'invalidmethod' },
    { method: 'echojson', params: ['b'] },
    { pizza: 'sausage' },
  ];
  const results = [
    { result: [0] },
    { error: { code: -32601, message: 'Method not found' } },
    { result: ['b'] },
    { error: { code: -32600, message: 'Missing method' } },
  ];

  it('answers a 2.0 batch with 200 and one reply per request, errors included', async () => {
    const req = calls.map((c, i) => ({ jsonrpc: '2.0', id: i + 1, ...c }));
    const r = await rpc(h, req);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual(
      results.map((x, i) => ({ jsonrpc: '2.0', id: i + 1, ...x })),
    );
  });

  it('answers a legacy batch with result and error on every reply', async () => {
    const req = calls.map((c, i) => ({ id: i + 1, ...c }));
    const r = await rpc(h, req);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual(
      results.map((x, i) => ({ result: null, error: null, id: i + 1, ...x })),
    );
  });

  it('leaves notifications out of a mixed 1.0/2.0 batch', async () => {
    const req = calls.map((c, i) => (i < 2 ? { jsonrpc: '2.0', ...c } : { id: i + 1, ...c }));
    const r = await rpc(h, req);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual(
      results.slice(2).map((x, i) => ({ result: null, error: null, id: i + 3, ...x })),
    );
  });

  it('answers a batch of only notifications with 204', async () => {
    const r = await rpc(
      h,
      calls.map((c) => ({ jsonrpc: '2.0', ...c })),
    );
    expect(r.status).toBe(204);
    expect(r.body).toBe('');
  });

  it('answers an empty batch with 200 and [] (Core keeps this for old clients)', async () => {
    const r = await rpc(h, []);
    expect(r.status).toBe(200);
    expect(r.body).toBe('[]\n');
  });

  it('answers a non-object element with -32600 "Invalid Request object", id null first', async () => {
    const r = await rpc(h, [1, { id: 2, method: 'echojson' }]);
    expect(r.status).toBe(200);
    expect(r.body).toBe(
      '[{"result":null,"error":{"code":-32600,"message":"Invalid Request object"},"id":null},' +
        '{"result":[],"error":null,"id":2}]\n',
    );
  });

  it('answers a rejected version inside a batch in the legacy shape', async () => {
    const r = await rpc(h, [{ jsonrpc: '2.1', id: 1, method: 'echojson' }]);
    expect(JSON.parse(r.body)).toEqual([
      {
        result: null,
        error: { code: -32600, message: 'JSON-RPC version not supported' },
        id: 1,
      },
    ]);
  });

  it('runs batch elements in order', async () => {
    const r = await rpc(h, [
      { id: 1, method: 'logging', params: [['tor']] },
      { id: 2, method: 'logging', params: [[], ['tor']] },
    ]);
    const [a, b] = JSON.parse(r.body);
    expect(a.result.tor).toBe(true);
    expect(b.result.tor).toBe(false);
  });
});
