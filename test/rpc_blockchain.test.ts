/**
 * Blockchain RPC results against Core's field names, types and number formatting, on a real node.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockHeader, fromHex } from '@bitcoind-lite/consensus';
import { TestNode } from './framework/test-node.js';

const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
const REGTEST_GENESIS = '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206';
let node: TestNode;
let hashes: string[];
beforeAll(async () => {
  node = await TestNode.start({ noP2P: true, outbound: false });
  hashes = await node.rpc<string[]>('generatetoaddress', 10, ADDR);
});
afterAll(async () => {
  await node.stop();
});

describe('rpc_blockchain', () => {
  it('getblockchaininfo has Core fields with Core types', async () => {
    const info = await node.rpc<Record<string, unknown>>('getblockchaininfo');
    expect(Object.keys(info)).toEqual([
      'chain',
      'blocks',
      'headers',
      'bestblockhash',
      'bits',
      'target',
      'difficulty',
      'time',
      'mediantime',
      'verificationprogress',
      'initialblockdownload',
      'chainwork',
      'size_on_disk',
      'pruned',
      'warnings',
    ]);
    expect(info).toMatchObject({
      chain: 'regtest',
      blocks: 10,
      headers: 10,
      bestblockhash: hashes[9],
    });
    expect(info['bits']).toBe('207fffff');
    expect(info['chainwork']).toBe('0'.repeat(62) + '16');
    expect(typeof info['size_on_disk']).toBe('number');
    expect(info['warnings']).toEqual([]);
  });

  it('prints difficulty as Core does (16 significant digits)', async () => {
    const { body } = await node.rawCall(JSON.stringify({ id: 1, method: 'getdifficulty' }));
    expect(body).toContain('"result":4.656542373906925e-10');
  });

  it('getblockheader verbose agrees with the serialized header', async () => {
    const verbose = await node.rpc<Record<string, unknown>>('getblockheader', hashes[4]);
    const hex = await node.rpc<string>('getblockheader', hashes[4], false);
    const header = BlockHeader.decode(fromHex(hex));
    expect(header.hashHex()).toBe(hashes[4]);
    expect(verbose).toMatchObject({
      hash: hashes[4],
      confirmations: 6,
      height: 5,
      version: 536870912,
      versionHex: '20000000',
      nonce: header.nonce,
      time: header.time,
      bits: '207fffff',
      nTx: 1,
      previousblockhash: hashes[3],
      nextblockhash: hashes[5],
    });
    const genesis = await node.rpc<Record<string, unknown>>('getblockheader', REGTEST_GENESIS);
    expect(genesis['previousblockhash']).toBeUndefined();
    expect(genesis['confirmations']).toBe(11);
  });

  it('getblock verbosity 1 lists txids and sizes', async () => {
    const b = await node.rpc<Record<string, unknown>>('getblock', hashes[0]);
    expect(b['tx']).toHaveLength(1);
    expect(typeof (b['tx'] as unknown[])[0]).toBe('string');
    expect(b['weight']).toBe((b['strippedsize'] as number) * 3 + (b['size'] as number));
    // verbose=false is the same as verbosity 0
    const hex = await node.rpcNamed<string>('getblock', { blockhash: hashes[0], verbose: false });
    expect(typeof hex).toBe('string');
    expect(hex.length / 2).toBe(b['size']);
  });

  it('getchaintips shows the active tip', async () => {
    expect(await node.rpc('getchaintips')).toEqual([
      { height: 10, hash: hashes[9], branchlen: 0, status: 'active' },
    ]);
  });

  it('uptime and help answer', async () => {
    expect(await node.rpc<number>('uptime')).toBeGreaterThanOrEqual(0);
    const help = await node.rpc<string>('help');
    expect(help).toContain('== Blockchain ==');
    expect(help).toContain('getblockchaininfo');
    expect(await node.rpc<string>('help', 'getblockhash')).toContain('getblockhash height');
  });

  it('removes the cookie on a clean stop', async () => {
    const other = await TestNode.start({ noP2P: true, outbound: false });
    const cookie = join(other.netDir, '.cookie');
    expect(existsSync(cookie)).toBe(true);
    await other.stop();
    expect(existsSync(cookie)).toBe(false);
  });
});
