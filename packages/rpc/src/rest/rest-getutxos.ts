/**
 * Core's rest_getutxos (BIP64): /rest/getutxos[/checkmempool]/<txid>-<n>/...<.bin|.hex|.json>,
 * or for bin/hex the outpoints in the body (a bool, then a vector of outpoints). Up to
 * MAX_GETUTXOS_OUTPOINTS; the answer is the active height and tip, a bitmap of which outpoints
 * are unspent, and those coins. With checkmempool the view is Core's CCoinsViewMemPool:
 * outputs of mempool transactions count (at MEMPOOL_HEIGHT) and an outpoint a mempool
 * transaction spends does not.
 */
import { BufferReader, BufferWriter, DecodeError, fromHex, isHex } from '@bitcoind-lite/consensus';
import { ValueFromAmount } from '../amount.js';
import { scriptPubKeyToJson } from '../format/script-pubkey.js';
import { writeJson } from '../json.js';
import type { HttpHandlerResponse } from '../http-handler.js';
import type { NodeContext, RpcCoin } from '../methods/node-context.js';
import { HTTP_BAD_REQUEST, HTTP_INTERNAL_SERVER_ERROR, HTTP_NOT_FOUND } from '../protocol.js';
import {
  binReply,
  formatNotFound,
  hashFromHex,
  hexReply,
  jsonReply,
  parseDataFormat,
  restError,
  toIntegral,
} from './rest-response.js';

/** Core's MAX_GETUTXOS_OUTPOINTS. */
export const MAX_GETUTXOS_OUTPOINTS = 15;
/** Core's MEMPOOL_HEIGHT: the height a coin created by a mempool transaction reports. */
export const MEMPOOL_HEIGHT = 0x7fffffff;

interface QueryOutPoint {
  txid: Uint8Array;
  vout: number;
}

export async function restGetUtxos(
  ctx: NodeContext,
  uriPart: string,
  body: Uint8Array,
): Promise<HttpHandlerResponse> {
  const { param, format } = parseDataFormat(uriPart);
  const uriParts = param.length > 1 ? param.slice(1).split('/') : [];
  if (body.length === 0 && uriParts.length === 0) {
    return restError(HTTP_BAD_REQUEST, 'Error: empty request');
  }

  let checkMempool = false;
  let inputParsed = false;
  let outpoints: QueryOutPoint[] = [];
  if (uriParts.length > 0) {
    checkMempool = uriParts[0] === 'checkmempool';
    for (const part of uriParts.slice(checkMempool ? 1 : 0)) {
      const fields = part.split('-');
      if (fields.length !== 2) return restError(HTTP_BAD_REQUEST, 'Parse error');
      const txid = hashFromHex(fields[0]!);
      const vout = toIntegral(fields[1]!, 0, 0xffffffff);
      if (txid === undefined || vout === undefined) {
        return restError(HTTP_BAD_REQUEST, 'Parse error');
      }
      outpoints.push({ txid, vout });
    }
    if (outpoints.length === 0) return restError(HTTP_BAD_REQUEST, 'Error: empty request');
    inputParsed = true;
  }

  switch (format) {
    case 'hex':
    case 'bin': {
      // hex input is the binary request hex-encoded; Core's ParseHex yields nothing for bad hex.
      const text = Buffer.from(body).toString('latin1');
      const raw =
        format === 'hex' ? (isHex(text.trim()) ? fromHex(text.trim()) : new Uint8Array()) : body;
      if (raw.length > 0) {
        if (inputParsed) {
          return restError(
            HTTP_BAD_REQUEST,
            'Combination of URI scheme inputs and raw post data is not allowed',
          );
        }
        try {
          ({ checkMempool, outpoints } = readRequest(raw));
        } catch (e) {
          if (e instanceof DecodeError) return restError(HTTP_BAD_REQUEST, 'Parse error');
          throw e;
        }
      }
      break;
    }
    case 'json':
      if (!inputParsed) return restError(HTTP_BAD_REQUEST, 'Error: empty request');
      break;
    default:
      return formatNotFound();
  }

  if (outpoints.length > MAX_GETUTXOS_OUTPOINTS) {
    return restError(
      HTTP_BAD_REQUEST,
      `Error: max outpoints exceeded (max: ${MAX_GETUTXOS_OUTPOINTS}, tried: ${outpoints.length})`,
    );
  }
  if (checkMempool && ctx.mempool === undefined) {
    return restError(HTTP_NOT_FOUND, 'Mempool disabled or instance not found');
  }
  const getTxOut = ctx.chainman.getTxOut?.bind(ctx.chainman);
  if (getTxOut === undefined) {
    return restError(HTTP_INTERNAL_SERVER_ERROR, 'Chainstate has no coins view');
  }

  if (checkMempool) await ctx.txMempool?.whenIdle();
  const hits: boolean[] = [];
  const coins: RpcCoin[] = [];
  for (const op of outpoints) {
    const coin = checkMempool
      ? await mempoolViewCoin(ctx, op, getTxOut)
      : await getTxOut(op.txid, op.vout);
    hits.push(coin !== undefined);
    if (coin !== undefined) coins.push(coin);
  }
  const tip = ctx.chainman.activeChain.tip();

  if (format === 'json') {
    return jsonReply(
      writeJson({
        chainHeight: tip.height,
        chaintipHash: tip.hashHex,
        bitmap: hits.map((h) => (h ? '1' : '0')).join(''),
        utxos: coins.map((c) => ({
          height: c.height,
          value: ValueFromAmount(c.out.value),
          scriptPubKey: scriptPubKeyToJson(c.out.scriptPubKey, ctx.params),
        })),
      }),
    );
  }
  // BIP64's response: int32 height, uint256 tip, bitmap as a byte vector, then the coins, each
  // as Core's CCoin (a zero uint32 where a tx version once was, uint32 height, CTxOut).
  const bitmap = new Uint8Array(Math.ceil(hits.length / 8));
  hits.forEach((hit, i) => {
    if (hit) bitmap[i >> 3]! |= 1 << (i & 7);
  });
  const w = new BufferWriter();
  w.i32(tip.height).bytes(tip.hash).varBytes(bitmap).compactSize(coins.length);
  for (const c of coins) w.u32(0).u32(c.height).i64(c.out.value).varBytes(c.out.scriptPubKey);
  return format === 'bin' ? binReply(w.toBytes()) : hexReply(w.toBytes());
}

/** The binary request body: Core's `bool fCheckMemPool` then `std::vector<COutPoint>`. */
function readRequest(raw: Uint8Array): { checkMempool: boolean; outpoints: QueryOutPoint[] } {
  const r = new BufferReader(raw);
  const checkMempool = r.u8() !== 0;
  const n = r.compactSize();
  const outpoints: QueryOutPoint[] = [];
  for (let i = 0; i < n; i++) outpoints.push({ txid: r.hash(), vout: r.u32() });
  return { checkMempool, outpoints };
}

/** Core's CCoinsViewMemPool::GetCoin behind the mempool's isSpent check. */
async function mempoolViewCoin(
  ctx: NodeContext,
  op: QueryOutPoint,
  getTxOut: (txid: Uint8Array, vout: number) => Promise<RpcCoin | undefined>,
): Promise<RpcCoin | undefined> {
  if (ctx.mempool?.isSpent?.(op.txid, op.vout) === true) return undefined;
  const entry = ctx.mempool?.lookup?.(op.txid);
  if (entry !== undefined) {
    const out = entry.tx.vout[op.vout];
    return out === undefined ? undefined : { out, height: MEMPOOL_HEIGHT, isCoinbase: false };
  }
  return getTxOut(op.txid, op.vout);
}
