/**
 * Core's balance and history RPCs (wallet/rpc/coins.cpp, transactions.cpp): getbalance,
 * getbalances, listunspent, listtransactions, gettransaction.
 */
import { decodeAddress, encodeAddress, reverseBytes, toHex } from '@bitcoind-lite/consensus';
import { blocksToMaturity, type Wallet, type WalletTx } from '@bitcoind-lite/wallet';
import { ValueFromAmount } from '../amount.js';
import {
  RPC_INVALID_ADDRESS_OR_KEY,
  RPC_INVALID_PARAMETER,
  RPC_METHOD_DEPRECATED,
  RpcError,
} from '../protocol.js';
import type { RpcTable } from '../registry.js';
import { parseHashV } from './params.js';
import { walletForRequest, type WalletRpcContext } from './wallet-context.js';

/** Core's WalletTxToJSON: the fields every history entry shares. */
function walletTxToJson(wallet: Wallet, wtx: WalletTx): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const depth = wallet.depth(wtx);
  out['confirmations'] = depth;
  if (wtx.tx.isCoinbase()) out['generated'] = true;
  if (depth === 0) out['trusted'] = wallet.isTrusted(wtx);
  const s = wtx.state;
  if (s.kind === 'confirmed') {
    out['blockhash'] = s.blockHash;
    out['blockheight'] = s.height;
    out['blockindex'] = s.index;
    out['blocktime'] = s.blockTimeS;
  }
  out['txid'] = wtx.txid;
  out['wtxid'] = wtx.tx.wtxidHex();
  out['walletconflicts'] = wallet.conflictsOf(wtx);
  out['mempoolconflicts'] = [];
  out['time'] = wtx.timeReceivedS;
  out['timereceived'] = wtx.timeReceivedS;
  // BIP125: signalled by an input's sequence (Core also inherits it from unconfirmed parents).
  out['bip125-replaceable'] =
    depth !== 0 ? 'no' : wtx.tx.vin.some((i) => i.sequence < 0xfffffffe) ? 'yes' : 'no';
  return out;
}

interface Entry {
  address?: string;
  category: string;
  amountSats: bigint;
  vout: number;
  feeSats?: bigint;
}

/** Core's CachedTxGetAmounts + ListTransactions: send entries, then receive entries. */
function txEntries(wallet: Wallet, wtx: WalletTx): Entry[] {
  const entries: Entry[] = [];
  const debit = wallet.debitSats(wtx.tx);
  const fromMe = debit > 0n;
  const valueOut = wtx.tx.vout.reduce((s, o) => s + o.value, 0n);
  const fee = fromMe ? debit - valueOut : 0n;
  const params = wallet.params;
  wtx.tx.vout.forEach((o, n) => {
    const info = wallet.scriptInfo(o.scriptPubKey);
    // Core's OutputIsChange: our own internal-chain output of a transaction we sent.
    if (fromMe && info !== undefined && info.slot.record.internal) return;
    const address = encodeAddress(o.scriptPubKey, params);
    if (fromMe) {
      entries.push({
        ...(address !== undefined && { address }),
        category: 'send',
        amountSats: -o.value,
        vout: n,
        feeSats: -fee,
      });
    }
  });
  const depth = wallet.depth(wtx);
  wtx.tx.vout.forEach((o, n) => {
    const info = wallet.scriptInfo(o.scriptPubKey);
    if (info === undefined) return;
    if (fromMe && info.slot.record.internal) return;
    let category = 'receive';
    if (wtx.tx.isCoinbase()) {
      if (depth < 1) category = 'orphan';
      else if (blocksToMaturity(wtx, wallet.tipHeight()) > 0) category = 'immature';
      else category = 'generate';
    }
    const address = encodeAddress(o.scriptPubKey, params);
    entries.push({
      ...(address !== undefined && { address }),
      category,
      amountSats: o.value,
      vout: n,
    });
  });
  return entries;
}

function entryJson(
  e: Entry,
  wallet: Wallet,
  wtx: WalletTx,
  withTx: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (e.address !== undefined) out['address'] = e.address;
  out['category'] = e.category;
  out['amount'] = ValueFromAmount(e.amountSats);
  if (e.category !== 'send' && e.address !== undefined) out['label'] = '';
  out['vout'] = e.vout;
  if (e.feeSats !== undefined) out['fee'] = ValueFromAmount(e.feeSats);
  if (withTx) Object.assign(out, walletTxToJson(wallet, wtx));
  if (e.category === 'send') out['abandoned'] = wtx.state.kind === 'abandoned';
  return out;
}

