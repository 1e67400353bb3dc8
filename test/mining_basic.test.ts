/**
 * Mining RPCs on a real node process: generatetoaddress, generatetodescriptor, generateblock,
 * submitblock; coinbase shape (BIP34 height, witness commitment), regtest subsidy halving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Block, fromHex, toHex } from '@bitcoind-lite/consensus';
import { RpcCallError, TestNode } from './framework/test-node.js';

const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
const ADDR_SPK = '0014751e76e8199196d454941c45d1b3a323f1433bd6';

let node: TestNode;
beforeAll(async () => {
  node = await TestNode.start({ noP2P: true, outbound: false });
});
afterAll(async () => {
  await node.stop();
});

interface VerboseBlock {
  hash: string;
  height: number;
  tx: {
    vin: { coinbase?: string; txinwitness?: string[] }[];
    vout: { value: number; scriptPubKey: { hex: string; address?: string } }[];
  }[];
}

describe('mining_basic', () => {
  it('generatetoaddress mines real proof of work paying the address', async () => {
    const hashes = await node.rpc<string[]>('generatetoaddress', 101, ADDR);
    expect(hashes).toHaveLength(101);
    expect(await node.rpc('getblockcount')).toBe(101);
    expect(await node.rpc('getbestblockhash')).toBe(hashes[100]);
    const block = await node.rpc<VerboseBlock>('getblock', hashes[0], 2);
    const cb = block.tx[0]!;
    expect(cb.vout[0]!.scriptPubKey.hex).toBe(ADDR_SPK);
    expect(cb.vout[0]!.value).toBe(50);
    // BIP34: height 1 is pushed as OP_1, then Core's miner adds OP_0.
    expect(cb.vin[0]!.coinbase).toBe('5100');
    expect(cb.vin[0]!.txinwitness).toEqual(['00'.repeat(32)]);
    expect(cb.vout[1]!.scriptPubKey.hex.startsWith('6a24aa21a9ed')).toBe(true);
    // The raw block's hash and proof of work check out independently of the node.
    const raw = await node.rpc<string>('getblock', hashes[0], 0);
    const decoded = Block.decode(fromHex(raw));
    expect(decoded.hashHex()).toBe(hashes[0]);
    expect(decoded.header.bits).toBe(0x207fffff);
    expect(BigInt('0x' + hashes[0]) <= 0x7fffffn << 232n).toBe(true);
  });

  it('halves the regtest subsidy every 150 blocks', async () => {
    const height = await node.rpc<number>('getblockcount');
    await node.rpc('generatetoaddress', 151 - height, ADDR);
    const at149 = await node.rpc<VerboseBlock>('getblock', await node.rpc('getblockhash', 149), 2);
    const at150 = await node.rpc<VerboseBlock>('getblock', await node.rpc('getblockhash', 150), 2);
    expect(at149.tx[0]!.vout[0]!.value).toBe(50);
    expect(at150.tx[0]!.vout[0]!.value).toBe(25);
    const { body } = await node.rawCall(
      JSON.stringify({ method: 'getblock', params: [at150.hash, 2], id: 1 }),
    );
    expect(body).toContain('"value":25.00000000');
  });

  it('generatetodescriptor accepts addr() and raw(), with and without checksum', async () => {
    const [h1] = await node.rpc<string[]>('generatetodescriptor', 1, `addr(${ADDR})`);
    const [h2] = await node.rpc<string[]>('generatetodescriptor', 1, 'raw(51)#8lvh9jxk');
    const b1 = await node.rpc<VerboseBlock>('getblock', h1, 2);
    const b2 = await node.rpc<VerboseBlock>('getblock', h2, 2);
    expect(b1.tx[0]!.vout[0]!.scriptPubKey.hex).toBe(ADDR_SPK);
    expect(b2.tx[0]!.vout[0]!.scriptPubKey.hex).toBe('51');
    await expect(node.rpc('generatetodescriptor', 1, 'raw(51)#aaaaaaaa')).rejects.toMatchObject({
      code: -5,
    });
  });

  it('generatetoaddress rejects a bad address with Core error -5', async () => {
    const err = await node
      .rpc('generatetoaddress', 1, 'notanaddress')
      .catch((e: RpcCallError) => e);
    expect(err).toMatchObject({ code: -5, message: 'Error: Invalid address' });
  });

  it('generateblock with no transactions, submitted or returned as hex', async () => {
    const before = await node.rpc<number>('getblockcount');
    const { hash } = await node.rpc<{ hash: string }>('generateblock', ADDR, []);
    expect(await node.rpc('getbestblockhash')).toBe(hash);
    const unsent = await node.rpcNamed<{ hash: string; hex: string }>('generateblock', {
      output: ADDR,
      transactions: [],
      submit: false,
    });
    expect(await node.rpc('getblockcount')).toBe(before + 1);
    expect(Block.decode(fromHex(unsent.hex)).hashHex()).toBe(unsent.hash);
    // The unsubmitted block can be submitted later; a second time it is a duplicate.
    expect(await node.rpc('submitblock', unsent.hex)).toBeNull();
    expect(await node.rpc('getbestblockhash')).toBe(unsent.hash);
    expect(await node.rpc('submitblock', unsent.hex)).toBe('duplicate');
  });

  it('submitblock reports decode failures and invalid blocks as Core does', async () => {
    await expect(node.rpc('submitblock', 'zz')).rejects.toMatchObject({
      code: -22,
      message: 'Block decode failed',
    });
    const { hex } = await node.rpcNamed<{ hex: string }>('generateblock', {
      output: ADDR,
      transactions: [],
      submit: false,
    });
    const block = Block.decode(fromHex(hex));
    // Corrupt the merkle root: the block must be rejected and the tip must not move.
    const header = block.header.serialize();
    header[40] = header[40]! ^ 1;
    const bad = toHex(header) + hex.slice(160);
    const tip = await node.rpc('getbestblockhash');
    const result = await node.rpc<string>('submitblock', bad);
    expect(['bad-txnmrklroot', 'high-hash']).toContain(result);
    expect(await node.rpc('getbestblockhash')).toBe(tip);
  });
});
