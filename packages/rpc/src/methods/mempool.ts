/**
 * Mempool RPCs, as Core's rpc/mempool.cpp (sendrawtransaction, testmempoolaccept,
 * getrawmempool, getmempoolentry, getmempoolinfo, getmempoolancestors, getmempooldescendants,
 * savemempool), rpc/fees.cpp (estimatesmartfee) and the prioritisation calls of rpc/mining.cpp.
 * Fields, error codes and texts are Core 30's.
 */
import { parseScriptOps, type Transaction } from '@bitcoind-lite/consensus';
import { CPP_INT64 } from '../registry.js';
import {
  getDust,
  isUnspendableScript,
  rejectionToString,
  type Mempool,
  type MempoolAcceptResult,
  type MempoolEntry,
} from '@bitcoind-lite/mempool';
import { AmountFromValue, COIN_SATS, ValueFromAmount } from '../amount.js';
import {
  RPC_INVALID_ADDRESS_OR_KEY,
  RPC_INVALID_PARAMETER,
  RPC_MISC_ERROR,
  RPC_VERIFY_ALREADY_IN_UTXO_SET,
  RPC_VERIFY_ERROR,
  RPC_VERIFY_REJECTED,
  RpcError,
} from '../protocol.js';
import type { RpcTable } from '../registry.js';
import type { NodeContext } from './node-context.js';
import { parseHashV } from './params.js';
import { decodeHexTxOrThrow } from './rawtransaction-util.js';

/** Core's DEFAULT_MAX_RAW_TX_FEE_RATE: 0.10 BTC/kvB. */
const DEFAULT_MAX_RAW_TX_FEE_RATE_SAT_PER_KVB = COIN_SATS / 10n;
/** Core's DEFAULT_MAX_BURN_AMOUNT. */
const DEFAULT_MAX_BURN_AMOUNT_SATS = 0n;
/** Core's fee estimator's longest horizon (HighestTargetTracked). */
const MAX_CONF_TARGET = 1008;
const MAX_OPCODE = 0xb9;

function requireMempool(ctx: NodeContext): Mempool {
  if (ctx.txMempool === undefined) {
    throw new RpcError(RPC_MISC_ERROR, 'Mempool disabled or instance not found');
  }
  return ctx.txMempool;
}

/** Core's ParseFeeRate: an amount in BTC/kvB, below 1 BTC/kvB. */
function parseMaxFeeRate(value: unknown): bigint {
  if (value === undefined || value === null) return DEFAULT_MAX_RAW_TX_FEE_RATE_SAT_PER_KVB;
  const sats = typeof value === 'bigint' ? value : AmountFromValue(value);
  if (sats >= COIN_SATS) {
    throw new RpcError(
      RPC_INVALID_PARAMETER,
      'Fee rates larger than or equal to 1BTC/kvB are not accepted',
    );
  }
  return sats;
}

/** CFeeRate::GetFee: rounds up, so any non-zero rate gives a non-zero fee. */
function feeAt(rateSatPerKvB: bigint, vsize: number): bigint {
  return (rateSatPerKvB * BigInt(vsize) + 999n) / 1000n;
}

/** Core's CScript::HasValidOps: every opcode parses and is a defined one. */
function hasValidOps(script: Uint8Array): boolean {
  const ops = parseScriptOps(script);
  return ops !== undefined && ops.every((o) => o.opcode <= MAX_OPCODE);
}

/** Core's entryToJSON. */
export function entryToJson(mempool: Mempool, e: MempoolEntry): Record<string, unknown> {
  const i = mempool.entryInfo(e);
  return {
    vsize: i.vsize,
    weight: i.weight,
    time: i.time,
    height: i.height,
    descendantcount: i.descendantcount,
    descendantsize: i.descendantsize,
    ancestorcount: i.ancestorcount,
    ancestorsize: i.ancestorsize,
    wtxid: i.wtxid,
    fees: {
      base: ValueFromAmount(i.fees.base),
      modified: ValueFromAmount(i.fees.modified),
      ancestor: ValueFromAmount(i.fees.ancestor),
      descendant: ValueFromAmount(i.fees.descendant),
    },
    depends: i.depends,
    spentby: i.spentby,
    'bip125-replaceable': i['bip125-replaceable'],
    unbroadcast: i.unbroadcast,
  };
}