export function registerWalletBalanceCommands(table: RpcTable, w: WalletRpcContext): void {
  table.register({
    name: 'getbalance',
    category: 'wallet',
    params: [
      {
        name: 'dummy',
        type: 'string',
        optional: true,
        description: 'Remains for backward compatibility. Must be excluded or set to "*".',
      },
      {
        name: 'minconf',
        type: 'int',
        default: 0,
        description: 'Only include transactions confirmed at least this many times.',
      },
      { name: 'include_watchonly', type: 'boolean', default: true, description: 'No longer used' },
      {
        name: 'avoid_reuse',
        type: 'boolean',
        default: true,
        description:
          '(only available if avoid_reuse wallet flag is set) Do not include balance in dirty outputs; addresses are considered dirty if they have previously been used in a transaction.',
      },
    ],
    description:
      'Returns the total available balance.\nThe available balance is what the wallet considers currently spendable, and is\nthus affected by options which limit spendability such as -spendzeroconfchange.',
    handler: async (p, ctx) => {
      const wallet = await walletForRequest(w, ctx);
      if (p['dummy'] !== undefined && p['dummy'] !== '*') {
        throw new RpcError(
          RPC_METHOD_DEPRECATED,
          'dummy first argument must be excluded or set to "*".',
        );
      }
      return ValueFromAmount(wallet.getBalances(p['minconf'] as number).trustedSats);
    },
  });

  table.register({
    name: 'getbalances',
    category: 'wallet',
    params: [],
    description: 'Returns an object with all balances in BTC.',
    handler: async (_p, ctx) => {
      const wallet = await walletForRequest(w, ctx);
      const b = wallet.getBalances();
      const best = wallet.lastProcessedBlock();
      return {
        mine: {
          trusted: ValueFromAmount(b.trustedSats),
          untrusted_pending: ValueFromAmount(b.untrustedPendingSats),
          immature: ValueFromAmount(b.immatureSats),
        },
        ...(best && { lastprocessedblock: { hash: best.hash, height: best.height } }),
      };
    },
  });

  table.register({
    name: 'listunspent',
    category: 'wallet',
    params: [
      {
        name: 'minconf',
        type: 'int',
        default: 1,
        description: 'The minimum confirmations to filter',
      },
      {
        name: 'maxconf',
        type: 'int',
        default: 9999999,
        description: 'The maximum confirmations to filter',
      },
      {
        name: 'addresses',
        type: 'array',
        default: [],
        description: 'The bitcoin addresses to filter',
      },
      {
        name: 'include_unsafe',
        type: 'boolean',
        default: true,
        description: 'Include outputs that are not safe to spend',
      },
      {
        name: 'query_options',
        type: 'object',
        optional: true,
        description: 'JSON with query options',
      },
    ],
    description:
      'Returns array of unspent transaction outputs\nwith between minconf and maxconf (inclusive) confirmations.\nOptionally filter to only include txouts paid to specified addresses.',
    handler: async (p, ctx) => {
      const wallet = await walletForRequest(w, ctx);
      const filter = new Set<string>();
      for (const a of p['addresses'] as unknown[]) {
        const d = decodeAddress(String(a), w.params);
        if (!d.ok)
          throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, `Invalid Bitcoin address: ${String(a)}`);
        const key = toHex(d.scriptPubKey);
        if (filter.has(key)) {
          throw new RpcError(
            RPC_INVALID_PARAMETER,
            `Invalid parameter, duplicated address: ${String(a)}`,
          );
        }
        filter.add(key);
      }
      const coins = wallet.availableCoins({
        minDepth: p['minconf'] as number,
        maxDepth: p['maxconf'] as number,
        includeUnsafe: p['include_unsafe'] as boolean,
      });
      return coins
        .filter((c) => filter.size === 0 || filter.has(toHex(c.out.scriptPubKey)))
        .map((c) => {
          const address = encodeAddress(c.out.scriptPubKey, w.params);
          return {
            txid: c.wtx.txid,
            vout: c.vout,
            ...(address !== undefined && { address }),
            ...(address !== undefined && !c.script.slot.record.internal && { label: '' }),
            scriptPubKey: toHex(c.out.scriptPubKey),
            amount: ValueFromAmount(c.out.value),
            confirmations: c.depth,
            spendable: true,
            solvable: true,
            desc: c.script.slot.desc.inferredString(c.script.key),
            parent_descs: [c.script.slot.desc.toPublicString()],
            safe: c.safe,
          };
        });
    },
  });

  table.register({
    name: 'listtransactions',
    category: 'wallet',
    params: [
      {
        name: 'label|dummy',
        type: 'string',
        optional: true,
        description:
          'If set, should be a valid label name to return only incoming transactions\nwith the specified label, or "*" to disable filtering and return all transactions.',
      },
      {
        name: 'count',
        type: 'int',
        default: 10,
        description: 'The number of transactions to return',
      },
      { name: 'skip', type: 'int', default: 0, description: 'The number of transactions to skip' },
      {
        name: 'include_watchonly',
        type: 'boolean',
        default: true,
        description: 'Include transactions to watch-only addresses',
      },
    ],
    description:
      "If a label name is provided, this will return only incoming transactions paying to addresses with the specified label.\n\nReturns up to 'count' most recent transactions skipping the first 'from' transactions.",
    handler: async (p, ctx) => {
      const wallet = await walletForRequest(w, ctx);
      const count = p['count'] as number;
      const skip = p['skip'] as number;
      if (count < 0) throw new RpcError(RPC_INVALID_PARAMETER, 'Negative count');
      if (skip < 0) throw new RpcError(RPC_INVALID_PARAMETER, 'Negative from');
      const label = p['label'] as string | undefined;
      // Newest first, as Core walks wtxOrdered backwards, then the page is reversed.
      const ordered = [...wallet.txs.values()].sort((a, b) => b.orderPos - a.orderPos);
      const page: Record<string, unknown>[] = [];
      for (const wtx of ordered) {
        const entries = txEntries(wallet, wtx)
          .filter(
            (e) => label === undefined || label === '*' || (e.category !== 'send' && label === ''),
          )
          .map((e) => entryJson(e, wallet, wtx, true));
        // Core pushes a transaction's entries in order, then reverses the whole list.
        for (const e of entries.reverse()) page.push(e);
        if (page.length >= count + skip) break;
      }
      return page.slice(skip, skip + count).reverse();
    },
  });

  table.register({
    name: 'gettransaction',
    category: 'wallet',
    params: [
      { name: 'txid', type: 'string', description: 'The transaction id' },
      {
        name: 'include_watchonly',
        type: 'boolean',
        default: true,
        description: 'Whether to include watch-only addresses in balance calculation and details[]',
      },
      {
        name: 'verbose',
        type: 'boolean',
        default: false,
        description:
          'Whether to include a `decoded` field containing the decoded transaction (equivalent to RPC decoderawtransaction)',
      },
    ],
    description: 'Get detailed information about in-wallet transaction <txid>',
    handler: async (p, ctx) => {
      const wallet = await walletForRequest(w, ctx);
      const txid = toHex(reverseBytes(parseHashV(p['txid'], 'txid')));
      const wtx = wallet.txs.get(txid);
      if (wtx === undefined) {
        throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, 'Invalid or non-wallet transaction id');
      }
      // Core's CachedTxGetCredit values an immature coinbase at zero.
      const immature = blocksToMaturity(wtx, wallet.tipHeight()) > 0;
      const credit = immature ? 0n : wallet.creditSats(wtx.tx);
      const debit = wallet.debitSats(wtx.tx);
      const valueOut = wtx.tx.vout.reduce((s, o) => s + o.value, 0n);
      const fee = debit > 0n ? valueOut - debit : 0n;
      const out: Record<string, unknown> = {
        amount: ValueFromAmount(credit - debit - fee),
        ...(debit > 0n && { fee: ValueFromAmount(fee) }),
        ...walletTxToJson(wallet, wtx),
        details: txEntries(wallet, wtx).map((e) => entryJson(e, wallet, wtx, false)),
        hex: toHex(wtx.tx.serialize()),
      };
      return out;
    },
  });
}
