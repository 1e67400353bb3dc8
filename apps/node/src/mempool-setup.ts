/**
 * The mempool's part of the composition root: Core's mempool options read from the manifest's
 * args (`maxmempool`, `mempoolexpiry`, `minrelaytxfee`, `datacarrier`, ...), a chain view over the
 * ChainstateManager, the chain's notifications wired to the mempool (Core's validation
 * interface), and mempool.dat loaded on start.
 */
import type { ChainParams } from '@bitcoind-lite/consensus';
import type { BlockIndex, ChainstateManager } from '@bitcoind-lite/chain';
import type { P2PMempool } from '@bitcoind-lite/p2p';
import {
  DEFAULT_DESCENDANT_SIZE_LIMIT_KVB,
  FeeRate,
  Mempool,
  type MempoolChainView,
  type MempoolScriptVerifier,
  type MempoolSettings,
} from '@bitcoind-lite/mempool';
import { parseFixedPoint } from '@bitcoind-lite/rpc';
import type { Clock, Logger } from '@bitcoind-lite/runtime';
import type { Random } from '@bitcoind-lite/entropy';
import type { Dir } from '@bitcoind-lite/storage';
import { argBool, argNumber, argString, type Args } from './node-args.js';
import { InitError } from './init-errors.js';

/** A fee-rate option in BTC/kvB (Core's ParseMoney) as sat/kvB; a bad value stops start-up. */
function feeRateArg(args: Args, name: string): bigint | undefined {
  const v = argString(args, name);
  if (v === undefined) return undefined;
  const sats = parseFixedPoint(v, 8);
  if (sats === undefined || sats < 0n) {
    throw new InitError(`Invalid amount for -${name}=<amount>: '${v}'`);
  }
  return sats;
}

/** Core's mempool options (node/mempool_args.cpp), by their option names. */
export function mempoolSettingsFromArgs(args: Args, params: ChainParams): MempoolSettings {
  const acceptNonStd = argBool(args, 'acceptnonstdtxn', false);
  // Core refuses -acceptnonstdtxn where the chain requires standard transactions (main).
  if (acceptNonStd && params.network === 'main') {
    throw new InitError(`acceptnonstdtxn is not currently supported for ${params.network} chain`);
  }
  const s: MempoolSettings = {
    acceptNonStdTxn: acceptNonStd,
    persistMempool: argBool(args, 'persistmempool', true),
    permitBareMultisig: argBool(args, 'permitbaremultisig', true),
    fullRbf: argBool(args, 'mempoolfullrbf', true),
  };
  const maxMb = argNumber(args, 'maxmempool', NaN);
  if (Number.isFinite(maxMb)) s.maxMempoolBytes = maxMb * 1_000_000;
  const expiry = argNumber(args, 'mempoolexpiry', NaN);
  if (Number.isFinite(expiry)) s.expiryHours = expiry;
  const minRelay = feeRateArg(args, 'minrelaytxfee');
  if (minRelay !== undefined) s.minRelayFeeSatPerKvB = minRelay;
  const incremental = feeRateArg(args, 'incrementalrelayfee');
  if (incremental !== undefined) s.incrementalRelayFeeSatPerKvB = incremental;
  const dust = feeRateArg(args, 'dustrelayfee');
  if (dust !== undefined) s.dustRelayFeeSatPerKvB = dust;
  const blockMin = feeRateArg(args, 'blockmintxfee');
  if (blockMin !== undefined) s.blockMinTxFeeSatPerKvB = blockMin;
  // -datacarrier=0 relays no OP_RETURN outputs at all; -datacarriersize caps their total.
  if (!argBool(args, 'datacarrier', true)) s.maxDatacarrierBytes = null;
  else {
    const size = argNumber(args, 'datacarriersize', NaN);
    if (Number.isFinite(size)) s.maxDatacarrierBytes = size;
  }
  for (const [arg, key] of [
    ['limitancestorcount', 'limitAncestorCount'],
    ['limitancestorsize', 'limitAncestorSizeKvB'],
    ['limitdescendantcount', 'limitDescendantCount'],
    ['limitdescendantsize', 'limitDescendantSizeKvB'],
    ['bytespersigop', 'bytesPerSigOp'],
  ] as const) {
    const n = argNumber(args, arg, NaN);
    if (Number.isFinite(n)) s[key] = n;
  }
  // Core's ApplyArgsManOptions: the pool must hold 40 maximal descendant packages.
  const descendantVbytes = (s.limitDescendantSizeKvB ?? DEFAULT_DESCENDANT_SIZE_LIMIT_KVB) * 1000;
  if (s.maxMempoolBytes !== undefined && s.maxMempoolBytes < descendantVbytes * 40) {
    throw new InitError(
      `-maxmempool must be at least ${Math.ceil((descendantVbytes * 40) / 1_000_000)} MB`,
    );
  }
  return s;
}

