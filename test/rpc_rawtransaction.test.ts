/**
 * Raw-transaction RPCs on real node processes (Core's rpc_rawtransaction.py, rpc_decodescript.py
 * and rpc_createmultisig's combine step in small). Expected values come from bitcoinjs-lib and
 * the BIP380 checksum written in the test framework, not from the node's own code:
 * createrawtransaction (outputs, data, locktime, replaceable), decoderawtransaction (segwit and
 * legacy), decodescript, getrawtransaction (mempool, blockhash, -txindex, Core's not-found
 * errors), combinerawtransaction, and sendrawtransaction's maxfeerate errors.
 */
import * as bitcoin from 'bitcoinjs-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcCallError, TestNode } from './framework/test-node.js';
import { matureCoinbases, REGTEST, TestWallet, type Utxo } from './framework/bitcoinjs-wallet.js';
import { descsum } from './framework/descriptor-checksum.js';

let node: TestNode;
let indexed: TestNode;
const wallet = new TestWallet(41);
const other = new TestWallet(42);
let coins: Utxo[];
let next = 0;
const coin = (): Utxo => coins[next++]!;

beforeAll(async () => {
  [node, indexed] = await Promise.all([
    TestNode.start({ noP2P: true, outbound: false }),
    TestNode.start({ noP2P: true, outbound: false, args: { txindex: 1 } }),
  ]);
  coins = await matureCoinbases(node, wallet, 8);
}, 120_000);
afterAll(async () => {
  await Promise.all([node?.stop(), indexed?.stop()]);
});

