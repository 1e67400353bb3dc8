/**
 * The wallet's part of the composition root, used only when the manifest grants `wallets`:
 * the WalletManager over that Dir, its view of the chainstate and mempool, Core's wallet
 * options from the manifest's args (-fallbackfee, -mintxfee, -maxtxfee, -txconfirmtarget,
 * -walletrbf, -keypool), the `-wallet` names loaded at start-up, and the wallet RPCs.
 */
import type { ChainParams, Transaction } from '@bitcoind-lite/consensus';
import type { BlockIndex, ChainstateManager } from '@bitcoind-lite/chain';
import type { Mempool } from '@bitcoind-lite/mempool';
import type { Random } from '@bitcoind-lite/entropy';
import { parseFixedPoint, type RpcTable } from '@bitcoind-lite/rpc';
import { registerWalletCommands } from '@bitcoind-lite/rpc/methods';
import type { Clock, Logger } from '@bitcoind-lite/runtime';
import type { Dir } from '@bitcoind-lite/storage';
import { WalletManager, type WalletChain, type WalletNode } from '@bitcoind-lite/wallet';
import { InitError } from './init-errors.js';
import { argBool, argList, argNumber, argString, type Args } from './node-args.js';

function btcArg(args: Args, name: string, fallbackSats: bigint): bigint {
  const v = argString(args, name);
  if (v === undefined) return fallbackSats;
  const sats = parseFixedPoint(v, 8);
  if (sats === undefined || sats < 0n)
    throw new InitError(`Invalid amount for -${name}=<amount>: '${v}'`);
  return sats;
}

export interface WalletSetup {
  wallets: Dir;
  chainman: ChainstateManager;
  mempool: Mempool;
  params: ChainParams;
  random: Random;
  clock: Clock;
  logger: Logger;
  args: Args;
  relayTransaction: (tx: Transaction) => void;
  table: RpcTable;
}

export async function startWallets(s: WalletSetup): Promise<WalletManager> {
  const { chainman, mempool } = s;
  const chain: WalletChain = {
    activeChain: {
      tip: () => chainman.activeChain.tip(),
      at: (h) => chainman.activeChain.at(h),
      contains: (idx) => chainman.activeChain.contains(idx as BlockIndex),
    },
    lookup: (hashHex) => chainman.lookup(hashHex),
    readBlock: (idx) => chainman.readBlock(idx as BlockIndex),
    on: (event, l) => chainman.on(event, l),
    getTxOut: (txid, vout) => chainman.getTxOut(txid, vout),
  };
  const node: WalletNode = {
    chain,
    mempool: {
      subscribe: (l) => mempool.subscribe(l),
      has: (txid) => mempool.pool.getByTxid(txid) !== undefined,
      getOutput: (txid, vout) => mempool.pool.getByTxid(txid)?.tx.vout[vout],
    },
    fees: {
      estimateSatPerKvB: (t) => mempool.estimateSmartFee(t)?.feeRate.satPerKvB,
      minRelaySatPerKvB: () => mempool.mempoolMinFee().satPerKvB,
    },
    // Core's BroadcastTransaction from the wallet: into the mempool, then announced.
    broadcast: async (tx) => {
      if (mempool.pool.getByTxid(tx.txid()) !== undefined) return { ok: true };
      const r = await mempool.acceptToMemoryPool(tx);
      if (!r.valid) return { ok: false, reason: r.rejectReason ?? 'rejected' };
      mempool.pool.unbroadcast.add(tx.txidHex());
      s.relayTransaction(tx);
      return { ok: true };
    },
  };
  const manager = new WalletManager({
    wallets: s.wallets,
    params: s.params,
    node,
    random: s.random,
    clock: s.clock,
    logger: s.logger,
    keypoolSize: argNumber(s.args, 'keypool', 1000),
  });
  registerWalletCommands(s.table, {
    manager,
    params: s.params,
    random: s.random,
    // Core's defaults: no fallback fee, -mintxfee 1000 sat/kvB, -maxtxfee 0.1 BTC, target 6.
    fallbackFeeSatPerKvB: btcArg(s.args, 'fallbackfee', 0n),
    minTxFeeSatPerKvB: btcArg(s.args, 'mintxfee', 1000n),
    maxTxFeeSats: btcArg(s.args, 'maxtxfee', 10_000_000n),
    txConfirmTarget: argNumber(s.args, 'txconfirmtarget', 6),
    walletRbf: argBool(s.args, 'walletrbf', true),
  });
  for (const name of argList(s.args, 'wallet')) {
    try {
      await manager.load(name);
    } catch (e) {
      throw new InitError((e as Error).message);
    }
  }
  return manager;
}