function entryOrThrow(mempool: Mempool, txidParam: unknown): MempoolEntry {
  const txid = parseHashV(txidParam, 'parameter 1');
  const e = mempool.pool.getByTxid(txid);
  if (e === undefined) throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, 'Transaction not in mempool');
  return e;
}

/** Core's HandleATMPError: missing inputs is -25, any other rejection -26, as state.ToString(). */
function atmpError(r: MempoolAcceptResult): RpcError {
  const code = r.result === 'missing-inputs' ? RPC_VERIFY_ERROR : RPC_VERIFY_REJECTED;
  return new RpcError(code, rejectionToString(r));
}

/** One testmempoolaccept result object, as Core prints it. */
function testAcceptJson(
  tx: Transaction,
  r: MempoolAcceptResult | undefined,
  maxFeeRate: bigint,
  packageError: string | undefined,
): { json: Record<string, unknown>; exitEarly: boolean } {
  const json: Record<string, unknown> = { txid: tx.txidHex(), wtxid: tx.wtxidHex() };
  if (packageError !== undefined) json['package-error'] = packageError;
  if (r === undefined) return { json, exitEarly: false };
  if (r.valid) {
    const vsize = r.vsize!;
    const maxFee = feeAt(maxFeeRate, vsize);
    if (maxFee !== 0n && r.feeSats! > maxFee) {
      json['allowed'] = false;
      json['reject-reason'] = 'max-fee-exceeded';
      return { json, exitEarly: true };
    }
    json['allowed'] = true;
    json['vsize'] = vsize;
    json['fees'] = {
      base: ValueFromAmount(r.feeSats!),
      'effective-feerate': ValueFromAmount(r.effectiveFeeRateSatPerKvB!),
      'effective-includes': [r.wtxidHex],
    };
    return { json, exitEarly: false };
  }
  json['allowed'] = false;
  if (r.result === 'missing-inputs') {
    json['reject-reason'] = 'missing-inputs';
  } else {
    json['reject-reason'] = r.rejectReason;
    json['reject-details'] = rejectionToString(r);
  }
  return { json, exitEarly: false };
}

export interface MempoolCommandOptions {
  /** What savemempool reports as its filename (the datadir handle's description). */
  mempoolPath: string;
}

