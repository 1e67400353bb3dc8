/**
 * ConnectBlock and DisconnectBlock (Core's validation.cpp): apply a block's spends and new
 * coins to a UTXO view, checking inputs, BIP30, BIP68, sigops, scripts and the coinbase amount,
 * and collecting undo data; or reverse that with the undo data.
 *
 * Coins are fetched from the database up front; the checks then run synchronously on a child
 * cache that is merged into the parent only if the whole block is valid.
 */
import {
  type Block,
  type ChainParams,
  type TxOut,
  fromHex,
  getBlockSubsidy,
  getTransactionSigOpCost,
  reverseBytes,
  bytesEqual,
} from '@bitcoind-lite/consensus';
import type { BlockUndo, Coin, TxUndo } from '@bitcoind-lite/storage';
import type { BlockIndex } from './block-index.js';
import { CoinsViewCache } from './coins-view-cache.js';
import { type ScriptVerifier, getBlockScriptFlags } from './script-verifier.js';
import {
  LOCKTIME_VERIFY_SEQUENCE,
  MAX_BLOCK_SIGOPS_COST,
  MAX_MONEY_SATS,
  calculateSequenceLocks,
  checkTxInputs,
  evaluateSequenceLocks,
  isUnspendable,
} from './tx-checks.js';
import { type ValidationState, invalidState, validState } from './validation-state.js';

/** Core's BIP34_IMPLIES_BIP30_LIMIT: where BIP34 stops guaranteeing unique coinbases. */
const BIP34_IMPLIES_BIP30_LIMIT = 1_983_702;

export interface ConnectResult {
  state: ValidationState;
  /** Present when valid: the undo data and the view holding the block's changes. */
  undo?: BlockUndo;
  view?: CoinsViewCache;
  inputs?: number;
}

function outpointsOf(block: Block, withOutputs: boolean): { txid: Uint8Array; vout: number }[] {
  const out: { txid: Uint8Array; vout: number }[] = [];
  for (const tx of block.txs) {
    if (!tx.isCoinbase()) for (const i of tx.vin) out.push(i.prevout);
    if (withOutputs) {
      const txid = tx.txid();
      for (let k = 0; k < tx.vout.length; k++) out.push({ txid, vout: k });
    }
  }
  return out;
}

/** Core's fEnforceBIP30 logic: the two historic duplicates are exempt, and BIP34 implies it. */
function enforceBip30(idx: BlockIndex, params: ChainParams): boolean {
  if (params.bip30Exceptions.some((e) => e.height === idx.height && e.hash === idx.hashHex)) {
    return false;
  }
  const bip34Block = idx.prev?.getAncestor(params.bip34Height);
  const bip34Hash = reverseBytes(fromHex(params.bip34Hash));
  if (bip34Block !== undefined && bytesEqual(bip34Block.hash, bip34Hash)) {
    return idx.height >= BIP34_IMPLIES_BIP30_LIMIT;
  }
  return true;
}

