/**
 * getblockstats (Core's rpc/blockchain.cpp): per-block fee, size, weight and UTXO figures from
 * the block and its undo data. Amounts are integers in satoshis, feerates in sat/vB, as Core
 * prints them; the coinbase is left out of fees, sizes, inputs and total_out.
 */
import { type Block, type ChainParams, getBlockSubsidy } from '@bitcoind-lite/consensus';
import type { RpcBlockIndex, RpcSpentCoin } from './node-context.js';

/** Core's PER_UTXO_OVERHEAD: sizeof(COutPoint) + sizeof(uint32_t) + sizeof(bool). */
const PER_UTXO_OVERHEAD = 36 + 4 + 1;
const WITNESS_SCALE_FACTOR = 4n;

function compactSizeLen(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffffffff ? 5 : 9;
}

/** GetSerializeSize(CTxOut) + PER_UTXO_OVERHEAD. */
function utxoSize(scriptPubKey: Uint8Array): number {
  return 8 + compactSizeLen(scriptPubKey.length) + scriptPubKey.length + PER_UTXO_OVERHEAD;
}

/** Core's CScript::IsUnspendable. */
function isUnspendable(s: Uint8Array): boolean {
  return (s.length > 0 && s[0] === 0x6a) || s.length > 10_000;
}

/** Core's CalculateTruncatedMedian. */
function truncatedMedian(values: bigint[]): bigint {
  if (values.length === 0) return 0n;
  const v = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const n = v.length;
  return n % 2 === 0 ? (v[n / 2 - 1]! + v[n / 2]!) / 2n : v[(n - 1) / 2]!;
}

/** Core's CalculatePercentilesByWeight: the 10/25/50/75/90th feerates by weight. */
function percentilesByWeight(scores: [bigint, number][], totalWeight: number): bigint[] {
  const result = [0n, 0n, 0n, 0n, 0n];
  if (scores.length === 0) return result;
  scores.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
  const marks = [
    totalWeight / 10,
    totalWeight / 4,
    totalWeight / 2,
    (totalWeight * 3) / 4,
    (totalWeight * 9) / 10,
  ];
  let next = 0;
  let cumulative = 0;
  for (const [rate, weight] of scores) {
    cumulative += weight;
    while (next < 5 && cumulative >= marks[next]!) result[next++] = rate;
  }
  for (let i = next; i < 5; i++) result[i] = scores[scores.length - 1]![0];
  return result;
}

/** Every statistic, in Core's order; `spent[i]` is what transaction i+1 spent. */
export function computeBlockStats(
  block: Block,
  idx: RpcBlockIndex,
  spent: RpcSpentCoin[][] | undefined,
  params: ChainParams,
  bip30Repeat: boolean,
): Record<string, unknown> {
  const MAX_MONEY = 21_000_000n * 100_000_000n;
  let inputs = 0;
  let outputs = 0;
  let utxos = 0;
  let totalSize = 0;
  let totalWeight = 0;
  let swtxs = 0;
  let swtotalSize = 0;
  let swtotalWeight = 0;
  let totalOut = 0n;
  let totalFee = 0n;
  let maxFee = 0n;
  let minFee = MAX_MONEY;
  let maxFeeRate = 0n;
  let minFeeRate = MAX_MONEY;
  let maxTxSize = 0;
  let minTxSize = 4_000_000;
  let utxoSizeInc = 0;
  let utxoSizeIncActual = 0;
  const fees: bigint[] = [];
  const sizes: bigint[] = [];
  const feeRates: [bigint, number][] = [];

  block.txs.forEach((tx, i) => {
    outputs += tx.vout.length;
    let txOut = 0n;
    for (const o of tx.vout) {
      txOut += o.value;
      const size = utxoSize(o.scriptPubKey);
      utxoSizeInc += size;
      // Genesis and the two repeated BIP30 coinbases never entered the UTXO set.
      if (idx.height === 0 || (bip30Repeat && tx.isCoinbase())) continue;
      if (isUnspendable(o.scriptPubKey)) continue;
      utxos++;
      utxoSizeIncActual += size;
    }
    if (tx.isCoinbase()) return;
    inputs += tx.vin.length;
    totalOut += txOut;
    const size = tx.totalSize();
    sizes.push(BigInt(size));
    maxTxSize = Math.max(maxTxSize, size);
    minTxSize = Math.min(minTxSize, size);
    totalSize += size;
    const weight = tx.weight();
    totalWeight += weight;
    if (tx.hasWitness()) {
      swtxs++;
      swtotalSize += size;
      swtotalWeight += weight;
    }
    let txIn = 0n;
    for (const c of spent?.[i - 1] ?? []) {
      txIn += c.value;
      const s = utxoSize(c.scriptPubKey);
      utxoSizeInc -= s;
      utxoSizeIncActual -= s;
    }
    const fee = txIn - txOut;
    fees.push(fee);
    maxFee = fee > maxFee ? fee : maxFee;
    minFee = fee < minFee ? fee : minFee;
    totalFee += fee;
    const rate = weight > 0 ? (fee * WITNESS_SCALE_FACTOR) / BigInt(weight) : 0n;
    feeRates.push([rate, weight]);
    maxFeeRate = rate > maxFeeRate ? rate : maxFeeRate;
    minFeeRate = rate < minFeeRate ? rate : minFeeRate;
  });

  const nonCoinbase = block.txs.length - 1;
  const num = (b: bigint): number => Number(b);
  return {
    avgfee: nonCoinbase > 0 ? num(totalFee / BigInt(nonCoinbase)) : 0,
    avgfeerate: totalWeight > 0 ? num((totalFee * WITNESS_SCALE_FACTOR) / BigInt(totalWeight)) : 0,
    avgtxsize: nonCoinbase > 0 ? Math.trunc(totalSize / nonCoinbase) : 0,
    blockhash: idx.hashHex,
    feerate_percentiles: percentilesByWeight(feeRates, totalWeight).map(num),
    height: idx.height,
    ins: inputs,
    maxfee: num(maxFee),
    maxfeerate: num(maxFeeRate),
    maxtxsize: maxTxSize,
    medianfee: num(truncatedMedian(fees)),
    mediantime: idx.medianTimePast(),
    mediantxsize: num(truncatedMedian(sizes)),
    minfee: minFee === MAX_MONEY ? 0 : num(minFee),
    minfeerate: minFeeRate === MAX_MONEY ? 0 : num(minFeeRate),
    mintxsize: minTxSize === 4_000_000 ? 0 : minTxSize,
    outs: outputs,
    subsidy: num(getBlockSubsidy(idx.height, params)),
    swtotal_size: swtotalSize,
    swtotal_weight: swtotalWeight,
    swtxs,
    time: idx.time,
    total_out: num(totalOut),
    total_size: totalSize,
    total_weight: totalWeight,
    totalfee: num(totalFee),
    txs: block.txs.length,
    utxo_increase: outputs - inputs,
    utxo_size_inc: utxoSizeInc,
    utxo_increase_actual: utxos - inputs,
    utxo_size_inc_actual: utxoSizeIncActual,
  };
}
