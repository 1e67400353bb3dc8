/**
 * Core's spending RPCs (wallet/rpc/spend.cpp, signmessage/signrawtransaction): sendtoaddress,
 * sendmany, signrawtransactionwithwallet. Fees: `fee_rate` (sat/vB), else estimatesmartfee at
 * `conf_target` (default -txconfirmtarget), else -fallbackfee; never below -mintxfee or the
 * relay minimum. CreateTransaction failures are RPC_WALLET_INSUFFICIENT_FUNDS (-6) as in Core.
 */
import {
  decodeAddress,
  fromHex,
  isHex,
  reverseBytes,
  SIGHASH_ALL,
  SIGHASH_ANYONECANPAY,
  SIGHASH_DEFAULT,
  SIGHASH_NONE,
  SIGHASH_SINGLE,
  toHex,
  type TxOut,
} from '@bitcoind-lite/consensus';
import {
  createTransaction,
  CreateTxError,
  signTransaction,
  type Recipient,
  type Wallet,
} from '@bitcoind-lite/wallet';
import { AmountFromValue } from '../amount.js';
import { JsonNumber, isJsonObject } from '../json.js';
import {
  RPC_DESERIALIZATION_ERROR,
  RPC_INVALID_ADDRESS_OR_KEY,
  RPC_INVALID_PARAMETER,
  RPC_TYPE_ERROR,
  RPC_WALLET_INSUFFICIENT_FUNDS,
  RpcError,
} from '../protocol.js';
import type { RpcTable } from '../registry.js';
import { decodeHexTx } from './rawtransaction-util.js';
import { parseHashV } from './params.js';
import { walletForRequest, type WalletRpcContext } from './wallet-context.js';

function recipientScript(w: WalletRpcContext, address: string): Uint8Array {
  const d = decodeAddress(address, w.params);
  if (!d.ok) throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, `Invalid Bitcoin address: ${address}`);
  return d.scriptPubKey;
}

/** A positive send amount, from the call's raw JSON so no precision is lost. */
function sendAmount(raw: unknown): bigint {
  const sats = AmountFromValue(raw);
  if (sats <= 0n) throw new RpcError(RPC_TYPE_ERROR, 'Invalid amount for send');
  return sats;
}

/** fee_rate in sat/vB with up to 3 decimals (Core's AmountFromValue(value, 3)) -> sat/kvB. */
function feeRateArg(raw: unknown): bigint | undefined {
  if (raw === undefined || raw === null) return undefined;
  return AmountFromValue(raw, 3);
}

async function send(
  w: WalletRpcContext,
  wallet: Wallet,
  recipients: Recipient[],
  p: Record<string, unknown>,
  rawFeeRate: unknown,
): Promise<{ txid: string; feeReason: string }> {
  const feeRate = feeRateArg(rawFeeRate);
  const confTarget = p['conf_target'] as number | undefined;
  if (feeRate !== undefined && confTarget !== undefined) {
    throw new RpcError(
      RPC_INVALID_PARAMETER,
      'Cannot specify both conf_target and fee_rate. Please provide either a confirmation target in blocks for automatic fee estimation, or an explicit fee rate.',
    );
  }
  const mode = String(p['estimate_mode'] ?? 'unset').toLowerCase();
  if (!['unset', 'economical', 'conservative'].includes(mode)) {
    throw new RpcError(
      RPC_INVALID_PARAMETER,
      'Invalid estimate_mode parameter, must be one of: "unset", "economical", "conservative"',
    );
  }
  const replaceable = (p['replaceable'] as boolean | undefined) ?? w.walletRbf;
  try {
    const created = await wallet
      .exclusive(async () => undefined)
      .then(() =>
        createTransaction(wallet, recipients, {
          ...(feeRate !== undefined && { feeRateSatPerKvB: feeRate }),
          confTarget: confTarget ?? w.txConfirmTarget,
          fallbackFeeSatPerKvB: w.fallbackFeeSatPerKvB,
          minTxFeeSatPerKvB: w.minTxFeeSatPerKvB,
          maxTxFeeSats: w.maxTxFeeSats,
          replaceable,
          random: w.random,
        }),
      );
    await wallet.commitTransaction(created.tx);
    return {
      txid: created.tx.txidHex(),
      feeReason: feeRate !== undefined ? 'Manual' : 'Fallback fee',
    };
  } catch (e) {
    if (e instanceof CreateTxError) throw new RpcError(RPC_WALLET_INSUFFICIENT_FUNDS, e.message);
    throw e;
  }
}

