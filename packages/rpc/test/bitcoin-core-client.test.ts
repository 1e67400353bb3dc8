/**
 * The `bitcoin-core` npm client, unchanged, against a bare RpcServer: positional calls, named
 * calls (the client sends an object when told the server is 0.14 or later), batches, errors with
 * Core's codes, wrong credentials, and a /wallet/<name> URI.
 */
import Client from 'bitcoin-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './rpc-harness.js';

let h: Harness;
let positional: InstanceType<typeof Client>;
let named: InstanceType<typeof Client>;
beforeAll(async () => {
  h = await startHarness({ auth: { rpcuser: 'alice', rpcpassword: 'secret' } });
  const base = { host: `http://127.0.0.1:${h.port}`, username: 'alice', password: 'secret' };
  positional = new Client(base);
  named = new Client({ ...base, version: '0.17.0' });
  h.server.register({
    name: 'settxfee',
    category: 'wallet',
    description: 'Test stand-in: returns the fee rate it parsed, in satoshis.',
    params: [{ name: 'amount', type: 'amount' }],
    handler: (p) => String(p.amount),
  });
});
afterAll(async () => {
  await h.close();
});

describe('bitcoin-core client', () => {
  it('calls methods positionally', async () => {
    expect(await positional.command('typed', 'a', 5, true)).toEqual({
      str: 'a',
      num: 5,
      flag: true,
      arr: [],
    });
    expect(await positional.command('uptime')).toBeGreaterThanOrEqual(0);
  });

  it('calls methods with named parameters', async () => {
    // With a version set the client only sends methods it knows, so use Core's names.
    expect(await named.command('help', { command: 'uptime' })).toMatch(/^uptime\n\n/);
    const cats = (await named.command('logging', { exclude: ['net'], include: ['tor'] })) as {
      tor: boolean;
      net: boolean;
    };
    expect([cats.tor, cats.net]).toEqual([true, false]);
    // A stand-in with settxfee's signature: the amount arrives exact, by name.
    expect(await named.command('settxfee', { amount: 0.00001 })).toBe('1000');
  });

  it('sends batches', async () => {
    const replies = await positional.command([
      { method: 'echojson', parameters: [1, 'x'] },
      { method: 'help', parameters: ['uptime'] },
    ]);
    expect((replies as unknown[])[0]).toEqual([1, 'x']);
    expect((replies as string[])[1]).toMatch(/^uptime\n/);
  });

  it("surfaces Core's error codes and messages", async () => {
    await expect(positional.command('fail', 'param')).rejects.toMatchObject({
      code: -8,
      message: 'Block height out of range',
    });
    await expect(positional.command('nosuchmethod')).rejects.toMatchObject({ code: -32601 });
    await expect(named.command('settxfee', { fee: 1 })).rejects.toMatchObject({
      code: -8,
      message: 'Unknown named parameter fee',
    });
    await expect(positional.command('typed', 1)).rejects.toMatchObject({ code: -3 });
  });

  it('reports 401 for wrong credentials', async () => {
    const bad = new Client({
      host: `http://127.0.0.1:${h.port}`,
      username: 'alice',
      password: 'wrong',
    });
    await expect(bad.command('uptime')).rejects.toMatchObject({ code: 401 });
  });

  it('sends wallet calls to /wallet/<name>', async () => {
    const w = new Client({
      host: `http://127.0.0.1:${h.port}`,
      username: 'alice',
      password: 'secret',
      wallet: 'w1',
    });
    // The client only routes methods it knows as wallet methods; `getbalance` is one.
    h.server.register({
      name: 'getbalance',
      category: 'wallet',
      description: 'Test stand-in reporting the wallet it was called for.',
      params: [],
      handler: (_p, ctx) => ctx.wallet ?? null,
    });
    expect(await w.command('getbalance')).toBe('w1');
  });
});
