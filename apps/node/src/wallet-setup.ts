/**
 * The wallet's part of the composition root, used only when the manifest grants `wallets`:
 * the WalletManager over that Dir, its view of the chainstate and mempool, Core's wallet
 * options from the manifest's args (-fallbackfee, -mintxfee, -maxtxfee, -txconfirmtarget,
 * -walletrbf, -keypool, -addresstype; the rest accepted only at Core's default), the `-wallet`
 * names loaded at start-up, and the wallet RPCs.
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

/** Core's ParseOutputType names; the wallet's getnewaddress default is bech32 (BIP84). */
const OUTPUT_TYPES = new Set(['legacy', 'p2sh-segwit', 'bech32', 'bech32m']);

/**
 * Core's LoadWalletArgs checks for -addresstype/-changetype. This wallet holds only wpkh() and
 * tr() descriptors and picks change as Core does with -changetype unset, so -addresstype=bech32
 * (its default) is honoured and any other valid type is refused rather than silently dropped.
 */
function checkOutputTypes(args: Args): void {
  const address = argString(args, 'addresstype');
  if (address !== undefined && address !== '') {
    if (!OUTPUT_TYPES.has(address)) throw new InitError(`Unknown address type '${address}'`);
    if (address !== 'bech32')
      throw new InitError(`-addresstype=${address} is not supported by bitcoind-lite's wallet.`);
  }
  const change = argString(args, 'changetype');
  if (change !== undefined && change !== '') {
    if (!OUTPUT_TYPES.has(change)) throw new InitError(`Unknown change type '${change}'`);
    throw new InitError(`-changetype=${change} is not supported by bitcoind-lite's wallet.`);
  }
}

/**
 * Wallet options this wallet does not read: it always behaves as Core's default, so that value
 * is accepted (no effect) and any other is refused at start (a dropped option would make the
 * node lie). Amounts are still checked as Core's LoadWalletArgs does.
 */
const FIXED_WALLET_OPTIONS: Readonly<Record<string, string>> = {
  discardfee: '0.0001', // DEFAULT_DISCARD_FEE
  consolidatefeerate: '0.0001', // DEFAULT_CONSOLIDATE_FEERATE
  maxapsfee: '0', // DEFAULT_MAX_AVOIDPARTIALSPEND_FEE
  spendzeroconfchange: 'true',
  walletbroadcast: 'true',
  avoidpartialspends: 'false',
  walletrejectlongchains: 'true',
  walletcrosschain: 'false',
};

function checkFixedOptions(args: Args): void {
  for (const [name, fixed] of Object.entries(FIXED_WALLET_OPTIONS)) {
    if (args[name] === undefined) continue;
    let same: boolean;
    if (typeof args[name] === 'boolean') {
      same = argBool(args, name, false) === (fixed === 'true');
    } else {
      const v = argString(args, name)!;
      if (name === 'maxapsfee' && v === '-1') {
        same = false;
      } else {
        const sats = parseFixedPoint(v, 8);
        if (sats === undefined || sats < 0n)
          throw new InitError(`Invalid amount for -${name}=<amount>: '${v}'`);
        same = sats === parseFixedPoint(fixed, 8);
      }
    }
    if (!same)
      throw new InitError(
        `-${name}=${String(args[name])} is not supported by bitcoind-lite's wallet (it always uses Core's default, ${fixed}).`,
      );
  }
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
  checkOutputTypes(s.args);
  checkFixedOptions(s.args);
  // Parsed before any wallet is touched, so a bad value stops the start as Core's init error.
  const fees = {
    // Core's defaults: no fallback fee, -mintxfee 1000 sat/kvB, -maxtxfee 0.1 BTC, target 6.
    fallbackFeeSatPerKvB: btcArg(s.args, 'fallbackfee', 0n),
    minTxFeeSatPerKvB: btcArg(s.args, 'mintxfee', 1000n),
    maxTxFeeSats: btcArg(s.args, 'maxtxfee', 10_000_000n),
    txConfirmTarget: argNumber(s.args, 'txconfirmtarget', 6),
    walletRbf: argBool(s.args, 'walletrbf', true),
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
    ...fees,
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