const FEE_PARAMS = [
  {
    name: 'replaceable',
    type: 'boolean' as const,
    optional: true,
    defaultHint: 'wallet default',
    description: 'Signal that this transaction can be replaced by a transaction (BIP 125)',
  },
  {
    name: 'conf_target',
    type: 'int' as const,
    optional: true,
    defaultHint: 'wallet -txconfirmtarget',
    description: 'Confirmation target in blocks',
  },
  {
    name: 'estimate_mode',
    type: 'string' as const,
    default: 'unset',
    description:
      'The fee estimate mode, must be one of (case insensitive):\n"unset"\n"economical"\n"conservative"',
  },
];

const SIGHASH_NAMES: Record<string, number> = {
  DEFAULT: SIGHASH_DEFAULT,
  ALL: SIGHASH_ALL,
  NONE: SIGHASH_NONE,
  SINGLE: SIGHASH_SINGLE,
  'ALL|ANYONECANPAY': SIGHASH_ALL | SIGHASH_ANYONECANPAY,
  'NONE|ANYONECANPAY': SIGHASH_NONE | SIGHASH_ANYONECANPAY,
  'SINGLE|ANYONECANPAY': SIGHASH_SINGLE | SIGHASH_ANYONECANPAY,
};

export function registerWalletSendCommands(table: RpcTable, w: WalletRpcContext): void {
  table.register({
    name: 'sendtoaddress',
    category: 'wallet',
    params: [
      { name: 'address', type: 'string', description: 'The bitcoin address to send to.' },
      { name: 'amount', type: 'amount', description: 'The amount in BTC to send. eg 0.1' },
      {
        name: 'comment',
        type: 'string',
        optional: true,
        description: 'A comment used to store what the transaction is for.',
      },
      {
        name: 'comment_to',
        type: 'string',
        optional: true,
        description:
          "A comment to store the name of the person or organization to which you're sending the transaction.",
      },
      {
        name: 'subtractfeefromamount',
        type: 'boolean',
        default: false,
        description: 'The fee will be deducted from the amount being sent.',
      },
      ...FEE_PARAMS,
      {
        name: 'avoid_reuse',
        type: 'boolean',
        default: true,
        description:
          '(only available if avoid_reuse wallet flag is set) Avoid spending from dirty addresses',
      },
      {
        name: 'fee_rate',
        type: 'any',
        optional: true,
        helpType: 'numeric or string',
        description: 'Specify a fee rate in sat/vB.',
      },
      {
        name: 'verbose',
        type: 'boolean',
        default: false,
        description: 'If true, return extra information about the transaction.',
      },
    ],
    description: 'Send an amount to a given address.',
    handler: async (p, ctx) => {
      const wallet = await walletForRequest(w, ctx);
      const script = recipientScript(w, String(p['address']));
      const amount = p['amount'] as bigint;
      if (amount <= 0n) throw new RpcError(RPC_TYPE_ERROR, 'Invalid amount for send');
      const r = await send(
        w,
        wallet,
        [
          {
            scriptPubKey: script,
            amountSats: amount,
            subtractFee: p['subtractfeefromamount'] === true,
          },
        ],
        p,
        ctx.rawParams[9],
      );
      return p['verbose'] === true ? { txid: r.txid, fee_reason: r.feeReason } : r.txid;
    },
  });

  table.register({
    name: 'sendmany',
    category: 'wallet',
    params: [
      {
        name: 'dummy',
        type: 'string',
        default: '',
        description: 'Must be set to "" for backwards compatibility.',
      },
      { name: 'amounts', type: 'object', description: 'The addresses and amounts' },
      { name: 'minconf', type: 'int', optional: true, description: 'Ignored dummy value' },
      { name: 'comment', type: 'string', optional: true, description: 'A comment' },
      {
        name: 'subtractfeefrom',
        type: 'array',
        optional: true,
        description: 'The addresses the fee will be equally deducted from.',
      },
      ...FEE_PARAMS,
      {
        name: 'fee_rate',
        type: 'any',
        optional: true,
        helpType: 'numeric or string',
        description: 'Specify a fee rate in sat/vB.',
      },
      {
        name: 'verbose',
        type: 'boolean',
        default: false,
        description: 'If true, return extra infomration about the transaction.',
      },
    ],
    description: 'Send multiple times. Amounts are double-precision floating point numbers.',
    handler: async (p, ctx) => {
      const wallet = await walletForRequest(w, ctx);
      if (p['dummy'] !== '' && p['dummy'] !== undefined) {
        throw new RpcError(RPC_INVALID_PARAMETER, 'Dummy value must be set to ""');
      }
      const raw = ctx.rawParams[1];
      if (!isJsonObject(raw)) throw new RpcError(RPC_TYPE_ERROR, 'amounts must be an object');
      const subtract = new Set(((p['subtractfeefrom'] as unknown[] | undefined) ?? []).map(String));
      const seen = new Set<string>();
      const recipients: Recipient[] = [];
      for (const address of Object.keys(raw)) {
        const script = recipientScript(w, address);
        const key = toHex(script);
        if (seen.has(key)) {
          throw new RpcError(
            RPC_INVALID_PARAMETER,
            `Invalid parameter, duplicated address: ${address}`,
          );
        }
        seen.add(key);
        const value = raw[address];
        recipients.push({
          scriptPubKey: script,
          amountSats: sendAmount(value instanceof JsonNumber ? value : value),
          subtractFee: subtract.has(address),
        });
      }
      const r = await send(w, wallet, recipients, p, ctx.rawParams[8]);
      return p['verbose'] === true ? { txid: r.txid, fee_reason: r.feeReason } : r.txid;
    },
  });

  table.register({
    name: 'signrawtransactionwithwallet',
    category: 'wallet',
    params: [
      { name: 'hexstring', type: 'hex', description: 'The transaction hex string' },
      {
        name: 'prevtxs',
        type: 'array',
        optional: true,
        description: 'The previous dependent transaction outputs',
      },
      {
        name: 'sighashtype',
        type: 'string',
        default: 'DEFAULT',
        description: 'The signature hash type.',
      },
    ],
    description:
      'Sign inputs for raw transaction (serialized, hex-encoded).\nThe second optional argument (may be null) is an array of previous transaction outputs that\nthis transaction depends on but may not yet be in the block chain.',
    handler: async (p, ctx) => {
      const wallet = await walletForRequest(w, ctx);
      const tx = decodeHexTx(String(p['hexstring']));
      if (tx === undefined) {
        throw new RpcError(
          RPC_DESERIALIZATION_ERROR,
          'TX decode failed. Make sure the tx has at least one input.',
        );
      }
      const hashType = SIGHASH_NAMES[String(p['sighashtype'])];
      if (hashType === undefined)
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          `'${String(p['sighashtype'])}' is not a valid sighash parameter.`,
        );
      // Prevouts: the caller's prevtxs first, then the wallet, then the UTXO set and mempool.
      const given = new Map<string, TxOut>();
      for (const prev of (p['prevtxs'] as unknown[] | undefined) ?? []) {
        if (typeof prev !== 'object' || prev === null)
          throw new RpcError(RPC_TYPE_ERROR, 'expected object');
        const o = prev as Record<string, unknown>;
        const txid = parseHashV(o['txid'], 'txid');
        const vout = Number(o['vout']);
        if (!Number.isInteger(vout) || vout < 0)
          throw new RpcError(RPC_INVALID_PARAMETER, 'vout cannot be negative');
        const spk = String(o['scriptPubKey'] ?? '');
        if (!isHex(spk))
          throw new RpcError(
            RPC_INVALID_PARAMETER,
            `scriptPubKey must be hexadecimal string (not '${spk}')`,
          );
        const amount = o['amount'] === undefined ? 0n : AmountFromValue(o['amount']);
        given.set(`${toHex(txid)}:${vout}`, { value: amount, scriptPubKey: fromHex(spk) });
      }
      const spent: (TxOut | undefined)[] = [];
      for (const input of tx.vin) {
        const k = input.prevout.key();
        let out = given.get(k) ?? wallet.prevoutOf(input.prevout);
        out ??= (await wallet.nodeChainTxOut(input.prevout))?.out;
        spent.push(out);
      }
      const r = signTransaction(wallet, tx, spent, hashType);
      const result: Record<string, unknown> = {
        hex: toHex(r.tx.serialize()),
        complete: r.complete,
      };
      if (r.errors.length > 0) {
        result['errors'] = r.errors.map((e) => {
          const input = r.tx.vin[e.index]!;
          return {
            txid: toHex(reverseBytes(input.prevout.txid)),
            vout: input.prevout.vout,
            witness: input.witness.map(toHex),
            scriptSig: toHex(input.scriptSig),
            sequence: input.sequence,
            error: e.error,
          };
        });
      }
      return result;
    },
  });
}
