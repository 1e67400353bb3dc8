/**
 * Core's REST interface (interface_rest.py in spirit) on a real node process with `rest: 1` and
 * `txindex: 1`: every endpoint over plain unauthenticated HTTP GETs on the RPC listener, each
 * format checked against the matching RPC (getblock, getblockheader, getblockhash,
 * getrawtransaction, gettxout, getblockchaininfo, getmempoolinfo, getrawmempool,
 * getdeploymentinfo), BIP64 getutxos with and without the mempool, decoded from its binary
 * form, and Core's status codes and error texts.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestNode } from './framework/test-node.js';
import { startRpcOnlyNodeWithCoins } from './framework/rpc-only-node.js';
import { TestWallet, type SignedTx, type Utxo } from './framework/bitcoinjs-wallet.js';

let node: TestNode;
const wallet = new TestWallet(11);
let coins: Utxo[];

interface Reply {
  status: number;
  type: string | undefined;
  body: Buffer;
  text: string;
}

/** A GET with no Authorization header, as a REST client sends it. */
function get(path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: node.rpcPort, method: 'GET', path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          type: res.headers['content-type'],
          body,
          text: body.toString('utf8'),
        });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function getJson<T = unknown>(path: string): Promise<T> {
  const r = await get(path);
  expect(r.status, r.text).toBe(200);
  expect(r.type).toBe('application/json');
  expect(r.text.endsWith('\n')).toBe(true);
  return JSON.parse(r.text) as T;
}

async function expectError(path: string, status: number, message: string): Promise<void> {
  const r = await get(path);
  expect({ status: r.status, text: r.text }).toEqual({ status, text: `${message}\r\n` });
  expect(r.type).toBe('text/plain');
}

const FORMATS = 'output format not found (available: .bin, .hex, .json)';

beforeAll(async () => {
  ({ node, coins } = await startRpcOnlyNodeWithCoins(wallet, 3, { rest: 1, txindex: 1 }));
}, 120_000);
afterAll(async () => {
  await node?.stop();
});