export async function connectBlock(
  block: Block,
  idx: BlockIndex,
  parent: CoinsViewCache,
  params: ChainParams,
  verifier: ScriptVerifier | undefined,
): Promise<ConnectResult> {
  // The genesis block's coinbase is not spendable: Core never adds it to the UTXO set.
  if (idx.prev === undefined) {
    const view = new CoinsViewCache(parent);
    view.setBestBlock(idx.hash);
    return { state: validState(), undo: [], view, inputs: 0 };
  }

  const bip30 = enforceBip30(idx, params);
  await parent.fetch(outpointsOf(block, bip30));
  const view = new CoinsViewCache(parent);

  // BIP30: no transaction may overwrite an unspent output of an earlier one with the same txid.
  if (bip30) {
    for (const tx of block.txs) {
      const txid = tx.txid();
      for (let k = 0; k < tx.vout.length; k++) {
        if (view.haveCoin(txid, k)) {
          return {
            state: invalidState('consensus', 'bad-txns-BIP30', 'tried to overwrite transaction'),
          };
        }
      }
    }
  }

  const flags = getBlockScriptFlags(idx, params);
  const lockFlags = idx.height >= params.csvHeight ? LOCKTIME_VERIFY_SEQUENCE : 0;
  let fees = 0n;
  let sigOpsCost = 0;
  let inputs = 0;
  const undo: BlockUndo = [];

  for (const tx of block.txs) {
    const isCoinbase = tx.isCoinbase();
    inputs += tx.vin.length;
    let spent: Coin[] = [];
    if (!isCoinbase) {
      const coins = tx.vin.map((i) => view.accessCoin(i.prevout.txid, i.prevout.vout));
      const r = checkTxInputs(tx, coins, idx.height, params.coinbaseMaturity);
      if ('reason' in r) {
        return {
          state: invalidState(
            'consensus',
            r.reason,
            `${r.debug ?? r.reason} in transaction ${tx.txidHex()}`,
          ),
        };
      }
      fees += r.feeSats;
      if (fees > MAX_MONEY_SATS) {
        return {
          state: invalidState(
            'consensus',
            'bad-txns-accumulated-fee-outofrange',
            'accumulated fee in the block out of range',
          ),
        };
      }
      spent = coins as Coin[];

      // BIP68: relative lock times, measured from each spent coin's block.
      const lock = calculateSequenceLocks(
        tx,
        lockFlags,
        spent.map((c) => c.height),
        idx,
      );
      if (!evaluateSequenceLocks(idx, lock)) {
        return {
          state: invalidState(
            'consensus',
            'bad-txns-nonfinal',
            'contains a non-BIP68-final transaction',
          ),
        };
      }
    }

    const spentOutputs: TxOut[] = spent.map((c) => c.out);
    sigOpsCost += getTransactionSigOpCost(tx, spentOutputs, flags);
    if (sigOpsCost > MAX_BLOCK_SIGOPS_COST) {
      return { state: invalidState('consensus', 'bad-blk-sigops', 'too many sigops') };
    }

    // Core 30 names block script failures "block-script-verify-flag-failed (<ScriptErrorString>)"
    // (validation.cpp ConnectBlock); "mandatory-..." was the name before.
    if (!isCoinbase && verifier !== undefined) {
      for (let i = 0; i < tx.vin.length; i++) {
        const r = verifier.verifyInput(tx, i, spentOutputs, flags);
        if (!r.ok) {
          return {
            state: invalidState(
              'consensus',
              `block-script-verify-flag-failed (${r.error ?? 'unknown error'})`,
              `input ${i} of ${tx.txidHex()}`,
            ),
          };
        }
      }
    }

    // UpdateCoins: spend the inputs into the undo record, then add the outputs.
    if (!isCoinbase) {
      const txUndo: TxUndo = [];
      for (const i of tx.vin) txUndo.push(view.spendCoin(i.prevout)!);
      undo.push(txUndo);
    }
    view.addCoins(tx, idx.height, false);
  }

  const reward = fees + getBlockSubsidy(idx.height, params);
  let cbOut = 0n;
  for (const o of block.txs[0]!.vout) cbOut += o.value;
  if (cbOut > reward) {
    return {
      state: invalidState(
        'consensus',
        'bad-cb-amount',
        `coinbase pays too much (actual=${cbOut} vs limit=${reward})`,
      ),
    };
  }

  view.setBestBlock(idx.hash);
  return { state: validState(), undo, view, inputs };
}

export type DisconnectResult = 'ok' | 'unclean' | 'failed';

/**
 * Core's DisconnectBlock: remove the block's outputs and restore the coins its inputs spent.
 * 'unclean' means the view did not hold exactly what the block left (tolerated while replaying
 * after a crash); 'failed' means the undo data does not fit the block.
 */
export async function disconnectBlock(
  block: Block,
  idx: BlockIndex,
  undo: BlockUndo,
  view: CoinsViewCache,
): Promise<DisconnectResult> {
  if (idx.prev === undefined) return 'failed';
  if (undo.length + 1 !== block.txs.length) return 'failed';
  await view.fetch(outpointsOf(block, true));
  let clean = true;

  for (let t = block.txs.length - 1; t >= 0; t--) {
    const tx = block.txs[t]!;
    const txid = tx.txid();
    const isCoinbase = tx.isCoinbase();
    tx.vout.forEach((out, k) => {
      if (isUnspendable(out.scriptPubKey)) return;
      const coin = view.spendCoin({ txid, vout: k });
      if (
        coin === undefined ||
        coin.height !== idx.height ||
        coin.isCoinbase !== isCoinbase ||
        coin.out.value !== out.value ||
        !bytesEqual(coin.out.scriptPubKey, out.scriptPubKey)
      ) {
        clean = false;
      }
    });
    if (t > 0) {
      const txUndo = undo[t - 1]!;
      if (txUndo.length !== tx.vin.length) return 'failed';
      for (let i = tx.vin.length - 1; i >= 0; i--) {
        const prevout = tx.vin[i]!.prevout;
        const overwrite = view.haveCoin(prevout.txid, prevout.vout);
        if (overwrite) clean = false;
        view.addCoin(prevout.txid, prevout.vout, txUndo[i]!, overwrite);
      }
    }
  }
  view.setBestBlock(idx.prev.hash);
  return clean ? 'ok' : 'unclean';
}

/** Applies a block's effects without checks (Core's RollforwardBlock, used by ReplayBlocks). */
export async function rollforwardBlock(
  block: Block,
  idx: BlockIndex,
  view: CoinsViewCache,
): Promise<void> {
  if (idx.prev === undefined) return;
  await view.fetch(outpointsOf(block, true));
  for (const tx of block.txs) {
    if (!tx.isCoinbase()) for (const i of tx.vin) view.spendCoin(i.prevout);
    view.addCoins(tx, idx.height, true);
  }
  view.setBestBlock(idx.hash);
}
