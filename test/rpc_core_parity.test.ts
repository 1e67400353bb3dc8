/**
 * RPC results against Core 29/30's shapes on real node processes: field names and order of
 * getblock, getmininginfo, getpeerinfo, getdeploymentinfo; size_on_disk against the block files;
 * networks; getnetworkhashps recomputed from headers; the added util/blockchain/mining methods;
 * help without hidden commands and with Core's sections and signatures.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcCallError, TestNode } from './framework/test-node.js';

const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
const SPK = '0014751e76e8199196d454941c45d1b3a323f1433bd6';

const HEADER_KEYS = [
  'hash',
  'confirmations',
  'height',
  'version',
  'versionHex',
  'merkleroot',
  'time',
  'mediantime',
  'nonce',
  'bits',
  'target',
  'difficulty',
  'chainwork',
  'nTx',
  'previousblockhash',
  'nextblockhash',
];

let node: TestNode;
beforeAll(async () => {
  node = await TestNode.start({ args: { txindex: 1 } });
});
afterAll(async () => {
  await node.stop();
});

async function rpcError(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RpcCallError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an RPC error');
}

describe('rpc_core_parity', () => {
  it('getmininginfo has Core 29/30 keys; currentblock* only after a template', async () => {
    const before = await node.rpc<Record<string, unknown>>('getmininginfo');
    expect(Object.keys(before)).toEqual([
      'blocks',
      'bits',
      'difficulty',
      'target',
      'networkhashps',
      'pooledtx',
      'blockmintxfee',
      'chain',
      'next',
      'warnings',
    ]);
    expect(before['networkhashps']).toBe(0);
    expect(Object.keys(before['next'] as object)).toEqual([
      'height',
      'bits',
      'difficulty',
      'target',
    ]);
    // A negative count mines nothing, makes no template, and answers [] as Core.
    expect(await node.rpc('generatetoaddress', -1, ADDR)).toEqual([]);
    expect(await node.rpc('generatetodescriptor', -5, `addr(${ADDR})`)).toEqual([]);
    expect((await rpcError(node.rpc('generatetoaddress', -1, 'bad'))).code).toBe(-5);
    expect(await node.rpc('getblockcount')).toBe(0);

    await node.rpc('generatetoaddress', 120, ADDR);
    const after = await node.rpc<Record<string, unknown>>('getmininginfo');
    expect(Object.keys(after).slice(0, 3)).toEqual([
      'blocks',
      'currentblockweight',
      'currentblocktx',
    ]);
    expect(after['currentblockweight']).toBe(8000);
    expect(after['currentblocktx']).toBe(0);
    expect((after['next'] as { height: number }).height).toBe(121);
  });

  it("getnetworkhashps is Core's work over the min..max time of the last 120 blocks", async () => {
    const tipHeight = await node.rpc<number>('getblockcount');
    const hdr = async (h: number) =>
      node.rpc<{ time: number; chainwork: string }>(
        'getblockheader',
        await node.rpc('getblockhash', h),
      );
    const times: number[] = [];
    for (let h = tipHeight - 120; h <= tipHeight; h++) times.push((await hdr(h)).time);
    const work =
      BigInt('0x' + (await hdr(tipHeight)).chainwork) -
      BigInt('0x' + (await hdr(tipHeight - 120)).chainwork);
    const spread = Math.max(...times) - Math.min(...times);
    const expected = spread === 0 ? 0 : Number(work) / spread;
    expect(await node.rpc('getnetworkhashps')).toBeCloseTo(expected, 20);
    expect((await node.rpc<Record<string, unknown>>('getmininginfo'))['networkhashps']).toBeCloseTo(
      expected,
      20,
    );
    expect(await node.rpc('getnetworkhashps', 120, 0)).toBe(0);
    expect(await rpcError(node.rpc('getnetworkhashps', 0))).toEqual({
      code: -8,
      message: 'Invalid nblocks. Must be a positive number or -1.',
    });
    expect(await rpcError(node.rpc('getnetworkhashps', 120, tipHeight + 1))).toEqual({
      code: -8,
      message: 'Block does not exist at specified height',
    });
  });

  it('getblock lists header fields, then strippedsize, size, weight, tx (verbosity 1-3)', async () => {
    const hash = await node.rpc<string>('getblockhash', 5);
    for (const verbosity of [1, 2, 3]) {
      const b = await node.rpc<Record<string, unknown>>('getblock', hash, verbosity);
      expect(Object.keys(b)).toEqual([...HEADER_KEYS, 'strippedsize', 'size', 'weight', 'tx']);
    }
    const header = await node.rpc<Record<string, unknown>>('getblockheader', hash);
    const block = await node.rpc<Record<string, unknown>>('getblock', hash, 1);
    for (const k of HEADER_KEYS) expect(block[k]).toEqual(header[k]);
  });

  it('size_on_disk is the bytes of blk*.dat and rev*.dat', async () => {
    const info = await node.rpc<Record<string, unknown>>('getblockchaininfo');
    const blocksDir = join(node.netDir, 'blocks');
    const bytes = readdirSync(blocksDir)
      .filter((f) => /^(blk|rev)\d{5}\.dat$/.test(f))
      .reduce((sum, f) => sum + statSync(join(blocksDir, f)).size, 0);
    expect(bytes).toBeGreaterThan(0);
    expect(info['size_on_disk']).toBe(bytes);
  });

  it('getnetworkinfo.networks: ipv4/ipv6 reachable; onion, i2p, cjdns limited without a proxy', async () => {
    const info = await node.rpc<{ networks: Record<string, unknown>[] }>('getnetworkinfo');
    expect(info.networks.map((n) => [n['name'], n['limited'], n['reachable'], n['proxy']])).toEqual(
      [
        ['ipv4', false, true, ''],
        ['ipv6', false, true, ''],
        ['onion', true, false, ''],
        ['i2p', true, false, ''],
        ['cjdns', true, false, ''],
      ],
    );
  });

  it('getchaintxstats as Core (window between median times past)', async () => {
    const s = await node.rpc<Record<string, number | string>>('getchaintxstats', 5);
    expect(Object.keys(s)).toEqual(
      [
        'time',
        'txcount',
        'window_final_block_hash',
        'window_final_block_height',
        'window_block_count',
        'window_interval',
        'window_tx_count',
        'txrate',
      ].filter((k) => k !== 'txrate' || s['window_interval'] !== 0),
    );
    expect(s['txcount']).toBe(121);
    expect(s['window_tx_count']).toBe(5);
    const tip = await node.rpc<{ mediantime: number }>(
      'getblockheader',
      await node.rpc('getbestblockhash'),
    );
    const past = await node.rpc<{ mediantime: number }>(
      'getblockheader',
      await node.rpc('getblockhash', 115),
    );
    expect(s['window_interval']).toBe(tip.mediantime - past.mediantime);
    const zero = await node.rpc<Record<string, unknown>>('getchaintxstats', 0);
    expect(Object.keys(zero)).toEqual([
      'time',
      'txcount',
      'window_final_block_hash',
      'window_final_block_height',
      'window_block_count',
    ]);
    expect(
      await rpcError(node.rpc('getchaintxstats', 5, await node.rpc('getblockhash', 3))),
    ).toEqual({
      code: -8,
      message: "Invalid block count: should be between 0 and the block's height - 1",
    });
  });

  it('getdeploymentinfo: buried deployments, testdummy started after 144 blocks, taproot active', async () => {
    const d = await node.rpc<{ hash: string; height: number; deployments: Record<string, any> }>(
      'getdeploymentinfo',
    );
    expect(Object.keys(d)).toEqual(['hash', 'height', 'deployments']);
    expect(Object.keys(d.deployments)).toEqual([
      'bip34',
      'bip66',
      'bip65',
      'csv',
      'segwit',
      'testdummy',
      'taproot',
    ]);
    expect(d.deployments['segwit']).toEqual({ type: 'buried', active: true, height: 0 });
    expect(d.deployments['taproot'].height).toBe(0);
    expect(d.deployments['taproot'].bip9.status).toBe('active');
    expect(d.deployments['testdummy'].bip9.status).toBe('defined');
    await node.rpc('generatetoaddress', 30, ADDR); // height 150: the second period has begun
    const later = await node.rpc<{ deployments: Record<string, any> }>('getdeploymentinfo');
    const td = later.deployments['testdummy'].bip9;
    expect(td.status).toBe('started');
    expect(td.since).toBe(144);
    expect(td.bit).toBe(28);
    expect(td.statistics).toEqual({
      period: 144,
      threshold: 108,
      elapsed: 7,
      count: 0,
      possible: true,
    });
    expect(td.signalling).toBe('-------');
  });

  it('getindexinfo reports txindex synced at the tip', async () => {
    const height = await node.rpc<number>('getblockcount');
    for (let i = 0; i < 100; i++) {
      const info =
        await node.rpc<Record<string, { synced: boolean; best_block_height: number }>>(
          'getindexinfo',
        );
      if (info['txindex']?.best_block_height === height) {
        expect(info).toEqual({ txindex: { synced: true, best_block_height: height } });
        expect(await node.rpc('getindexinfo', 'nosuch')).toEqual({});
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('txindex never caught up');
  });

  it('validateaddress: witness fields; bech32 error and its location', async () => {
    expect(await node.rpc('validateaddress', ADDR)).toEqual({
      isvalid: true,
      address: ADDR,
      scriptPubKey: SPK,
      isscript: false,
      iswitness: true,
      witness_version: 0,
      witness_program: SPK.slice(4),
    });
    const bad = await node.rpc<Record<string, unknown>>(
      'validateaddress',
      'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt081',
    );
    // Core 31.99 answers this address identically (compared with bitcoin-cli).
    expect(bad).toEqual({
      isvalid: false,
      error_locations: [43],
      error: 'Invalid separator position',
    });
  });

  it('echo / echojson return their arguments and are hidden from help', async () => {
    expect(await node.rpc('echo', 'a', 1, 'x')).toEqual(['a', 1, 'x']);
    expect(await node.rpc('echojson', [1, { a: 2 }], 3)).toEqual([[1, { a: 2 }], 3]);
    const help = await node.rpc<string>('help');
    for (const hidden of [
      'echo',
      'echojson',
      'generatetoaddress',
      'generateblock',
      'invalidateblock',
    ]) {
      expect(help.split('\n').some((l) => l.split(' ')[0] === hidden)).toBe(false);
    }
    expect(help).not.toContain('== Generating ==');
    expect(help).not.toContain('== Hidden ==');
    expect(help).toContain('getnetworkhashps ( nblocks height )');
    expect(help).toContain('prioritisetransaction "txid" ( dummy ) fee_delta');
    expect(help).toContain(
      'getblocktemplate {"mode":"str","capabilities":["str",...],"rules":["segwit","str",...],"longpollid":"str","data":"hex"}',
    );
    expect(help).toContain(
      'createrawtransaction [{"txid":"hex","vout":n,"sequence":n},...] [{"address":amount,...},{"data":"hex"},...] ( locktime replaceable version )',
    );
    expect(help).toContain('combinerawtransaction ["hexstring",...]');
    expect(help).toContain('testmempoolaccept ["rawtx",...] ( maxfeerate )');
    expect(await node.rpc('getzmqnotifications')).toEqual([]);
  });

  it('per-command help has Arguments, Result and Examples as Core lays them out', async () => {
    const h = await node.rpc<string>('help', 'getblockhash');
    expect(h).toBe(
      'getblockhash height\n\nReturns hash of block in best-block-chain at height provided.\n\n' +
        'Arguments:\n1. height    (numeric, required) The height index\n\n' +
        'Result:\n"hex"    (string) The block hash\n\n' +
        'Examples:\n> bitcoin-cli getblockhash 1000\n' +
        `> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getblockhash", "params": [1000]}' -H 'content-type: application/json' http://127.0.0.1:8332/\n`,
    );
    for (const m of [
      'getblockchaininfo',
      'getblockcount',
      'getbestblockhash',
      'getblockheader',
      'getblock',
      'getdifficulty',
      'getchaintips',
      'getnetworkinfo',
      'getpeerinfo',
      'getconnectioncount',
      'addnode',
      'uptime',
      'help',
      'stop',
      'generatetoaddress',
      'generatetodescriptor',
      'generateblock',
      'submitblock',
    ]) {
      const text = await node.rpc<string>('help', m);
      expect(text, m).toMatch(/\nResult[^\n]*:\n/);
      // Core gives help and stop no examples.
      if (m !== 'help' && m !== 'stop') expect(text, m).toContain('\nExamples:\n');
    }
    // prioritisetransaction's fee_delta is required after the optional dummy, as in Core.
    const e = await rpcError(node.rpc('prioritisetransaction', '00'.repeat(32), 0));
    expect(e.code).toBe(-1);
    expect(e.message.startsWith('prioritisetransaction "txid" ( dummy ) fee_delta')).toBe(true);
  });

  it('submitheader: known header null; unknown parent and bad hex with Core errors', async () => {
    const hash = await node.rpc<string>('getbestblockhash');
    const hex = await node.rpc<string>('getblockheader', hash, false);
    expect(await node.rpc('submitheader', hex)).toBeNull();
    const orphan = hex.slice(0, 8) + '0'.repeat(64) + hex.slice(72);
    expect(await rpcError(node.rpc('submitheader', orphan))).toEqual({
      code: -25,
      message: `Must submit previous header (${'0'.repeat(64)}) first`,
    });
    expect(await rpcError(node.rpc('submitheader', 'zz'))).toEqual({
      code: -22,
      message: 'Block header decode failed',
    });
  });

  it('scantxoutset start/status/abort over addr() and raw()', async () => {
    const height = await node.rpc<number>('getblockcount');
    const r = await node.rpc<Record<string, any>>('scantxoutset', 'start', [
      `addr(${ADDR})`,
      { desc: `raw(${SPK})` },
    ]);
    expect(Object.keys(r)).toEqual([
      'success',
      'txouts',
      'height',
      'bestblock',
      'unspents',
      'total_amount',
    ]);
    expect(r['success']).toBe(true);
    expect(r['height']).toBe(height);
    // Every block paid ADDR: one coinbase output each (the witness commitment is unspendable).
    expect(r['unspents']).toHaveLength(height);
    expect(Object.keys(r['unspents'][0])).toEqual([
      'txid',
      'vout',
      'scriptPubKey',
      'desc',
      'amount',
      'coinbase',
      'height',
      'blockhash',
      'confirmations',
    ]);
    const u = r['unspents'].find((x: { height: number }) => x.height === 1);
    expect(u.blockhash).toBe(await node.rpc('getblockhash', 1));
    expect(u.confirmations).toBe(height);
    expect(u.desc).toMatch(new RegExp(`^addr\\(${ADDR}\\)#[a-z0-9]{8}$`));
    expect(await node.rpc('scantxoutset', 'status')).toBeNull();
    expect(await node.rpc('scantxoutset', 'abort')).toBe(false);
    expect(await rpcError(node.rpc('scantxoutset', 'start'))).toEqual({
      code: -1,
      message: 'scanobjects argument is required for the start action',
    });
    expect(await rpcError(node.rpc('scantxoutset', 'foo'))).toEqual({
      code: -8,
      message: "Invalid action 'foo'",
    });
  });

  it('waitfornewblock / waitforblock / waitforblockheight follow the tip', async () => {
    const tip = await node.rpc<string>('getbestblockhash');
    const height = await node.rpc<number>('getblockcount');
    // Already satisfied: immediate.
    expect(await node.rpc('waitforblockheight', height, 0)).toEqual({ hash: tip, height });
    // Timed out: the current tip.
    expect(await node.rpc('waitforblockheight', height + 50, 100)).toEqual({ hash: tip, height });
    expect(await rpcError(node.rpc('waitfornewblock', -1))).toEqual({
      code: -1,
      message: 'Negative timeout',
    });
    const waiting = node.rpc<{ hash: string; height: number }>('waitfornewblock', 60_000);
    const waitingHeight = node.rpc<{ hash: string; height: number }>(
      'waitforblockheight',
      height + 2,
      60_000,
    );
    await new Promise((r) => setTimeout(r, 200));
    const [h1] = await node.rpc<string[]>('generatetoaddress', 1, ADDR);
    expect(await waiting).toEqual({ hash: h1, height: height + 1 });
    const waitingHash = node.rpc('waitforblock', h1, 60_000);
    expect(await waitingHash).toEqual({ hash: h1, height: height + 1 });
    const [, h2] = [h1, ...(await node.rpc<string[]>('generatetoaddress', 1, ADDR))];
    expect(await waitingHeight).toEqual({ hash: h2, height: height + 2 });
  });

  it('getpeerinfo keys in Core 29 order with addrlocal, last_inv_sequence, inv_to_send', async () => {
    const b = await TestNode.start({
      args: { connect: [`127.0.0.1:${node.p2pPort}`] },
      noP2P: true,
    });
    try {
      let peers: Record<string, unknown>[] = [];
      for (let i = 0; i < 200 && peers.length === 0; i++) {
        peers = (await b.rpc<Record<string, unknown>[]>('getpeerinfo')).filter(
          (p) => (p['version'] as number) > 0,
        );
        if (peers.length === 0) await new Promise((r) => setTimeout(r, 50));
      }
      const keys = Object.keys(peers[0]!);
      const order = [
        'id',
        'addr',
        'addrbind',
        'addrlocal',
        'network',
        'services',
        'servicesnames',
        'relaytxes',
        'last_inv_sequence',
        'inv_to_send',
        'lastsend',
        'lastrecv',
        'last_transaction',
        'last_block',
        'bytessent',
        'bytesrecv',
        'conntime',
        'timeoffset',
        'pingtime',
        'minping',
        'pingwait',
        'version',
        'subver',
        'inbound',
        'bip152_hb_to',
        'bip152_hb_from',
        'startingheight',
        'presynced_headers',
        'synced_headers',
        'synced_blocks',
        'inflight',
        'addr_relay_enabled',
        'addr_processed',
        'addr_rate_limited',
        'permissions',
        'minfeefilter',
        'bytessent_per_msg',
        'bytesrecv_per_msg',
        'connection_type',
        'transport_protocol_type',
        'session_id',
      ];
      expect(keys).toEqual(order.filter((k) => keys.includes(k)));
      // The outbound peer's version told us where it saw us: the node's own P2P port.
      expect(keys).toContain('addrlocal');
      expect(keys).toContain('last_inv_sequence');
      expect(peers[0]!['inv_to_send']).toBe(0);
    } finally {
      await b.stop();
    }
  });
});
