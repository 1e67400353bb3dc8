/**
 * Parameters over real HTTP, as Core's rpc/server.cpp (transformNamedArguments) and rpc/util.cpp
 * (RPCHelpMan::HandleRequest, AmountFromValue): named parameters and the `args` catch-all, type
 * errors (-3) with Core's text, wrong counts (-1 with the usage), and exact amounts both ways.
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

async function call(method: string, params: unknown): Promise<{ status: number; json: any }> {
  const r = await rpc(h, { id: 1, method, params });
  return { status: r.status, json: JSON.parse(r.body) };
}

async function callRaw(text: string): Promise<{ status: number; body: string; json: any }> {
  const r = await rpc(h, text);
  return { status: r.status, body: r.body, json: JSON.parse(r.body) };
}

describe('named parameters (transformNamedArguments)', () => {
  it('maps names to positions, with nulls in holes and defaults applied', async () => {
    const r = await call('typed', { str: 'a', flag: true });
    expect(r.status).toBe(200);
    expect(r.json.result).toEqual({ str: 'a', flag: true, arr: [] });
  });

  it('accepts an alias written as name|alias', async () => {
    const r = await call('typed', { alias: false, str: 'b' });
    expect(r.json.result).toEqual({ str: 'b', flag: false, arr: [] });
  });

  it('refuses an unknown name with -8', async () => {
    const r = await call('typed', { str: 'a', bogus: 1 });
    expect(r.status).toBe(500);
    expect(r.json.error).toEqual({ code: -8, message: 'Unknown named parameter bogus' });
  });

  it('refuses a name given twice with -8', async () => {
    const r = await callRaw('{"id":1,"method":"typed","params":{"str":"a","str":"b"}}');
    expect(r.json.error).toEqual({ code: -8, message: 'Parameter str specified multiple times' });
  });

  it('takes leading positional parameters from `args` and named ones after', async () => {
    const r = await call('typed', { args: ['a', 5], flag: true });
    expect(r.json.result).toEqual({ str: 'a', num: 5, flag: true, arr: [] });
    const holes = await call('typed', { args: ['x'], alias: true });
    expect(holes.json.result).toEqual({ str: 'x', flag: true, arr: [] });
  });

  it('refuses a parameter both in `args` and by name', async () => {
    const r = await call('typed', { args: ['a'], str: 'b' });
    expect(r.json.error).toEqual({
      code: -8,
      message: 'Parameter str specified twice both as positional and named argument',
    });
    const alias = await call('typed', { args: ['a', 1, true], alias: false });
    expect(alias.json.error.message).toBe(
      'Parameter flag|alias specified twice both as positional and named argument',
    );
  });

  it('drops an `args` that is not an array, as Core does', async () => {
    const r = await call('typed', { str: 'a', args: 5 });
    expect(r.json.error).toBeNull();
    expect(r.json.result).toEqual({ str: 'a', arr: [] });
  });

  it('names unknown parameters after the method is found and warmup passed', async () => {
    const r = await call('nosuchmethod', { bogus: 1 });
    expect(r.json.error.code).toBe(-32601);
  });
});

describe('type errors (RPC_TYPE_ERROR, -3)', () => {
  it("lists each mismatch by position and name in Core's layout", async () => {
    const r = await call('typed', [5]);
    expect(r.status).toBe(500);
    expect(r.json.error).toEqual({
      code: -3,
      message:
        'Wrong type passed:\n{\n    "Position 1 (str)": ' +
        '"JSON value of type number is not of expected type string"\n}',
    });
  });

  it('collects every mismatch, with UniValue type names (bool, object, array)', async () => {
    const r = await call('typed', ['a', 'x', 1, [], {}]);
    expect(r.json.error.message).toBe(
      'Wrong type passed:\n{\n' +
        '    "Position 2 (num)": "JSON value of type string is not of expected type number",\n' +
        '    "Position 3 (flag|alias)": "JSON value of type number is not of expected type bool",\n' +
        '    "Position 4 (obj)": "JSON value of type array is not of expected type object",\n' +
        '    "Position 5 (arr)": "JSON value of type object is not of expected type array"\n}',
    );
  });

  it('reports a missing required parameter given by name as null', async () => {
    const r = await call('typed', { num: 1 });
    expect(r.json.error).toEqual({
      code: -3,
      message:
        'Wrong type passed:\n{\n    "Position 1 (str)": ' +
        '"JSON value of type null is not of expected type string"\n}',
    });
  });

  it('lets null stand for an optional parameter', async () => {
    const r = await call('typed', ['a', null, null, null, null]);
    expect(r.json.result).toEqual({ str: 'a', arr: [] });
  });
});

describe('wrong parameter count (RPC_MISC_ERROR with the help text)', () => {
  it('answers too few with -1 and the usage', async () => {
    const r = await call('typed', []);
    expect(r.status).toBe(500);
    expect(r.json.error.code).toBe(-1);
    const lines = (r.json.error.message as string).split('\n');
    expect(lines[0]).toBe('typed "str" ( num flag obj arr )');
    expect(lines[1]).toBe('');
    expect(lines[2]).toBe('Checks parameter types.');
    // Core's Sections::ToString pads the left column to the widest entry ("3. flag") plus four.
    expect(r.json.error.message).toContain('\nArguments:\n1. str     (string, required)\n');
    expect(r.json.error.message).toContain('5. arr     (json array, optional, default=[])');
  });

  it('answers too many with the same help', async () => {
    const r = await call('typed', ['a', 1, true, {}, [], 6]);
    expect(r.json.error.code).toBe(-1);
    expect(r.json.error.message.split('\n')[0]).toBe('typed "str" ( num flag obj arr )');
  });
});

describe('amounts (AmountFromValue / ValueFromAmount)', () => {
  it.each([
    ['0.00000001', '1'],
    ['1e-8', '1'],
    ['0.1', '10000000'],
    ['20999999.99999999', '2099999999999999'],
    ['21000000', '2100000000000000'],
    ['1.10000000', '110000000'],
    ['0', '0'],
  ])('reads the JSON number %s as %s satoshis, exactly', async (text, sats) => {
    const r = await callRaw(`{"id":1,"method":"sendamount","params":[${text}]}`);
    expect(r.json.result.sats).toBe(sats);
  });

  it('reads a string amount the same way', async () => {
    const r = await call('sendamount', ['0.00012345']);
    expect(r.json.result.sats).toBe('12345');
  });

  it('prints amounts as exact 8-decimal numbers, never in exponent form', async () => {
    const r = await callRaw('{"id":1,"method":"sendamount","params":[1e-8]}');
    expect(r.body).toBe('{"result":{"sats":"1","amount":0.00000001},"error":null,"id":1}\n');
    const cases: [string, string][] = [
      ['2100000000000000', '21000000.00000000'],
      ['2099999999999999', '20999999.99999999'],
      ['-150000000', '-1.50000000'],
      ['0', '0.00000000'],
    ];
    for (const [sats, text] of cases) {
      const out = await callRaw(`{"id":1,"method":"amountof","params":["${sats}"]}`);
      expect(out.body).toBe(`{"result":${text},"error":null,"id":1}\n`);
    }
  });

  it.each([
    ['0.000000001', 'Invalid amount'],
    ['1e-9', 'Invalid amount'],
    ['"abc"', 'Invalid amount'],
    ['"1 "', 'Invalid amount'],
    ['1e11', 'Invalid amount'],
    ['21000000.00000001', 'Amount out of range'],
    ['21000001', 'Amount out of range'],
    ['-0.00000001', 'Amount out of range'],
    ['true', 'Amount is not a number or string'],
    ['[1]', 'Amount is not a number or string'],
  ])('refuses %s with -3 "%s"', async (text, message) => {
    const r = await callRaw(`{"id":1,"method":"sendamount","params":[${text}]}`);
    expect(r.status).toBe(500);
    expect(r.json.error).toEqual({ code: -3, message });
  });

  it('keeps numbers as written when echoing parameters', async () => {
    const r = await callRaw('{"id":1,"method":"echojson","params":[1.10,1e3,-0]}');
    expect(r.body).toBe('{"result":[1.10,1e3,-0],"error":null,"id":1}\n');
  });
});
