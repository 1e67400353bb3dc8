/**
 * Core's TestBlockValidity for getblocktemplate proposals (BIP23): would this block, on the
 * current tip, be valid, leaving the chainstate untouched? Header and block rules (proof of
 * work is not checked: a proposal is unsolved), then ConnectBlock on a throwaway view over the
 * coins cache. The coins the block spends are first read through `getTxOut`, which is
 * serialized with validation, so ConnectBlock then finds them cached.
 */
import type { Block, ChainParams } from '@bitcoind-lite/consensus';
import {
  BlockIndex,
  checkBlock,
  connectBlock,
  contextualCheckBlock,
  contextualCheckBlockHeader,
  CoinsViewCache,
  type ChainstateManager,
  type ScriptVerifier,
  type ValidationState,
} from '@bitcoind-lite/chain';
import { nowSeconds, type Clock } from '@bitcoind-lite/runtime';

export async function testBlockValidity(
  block: Block,
  o: {
    chainman: ChainstateManager;
    params: ChainParams;
    clock: Clock;
    scriptVerifier: ScriptVerifier;
  },
): Promise<ValidationState> {
  const tip = o.chainman.activeChain.tip();
  const h = contextualCheckBlockHeader(block.header, tip, nowSeconds(o.clock), o.params);
  if (!h.valid) return h;
  const s = checkBlock(block, o.params, false);
  if (!s.valid) return s;
  const c = contextualCheckBlock(block, tip, o.params);
  if (!c.valid) return c;

  for (const tx of block.txs.slice(1)) {
    for (const input of tx.vin) await o.chainman.getTxOut(input.prevout.txid, input.prevout.vout);
  }
  const idx = new BlockIndex(block.header, tip);
  const r = await connectBlock(
    block,
    idx,
    new CoinsViewCache(o.chainman.coinsTip),
    o.params,
    o.scriptVerifier,
  );
  return r.state;
}
