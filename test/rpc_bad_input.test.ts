/**
 * Hostile RPC input against a running node: malformed bodies, unknown methods, bad parameters
 * and wrong credentials get Core's answers, and the node keeps serving everyone else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestNode } from './framework/test-node.js';

let node: TestNode;
beforeAll(async () => {
  node = await TestNode.start({ noP2P: true, outbound: false });
  await node.rpc('generatetoaddress', 3, 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080');
});
afterAll(async () => {
  await node.stop();
});

function errorOf(body: string): { code: number; message: string } {
  return (JSON.parse(body) as { error: { code: number; message: string } }).error;
}

describe('rpc_bad_input', () => {
  it('answers a malformed body with -32700 Parse error', async () => {
    const r = await node.rawCall('{"method": "getblockcount", ');
    expect(r.status).toBe(500);
    expect(errorOf(r.body)).toEqual({ code: -32700, message: 'Parse error' });
  });

  it('answers an unknown method with -32601', async () => {
    const r = await node.rawCall(JSON.stringify({ id: 1, method: 'getblockcounts', params: [] }));
    expect(r.status).toBe(404);
    expect(errorOf(r.body)).toEqual({ code: -32601, message: 'Method not found' });
  });

  it('answers bad parameters with Core codes', async () => {
    await expect(node.rpc('getblockhash', 99)).rejects.toMatchObject({
      code: -8,
      message: 'Block height out of range',
    });
    await expect(node.rpc('getblockhash', 'one')).rejects.toMatchObject({ code: -3 });
    await expect(node.rpc('getblock', 'xyz')).rejects.toMatchObject({
      code: -8,
      message: "blockhash must be of length 64 (not 3, for 'xyz')",
    });
    await expect(node.rpc('getblock', '00'.repeat(32))).rejects.toMatchObject({
      code: -5,
      message: 'Block not found',
    });
    // Too many arguments: Core answers with the method's usage, code -1.
    await expect(node.rpc('getblockcount', 1)).rejects.toMatchObject({ code: -1 });
    await expect(node.rpcNamed('getblockhash', { heigth: 1 })).rejects.toMatchObject({
      code: -8,
      message: 'Unknown named parameter heigth',
    });
  });

  it('answers a JSON-RPC 2.0 batch element by element', async () => {
    const r = await node.rawCall(
      JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'getblockcount' },
        { jsonrpc: '2.0', id: 2, method: 'nosuchmethod' },
        { jsonrpc: '2.0', id: 3, method: 'getblockhash', params: { height: 0 } },
      ]),
    );
    expect(r.status).toBe(200);
    const replies = JSON.parse(r.body) as {
      id: number;
      result?: unknown;
      error?: { code: number };
    }[];
    expect(replies.map((x) => x.id)).toEqual([1, 2, 3]);
    expect(replies[0]!.result).toBe(3);
    expect(replies[1]!.error!.code).toBe(-32601);
    expect(replies[2]!.result).toBe(
      '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
    );
  });

  it('answers wrong credentials with HTTP 401 and keeps serving', async () => {
    const bad = await node.rawCall(JSON.stringify({ method: 'getblockcount' }), '__cookie__:wrong');
    expect(bad.status).toBe(401);
    expect(bad.body).toBe('');
    expect(await node.rpc('getblockcount')).toBe(3);
  });

  it('survives a flood of garbage and still answers', async () => {
    const junk = await Promise.all(
      Array.from({ length: 50 }, (_, i) => node.rawCall('\u0000'.repeat(i * 100) + '[[[')),
    );
    for (const r of junk) expect(errorOf(r.body).code).toBe(-32700);
    expect(await node.rpc('getblockcount')).toBe(3);
  });
});