describe('interface_rest', () => {
  it('chaininfo.json is getblockchaininfo; other formats are refused with Core text', async () => {
    expect(await getJson('/rest/chaininfo.json')).toEqual(await node.rpc('getblockchaininfo'));
    await expectError('/rest/chaininfo.bin', 404, 'output format not found (available: json)');
    await expectError('/rest/chaininfo', 404, 'output format not found (available: json)');
  });

  it('blockhashbyheight in every format, and its errors', async () => {
    const hash = await node.rpc<string>('getblockhash', 5);
    expect(await getJson('/rest/blockhashbyheight/5.json')).toEqual({ blockhash: hash });
    const hex = await get('/rest/blockhashbyheight/5.hex');
    expect([hex.status, hex.type, hex.text]).toEqual([200, 'text/plain', `${hash}\n`]);
    const bin = await get('/rest/blockhashbyheight/5.bin');
    expect(bin.type).toBe('application/octet-stream');
    expect(Buffer.from(bin.body).reverse().toString('hex')).toBe(hash);

    const tip = await node.rpc<number>('getblockcount');
    await expectError(`/rest/blockhashbyheight/${tip + 1}.json`, 404, 'Block height out of range');
    await expectError('/rest/blockhashbyheight/-1.json', 400, 'Invalid height: -1');
    await expectError('/rest/blockhashbyheight/abc.json', 400, 'Invalid height: abc');
    await expectError('/rest/blockhashbyheight/+1.json', 400, 'Invalid height: +1');
    await expectError('/rest/blockhashbyheight/2147483648.json', 400, 'Invalid height: 2147483648');
    await expectError('/rest/blockhashbyheight/5.txt', 400, 'Invalid height: 5.txt');
    await expectError('/rest/blockhashbyheight/5', 404, FORMATS);
  });

  it('block: bin and hex are getblock 0, json is verbosity 3, notxdetails is verbosity 1', async () => {
    const hash = await node.rpc<string>('getblockhash', 2);
    const raw = await node.rpc<string>('getblock', hash, 0);
    const bin = await get(`/rest/block/${hash}.bin`);
    expect([bin.status, bin.type]).toEqual([200, 'application/octet-stream']);
    expect(bin.body.toString('hex')).toBe(raw);
    const hex = await get(`/rest/block/${hash}.hex`);
    expect([hex.status, hex.type, hex.text]).toEqual([200, 'text/plain', `${raw}\n`]);
    expect(await getJson(`/rest/block/${hash}.json`)).toEqual(await node.rpc('getblock', hash, 3));
    expect(await getJson(`/rest/block/notxdetails/${hash}.json`)).toEqual(
      await node.rpc('getblock', hash, 1),
    );
    const nbin = await get(`/rest/block/notxdetails/${hash}.bin`);
    expect(nbin.body.toString('hex')).toBe(raw);

    await expectError('/rest/block/abcd.json', 400, 'Invalid hash: abcd');
    const unknown = 'ab'.repeat(32);
    await expectError(`/rest/block/${unknown}.json`, 404, `${unknown} not found`);
    await expectError(`/rest/block/${hash}.txt`, 400, `Invalid hash: ${hash}.txt`);
    await expectError(`/rest/block/${hash}`, 404, FORMATS);
  });

  it('headers: count from the given block upward, the deprecated path, and the limits', async () => {
    const h1 = await node.rpc<string>('getblockhash', 1);
    const headers = await getJson<{ hash: string }[]>(`/rest/headers/${h1}.json?count=3`);
    const expected = [];
    for (let i = 1; i <= 3; i++) {
      expected.push(await node.rpc('getblockheader', await node.rpc<string>('getblockhash', i)));
    }
    expect(headers).toEqual(expected);
    expect(await getJson(`/rest/headers/3/${h1}.json`)).toEqual(expected);
    // Default count is 5.
    expect(await getJson<unknown[]>(`/rest/headers/${h1}.json`)).toHaveLength(5);

    const bin = await get(`/rest/headers/${h1}.bin?count=2`);
    const hex1 = await node.rpc<string>('getblockheader', h1, false);
    const hex2 = await node.rpc<string>(
      'getblockheader',
      await node.rpc<string>('getblockhash', 2),
      false,
    );
    expect(bin.body.toString('hex')).toBe(hex1 + hex2);
    expect((await get(`/rest/headers/${h1}.hex?count=2`)).text).toBe(`${hex1}${hex2}\n`);

    // From the tip only the tip; an unknown block gives an empty list.
    const tip = await node.rpc<string>('getbestblockhash');
    expect(await getJson<unknown[]>(`/rest/headers/${tip}.json?count=10`)).toHaveLength(1);
    expect(await getJson(`/rest/headers/${'cd'.repeat(32)}.json`)).toEqual([]);

    const range = 'Header count is invalid or out of acceptable range (1-2000)';
    await expectError(`/rest/headers/${h1}.json?count=0`, 400, `${range}: 0`);
    await expectError(`/rest/headers/${h1}.json?count=2001`, 400, `${range}: 2001`);
    await expectError(`/rest/headers/${h1}.json?count=x`, 400, `${range}: x`);
    await expectError(`/rest/headers/0/${h1}.json`, 400, `${range}: 0`);
    await expectError('/rest/headers/1/xyz.json', 400, 'Invalid hash: xyz');
    await expectError(
      `/rest/headers/1/2/${h1}.json`,
      400,
      'Invalid URI format. Expected /rest/headers/<hash>.<ext>?count=<count>',
    );
  });

  describe('a transaction in the mempool, then mined', () => {
    let tx: SignedTx;
    let spent: Utxo;

    beforeAll(async () => {
      spent = coins[0]!;
      tx = wallet.payToSelf(spent, 2000n);
      await node.rpc('sendrawtransaction', tx.hex);
    });

    it('tx from the mempool in every format', async () => {
      const bin = await get(`/rest/tx/${tx.txid}.bin`);
      expect([bin.status, bin.type]).toEqual([200, 'application/octet-stream']);
      expect(bin.body.toString('hex')).toBe(tx.hex);
      expect((await get(`/rest/tx/${tx.txid}.hex`)).text).toBe(`${tx.hex}\n`);
      const json = await getJson<Record<string, unknown>>(`/rest/tx/${tx.txid}.json`);
      expect(json).toEqual(await node.rpc('getrawtransaction', tx.txid, 1));
      expect(json['blockhash']).toBeUndefined();
      await expectError('/rest/tx/1234.json', 400, 'Invalid hash: 1234');
      const unknown = 'ef'.repeat(32);
      await expectError(`/rest/tx/${unknown}.json`, 404, `${unknown} not found`);
      await expectError(`/rest/tx/${tx.txid}`, 404, FORMATS);
    });

    it('mempool info and contents are getmempoolinfo and getrawmempool', async () => {
      expect(await getJson('/rest/mempool/info.json')).toEqual(await node.rpc('getmempoolinfo'));
      const contents = await getJson<Record<string, unknown>>('/rest/mempool/contents.json');
      expect(Object.keys(contents)).toEqual([tx.txid]);
      expect(contents).toEqual(await node.rpc('getrawmempool', true));
      expect(await getJson('/rest/mempool/contents.json?verbose=false')).toEqual([tx.txid]);
      expect(
        await getJson('/rest/mempool/contents.json?verbose=false&mempool_sequence=true'),
      ).toEqual(await node.rpc('getrawmempool', false, true));
      await expectError(
        '/rest/mempool/contents.json?verbose=yes',
        400,
        'The "verbose" query parameter must be either "true" or "false".',
      );
      await expectError(
        '/rest/mempool/contents.json?mempool_sequence=1',
        400,
        'The "mempool_sequence" query parameter must be either "true" or "false".',
      );
      await expectError(
        '/rest/mempool/contents.json?mempool_sequence=true',
        400,
        'Verbose results cannot contain mempool sequence values. (hint: set "verbose=false")',
      );
      await expectError(
        '/rest/mempool/other.json',
        400,
        'Invalid URI format. Expected /rest/mempool/<info|contents>.json',
      );
      await expectError('/rest/mempool/info.bin', 404, 'output format not found (available: json)');
    });

    it('getutxos sees the mempool only with checkmempool', async () => {
      const created = `${tx.txid}-0`;
      const spentOp = `${spent.txid}-${spent.vout}`;
      const plain = await getJson<Record<string, unknown>>(
        `/rest/getutxos/${created}/${spentOp}.json`,
      );
      const tip = await node.rpc<string>('getbestblockhash');
      const height = await node.rpc<number>('getblockcount');
      const coinbaseOut = (await node.rpc<{ scriptPubKey: unknown; value: number }>(
        'gettxout',
        spent.txid,
        spent.vout,
        false,
      ))!;
      expect(plain).toEqual({
        chainHeight: height,
        chaintipHash: tip,
        bitmap: '01',
        utxos: [
          {
            height: expect.any(Number),
            value: coinbaseOut.value,
            scriptPubKey: coinbaseOut.scriptPubKey,
          },
        ],
      });

      const withMempool = await getJson<{ bitmap: string; utxos: { height: number }[] }>(
        `/rest/getutxos/checkmempool/${created}/${spentOp}.json`,
      );
      expect(withMempool.bitmap).toBe('10');
      expect(withMempool.utxos).toHaveLength(1);
      expect(withMempool.utxos[0]!.height).toBe(0x7fffffff);
    });

    it('after mining: tx found through the txindex with its block, getutxos bin decodes', async () => {
      const [blockHash] = await node.rpc<string[]>(
        'generatetoaddress',
        1,
        'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080',
      );
      const json = await getJson<Record<string, unknown>>(`/rest/tx/${tx.txid}.json`);
      expect(json['blockhash']).toBe(blockHash);
      const rpcTx = await node.rpc<Record<string, unknown>>('getrawtransaction', tx.txid, 1);
      // getrawtransaction adds confirmations and times; REST prints TxToUniv only.
      const { confirmations: _c, time: _t, blocktime: _b, ...core } = rpcTx;
      expect(json).toEqual(core);
      expect(await getJson('/rest/mempool/contents.json')).toEqual({});

      const height = await node.rpc<number>('getblockcount');
      const path = `/rest/getutxos/checkmempool/${tx.txid}-0/${spent.txid}-${spent.vout}`;
      const r = await get(`${path}.bin`);
      expect([r.status, r.type]).toEqual([200, 'application/octet-stream']);
      const b = r.body;
      expect(b.readInt32LE(0)).toBe(height);
      expect(Buffer.from(b.subarray(4, 36)).reverse().toString('hex')).toBe(blockHash);
      expect([b[36], b[37]]).toEqual([1, 0b01]); // bitmap: one byte, first outpoint unspent
      expect(b[38]).toBe(1); // one coin
      expect(b.readUInt32LE(39)).toBe(0); // Core's CCoin: a zero where a tx version once was
      expect(b.readUInt32LE(43)).toBe(height);
      expect(b.readBigInt64LE(47)).toBe(spent.valueSats - 2000n);
      expect(b[55]).toBe(22);
      expect(b.subarray(56, 78).toString('hex')).toBe(wallet.scriptHex);
      expect(b.length).toBe(78);
      expect((await get(`${path}.hex`)).text).toBe(`${b.toString('hex')}\n`);
    });
  });

  it('getutxos errors as Core words them', async () => {
    const op = `${coins[1]!.txid}-0`;
    await expectError('/rest/getutxos.json', 400, 'Error: empty request');
    await expectError('/rest/getutxos/checkmempool.json', 400, 'Error: empty request');
    await expectError(`/rest/getutxos/${coins[1]!.txid}.json`, 400, 'Parse error');
    await expectError(`/rest/getutxos/${coins[1]!.txid}-x.json`, 400, 'Parse error');
    await expectError('/rest/getutxos/zz-0.json', 400, 'Parse error');
    await expectError(
      `/rest/getutxos/${Array(16).fill(op).join('/')}.json`,
      400,
      'Error: max outpoints exceeded (max: 15, tried: 16)',
    );
    const ok = await getJson<{ bitmap: string }>(
      `/rest/getutxos/${Array(15).fill(op).join('/')}.json`,
    );
    expect(ok.bitmap).toBe('1'.repeat(15));
    await expectError(`/rest/getutxos/${op}`, 404, FORMATS);
  });

  it('deploymentinfo at the tip and at a given block', async () => {
    expect(await getJson('/rest/deploymentinfo.json')).toEqual(await node.rpc('getdeploymentinfo'));
    const h = await node.rpc<string>('getblockhash', 3);
    expect(await getJson(`/rest/deploymentinfo/${h}.json`)).toEqual(
      await node.rpc('getdeploymentinfo', h),
    );
    await expectError('/rest/deploymentinfo/xyz.json', 400, 'Invalid hash: xyz');
    await expectError(`/rest/deploymentinfo/${'01'.repeat(32)}.json`, 400, 'Block not found');
  });

  it('paths under /rest/ that no endpoint claims are a bare 404; JSON-RPC still needs auth', async () => {
    const r = await get('/rest/nosuch/thing.json');
    expect([r.status, r.text]).toEqual([404, '']);
    const rpc = await node.rawCall('{"method":"getblockcount"}', 'nobody:wrong');
    expect(rpc.status).toBe(401);
  });
});
