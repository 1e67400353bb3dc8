/**
 * The block endpoints of Core's rest.cpp: /rest/block/<hash>, /rest/block/notxdetails/<hash>,
 * /rest/headers/<hash>?count=N (and the deprecated /rest/headers/<count>/<hash>), and
 * /rest/blockhashbyheight/<height>. Hashes are Core's uint256::FromHex (64 hex digits); JSON
 * bodies are the same objects getblock (verbosity 3, or 1 for notxdetails) and getblockheader
 * print.
 */
import { BufferWriter } from '@bitcoind-lite/consensus';
import { HTTP_BAD_REQUEST, HTTP_NOT_FOUND, HTTP_OK } from '../protocol.js';
import { writeJson } from '../json.js';
import { blockToJson, headerToJson } from '../methods/block-json.js';
import type { HttpHandlerResponse } from '../http-handler.js';
import type { NodeContext, RpcBlockIndex } from '../methods/node-context.js';
import {
  binReply,
  formatNotFound,
  hashFromHex,
  hexReply,
  jsonReply,
  parseDataFormat,
  queryParameterOr,
  restError,
  sanitizeUriText,
  toIntegral,
} from './rest-response.js';

/** Core's MAX_REST_HEADERS_RESULTS. */
export const MAX_REST_HEADERS_RESULTS = 2000;
/** Core's BLOCK_HAVE_DATA status bit. */
const BLOCK_HAVE_DATA = 8;
/** Core's TxVerbosity::SHOW_DETAILS_AND_PREVOUT and SHOW_TXID as getblock verbosities. */
const VERBOSITY_DETAILS_AND_PREVOUT = 3;
const VERBOSITY_TXID = 1;

/** Core's rest_block; `txDetails` false is /notxdetails/ (txids only in JSON). */
export async function restBlock(
  ctx: NodeContext,
  uriPart: string,
  txDetails: boolean,
): Promise<HttpHandlerResponse> {
  const { param: hashStr, format } = parseDataFormat(uriPart);
  const hash = hashFromHex(hashStr);
  if (hash === undefined) return restError(HTTP_BAD_REQUEST, `Invalid hash: ${hashStr}`);
  const idx = ctx.chainman.lookup(hash);
  if (idx === undefined) return restError(HTTP_NOT_FOUND, `${hashStr} not found`);
  if ((idx.status & BLOCK_HAVE_DATA) === 0) {
    return restError(HTTP_NOT_FOUND, `${hashStr} not available (not fully downloaded)`);
  }

  switch (format) {
    case 'bin':
      return binReply(await ctx.chainman.readRawBlock(idx));
    case 'hex':
      return hexReply(await ctx.chainman.readRawBlock(idx));
    case 'json': {
      const block = await ctx.chainman.readBlock(idx);
      const verbosity = txDetails ? VERBOSITY_DETAILS_AND_PREVOUT : VERBOSITY_TXID;
      const spent =
        txDetails && ctx.chainman.readBlockSpentOutputs !== undefined
          ? await ctx.chainman.readBlockSpentOutputs(idx)
          : undefined;
      return jsonReply(writeJson(blockToJson(ctx, block, idx, verbosity, spent)));
    }
    default:
      return formatNotFound();
  }
}

/** Core's rest_headers: up to `count` headers of the active chain from the given block on. */
export function restHeaders(ctx: NodeContext, uriPart: string): HttpHandlerResponse {
  const { param, format } = parseDataFormat(uriPart);
  const path = param.split('/');
  let rawCount: string;
  let hashStr: string;
  if (path.length === 2) {
    // The form deprecated since Core 24: /rest/headers/<count>/<hash>.
    rawCount = path[0]!;
    hashStr = path[1]!;
  } else if (path.length === 1) {
    hashStr = path[0]!;
    const count = queryParameterOr(uriPart, 'count', '5');
    if ('error' in count) return count.error;
    rawCount = count.value;
  } else {
    return restError(
      HTTP_BAD_REQUEST,
      'Invalid URI format. Expected /rest/headers/<hash>.<ext>?count=<count>',
    );
  }

  const count = toIntegral(rawCount, 0, Number.MAX_SAFE_INTEGER);
  if (count === undefined || count < 1 || count > MAX_REST_HEADERS_RESULTS) {
    return restError(
      HTTP_BAD_REQUEST,
      `Header count is invalid or out of acceptable range (1-${MAX_REST_HEADERS_RESULTS}): ${rawCount}`,
    );
  }
  const hash = hashFromHex(hashStr);
  if (hash === undefined) return restError(HTTP_BAD_REQUEST, `Invalid hash: ${hashStr}`);

  // A block off the active chain (or unknown) gives an empty list, as in Core.
  const chain = ctx.chainman.activeChain;
  const headers: RpcBlockIndex[] = [];
  let idx = ctx.chainman.lookup(hash);
  while (idx !== undefined && chain.contains(idx)) {
    headers.push(idx);
    if (headers.length === count) break;
    idx = chain.next(idx);
  }

  switch (format) {
    case 'bin':
      return binReply(serializeHeaders(headers));
    case 'hex':
      return hexReply(serializeHeaders(headers));
    case 'json':
      return jsonReply(writeJson(headers.map((h) => headerToJson(ctx, h))));
    default:
      return formatNotFound();
  }
}

function serializeHeaders(headers: readonly RpcBlockIndex[]): Uint8Array {
  const w = new BufferWriter(80 * headers.length);
  for (const h of headers) w.bytes(h.header.serialize());
  return w.toBytes();
}

/** Core's rest_blockhash_by_height. */
export function restBlockHashByHeight(ctx: NodeContext, uriPart: string): HttpHandlerResponse {
  const { param: heightStr, format } = parseDataFormat(uriPart);
  const height = toIntegral(heightStr, -(2 ** 31), 2 ** 31 - 1);
  if (height === undefined || height < 0) {
    return restError(HTTP_BAD_REQUEST, `Invalid height: ${sanitizeUriText(heightStr)}`);
  }
  const chain = ctx.chainman.activeChain;
  if (height > chain.height()) return restError(HTTP_NOT_FOUND, 'Block height out of range');
  const idx = chain.at(height)!;

  switch (format) {
    case 'bin':
      return binReply(idx.hash);
    case 'hex':
      return { status: HTTP_OK, contentType: 'text/plain', body: `${idx.hashHex}\n` };
    case 'json':
      return jsonReply(writeJson({ blockhash: idx.hashHex }));
    default:
      return formatNotFound();
  }
}
