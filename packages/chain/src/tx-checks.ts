/**
 * Transaction rules the chainstate applies, as Core's consensus/tx_check.cpp (CheckTransaction),
 * consensus/tx_verify.cpp (IsFinalTx, SequenceLocks, sigop counting, CheckTxInputs). Each failure
 * carries Core's reject reason. Pure functions over the transaction and the coins it spends.
 */
import type { Transaction, TxOut } from '@bitcoind-lite/consensus';
import type { Coin } from '@bitcoind-lite/storage';
import type { BlockIndex } from './block-index.js';

export const MAX_MONEY_SATS = 21_000_000n * 100_000_000n;
export const MAX_BLOCK_WEIGHT_WU = 4_000_000;
export const MAX_BLOCK_SIGOPS_COST = 80_000;
export const WITNESS_SCALE_FACTOR = 4;
export const LOCKTIME_THRESHOLD = 500_000_000;
/** BIP68 flags and mask (CTxIn::SEQUENCE_LOCKTIME_*). */
export const SEQUENCE_LOCKTIME_DISABLE_FLAG = 0x80000000;
export const SEQUENCE_LOCKTIME_TYPE_FLAG = 1 << 22;
export const SEQUENCE_LOCKTIME_MASK = 0x0000ffff;
export const SEQUENCE_LOCKTIME_GRANULARITY = 9;
/** Core's LOCKTIME_VERIFY_SEQUENCE: apply BIP68 (set once CSV is active). */
export const LOCKTIME_VERIFY_SEQUENCE = 1;

export interface TxCheckFailure {
  reason: string;
  debug?: string;
}

/** Core's CheckTransaction: rules that need no context. */
export function checkTransaction(tx: Transaction): TxCheckFailure | undefined {
  if (tx.vin.length === 0) return { reason: 'bad-txns-vin-empty' };
  if (tx.vout.length === 0) return { reason: 'bad-txns-vout-empty' };
  if (tx.baseSize() * WITNESS_SCALE_FACTOR > MAX_BLOCK_WEIGHT_WU) {
    return { reason: 'bad-txns-oversize' };
  }
  let total = 0n;
  for (const o of tx.vout) {
    if (o.value < 0n) return { reason: 'bad-txns-vout-negative' };
    if (o.value > MAX_MONEY_SATS) return { reason: 'bad-txns-vout-toolarge' };
    total += o.value;
    if (total > MAX_MONEY_SATS) return { reason: 'bad-txns-txouttotal-toolarge' };
  }
  // CVE-2018-17144: a transaction spending the same outpoint twice.
  const seen = new Set<string>();
  for (const i of tx.vin) {
    const k = i.prevout.key();
    if (seen.has(k)) return { reason: 'bad-txns-inputs-duplicate' };
    seen.add(k);
  }
  if (tx.isCoinbase()) {
    const n = tx.vin[0]!.scriptSig.length;
    if (n < 2 || n > 100) return { reason: 'bad-cb-length' };
  } else {
    for (const i of tx.vin) if (i.prevout.isNull()) return { reason: 'bad-txns-prevout-null' };
  }
  return undefined;
}

/** Core's IsFinalTx: the lock time has passed, or every input opted out with a final sequence. */
export function isFinalTx(tx: Transaction, height: number, blockTimeS: number): boolean {
  if (tx.locktime === 0) return true;
  const limit = tx.locktime < LOCKTIME_THRESHOLD ? height : blockTimeS;
  if (tx.locktime < limit) return true;
  return tx.vin.every((i) => i.sequence === 0xffffffff);
}

/**
 * BIP68 (Core's CalculateSequenceLocks): the last height and time at which the transaction is
 * still locked, -1 meaning no constraint. `prevHeights` gives each input's coin height.
 */
export function calculateSequenceLocks(
  tx: Transaction,
  lockFlags: number,
  prevHeights: number[],
  block: BlockIndex,
): { minHeight: number; minTime: number } {
  let minHeight = -1;
  let minTime = -1;
  const enforce = tx.version >= 2 && (lockFlags & LOCKTIME_VERIFY_SEQUENCE) !== 0;
  if (!enforce) return { minHeight, minTime };
  tx.vin.forEach((input, i) => {
    const seq = input.sequence;
    if ((seq & SEQUENCE_LOCKTIME_DISABLE_FLAG) !== 0) return;
    const coinHeight = prevHeights[i]!;
    if ((seq & SEQUENCE_LOCKTIME_TYPE_FLAG) !== 0) {
      const coinTime = block.getAncestor(Math.max(coinHeight - 1, 0))!.medianTimePast();
      minTime = Math.max(
        minTime,
        coinTime + ((seq & SEQUENCE_LOCKTIME_MASK) << SEQUENCE_LOCKTIME_GRANULARITY) - 1,
      );
    } else {
      minHeight = Math.max(minHeight, coinHeight + (seq & SEQUENCE_LOCKTIME_MASK) - 1);
    }
  });
  return { minHeight, minTime };
}

