/**
 * wallet_basic on real node processes (after Core's functional test of that name): wallets in
 * the `wallets` grant, mining to a wallet address, coinbase maturity, sending between two
 * wallets (bech32 and bech32m, so P2WPKH and P2TR key-path signing), the mempool, confirmations,
 * restart with loadwallet, a kill -9 in the middle of activity, and the `bitcoin-core` npm client.
 */
import { request } from 'node:http';
import Client from 'bitcoin-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcCallError, TestNode } from './framework/test-node.js';

const WALLETS = 'wallets: !dir\n  path: ./wallets';
const BURN = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';

/** A call through Core's `/wallet/<name>` endpoint. */
function walletCall<T = unknown>(
  node: TestNode,
  wallet: string,
  method: string,
  ...params: unknown[]
): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: node.rpcPort,
        method: 'POST',
        path: `/wallet/${encodeURIComponent(wallet)}`,
        headers: {
          'content-type': 'application/json',
          authorization: 'Basic ' + Buffer.from(node.cookie()).toString('base64'),
        },
      },
      (res) => {
        let data = '';
        res.on('data', (d: Buffer) => (data += d.toString()));
        res.on('end', () => {
          const body = JSON.parse(data) as {
            result: T;
            error: { code: number; message: string } | null;
          };
          if (body.error) reject(new RpcCallError(body.error.code, body.error.message));
          else resolve(body.result);
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ jsonrpc: '1.0', id: 1, method, params }));
  });
}

const sats = (btc: number) => BigInt(Math.round(btc * 1e8));

interface Balances {
  mine: { trusted: number; untrusted_pending: number; immature: number };
  lastprocessedblock: { hash: string; height: number };
}

let node: TestNode;
beforeAll(async () => {
  node = await TestNode.start({
    noP2P: true,
    outbound: false,
    extraManifest: WALLETS,
    args: { fallbackfee: '0.0002' },
  });
}, 120_000);
afterAll(async () => {
  await node?.stop();
});