/**
 * What the mempool reads of the chain. Coins are read through `getTxOut`, which the chainstate
 * serializes with validation, so a lookup never races a flush of the coins cache.
 */
export function mempoolChainView(chainman: ChainstateManager): MempoolChainView {
  return {
    tipHeight: () => chainman.activeChain.height(),
    tipMedianTimePast: () => chainman.activeChain.tip().medianTimePast(),
    medianTimePastAt: (height) => {
      const idx: BlockIndex | undefined = chainman.activeChain.at(height);
      return idx === undefined ? 0 : idx.medianTimePast();
    },
    coins: {
      getCoins: (outpoints) => Promise.all(outpoints.map((o) => chainman.getTxOut(o.txid, o.vout))),
    },
  };
}

export interface MempoolSetup {
  chainman: ChainstateManager;
  params: ChainParams;
  args: Args;
  scriptVerifier: MempoolScriptVerifier;
  clock: Clock;
  logger: Logger;
  random: Random;
  /** The network datadir: mempool.dat lives here. */
  dir: Dir;
}

/**
 * Builds the mempool, subscribes it to the chain's notifications (BlockConnected removes mined
 * and conflicting transactions, BlockDisconnected + UpdatedBlockTip re-add a reorg's), and
 * loads mempool.dat. Returns the mempool and an unsubscribe function for shutdown.
 */
export async function startMempool(o: MempoolSetup): Promise<{
  mempool: Mempool;
  unsubscribe: () => void;
}> {
  const mempool = new Mempool({
    chain: mempoolChainView(o.chainman),
    scriptVerifier: o.scriptVerifier,
    clock: o.clock,
    logger: o.logger,
    random: o.random,
    dir: o.dir,
    settings: mempoolSettingsFromArgs(o.args, o.params),
  });
  const report = (what: string) => (err: unknown) =>
    o.logger.error(`mempool ${what} failed: ${(err as Error).message}`, 'mempool');
  const offs = [
    o.chainman.on('blockConnected', (block, idx) => {
      mempool.blockConnected(block, idx.height).catch(report('BlockConnected'));
    }),
    o.chainman.on('blockDisconnected', (block) => {
      mempool.blockDisconnected(block).catch(report('BlockDisconnected'));
    }),
    o.chainman.on('updatedBlockTip', () => {
      mempool.updatedBlockTip().catch(report('UpdatedBlockTip'));
    }),
  ];
  await mempool.load();
  return { mempool, unsubscribe: () => offs.forEach((off) => off()) };
}

/** The mempool as P2P transaction relay reads it (packages/p2p's P2PMempool). */
export function p2pMempoolView(mempool: Mempool): P2PMempool {
  return {
    acceptToMemoryPool: (tx) => mempool.acceptToMemoryPool(tx),
    lookupTx: (hashHex, byWtxid) => {
      const e = byWtxid ? mempool.pool.getByWtxid(hashHex) : mempool.pool.get(hashHex);
      if (e === undefined) return undefined;
      return { tx: e.tx, feeRateSatPerKvB: FeeRate.fromFee(e.feeSats, e.vsize).satPerKvB };
    },
    minFeeRateSatPerKvB: () => mempool.mempoolMinFee().satPerKvB,
    size: () => mempool.size(),
  };
}