/** Core's EvaluateSequenceLocks against the block being connected. */
export function evaluateSequenceLocks(
  block: BlockIndex,
  lock: { minHeight: number; minTime: number },
): boolean {
  const prevMtp = block.prev!.medianTimePast();
  return !(lock.minHeight >= block.height || lock.minTime >= prevMtp);
}

// Sigop counting (Core's CScript::GetSigOpCount and the tx-level helpers).
const OP_0 = 0x00;
const OP_PUSHDATA1 = 0x4c;
const OP_PUSHDATA2 = 0x4d;
const OP_PUSHDATA4 = 0x4e;
const OP_1 = 0x51;
const OP_16 = 0x60;
const OP_CHECKSIG = 0xac;
const OP_CHECKSIGVERIFY = 0xad;
const OP_CHECKMULTISIG = 0xae;
const OP_CHECKMULTISIGVERIFY = 0xaf;
const MAX_PUBKEYS_PER_MULTISIG = 20;

interface Op {
  opcode: number;
  data: Uint8Array | undefined;
}

/** Walks opcodes; stops (returns what it has) at a malformed push, as Core's GetOp loop. */
function scriptOps(s: Uint8Array): { ops: Op[]; ok: boolean } {
  const ops: Op[] = [];
  let pc = 0;
  while (pc < s.length) {
    const opcode = s[pc++]!;
    let len = -1;
    if (opcode < OP_PUSHDATA1) len = opcode;
    else if (opcode === OP_PUSHDATA1) {
      if (pc + 1 > s.length) return { ops, ok: false };
      len = s[pc]!;
      pc += 1;
    } else if (opcode === OP_PUSHDATA2) {
      if (pc + 2 > s.length) return { ops, ok: false };
      len = s[pc]! | (s[pc + 1]! << 8);
      pc += 2;
    } else if (opcode === OP_PUSHDATA4) {
      if (pc + 4 > s.length) return { ops, ok: false };
      len = (s[pc]! | (s[pc + 1]! << 8) | (s[pc + 2]! << 16) | (s[pc + 3]! << 24)) >>> 0;
      pc += 4;
    }
    if (len >= 0) {
      if (pc + len > s.length) return { ops, ok: false };
      ops.push({ opcode, data: s.subarray(pc, pc + len) });
      pc += len;
    } else ops.push({ opcode, data: undefined });
  }
  return { ops, ok: true };
}

export function getSigOpCount(script: Uint8Array, accurate: boolean): number {
  let n = 0;
  let last = 0xff;
  for (const { opcode } of scriptOps(script).ops) {
    if (opcode === OP_CHECKSIG || opcode === OP_CHECKSIGVERIFY) n++;
    else if (opcode === OP_CHECKMULTISIG || opcode === OP_CHECKMULTISIGVERIFY) {
      n += accurate && last >= OP_1 && last <= OP_16 ? last - OP_1 + 1 : MAX_PUBKEYS_PER_MULTISIG;
    }
    last = opcode;
  }
  return n;
}

function isP2sh(s: Uint8Array): boolean {
  return s.length === 23 && s[0] === 0xa9 && s[1] === 0x14 && s[22] === 0x87;
}

/** The last push of a push-only scriptSig (the P2SH redeem script), or undefined. */
function lastPush(scriptSig: Uint8Array): Uint8Array | undefined {
  const { ops, ok } = scriptOps(scriptSig);
  if (!ok) return undefined;
  let data: Uint8Array | undefined = new Uint8Array(0);
  for (const op of ops) {
    if (op.opcode > OP_16) return undefined;
    data = op.data ?? new Uint8Array(0);
  }
  return data;
}

function witnessProgram(s: Uint8Array): { version: number; program: Uint8Array } | undefined {
  if (s.length < 4 || s.length > 42) return undefined;
  if (s[0] !== OP_0 && (s[0]! < OP_1 || s[0]! > OP_16)) return undefined;
  if (s[1]! + 2 !== s.length) return undefined;
  return { version: s[0] === OP_0 ? 0 : s[0]! - OP_1 + 1, program: s.subarray(2) };
}