describe('wallet_basic', () => {
  let addr1 = '';
  let addr2 = '';
  let sendTxid = '';

  it("createwallet, listwallets, and Core's wallet selection errors", async () => {
    await expect(node.rpc('getbalance')).rejects.toMatchObject({
      code: -18,
      message: expect.stringContaining('No wallet is loaded'),
    });
    expect(await node.rpc('createwallet', 'w1')).toEqual({ name: 'w1' });
    expect(await node.rpc('createwallet', 'w2')).toEqual({ name: 'w2' });
    expect(await node.rpc('listwallets')).toEqual(['w1', 'w2']);
    await expect(node.rpc('createwallet', 'w1')).rejects.toMatchObject({
      code: -4,
      message: expect.stringContaining('Database already exists.'),
    });
    await expect(node.rpc('getbalance')).rejects.toMatchObject({
      code: -19,
      message:
        'Wallet file not specified (must request wallet RPC through /wallet/<filename> uri-path).',
    });
    await expect(walletCall(node, 'nope', 'getbalance')).rejects.toMatchObject({
      code: -18,
      message: 'Requested wallet does not exist or is not loaded',
    });
    await expect(node.rpc('loadwallet', 'w1')).rejects.toMatchObject({ code: -35 });
    await expect(node.rpc('loadwallet', 'missing')).rejects.toMatchObject({ code: -18 });
  });

  it('getnewaddress (bech32, bech32m), getaddressinfo, listdescriptors without secrets', async () => {
    addr1 = await walletCall<string>(node, 'w1', 'getnewaddress');
    expect(addr1).toMatch(/^bcrt1q/);
    addr2 = await walletCall<string>(node, 'w2', 'getnewaddress', '', 'bech32m');
    expect(addr2).toMatch(/^bcrt1p/);
    await expect(walletCall(node, 'w1', 'getnewaddress', '', 'legacy')).rejects.toMatchObject({
      code: -12,
    });
    await expect(walletCall(node, 'w1', 'getnewaddress', '', 'nope')).rejects.toMatchObject({
      code: -5,
      message: "Unknown address type 'nope'",
    });
    const info = await walletCall<Record<string, unknown>>(node, 'w1', 'getaddressinfo', addr1);
    expect(info).toMatchObject({
      address: addr1,
      ismine: true,
      solvable: true,
      iswitness: true,
      witness_version: 0,
      ischange: false,
      hdkeypath: 'm/84h/1h/0h/0/0',
    });
    expect(String(info['desc'])).toMatch(
      /^wpkh\(\[[0-9a-f]{8}\/84h\/1h\/0h\/0\/0\]0[23][0-9a-f]{64}\)#[a-z0-9]{8}$/,
    );
    const other = await walletCall<Record<string, unknown>>(node, 'w2', 'getaddressinfo', addr1);
    expect(other['ismine']).toBe(false);
    const descs = await walletCall<{
      descriptors: { desc: string; internal: boolean; next_index: number }[];
    }>(node, 'w1', 'listdescriptors');
    expect(descs.descriptors).toHaveLength(4);
    for (const d of descs.descriptors) {
      expect(d.desc).toMatch(
        /^(wpkh|tr)\(\[[0-9a-f]{8}\/(84|86)h\/1h\/0h\]tpub[1-9A-Za-z]+\/[01]\/\*\)#[a-z0-9]{8}$/,
      );
      expect(d.desc).not.toContain('tprv');
    }
    const checked = await node
      .rpc<{ checksum: string }>('getdescriptorinfo', descs.descriptors[0]!.desc.split('#')[0])
      .catch(() => undefined);
    if (checked) expect(descs.descriptors[0]!.desc.endsWith(`#${checked.checksum}`)).toBe(true);
  });

  it('mined coinbases: immature, then 50 BTC each once 100 blocks deep', async () => {
    await node.rpc('generatetoaddress', 101, addr1);
    const b = await walletCall<Balances>(node, 'w1', 'getbalances');
    expect(b.mine).toEqual({ trusted: 50, untrusted_pending: 0, immature: 5000 });
    expect(b.lastprocessedblock.height).toBe(101);
    await node.rpc('generatetoaddress', 2, BURN);
    expect(await walletCall(node, 'w1', 'getbalance')).toBe(150);
    const unspent = await walletCall<{ amount: number; confirmations: number; address: string }[]>(
      node,
      'w1',
      'listunspent',
    );
    expect(unspent).toHaveLength(3);
    expect(
      unspent.every((u) => u.amount === 50 && u.address === addr1 && u.confirmations >= 101),
    ).toBe(true);
  });

  it('sendtoaddress to the second wallet: in the mempool, pending there, trusted change here', async () => {
    sendTxid = await walletCall<string>(node, 'w1', 'sendtoaddress', addr2, 10);
    expect(await node.rpc('getrawmempool')).toContain(sendTxid);
    const tx = await walletCall<{
      amount: number;
      fee: number;
      confirmations: number;
      details: { category: string; amount: number; address: string }[];
    }>(node, 'w1', 'gettransaction', sendTxid);
    expect(tx.amount).toBe(-10);
    expect(tx.confirmations).toBe(0);
    expect(tx.fee).toBeLessThan(0);
    expect(tx.details).toEqual([
      expect.objectContaining({ category: 'send', amount: -10, address: addr2 }),
    ]);
    // One 50 BTC input, a recipient and change: ~141 vB at the 20 sat/vB fallback fee.
    expect(sats(-tx.fee)).toBeGreaterThan(2000n);
    expect(sats(-tx.fee)).toBeLessThan(4000n);
    const w1 = await walletCall<Balances>(node, 'w1', 'getbalances');
    expect(sats(w1.mine.trusted)).toBe(sats(140) + sats(tx.fee));
    const w2 = await walletCall<Balances>(node, 'w2', 'getbalances');
    expect(w2.mine).toEqual({ trusted: 0, untrusted_pending: 10, immature: 0 });
    const entry = await node.rpc<{ vsize: number; fees: { base: number } }>(
      'getmempoolentry',
      sendTxid,
    );
    expect(sats(entry.fees.base)).toBe(sats(-tx.fee));
  });

  it('mined: both balances confirmed; the P2TR coin spends back (sendmany)', async () => {
    await node.rpc('generatetoaddress', 1, BURN);
    expect(await walletCall(node, 'w2', 'getbalance')).toBe(10);
    const txid = await walletCall<string>(
      node,
      'w2',
      'sendmany',
      '',
      { [addr1]: 4 },
      null,
      null,
      [],
      null,
      null,
      'unset',
      2,
    );
    const sent = await walletCall<{ fee: number; hex: string }>(node, 'w2', 'gettransaction', txid);
    const decoded = await node.rpc<{ vsize: number; vin: { txinwitness: string[] }[] }>(
      'decoderawtransaction',
      sent.hex,
    );
    expect(decoded.vin[0]!.txinwitness).toHaveLength(1); // a 64-byte BIP340 key-path signature
    expect(decoded.vin[0]!.txinwitness[0]).toHaveLength(128);
    expect(sats(-sent.fee)).toBe(BigInt(decoded.vsize * 2)); // fee_rate 2 sat/vB, exact
    await node.rpc('generatetoaddress', 1, BURN);
    expect(sats(await walletCall<number>(node, 'w2', 'getbalance'))).toBe(sats(6) + sats(sent.fee));
    const list = await walletCall<{ category: string; amount: number; txid: string }[]>(
      node,
      'w1',
      'listtransactions',
      '*',
      1000,
    );
    expect(list.filter((e) => e.txid === txid)).toEqual([
      expect.objectContaining({ category: 'receive', amount: 4 }),
    ]);
    expect(list.some((e) => e.txid === sendTxid && e.category === 'send')).toBe(true);
    // 101 coinbases at heights 1..101 of a 105-block chain: 5 mature, 96 immature.
    expect(list.filter((e) => e.category === 'generate')).toHaveLength(5);
    expect(list.filter((e) => e.category === 'immature')).toHaveLength(96);
    // Oldest first; with count 3, the three newest entries.
    const last3 = await walletCall<{ txid: string }[]>(node, 'w1', 'listtransactions', '*', 3);
    expect(last3.map((e) => e.txid)).toEqual(list.slice(-3).map((e) => e.txid));
  });

  it('Insufficient funds is -6; signrawtransactionwithwallet signs a wallet input', async () => {
    await expect(walletCall(node, 'w2', 'sendtoaddress', addr1, 1000)).rejects.toMatchObject({
      code: -6,
      message: 'Insufficient funds',
    });
    const [u] = await walletCall<{ txid: string; vout: number; amount: number }[]>(
      node,
      'w1',
      'listunspent',
    );
    const raw = await node.rpc<string>(
      'createrawtransaction',
      [{ txid: u!.txid, vout: u!.vout }],
      [{ [BURN]: u!.amount - 0.001 }],
    );
    const signed = await walletCall<{ hex: string; complete: boolean }>(
      node,
      'w1',
      'signrawtransactionwithwallet',
      raw,
    );
    expect(signed.complete).toBe(true);
    const accept = await node.rpc<{ allowed: boolean }[]>('testmempoolaccept', [signed.hex]);
    expect(accept[0]!.allowed).toBe(true);
    const notMine = await walletCall<{ complete: boolean; errors: { error: string }[] }>(
      node,
      'w2',
      'signrawtransactionwithwallet',
      raw,
    );
    expect(notMine.complete).toBe(false);
    expect(notMine.errors).toHaveLength(1);
  });

  it('the bitcoin-core npm client: getBalance and getNewAddress through /wallet/<name>', async () => {
    const [username, password] = node.cookie().split(':');
    const client = new Client({
      host: `http://127.0.0.1:${node.rpcPort}`,
      username,
      password,
      wallet: 'w2',
    }) as unknown as { getBalance(): Promise<number>; getNewAddress(): Promise<string> };
    // The client's generated wallet methods (absent from its type declarations).
    expect(await client.getBalance()).toBe(await walletCall(node, 'w2', 'getbalance'));
    expect(await client.getNewAddress()).toMatch(/^bcrt1q/);
  });

  it('restart: loadwallet brings back wallets and balances', async () => {
    const before1 = await walletCall<Balances>(node, 'w1', 'getbalances');
    const before2 = await walletCall<Balances>(node, 'w2', 'getbalances');
    await node.stop();
    await node.launch();
    expect(await node.rpc('listwallets')).toEqual([]);
    await node.rpc('loadwallet', 'w1');
    await node.rpc('loadwallet', 'w2');
    expect(await walletCall(node, 'w1', 'getbalances')).toEqual(before1);
    expect(await walletCall(node, 'w2', 'getbalances')).toEqual(before2);
    // A wallet that missed blocks while unloaded catches up on load.
    await node.rpc('unloadwallet', 'w2');
    await node.rpc('generatetoaddress', 3, await walletCall<string>(node, 'w1', 'getnewaddress'));
    await node.rpc('loadwallet', 'w2');
    const w2 = await walletCall<Balances>(node, 'w2', 'getbalances');
    expect(w2.lastprocessedblock.height).toBe(await node.rpc('getblockcount'));
    expect(w2.mine).toEqual(before2.mine);
  });

  it('kill -9 in the middle of sends and blocks leaves the wallet consistent with the chain', async () => {
    const to = await walletCall<string>(node, 'w2', 'getnewaddress');
    for (let i = 0; i < 3; i++) await walletCall(node, 'w1', 'sendtoaddress', to, 1);
    const mining = node.rpc('generatetoaddress', 5, BURN).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 30));
    await node.kill();
    await mining;
    await node.launch();
    await node.rpc('loadwallet', 'w1');
    await node.rpc('loadwallet', 'w2');
    const height = await node.rpc<number>('getblockcount');
    for (const w of ['w1', 'w2']) {
      const b = await walletCall<Balances>(node, w, 'getbalances');
      expect(b.lastprocessedblock.height).toBe(height);
      // Every confirmed coin the wallet counts is unspent in the chainstate, with its value.
      const unspent = await walletCall<
        { txid: string; vout: number; amount: number; confirmations: number }[]
      >(node, w, 'listunspent', 1);
      let sum = 0n;
      for (const u of unspent) {
        const coin = await node.rpc<{ value: number } | null>('gettxout', u.txid, u.vout, false);
        expect(coin).not.toBeNull();
        expect(coin!.value).toBe(u.amount);
        sum += sats(u.amount);
      }
      expect(sats(await walletCall<number>(node, w, 'getbalance', '*', 1))).toBe(sum);
    }
    // The three sends are either mined or back in the mempool (resubmitted on load).
    const mempool = await node.rpc<string[]>('getrawmempool');
    const sends = (
      await walletCall<{ txid: string; category: string; confirmations: number }[]>(
        node,
        'w1',
        'listtransactions',
        '*',
        1000,
      )
    ).filter((e) => e.category === 'send' && e.confirmations === 0);
    for (const s of sends) expect(mempool).toContain(s.txid);
  });
});

describe('wallet without a wallets grant', () => {
  it('answers Method not found, as Core with -disablewallet', async () => {
    const bare = await TestNode.start({ noP2P: true, outbound: false });
    try {
      await expect(bare.rpc('createwallet', 'w')).rejects.toMatchObject({
        code: -32601,
        message: 'Method not found',
      });
      await expect(bare.rpc('getbalance')).rejects.toMatchObject({ code: -32601 });
    } finally {
      await bare.stop();
    }
  }, 60_000);
});
