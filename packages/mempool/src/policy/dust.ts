/**
 * Dust, as Core's GetDustThreshold (policy/policy.cpp): an output is dust when its value is below
 * what it would cost, at the dust relay rate, to create and later spend it. The spend is priced
 * as a typical input: 148 bytes for a legacy one, a quarter of the witness (67 vbytes) for a
 * segwit program.
 */
import { compactSizeLength, type Transaction, type TxOut } from '@bitcoind-lite/consensus';
import { FeeRate } from './fee-rate.js';
import { isUnspendableScript, witnessProgramOf } from './script-helpers.js';

/** outpoint (32 + 4) + scriptSig length (1) + sequence (4) + a P2PKH scriptSig (107). */
const LEGACY_INPUT_BYTES = 32 + 4 + 1 + 107 + 4;
/** The same with the 107-byte signature and key moved to the witness (discounted 4x). */
const WITNESS_INPUT_VBYTES = 32 + 4 + 1 + Math.floor(107 / 4) + 4;

export function getDustThreshold(out: TxOut, dustRelayFee: FeeRate): bigint {
  if (isUnspendableScript(out.scriptPubKey)) return 0n;
  let size = 8 + compactSizeLength(out.scriptPubKey.length) + out.scriptPubKey.length;
  size +=
    witnessProgramOf(out.scriptPubKey) !== undefined ? WITNESS_INPUT_VBYTES : LEGACY_INPUT_BYTES;
  return dustRelayFee.getFee(size);
}

export function isDust(out: TxOut, dustRelayFee: FeeRate): boolean {
  return out.value < getDustThreshold(out, dustRelayFee);
}

/** Indexes of the transaction's dust outputs (Core's GetDust). */
export function getDust(tx: Transaction, dustRelayFee: FeeRate): number[] {
  const idx: number[] = [];
  tx.vout.forEach((o, i) => {
    if (isDust(o, dustRelayFee)) idx.push(i);
  });
  return idx;
}