async function rpcError(n: TestNode, method: string, ...params: unknown[]): Promise<RpcCallError> {
  try {
    await n.rpc(method, ...params);
  } catch (e) {
    if (e instanceof RpcCallError) return e;
    throw e;
  }
  throw new Error(`${method} unexpectedly succeeded`);
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const TXID_A = '11'.repeat(32);
const TXID_B = '22'.repeat(32);
const SUFFIX = ' Use gettransaction for wallet transactions.';

/** Core's scriptPubKey object for an address output. */
function addrJson(script: Uint8Array, type: string): Record<string, unknown> {
  const address = bitcoin.address.fromOutputScript(script, REGTEST);
  return {
    asm: bitcoin.script
      .toASM(script)
      .replace(/^OP_0 /, '0 ')
      .replace(/^OP_1 /, '1 '),
    desc: descsum(`addr(${address})`),
    hex: hex(script),
    address,
    type,
  };
}

describe('rpc_rawtransaction', () => {
  it('createrawtransaction: outputs, data, locktime and replaceable as Core', async () => {
    const inputs = [
      { txid: TXID_A, vout: 0 },
      { txid: TXID_B, vout: 3 },
    ];
    const rawHex = await node.rpc<string>(
      'createrawtransaction',
      inputs,
      [{ [wallet.address]: 0.5 }, { [other.address]: '0.00012345' }, { data: 'deadbeef' }],
      1234,
    );
    const tx = bitcoin.Transaction.fromHex(rawHex);
    expect(tx.version).toBe(2);
    expect(tx.locktime).toBe(1234);
    expect(tx.ins.map((i) => [hex(Uint8Array.from(i.hash).reverse()), i.index])).toEqual([
      [TXID_A, 0],
      [TXID_B, 3],
    ]);
    // replaceable defaults to true: every input signals BIP125.
    expect(tx.ins.map((i) => i.sequence)).toEqual([0xfffffffd, 0xfffffffd]);
    expect(tx.outs.map((o) => [hex(o.script), o.value])).toEqual([
      [wallet.scriptHex, 50_000_000n],
      [other.scriptHex, 12_345n],
      ['6a04deadbeef', 0n],
    ]);

    // replaceable=false with a locktime: MAX_SEQUENCE_NONFINAL; without: SEQUENCE_FINAL.
    const noRbf = bitcoin.Transaction.fromHex(
      await node.rpc<string>('createrawtransaction', inputs, { [wallet.address]: 1 }, 7, false),
    );
    expect(noRbf.ins.map((i) => i.sequence)).toEqual([0xfffffffe, 0xfffffffe]);
    const final = bitcoin.Transaction.fromHex(
      await node.rpc<string>('createrawtransaction', inputs, { [wallet.address]: 1 }, 0, false),
    );
    expect(final.ins.map((i) => i.sequence)).toEqual([0xffffffff, 0xffffffff]);
    // An explicit sequence is kept, and must agree with `replaceable` either way.
    const explicit = [{ txid: TXID_A, vout: 0, sequence: 0xffffffff }];
    const contradict =
      'Invalid parameter combination: Sequence number(s) contradict replaceable option';
    for (const [ins, rbf] of [
      [explicit, true],
      [[{ txid: TXID_A, vout: 0, sequence: 5 }], false],
    ] as const) {
      const e = await rpcError(node, 'createrawtransaction', ins, { [wallet.address]: 1 }, 0, rbf);
      expect([e.code, e.message]).toEqual([-8, contradict]);
    }

    const errors: [unknown[], number, string][] = [
      [[[{ txid: TXID_A }], {}], -8, 'Invalid parameter, missing vout key'],
      [[[{ txid: TXID_A, vout: -1 }], {}], -8, 'Invalid parameter, vout cannot be negative'],
      [[[], {}, -1], -8, 'Invalid parameter, locktime out of range'],
      [[[], { 'not-an-address': 1 }], -5, 'Invalid Bitcoin address: not-an-address'],
      [
        [[], [{ [wallet.address]: 1 }, { [wallet.address]: 2 }]],
        -8,
        `Invalid parameter, duplicated address: ${wallet.address}`,
      ],
      [[[], [{ data: '00' }, { data: '01' }]], -8, 'Invalid parameter, duplicate key: data'],
    ];
    for (const [params, code, message] of errors) {
      const e = await rpcError(node, 'createrawtransaction', ...params);
      expect([e.code, e.message]).toEqual([code, message]);
    }
  });

  it('decoderawtransaction: a signed segwit spend and a legacy P2PKH spend, fields as Core', async () => {
    // Segwit: signed by bitcoinjs (a coinbase of ours is not needed to decode; any prevout does).
    const seg = wallet.spend(
      [{ txid: TXID_A, vout: 1, valueSats: 100_000n }],
      [
        { to: other.address, valueSats: 60_000n },
        { to: 'script:6a0568656c6c6f', valueSats: 0n },
      ],
      { locktime: 99 },
    );
    const segTx = bitcoin.Transaction.fromHex(seg.hex);
    const decoded = await node.rpc<Record<string, unknown>>('decoderawtransaction', seg.hex);
    expect(Object.keys(decoded)).toEqual([
      'txid',
      'hash',
      'version',
      'size',
      'vsize',
      'weight',
      'locktime',
      'vin',
      'vout',
    ]);
    expect(decoded).toEqual({
      txid: segTx.getId(),
      hash: hex(Uint8Array.from(segTx.getHash(true)).reverse()),
      version: 2,
      size: segTx.byteLength(),
      vsize: segTx.virtualSize(),
      weight: segTx.weight(),
      locktime: 99,
      vin: [
        {
          txid: TXID_A,
          vout: 1,
          scriptSig: { asm: '', hex: '' },
          txinwitness: segTx.ins[0]!.witness.map(hex),
          sequence: 0xfffffffd,
        },
      ],
      vout: [
        { value: 0.0006, n: 0, scriptPubKey: addrJson(other.script, 'witness_v0_keyhash') },
        {
          value: 0,
          n: 1,
          scriptPubKey: {
            asm: 'OP_RETURN 68656c6c6f',
            desc: descsum('raw(6a0568656c6c6f)'),
            hex: '6a0568656c6c6f',
            type: 'nulldata',
          },
        },
      ],
    });
    expect(decoded['hash']).not.toBe(decoded['txid']);
    expect(decoded['vsize']).toBeLessThan(decoded['size'] as number);

    // Legacy: a P2PKH spend signed with SIGHASH_ALL, asm shows the sighash type as Core does.
    const p2pkh = bitcoin.payments.p2pkh({ pubkey: wallet.key.publicKey, network: REGTEST });
    const legacy = new bitcoin.Transaction();
    legacy.version = 1;
    legacy.addInput(Uint8Array.from(Buffer.from(TXID_B, 'hex')).reverse(), 2, 0xffffffff);
    legacy.addOutput(p2pkh.output!, 70_000n);
    const sighash = legacy.hashForSignature(0, p2pkh.output!, bitcoin.Transaction.SIGHASH_ALL);
    const sig = bitcoin.script.signature.encode(
      wallet.key.sign(sighash),
      bitcoin.Transaction.SIGHASH_ALL,
    );
    legacy.setInputScript(0, bitcoin.script.compile([sig, wallet.key.publicKey]));
    const legacyJson = await node.rpc<Record<string, unknown>>(
      'decoderawtransaction',
      legacy.toHex(),
    );
    expect(legacyJson).toEqual({
      txid: legacy.getId(),
      hash: legacy.getId(),
      version: 1,
      size: legacy.byteLength(),
      vsize: legacy.byteLength(),
      weight: legacy.byteLength() * 4,
      locktime: 0,
      vin: [
        {
          txid: TXID_B,
          vout: 2,
          scriptSig: {
            asm: `${hex(sig.subarray(0, -1))}[ALL] ${hex(wallet.key.publicKey)}`,
            hex: hex(legacy.ins[0]!.script),
          },
          sequence: 0xffffffff,
        },
      ],
      vout: [{ value: 0.0007, n: 0, scriptPubKey: addrJson(p2pkh.output!, 'pubkeyhash') }],
    });
    const bad = await rpcError(node, 'decoderawtransaction', '00');
    expect([bad.code, bad.message]).toEqual([-22, 'TX decode failed']);
  });

  it('decodescript: p2sh and segwit wrappings as Core', async () => {
    const p2sh = (s: Uint8Array) =>
      bitcoin.payments.p2sh({ redeem: { output: s }, network: REGTEST });
    const k1 = hex(wallet.key.publicKey);
    const k2 = hex(other.key.publicKey);

    // P2PKH: wrappable in P2SH, and its segwit form is the P2WPKH of the same key hash.
    const pkh = bitcoin.payments.p2pkh({ pubkey: wallet.key.publicKey, network: REGTEST }).output!;
    const wpkh = wallet.script;
    expect(await node.rpc('decodescript', hex(pkh))).toEqual({
      ...addrJson(pkh, 'pubkeyhash'),
      hex: undefined,
      p2sh: p2sh(pkh).address,
      segwit: { ...addrJson(wpkh, 'witness_v0_keyhash'), 'p2sh-segwit': p2sh(wpkh).address },
    });

    // 1-of-2 bare multisig: no address; segwit is P2WSH of the script with a wsh(multi) desc.
    const multi = bitcoin.payments.p2ms({
      m: 1,
      pubkeys: [wallet.key.publicKey, other.key.publicKey],
      network: REGTEST,
    }).output!;
    const wsh = bitcoin.payments.p2wsh({ redeem: { output: multi }, network: REGTEST }).output!;
    expect(await node.rpc('decodescript', hex(multi))).toEqual({
      asm: `1 ${k1} ${k2} 2 OP_CHECKMULTISIG`,
      desc: descsum(`multi(1,${k1},${k2})`),
      type: 'multisig',
      p2sh: p2sh(multi).address,
      segwit: {
        ...addrJson(wsh, 'witness_v0_scripthash'),
        desc: descsum(`wsh(multi(1,${k1},${k2}))`),
        'p2sh-segwit': p2sh(wsh).address,
      },
    });

    // P2SH cannot be wrapped again; P2WPKH can go into P2SH but not into P2WSH.
    const sh = p2sh(pkh).output!;
    expect(await node.rpc('decodescript', hex(sh))).toEqual({
      ...addrJson(sh, 'scripthash'),
      hex: undefined,
    });
    expect(await node.rpc('decodescript', hex(wpkh))).toEqual({
      ...addrJson(wpkh, 'witness_v0_keyhash'),
      hex: undefined,
      p2sh: p2sh(wpkh).address,
    });
    // OP_RETURN is unspendable: nothing to wrap.
    expect(await node.rpc('decodescript', '6a03010203')).toEqual({
      // Pushes of up to 4 bytes print as CScriptNum (Core's ScriptToAsmStr).
      asm: 'OP_RETURN 197121',
      desc: descsum('raw(6a03010203)'),
      type: 'nulldata',
    });
    // The empty script (Core's decodescript "").
    expect(await node.rpc('decodescript', '')).toMatchObject({ asm: '', type: 'nonstandard' });
  });

  it('getrawtransaction: mempool, block hash, and Core errors without -txindex', async () => {
    const tx = wallet.payToSelf(coin(), 1_000n);
    await node.rpc('sendrawtransaction', tx.hex);
    expect(await node.rpc('getrawtransaction', tx.txid)).toBe(tx.hex);
    const verbose = await node.rpc<Record<string, unknown>>('getrawtransaction', tx.txid, true);
    expect(verbose).toMatchObject({ txid: tx.txid, hex: tx.hex, vsize: tx.vsize });
    expect(verbose).not.toHaveProperty('blockhash');
    expect(verbose).not.toHaveProperty('confirmations');

    const [blockHash] = await node.rpc<string[]>('generatetoaddress', 1, other.address);
    const tip = await node.rpc<{ time: number }>('getblockheader', blockHash);
    const notFound = await rpcError(node, 'getrawtransaction', tx.txid);
    expect([notFound.code, notFound.message]).toEqual([
      -5,
      'No such mempool transaction. Use -txindex or provide a block hash to enable blockchain transaction queries.' +
        SUFFIX,
    ]);
    const inBlock = await node.rpc<Record<string, unknown>>(
      'getrawtransaction',
      tx.txid,
      1,
      blockHash,
    );
    expect(Object.keys(inBlock)[0]).toBe('in_active_chain');
    expect(inBlock).toMatchObject({
      in_active_chain: true,
      txid: tx.txid,
      hex: tx.hex,
      blockhash: blockHash,
      confirmations: 1,
      time: tip.time,
      blocktime: tip.time,
    });
    expect(await node.rpc('getrawtransaction', tx.txid, 0, blockHash)).toBe(tx.hex);

    const genesis = await node.rpc<string>('getblockhash', 0);
    const wrongBlock = await rpcError(node, 'getrawtransaction', tx.txid, 0, genesis);
    expect([wrongBlock.code, wrongBlock.message]).toEqual([
      -5,
      'No such transaction found in the provided block.' + SUFFIX,
    ]);
    const noBlock = await rpcError(node, 'getrawtransaction', tx.txid, 0, '00'.repeat(32));
    expect([noBlock.code, noBlock.message]).toEqual([-5, 'Block hash not found']);
    const genesisCb = (await node.rpc<{ tx: string[] }>('getblock', genesis, 1)).tx[0]!;
    const gen = await rpcError(node, 'getrawtransaction', genesisCb);
    expect([gen.code, gen.message]).toEqual([
      -5,
      'The genesis block coinbase is not considered an ordinary transaction and cannot be retrieved',
    ]);
  });

  it('getrawtransaction with -txindex finds confirmed transactions without a block hash', async () => {
    const w = new TestWallet(43);
    const [c] = await matureCoinbases(indexed, w, 1);
    const tx = w.payToSelf(c!, 1_000n);
    await indexed.rpc('sendrawtransaction', tx.hex);
    const [blockHash] = await indexed.rpc<string[]>('generatetoaddress', 2, other.address);
    // The index follows the chain in the background (Core's BaseIndex): wait for it to sync.
    await indexed.waitFor(
      async () =>
        (await indexed.rpc<string>('getrawtransaction', tx.txid).catch(() => '')) === tx.hex,
      'txindex to reach the tip',
      30_000,
    );
    const verbose = await indexed.rpc<Record<string, unknown>>('getrawtransaction', tx.txid, 1);
    expect(verbose).toMatchObject({ txid: tx.txid, blockhash: blockHash, confirmations: 2 });
    expect(verbose).not.toHaveProperty('in_active_chain');
    // A coinbase is found through the index too.
    expect(await indexed.rpc<string>('getrawtransaction', c!.txid)).toMatch(/^02000000/);
    const missing = await rpcError(indexed, 'getrawtransaction', 'ab'.repeat(32));
    expect([missing.code, missing.message]).toEqual([
      -5,
      'No such mempool or blockchain transaction.' + SUFFIX,
    ]);
  });

  it('combinerawtransaction merges signatures from partial variants', async () => {
    const [a, b] = [coin(), coin()];
    const full = wallet.spend(
      [a, b],
      [{ to: other.address, valueSats: a.valueSats + b.valueSats - 2_000n }],
    );
    const strip = (keep: number) => {
      const t = bitcoin.Transaction.fromHex(full.hex);
      t.ins.forEach((input, i) => {
        if (i !== keep) input.witness = [];
      });
      return t.toHex();
    };
    const partial0 = strip(0);
    const partial1 = strip(1);
    expect(partial0).not.toBe(full.hex);
    // Neither half is valid alone.
    const [half] = await node.rpc<{ allowed: boolean }[]>('testmempoolaccept', [partial0]);
    expect(half!.allowed).toBe(false);

    const combined = await node.rpc<string>('combinerawtransaction', [partial0, partial1]);
    expect(combined).toBe(full.hex);
    expect(await node.rpc('sendrawtransaction', combined)).toBe(full.txid);

    const empty = await rpcError(node, 'combinerawtransaction', []);
    expect([empty.code, empty.message]).toEqual([-22, 'Missing transactions']);
    const garbage = await rpcError(node, 'combinerawtransaction', [partial0, 'zz']);
    expect([garbage.code, garbage.message]).toEqual([
      -22,
      'TX decode failed for tx 1. Make sure the tx has at least one input.',
    ]);
    // An input that is neither in the UTXO set nor a mempool output (Core's view of both).
    const unknown = wallet.payToSelf({ txid: TXID_A, vout: 0, valueSats: 1_000_000n }, 1_000n);
    const notFound = await rpcError(node, 'combinerawtransaction', [unknown.hex]);
    expect([notFound.code, notFound.message]).toEqual([-25, 'Input not found or already spent']);
  });

  it('sendrawtransaction: maxfeerate errors with Core text, mempool unchanged', async () => {
    const before = await node.rpc<string[]>('getrawmempool');
    const c = coin();
    // 0.05 BTC fee on ~110 vB: above the default cap of 0.10 BTC/kvB.
    const pricey = wallet.payToSelf(c, 5_000_000n);
    const high = await rpcError(node, 'sendrawtransaction', pricey.hex);
    expect([high.code, high.message]).toEqual([
      -25,
      'Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)',
    ]);
    const tooBig = await rpcError(node, 'sendrawtransaction', pricey.hex, 1);
    expect([tooBig.code, tooBig.message]).toEqual([
      -8,
      'Fee rates larger than or equal to 1BTC/kvB are not accepted',
    ]);
    const [test] = await node.rpc<{ allowed: boolean; 'reject-reason': string }[]>(
      'testmempoolaccept',
      [pricey.hex],
    );
    expect(test).toMatchObject({ allowed: false, 'reject-reason': 'max-fee-exceeded' });
    expect(await node.rpc('getrawmempool')).toEqual(before);
    // maxfeerate 0 lifts the cap.
    expect(await node.rpc('sendrawtransaction', pricey.hex, 0)).toBe(pricey.txid);
  });
});
