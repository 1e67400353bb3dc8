/**
 * `int` parameters as Core's UniValue::getInt<T>: std::from_chars must consume the whole JSON
 * number text and the value must fit T, else a std::runtime_error "JSON integer out of range"
 * (RPC_MISC_ERROR, -1). A string still fails the argument type check first (-3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CPP_INT64, CPP_UINT32 } from '../src/registry.js';
import { rpc, startHarness, type Harness } from './rpc-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.server.register({
    name: 'ints',
    category: 'test',
    params: [
      { name: 'i', type: 'int' },
      { name: 'u', type: 'int', optional: true, ...CPP_UINT32 },
      { name: 'l', type: 'int', optional: true, ...CPP_INT64 },
    ],
    description: 'test',
    handler: (p) => [p['i'], p['u'] ?? null, p['l'] ?? null],
  });
});
afterAll(async () => {
  await h.close();
});

async function call(paramsJson: string): Promise<any> {
  const r = await rpc(h, `{"id":1,"method":"ints","params":${paramsJson}}`);
  return JSON.parse(r.body);
}

const OUT_OF_RANGE = { code: -1, message: 'JSON integer out of range' };

describe('int parameters (getInt<T>)', () => {
  it.each([
    ['[0]', [0, null, null]],
    ['[-5]', [-5, null, null]],
    ['[2147483647, 4294967295, 9007199254740991]', [2147483647, 4294967295, 9007199254740991]],
    ['[-2147483648, 0, -9223372036854775808]', [-2147483648, 0, -9223372036854775808]],
  ])('accepts %s', async (params, expected) => {
    const r = await call(params);
    expect(r.error).toBeNull();
    expect(r.result).toEqual(expected);
  });

  it.each([
    '[1.0]',
    '[1e2]',
    '[1.5]',
    '[1E0]',
    '[2147483648]',
    '[-2147483649]',
    '[0, -1]',
    '[0, -0]',
    '[0, 4294967296]',
    '[0, 1, 9223372036854775808]',
    '[0, 1, 1.0]',
  ])('refuses %s with -1 JSON integer out of range', async (params) => {
    const r = await call(params);
    expect(r.result).toBeNull();
    expect(r.error).toEqual(OUT_OF_RANGE);
  });

  it('a string keeps the -3 type error', async () => {
    const r = await call('["1"]');
    expect(r.error.code).toBe(-3);
    expect(r.error.message).toContain(
      'Position 1 (i)": "JSON value of type string is not of expected type number',
    );
  });

  it('help shows the parameter as numeric', async () => {
    const r = await call('[1]');
    expect(r.error).toBeNull();
    const help = h.server.table.helpText(h.server.table.get('ints')!);
    expect(help).toContain('(numeric, required)');
  });
});
