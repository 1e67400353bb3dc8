/**
 * Integer parameters as Core reads them (UniValue::getInt<T>) on a real node: a JSON number that
 * is not an integer literal (1.0, 1e2, 1.5) or does not fit the C++ type is "JSON integer out of
 * range" with code -1; a string where a number goes keeps the -3 type error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestNode } from './framework/test-node.js';

const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
let node: TestNode;
let tip: string;

beforeAll(async () => {
  node = await TestNode.start({ outbound: false });
  await node.rpc('generatetoaddress', 2, ADDR);
  tip = await node.rpc<string>('getbestblockhash');
}, 60_000);
afterAll(async () => {
  await node?.stop();
});

/** A call with its params written as raw JSON text, so 1.0 and 1e2 reach the node as written. */
async function raw(method: string, params: string): Promise<{ result: unknown; error: any }> {
  const r = await node.rawCall(`{"jsonrpc":"1.0","id":1,"method":"${method}","params":${params}}`);
  return JSON.parse(r.body);
}

const OUT_OF_RANGE = { code: -1, message: 'JSON integer out of range' };

describe('integer parameters', () => {
  const cases: [string, () => string][] = [
    ['getblockhash', () => '[1.0]'],
    ['getblockhash', () => '[1e2]'],
    ['getblockhash', () => '[1.5]'],
    ['getblockhash', () => '[2147483648]'],
    ['gettxout', () => `["${'00'.repeat(32)}", 0.5]`],
    ['getblock', () => `["${tip}", 1.5]`],
    ['getblock', () => `["${tip}", 2e0]`],
    ['getblockstats', () => '[1.5]'],
    ['generatetoaddress', () => `[1.0, "${ADDR}"]`],
    ['generatetoaddress', () => `[1, "${ADDR}", 1e6]`],
    ['verifychain', () => '[3.0]'],
    ['verifychain', () => '[3, 6.5]'],
    ['getchaintxstats', () => '[1.5]'],
    ['waitforblockheight', () => '[1.5]'],
    ['getnetworkhashps', () => '[120.0]'],
    ['setmocktime', () => '[9223372036854775808]'],
    ['createrawtransaction', () => '[[], [], 0, false, 4294967296]'],
  ];
  it.each(cases)('%s %s', async (method, params) => {
    const r = await raw(method, params());
    expect(r.error, `${method} ${params()}`).toEqual(OUT_OF_RANGE);
  });

  it('integers in range still work', async () => {
    expect((await raw('getblockhash', '[2]')).result).toBe(tip);
    expect((await raw('getblock', `["${tip}", 0]`)).result).toMatch(/^[0-9a-f]+$/);
    expect((await raw('verifychain', '[3, 2]')).result).toBe(true);
    expect((await raw('getblockstats', '[1]')).error).toBeNull();
  });

  it('a string where a number goes is still the -3 type error', async () => {
    const r = await raw('getblockhash', '["1"]');
    expect(r.error.code).toBe(-3);
    expect(r.error.message).toContain('JSON value of type string is not of expected type number');
  });
});
