/**
 * getblockfilter over a real regtest chainstate and the LevelDB block filter index: filters are
 * indexed while catching up and from 'blockConnected' events, include the scripts a block spends
 * (read back from its undo data), chain their headers from genesis, survive a restart, and the
 * RPC answers with Core's fields and errors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  BlockFilter,
  computeFilterHeader,
  fromHex,
  getChainParams,
  reverseBytes,
  toHex,
} from '@bitcoind-lite/consensus';
import { RpcTable } from '../packages/rpc/src/registry.js';
import { registerBlockFilterCommands } from '../packages/rpc/src/methods/blockfilter.js';
import { BlockFilterIndex } from '../apps/node/src/block-filter-index.js';
import {
  TestClock,
  collectingLogger,
  mineBlocks,
  openChain,
  spendTx,
  tempDir,
} from '../packages/chain/test/helpers.js';

const params = getChainParams('regtest');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const SPENT_ONLY_SCRIPT = fromHex('5161'); // OP_TRUE OP_NOP: paid once, then spent

function call(table: RpcTable, params: unknown[]): Promise<unknown> {
  return table.execute({
    method: 'getblockfilter',
    params: params as never,
    authUser: 'test',
    uri: '/',
    peerAddr: '127.0.0.1',
    wallet: undefined,
    afterReply: () => undefined,
  });
}

describe('getblockfilter with -blockfilterindex', () => {
  it('indexes every block with spent scripts and chained headers, and serves them', async () => {
    const t = await tempDir('blockfilter-');
    cleanups.push(t.cleanup);
    const clock = new TestClock(1_900_000_000);
    const logger = collectingLogger(clock);
    const cm = await openChain(t.dir, params, clock);

    // Block 1 pays to a script no later block pays to; block 102 spends it.
    const [first] = await mineBlocks(cm, 1, { payTo: SPENT_ONLY_SCRIPT });
    await mineBlocks(cm, 60);
    // Opened mid-chain: heights 0..61 come from catch-up, the rest from events.
    const index = await BlockFilterIndex.open(t.dir, cm, logger);
    await mineBlocks(cm, 40);
    const cb = first!.txs[0]!;
    const spend = spendTx([{ txid: cb.txid(), vout: 0, value: cb.vout[0]!.value }], 1000n);
    await mineBlocks(cm, 1, { txs: [spend], feesSats: 1000n });
    await index.sync();
    expect(index.isReady()).toBe(true);
    expect(await t.dir.exists('indexes/blockfilter/basic/db')).toBe(true);

    let prevHeader: Uint8Array = new Uint8Array(32);
    for (let h = 0; h <= 102; h++) {
      const idx = cm.activeChain.at(h)!;
      const got = (await index.lookupFilter(idx))!;
      expect(got, `height ${h}`).toBeDefined();
      expect(toHex(got.header)).toBe(toHex(computeFilterHeader(got.filterHash, prevHeader)));
      prevHeader = got.header;
    }

    const tip = cm.activeChain.tip();
    const stored = (await index.lookupFilter(tip))!;
    const block = await cm.readBlock(tip);
    const filter = BlockFilter.decode(0, tip.hash, stored.filter);
    expect(filter.match(SPENT_ONLY_SCRIPT)).toBe(true);
    expect(toHex(stored.filter)).toBe(toHex(BlockFilter.basic(block, [SPENT_ONLY_SCRIPT]).encoded));
    expect(toHex(stored.filter)).not.toBe(toHex(BlockFilter.basic(block, []).encoded));

    const table = new RpcTable(logger, clock);
    table.setWarmup(undefined);
    registerBlockFilterCommands(table, { chainman: cm, blockFilterIndexes: [index] });
    expect(await call(table, [tip.hashHex])).toEqual({
      filter: toHex(stored.filter),
      header: toHex(reverseBytes(stored.header)),
    });
    expect(await call(table, [tip.hashHex, 'basic'])).toEqual(await call(table, [tip.hashHex]));
    await expect(call(table, [tip.hashHex, 'extended'])).rejects.toMatchObject({
      code: -5,
      message: 'Unknown filtertype',
    });
    await expect(call(table, ['00'.repeat(32)])).rejects.toMatchObject({
      code: -5,
      message: 'Block not found',
    });

    const bare = new RpcTable(logger, clock);
    bare.setWarmup(undefined);
    registerBlockFilterCommands(bare, { chainman: cm });
    await expect(call(bare, [tip.hashHex])).rejects.toMatchObject({
      code: -1,
      message: 'Index is not enabled for filtertype basic',
    });

    // A restart reads the same filters back and indexes only what is new.
    await index.close();
    await cm.close();
    const cm2 = await openChain(t.dir, params, clock);
    const index2 = await BlockFilterIndex.open(t.dir, cm2, logger);
    await mineBlocks(cm2, 1);
    await index2.sync();
    expect(toHex((await index2.lookupFilter(tip))!.header)).toBe(toHex(stored.header));
    const next = (await index2.lookupFilter(cm2.activeChain.tip()))!;
    expect(toHex(next.header)).toBe(toHex(computeFilterHeader(next.filterHash, stored.header)));
    await index2.close();
    await cm2.close();
  });
});
