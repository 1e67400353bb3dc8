/**
 * A transaction as Core's `TxToUniv` (core_write.cpp) prints it for getblock verbosity 2/3,
 * getrawtransaction verbose and decoderawtransaction. Amounts are exact (`ValueFromAmount`).
 */
import {
  toHex,
  reverseBytes,
  type ChainParams,
  type Transaction,
  type TxOut,
} from '@bitcoind-lite/consensus';
import { ValueFromAmount } from '../amount.js';
import { scriptToAsm } from './script-asm.js';
import { scriptPubKeyToJson } from './script-pubkey.js';

export interface TxJsonOptions {
  params: ChainParams;
  /** The outputs the inputs spend (from undo data); enables "fee" and, with `withPrevouts`, "prevout". */
  spentOutputs?: readonly (TxOut & { height?: number; isCoinbase?: boolean })[];
  withPrevouts?: boolean;
  includeHex?: boolean;
}

export function txToJson(tx: Transaction, o: TxJsonOptions): Record<string, unknown> {
  const vin = tx.vin.map((input, i) => {
    const entry: Record<string, unknown> = {};
    if (tx.isCoinbase()) {
      entry['coinbase'] = toHex(input.scriptSig);
    } else {
      entry['txid'] = toHex(reverseBytes(input.prevout.txid));
      entry['vout'] = input.prevout.vout;
      entry['scriptSig'] = { asm: scriptToAsm(input.scriptSig, true), hex: toHex(input.scriptSig) };
    }
    if (input.witness.length > 0) entry['txinwitness'] = input.witness.map(toHex);
    const spent = o.spentOutputs?.[i];
    if (o.withPrevouts && spent !== undefined && !tx.isCoinbase()) {
      entry['prevout'] = {
        generated: spent.isCoinbase ?? false,
        height: spent.height ?? 0,
        value: ValueFromAmount(spent.value),
        scriptPubKey: scriptPubKeyToJson(spent.scriptPubKey, o.params),
      };
    }
    entry['sequence'] = input.sequence;
    return entry;
  });
  const vout = tx.vout.map((out, n) => ({
    value: ValueFromAmount(out.value),
    n,
    scriptPubKey: scriptPubKeyToJson(out.scriptPubKey, o.params),
  }));
  const json: Record<string, unknown> = {
    txid: tx.txidHex(),
    hash: tx.wtxidHex(),
    version: tx.version,
    size: tx.totalSize(),
    vsize: tx.vsize(),
    weight: tx.weight(),
    locktime: tx.locktime,
    vin,
    vout,
  };
  if (o.spentOutputs !== undefined && !tx.isCoinbase()) {
    const inSats = o.spentOutputs.reduce((s, x) => s + x.value, 0n);
    const outSats = tx.vout.reduce((s, x) => s + x.value, 0n);
    json['fee'] = ValueFromAmount(inSats - outSats);
  }
  if (o.includeHex) json['hex'] = toHex(tx.serialize());
  return json;
}
