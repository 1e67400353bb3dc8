/**
 * The JSON-only endpoints of Core's rest.cpp, which answer with the RPC's own result:
 * /rest/chaininfo.json (getblockchaininfo), /rest/deploymentinfo[/<hash>].json
 * (getdeploymentinfo), /rest/mempool/info.json (getmempoolinfo) and
 * /rest/mempool/contents.json?verbose=&mempool_sequence= (getrawmempool). Running the registered
 * RPC keeps one definition of each object.
 */
import { writeJson, type JsonValue } from '../json.js';
import type { HttpHandlerResponse } from '../http-handler.js';
import type { NodeContext } from '../methods/node-context.js';
import { HTTP_BAD_REQUEST, HTTP_NOT_FOUND } from '../protocol.js';
import type { RpcTable } from '../registry.js';
import {
  formatNotFound,
  hashFromHex,
  jsonReply,
  parseDataFormat,
  queryParameterOr,
  restError,
} from './rest-response.js';

/** Runs a registered RPC as Core's REST does (`getblockchaininfo().HandleRequest`). */
async function callRpc(table: RpcTable, method: string, params: JsonValue[]): Promise<string> {
  const result = await table.execute({
    method,
    params,
    authUser: '',
    uri: '/rest',
    peerAddr: '',
    wallet: undefined,
    afterReply: () => undefined,
  });
  return writeJson(result);
}

export async function restChainInfo(
  table: RpcTable,
  uriPart: string,
): Promise<HttpHandlerResponse> {
  const { format } = parseDataFormat(uriPart);
  if (format !== 'json') return formatNotFound('json');
  return jsonReply(await callRpc(table, 'getblockchaininfo', []));
}

export async function restDeploymentInfo(
  table: RpcTable,
  ctx: NodeContext,
  uriPart: string,
): Promise<HttpHandlerResponse> {
  const { param: hashStr, format } = parseDataFormat(uriPart);
  if (format !== 'json') return formatNotFound('json');
  const params: JsonValue[] = [];
  if (hashStr !== '') {
    const hash = hashFromHex(hashStr);
    if (hash === undefined) return restError(HTTP_BAD_REQUEST, `Invalid hash: ${hashStr}`);
    if (ctx.chainman.lookup(hash) === undefined) {
      return restError(HTTP_BAD_REQUEST, 'Block not found');
    }
    params.push(hashStr);
  }
  return jsonReply(await callRpc(table, 'getdeploymentinfo', params));
}

export async function restMempool(
  table: RpcTable,
  ctx: NodeContext,
  uriPart: string,
): Promise<HttpHandlerResponse> {
  const { param, format } = parseDataFormat(uriPart);
  if (param !== 'contents' && param !== 'info') {
    return restError(
      HTTP_BAD_REQUEST,
      'Invalid URI format. Expected /rest/mempool/<info|contents>.json',
    );
  }
  if (ctx.txMempool === undefined && ctx.mempool === undefined) {
    return restError(HTTP_NOT_FOUND, 'Mempool disabled or instance not found');
  }
  if (format !== 'json') return formatNotFound('json');
  if (param === 'info') return jsonReply(await callRpc(table, 'getmempoolinfo', []));

  const verbose = queryParameterOr(uriPart, 'verbose', 'true');
  if ('error' in verbose) return verbose.error;
  if (verbose.value !== 'true' && verbose.value !== 'false') {
    return restError(
      HTTP_BAD_REQUEST,
      'The "verbose" query parameter must be either "true" or "false".',
    );
  }
  const sequence = queryParameterOr(uriPart, 'mempool_sequence', 'false');
  if ('error' in sequence) return sequence.error;
  if (sequence.value !== 'true' && sequence.value !== 'false') {
    return restError(
      HTTP_BAD_REQUEST,
      'The "mempool_sequence" query parameter must be either "true" or "false".',
    );
  }
  if (verbose.value === 'true' && sequence.value === 'true') {
    return restError(
      HTTP_BAD_REQUEST,
      'Verbose results cannot contain mempool sequence values. (hint: set "verbose=false")',
    );
  }
  return jsonReply(
    await callRpc(table, 'getrawmempool', [verbose.value === 'true', sequence.value === 'true']),
  );
}
