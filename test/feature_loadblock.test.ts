/**
 * Issue 4, "Done when" 1: a node on mainnet parameters with an empty datadir imports
 * ../shared/chain/mainnet-0-438.blocks.dat from its `loadblock` grant and ends at height 438 with
 * the known tip; gettxoutsetinfo's txouts and total_amount equal an independent replay of the
 * file (439 coinbases, the genesis one unspendable, and the spends from block 170 on).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getChainParams, readBlkFile, toHex } from '@bitcoind-lite/consensus';
import { isUnspendable } from '@bitcoind-lite/chain';
import { SHARED, TestNode } from './framework/test-node.js';

const FILE = join(SHARED, 'chain', 'mainnet-0-438.blocks.dat');
const params = getChainParams('main');
let node: TestNode | undefined;

afterAll(async () => {
  await node?.stop();
});

/** The UTXO set the file leaves, computed without the node: txid:vout -> value. */
function replay(): { utxo: Map<string, bigint>; lastHash: string; blocks: number; spends: number } {
  const utxo = new Map<string, bigint>();
  let blocks = 0;
  let spends = 0;
  let lastHash = '';
  for (const { block } of readBlkFile(new Uint8Array(readFileSync(FILE)), params.messageStart)) {
    // The genesis coinbase never enters the UTXO set (Core's rule).
    if (blocks > 0) {
      for (const tx of block.txs) {
        if (!tx.isCoinbase()) {
          for (const i of tx.vin) {
            if (!utxo.delete(toHex(i.prevout.txid) + ':' + i.prevout.vout)) {
              throw new Error('replay: spend of a missing output');
            }
            spends++;
          }
        }
        tx.vout.forEach((o, n) => {
          if (!isUnspendable(o.scriptPubKey)) utxo.set(toHex(tx.txid()) + ':' + n, o.value);
        });
      }
    }
    lastHash = block.hashHex();
    blocks++;
  }
  return { utxo, lastHash, blocks, spends };
}

describe('feature_loadblock', () => {
  it('imports mainnet blocks 0..438 into an empty datadir', async () => {
    node = await TestNode.start({
      network: 'main',
      noP2P: true,
      outbound: false,
      extraManifest: `loadblock: !file\n  path: ${JSON.stringify(FILE)}`,
    });
    const expected = replay();
    expect(expected.blocks).toBe(439);
    expect(expected.spends).toBeGreaterThan(0);

    expect(await node.rpc('getblockcount')).toBe(438);
    const tip = await node.rpc<string>('getbestblockhash');
    expect(tip).toBe(expected.lastHash);
    // The hash the data README gives for block 438.
    expect(tip.startsWith('0000000025c6b6')).toBe(true);
    expect(tip.endsWith('4c7a')).toBe(true);
    // Genesis is already known, so 438 of the 439 records are new.
    expect(node.output).toMatch(/Loaded 438 blocks from external file/);

    const info = await node.rpc<Record<string, unknown>>('gettxoutsetinfo');
    expect(Object.keys(info)).toEqual([
      'height',
      'bestblock',
      'txouts',
      'bogosize',
      'hash_serialized_3',
      'total_amount',
      'transactions',
      'disk_size',
    ]);
    expect(info['height']).toBe(438);
    expect(info['bestblock']).toBe(tip);
    expect(info['txouts']).toBe(expected.utxo.size);
    let total = 0n;
    for (const v of expected.utxo.values()) total += v;
    // 438 spendable coinbases of 50 BTC; the early spends moved coins without fees.
    expect(total).toBe(438n * 50n * 100_000_000n);
    expect(info['total_amount']).toBe(Number(total) / 1e8);
    expect(info['hash_serialized_3']).toMatch(/^[0-9a-f]{64}$/);

    // muhash and none, as Core's hash types.
    const mu = await node.rpc<Record<string, unknown>>('gettxoutsetinfo', 'muhash');
    expect(mu['muhash']).toMatch(/^[0-9a-f]{64}$/);
    expect(mu['hash_serialized_3']).toBeUndefined();
    expect(mu['txouts']).toBe(info['txouts']);
    const none = await node.rpc<Record<string, unknown>>('gettxoutsetinfo', 'none');
    expect(none['hash_serialized_3']).toBeUndefined();
    expect(none['muhash']).toBeUndefined();

    // gettxout: the tip's coinbase, and the genesis coinbase that is never spendable.
    const block = await node.rpc<{ tx: string[] }>('getblock', tip);
    const out = await node.rpc<Record<string, unknown>>('gettxout', block.tx[0], 0);
    expect(out['bestblock']).toBe(tip);
    expect(out['confirmations']).toBe(1);
    expect(out['value']).toBe(50);
    expect(out['coinbase']).toBe(true);
    expect(Object.keys(out['scriptPubKey'] as object)).toEqual(
      expect.arrayContaining(['asm', 'desc', 'hex', 'type']),
    );
    const genesis = await node.rpc<{ tx: string[] }>('getblock', params.genesisHash);
    expect(await node.rpc('gettxout', genesis.tx[0], 0)).toBe(null);

    expect(await node.rpc('verifychain', 4, 50)).toBe(true);
  });
});