/** Core's GetLegacySigOpCount: inaccurate counts over every scriptSig and scriptPubKey. */
export function getLegacySigOpCount(tx: Transaction): number {
  let n = 0;
  for (const i of tx.vin) n += getSigOpCount(i.scriptSig, false);
  for (const o of tx.vout) n += getSigOpCount(o.scriptPubKey, false);
  return n;
}

function witnessSigOps(
  scriptSig: Uint8Array,
  scriptPubKey: Uint8Array,
  witness: Uint8Array[],
  flags: number,
): number {
  const VERIFY_P2SH = 1;
  const VERIFY_WITNESS = 1 << 11;
  if ((flags & VERIFY_WITNESS) === 0) return 0;
  let wp = witnessProgram(scriptPubKey);
  if (wp === undefined && (flags & VERIFY_P2SH) !== 0 && isP2sh(scriptPubKey)) {
    const redeem = lastPush(scriptSig);
    if (redeem !== undefined) wp = witnessProgram(redeem);
  }
  if (wp === undefined || wp.version !== 0) return 0;
  if (wp.program.length === 20) return 1;
  if (wp.program.length === 32 && witness.length > 0) {
    return getSigOpCount(witness[witness.length - 1]!, true);
  }
  return 0;
}

/** Core's GetTransactionSigOpCost, with the spent outputs in input order. */
export function getTransactionSigOpCost(tx: Transaction, spent: TxOut[], flags: number): number {
  let cost = getLegacySigOpCount(tx) * WITNESS_SCALE_FACTOR;
  if (tx.isCoinbase()) return cost;
  const VERIFY_P2SH = 1;
  tx.vin.forEach((input, i) => {
    const prev = spent[i]!.scriptPubKey;
    if ((flags & VERIFY_P2SH) !== 0 && isP2sh(prev)) {
      const redeem = lastPush(input.scriptSig);
      if (redeem !== undefined) cost += getSigOpCount(redeem, true) * WITNESS_SCALE_FACTOR;
    }
    cost += witnessSigOps(input.scriptSig, prev, input.witness, flags);
  });
  return cost;
}

/**
 * Core's Consensus::CheckTxInputs with the coins already looked up (undefined = missing or
 * spent): maturity, value ranges, and inputs covering outputs. Returns the fee or a failure.
 */
export function checkTxInputs(
  tx: Transaction,
  coins: (Coin | undefined)[],
  spendHeight: number,
  coinbaseMaturity: number,
): { feeSats: bigint } | TxCheckFailure {
  if (coins.some((c) => c === undefined)) {
    return {
      reason: 'bad-txns-inputs-missingorspent',
      debug: 'CheckTxInputs: inputs missing/spent',
    };
  }
  let valueIn = 0n;
  for (const c of coins as Coin[]) {
    if (c.isCoinbase && spendHeight - c.height < coinbaseMaturity) {
      return {
        reason: 'bad-txns-premature-spend-of-coinbase',
        debug: `tried to spend coinbase at depth ${spendHeight - c.height}`,
      };
    }
    valueIn += c.out.value;
    if (c.out.value < 0n || c.out.value > MAX_MONEY_SATS || valueIn > MAX_MONEY_SATS) {
      return { reason: 'bad-txns-inputvalues-outofrange' };
    }
  }
  let valueOut = 0n;
  for (const o of tx.vout) valueOut += o.value;
  if (valueIn < valueOut) {
    return {
      reason: 'bad-txns-in-belowout',
      debug: `value in (${formatMoney(valueIn)}) < value out (${formatMoney(valueOut)})`,
    };
  }
  const fee = valueIn - valueOut;
  if (fee < 0n || fee > MAX_MONEY_SATS) return { reason: 'bad-txns-fee-outofrange' };
  return { feeSats: fee };
}

/** Core's FormatMoney: at least two decimals, trailing zeros trimmed beyond that. */
export function formatMoney(sats: bigint): string {
  const neg = sats < 0n;
  const a = neg ? -sats : sats;
  let frac = (a % 100_000_000n).toString().padStart(8, '0');
  while (frac.length > 2 && frac.endsWith('0')) frac = frac.slice(0, -1);
  return `${neg ? '-' : ''}${a / 100_000_000n}.${frac}`;
}

/** Core's CScript::IsUnspendable: OP_RETURN first, or larger than MAX_SCRIPT_SIZE. */
export function isUnspendable(script: Uint8Array): boolean {
  return (script.length > 0 && script[0] === 0x6a) || script.length > 10_000;
}