export function registerMempoolCommands(
  table: RpcTable,
  ctx: NodeContext,
  opts: MempoolCommandOptions,
): void {
  table.register({
    name: 'sendrawtransaction',
    category: 'rawtransactions',
    params: [
      { name: 'hexstring', type: 'hex', description: 'The hex string of the raw transaction' },
      {
        name: 'maxfeerate',
        type: 'amount',
        optional: true,
        default: null,
        description:
          'Reject transactions whose fee rate is higher than the specified value, expressed in BTC/kvB. Fee rates larger than 1BTC/kvB are rejected. Set to 0 to accept any fee rate.',
      },
      {
        name: 'maxburnamount',
        type: 'amount',
        optional: true,
        default: null,
        description:
          "Reject transactions with provably unspendable outputs (e.g. 'datacarrier' outputs that use the OP_RETURN opcode) greater than the specified value, expressed in BTC.",
      },
    ],
    description:
      "Submit a raw transaction (serialized, hex-encoded) to local node and network.\n\nThe transaction will be sent unconditionally to all peers, so using sendrawtransaction\nfor manual rebroadcast may degrade privacy by leaking the transaction's origin, as\nnodes will normally not rebroadcast non-wallet transactions already in their mempool.",
    handler: async (p) => {
      const mempool = requireMempool(ctx);
      const tx = decodeHexTxOrThrow(
        p['hexstring'],
        'TX decode failed. Make sure the tx has at least one input.',
      );
      const maxBurn =
        (p['maxburnamount'] as bigint | null | undefined) ?? DEFAULT_MAX_BURN_AMOUNT_SATS;
      for (const out of tx.vout) {
        const unspendable = isUnspendableScript(out.scriptPubKey) || !hasValidOps(out.scriptPubKey);
        if (unspendable && out.value > maxBurn) {
          throw new RpcError(
            RPC_VERIFY_ERROR,
            'Unspendable output exceeds maximum configured by user (maxburnamount)',
          );
        }
      }
      const maxFeeRate = parseMaxFeeRate(p['maxfeerate']);
      const maxFee = feeAt(maxFeeRate, tx.vsize());

      // Core's BroadcastTransaction: an output already in the UTXO set means it is confirmed.
      const txid = tx.txid();
      for (let o = 0; o < tx.vout.length; o++) {
        if ((await ctx.chainman.getTxOut?.(txid, o)) !== undefined) {
          throw new RpcError(
            RPC_VERIFY_ALREADY_IN_UTXO_SET,
            'Transaction outputs already in utxo set',
          );
        }
      }
      // Already in the mempool: nothing to submit, but announce it again as Core does.
      const inPool = mempool.pool.getByTxid(txid);
      if (inPool !== undefined) {
        ctx.relayTransaction?.(inPool.tx);
        return tx.txidHex();
      }

      if (maxFee > 0n) {
        const test = await mempool.acceptToMemoryPool(tx, { testAccept: true });
        if (!test.valid) throw atmpError(test);
        if (test.feeSats! > maxFee) {
          throw new RpcError(
            RPC_VERIFY_ERROR,
            'Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)',
          );
        }
      }
      const r = await mempool.acceptToMemoryPool(tx);
      if (!r.valid) throw atmpError(r);
      mempool.pool.unbroadcast.add(tx.txidHex());
      ctx.relayTransaction?.(tx);
      return tx.txidHex();
    },
  });

  table.register({
    name: 'testmempoolaccept',
    category: 'rawtransactions',
    params: [
      {
        name: 'rawtxs',
        type: 'array',
        description: 'An array of hex strings of raw transactions.',
        usage: '["rawtx",...]',
      },
      {
        name: 'maxfeerate',
        type: 'amount',
        optional: true,
        default: null,
        defaultHint: '"0.10"',
        description:
          'Reject transactions whose fee rate is higher than the specified value, expressed in BTC/kvB.\nFee rates larger than 1BTC/kvB are rejected.\nSet to 0 to accept any fee rate.',
      },
    ],
    description:
      'Returns result of mempool acceptance tests indicating if raw transaction(s) (serialized, hex-encoded) would be accepted by mempool.',
    handler: async (p) => {
      const mempool = requireMempool(ctx);
      const raw = p['rawtxs'] as unknown[];
      if (raw.length < 1 || raw.length > 25) {
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          'Array must contain between 1 and 25 transactions.',
        );
      }
      const maxFeeRate = parseMaxFeeRate(p['maxfeerate']);
      const txs = raw.map((h) =>
        decodeHexTxOrThrow(
          h,
          `TX decode failed: ${String(h)} Make sure the tx has at least one input.`,
        ),
      );
      let results: (MempoolAcceptResult | undefined)[];
      let packageError: string | undefined;
      if (txs.length === 1) {
        results = [await mempool.acceptToMemoryPool(txs[0]!, { testAccept: true })];
      } else {
        const pr = await mempool.testAcceptPackage(txs);
        results = pr.results;
        if (pr.packageError === 'transaction failed') {
          // Core stops at the failing transaction: the ones before it are unfinished.
          const failed = results.findIndex((r) => r !== undefined && !r.valid);
          results = results.map((r, i) => (i === failed ? r : undefined));
        } else {
          packageError = pr.packageError;
        }
      }
      let exitEarly = false;
      return txs.map((tx, i) => {
        const { json, exitEarly: stop } = testAcceptJson(
          tx,
          exitEarly ? undefined : results[i],
          maxFeeRate,
          packageError,
        );
        exitEarly ||= stop;
        return json;
      });
    },
  });

  table.register({
    name: 'getrawmempool',
    category: 'blockchain',
    params: [
      {
        name: 'verbose',
        type: 'boolean',
        optional: true,
        default: false,
        description: 'True for a json object, false for array of transaction ids',
      },
      {
        name: 'mempool_sequence',
        type: 'boolean',
        optional: true,
        default: false,
        description:
          'If verbose=false, returns a json object with transaction list and mempool sequence number attached.',
      },
    ],
    description:
      'Returns all transaction ids in memory pool as a json array of string transaction ids.\n\nHint: use getmempoolentry to fetch a specific transaction from the mempool.',
    handler: async (p) => {
      const mempool = requireMempool(ctx);
      await mempool.whenIdle();
      const verbose = p['verbose'] === true;
      const withSequence = p['mempool_sequence'] === true;
      if (verbose && withSequence) {
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          'Verbose results cannot contain mempool sequence values.',
        );
      }
      const entries = mempool.pool.topologicalOrder();
      if (verbose) {
        const out: Record<string, unknown> = {};
        for (const e of entries) out[e.txidHex] = entryToJson(mempool, e);
        return out;
      }
      const txids = entries.map((e) => e.txidHex);
      if (!withSequence) return txids;
      return { txids, mempool_sequence: mempool.sequence() };
    },
  });

  table.register({
    name: 'getmempoolentry',
    category: 'blockchain',
    params: [{ name: 'txid', type: 'hex', description: 'The transaction id (must be in mempool)' }],
    description: 'Returns mempool data for given transaction',
    handler: async (p) => {
      const mempool = requireMempool(ctx);
      await mempool.whenIdle();
      return entryToJson(mempool, entryOrThrow(mempool, p['txid']));
    },
  });

  for (const [name, direction] of [
    ['getmempoolancestors', 'ancestors'],
    ['getmempooldescendants', 'descendants'],
  ] as const) {
    table.register({
      name,
      category: 'blockchain',
      params: [
        { name: 'txid', type: 'hex', description: 'The transaction id (must be in mempool)' },
        {
          name: 'verbose',
          type: 'boolean',
          optional: true,
          default: false,
          description: 'True for a json object, false for array of transaction ids',
        },
      ],
      description: `If txid is in the mempool, returns all in-mempool ${direction}.`,
      handler: async (p) => {
        const mempool = requireMempool(ctx);
        await mempool.whenIdle();
        const e = entryOrThrow(mempool, p['txid']);
        const found = direction === 'ancestors' ? mempool.ancestorsOf(e) : mempool.descendantsOf(e);
        if (p['verbose'] !== true) return found.map((x) => x.txidHex);
        const out: Record<string, unknown> = {};
        for (const x of found) out[x.txidHex] = entryToJson(mempool, x);
        return out;
      },
    });
  }

  table.register({
    name: 'getmempoolinfo',
    category: 'blockchain',
    params: [],
    description: 'Returns details on the active state of the TX memory pool.',
    handler: async () => {
      const mempool = requireMempool(ctx);
      await mempool.whenIdle();
      const i = mempool.info();
      return {
        loaded: i.loaded,
        size: i.size,
        bytes: i.bytes,
        usage: i.usage,
        total_fee: ValueFromAmount(i.totalFeeSats),
        maxmempool: i.maxmempool,
        mempoolminfee: ValueFromAmount(i.mempoolminfeeSatPerKvB),
        minrelaytxfee: ValueFromAmount(i.minrelaytxfeeSatPerKvB),
        incrementalrelayfee: ValueFromAmount(i.incrementalrelayfeeSatPerKvB),
        unbroadcastcount: i.unbroadcastcount,
        fullrbf: i.fullrbf,
        permitbaremultisig: mempool.settings.permitBareMultisig,
        maxdatacarriersize: mempool.settings.maxDatacarrierBytes ?? 0,
      };
    },
  });

  table.register({
    name: 'savemempool',
    category: 'blockchain',
    params: [],
    description: 'Dumps the mempool to disk. It will fail until the previous dump is fully loaded.',
    handler: async () => {
      const mempool = requireMempool(ctx);
      if (!mempool.isLoaded()) throw new RpcError(RPC_MISC_ERROR, 'The mempool was not loaded yet');
      try {
        await mempool.dump();
      } catch {
        throw new RpcError(RPC_MISC_ERROR, 'Unable to dump mempool to disk');
      }
      return { filename: opts.mempoolPath };
    },
  });

  table.register({
    name: 'estimatesmartfee',
    category: 'util',
    params: [
      {
        name: 'conf_target',
        type: 'int',
        description: 'Confirmation target in blocks (1 - 1008)',
      },
      {
        name: 'estimate_mode',
        type: 'string',
        optional: true,
        default: 'economical',
        description: 'The fee estimate mode.',
      },
    ],
    description:
      'Estimates the approximate fee per kilobyte needed for a transaction to begin\nconfirmation within conf_target blocks if possible and return the number of blocks\nfor which the estimate is valid.',
    handler: (p) => {
      const mempool = requireMempool(ctx);
      const target = Number(p['conf_target']);
      if (!Number.isInteger(target) || target < 1 || target > MAX_CONF_TARGET) {
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          `Invalid conf_target, must be between 1 and ${MAX_CONF_TARGET}`,
        );
      }
      const mode = String(p['estimate_mode']).toLowerCase();
      if (!['unset', 'economical', 'conservative'].includes(mode)) {
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          'Invalid estimate_mode parameter, must be one of: "unset", "economical", "conservative"',
        );
      }
      const est = mempool.estimateSmartFee(target);
      if (est === undefined) {
        return { errors: ['Insufficient data or no feerate found'], blocks: 0 };
      }
      return { feerate: ValueFromAmount(est.feeRate.satPerKvB), blocks: est.blocks };
    },
  });

  table.register({
    name: 'prioritisetransaction',
    category: 'mining',
    params: [
      { name: 'txid', type: 'hex', description: 'The transaction id.' },
      {
        name: 'dummy',
        type: 'number',
        optional: true,
        description:
          'API-Compatibility for previous API. Must be zero or null.\nDEPRECATED. For forward compatibility use named arguments and omit this parameter.',
      },
      {
        // Required after the optional dummy, as Core 29/30: positional calls pass all three.
        name: 'fee_delta',
        type: 'int',
        ...CPP_INT64,
        description:
          'The fee value (in satoshis) to add (or subtract, if negative).\nNote, that this value is not a fee rate. It is a value to modify absolute fee of the TX.\nThe fee is not actually paid, only the algorithm for selecting transactions into a block\nconsiders the transaction as it would have paid a higher (or lower) fee.',
      },
    ],
    description: 'Accepts the transaction into mined blocks at a higher (or lower) priority',
    handler: (p) => {
      const mempool = requireMempool(ctx);
      const txid = parseHashV(p['txid'], 'txid');
      const dummy = p['dummy'];
      if (dummy !== undefined && dummy !== null && Number(dummy) !== 0) {
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          'Priority is no longer supported, dummy argument to prioritisetransaction must be 0.',
        );
      }
      if (p['fee_delta'] === undefined || p['fee_delta'] === null) {
        throw new RpcError(RPC_INVALID_PARAMETER, 'Missing required argument fee_delta');
      }
      const delta = Number(p['fee_delta']);
      if (!Number.isSafeInteger(delta)) {
        throw new RpcError(RPC_INVALID_PARAMETER, 'fee_delta must be an integer');
      }
      const e = mempool.pool.getByTxid(txid);
      if (
        mempool.settings.requireStandard &&
        e !== undefined &&
        getDust(e.tx, mempool.settings.dustRelayFee).length > 0
      ) {
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          'Priority is not supported for transactions with dust outputs.',
        );
      }
      mempool.prioritiseTransaction(parseHashDisplay(p['txid']), BigInt(delta));
      return true;
    },
  });

  table.register({
    name: 'getprioritisedtransactions',
    category: 'mining',
    params: [],
    description:
      'Returns a map of all user-created (see prioritisetransaction) fee deltas by txid, and whether the tx is present in mempool.',
    handler: () => {
      const mempool = requireMempool(ctx);
      const out: Record<string, unknown> = {};
      for (const d of mempool.prioritisedTransactions()) {
        out[d.txidHex] = {
          fee_delta: Number(d.deltaSats),
          in_mempool: d.entry !== undefined,
          ...(d.entry !== undefined && { modified_fee: Number(d.entry.modifiedFeeSats) }),
        };
      }
      return out;
    },
  });
}

/** The display-order hex of an already validated hash parameter, lower case. */
function parseHashDisplay(value: unknown): string {
  return String(value).toLowerCase();
}
