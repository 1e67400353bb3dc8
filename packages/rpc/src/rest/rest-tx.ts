/**
 * Core's rest_tx: /rest/tx/<txid>.<bin|hex|json>, from the mempool, else (with `-txindex`) the
 * block the index names, as Core's GetTransaction without a block. JSON is TxToUniv with the
 * block hash when confirmed, then the hex, as Core writes it.
 */
import { bytesEqual, toHex, type Transaction } from '@bitcoind-lite/consensus';
import { txToJson } from '../format/tx-to-json.js';
import { writeJson } from '../json.js';
import type { HttpHandlerResponse } from '../http-handler.js';
import type { NodeContext } from '../methods/node-context.js';
import { HTTP_BAD_REQUEST, HTTP_NOT_FOUND } from '../protocol.js';
import {
  binReply,
  formatNotFound,
  hashFromHex,
  hexReply,
  jsonReply,
  parseDataFormat,
  restError,
} from './rest-response.js';

export async function restTx(ctx: NodeContext, uriPart: string): Promise<HttpHandlerResponse> {
  const { param: hashStr, format } = parseDataFormat(uriPart);
  const txid = hashFromHex(hashStr);
  if (txid === undefined) return restError(HTTP_BAD_REQUEST, `Invalid hash: ${hashStr}`);

  const found = await getTransaction(ctx, txid);
  if (found === undefined) return restError(HTTP_NOT_FOUND, `${hashStr} not found`);
  const { tx, blockHashHex } = found;

  switch (format) {
    case 'bin':
      return binReply(tx.serialize());
    case 'hex':
      return hexReply(tx.serialize());
    case 'json': {
      const json = txToJson(tx, { params: ctx.params });
      if (blockHashHex !== undefined) json['blockhash'] = blockHashHex;
      json['hex'] = toHex(tx.serialize());
      return jsonReply(writeJson(json));
    }
    default:
      return formatNotFound();
  }
}

/** Core's GetTransaction with no block given: the mempool, then the txindex. */
async function getTransaction(
  ctx: NodeContext,
  txid: Uint8Array,
): Promise<{ tx: Transaction; blockHashHex: string | undefined } | undefined> {
  // The genesis coinbase is in no index (its output is not in the UTXO set either).
  const genesis = ctx.chainman.activeChain.at(0);
  if (genesis !== undefined && bytesEqual(txid, genesis.header.merkleRoot)) return undefined;

  await ctx.txMempool?.whenIdle();
  const inMempool = ctx.txMempool?.lookup(txid)?.tx ?? ctx.mempool?.lookup?.(txid)?.tx;
  if (inMempool !== undefined) return { tx: inMempool, blockHashHex: undefined };

  if (ctx.txIndex === undefined) return undefined;
  const blockHash = await ctx.txIndex.findBlock(txid);
  const idx = blockHash === undefined ? undefined : ctx.chainman.lookup(blockHash);
  if (idx === undefined) return undefined;
  const block = await ctx.chainman.readBlock(idx);
  const tx = block.txs.find((t) => bytesEqual(t.txid(), txid));
  return tx === undefined ? undefined : { tx, blockHashHex: idx.hashHex };
}
