/**
 * Core's REST interface (`-rest`, rest.cpp's uri_prefixes): one HTTP handler for `/rest/`,
 * unauthenticated as in Core, that picks the endpoint by path prefix in Core's order (the first
 * prefix that matches wins, so `/rest/block/notxdetails/` is tried before `/rest/block/`).
 * While the node warms up every endpoint answers 503 "Service temporarily unavailable: <status>"
 * (Core's CheckWarmup); a path under /rest/ that no endpoint claims is a bare 404, as Core's HTTP
 * server answers a path without a handler.
 *
 * The dispatcher is made before the node's components exist (so warmup is answered) and is
 * handed the NodeContext with `attach` once they do.
 */
import type { HttpHandlerRequest, HttpHandlerResponse } from '../http-handler.js';
import type { NodeContext } from '../methods/node-context.js';
import { HTTP_NOT_FOUND, HTTP_SERVICE_UNAVAILABLE } from '../protocol.js';
import type { RpcTable } from '../registry.js';
import { restBlock, restBlockHashByHeight, restHeaders } from './rest-block.js';
import { restGetUtxos } from './rest-getutxos.js';
import { restChainInfo, restDeploymentInfo, restMempool } from './rest-info.js';
import { restError } from './rest-response.js';
import { restTx } from './rest-tx.js';

/** The prefix the dispatcher is registered under on the HTTP server. */
export const REST_PREFIX = '/rest/';

type Endpoint = (
  ctx: NodeContext,
  table: RpcTable,
  uriPart: string,
  body: Uint8Array,
) => HttpHandlerResponse | Promise<HttpHandlerResponse>;

/** Core's uri_prefixes, in its order, relative to `/rest/`. */
const ENDPOINTS: readonly (readonly [string, Endpoint])[] = [
  ['tx/', (ctx, _t, uri) => restTx(ctx, uri)],
  ['block/notxdetails/', (ctx, _t, uri) => restBlock(ctx, uri, false)],
  ['block/', (ctx, _t, uri) => restBlock(ctx, uri, true)],
  ['chaininfo', (_c, table, uri) => restChainInfo(table, uri)],
  ['mempool/', (ctx, table, uri) => restMempool(table, ctx, uri)],
  ['headers/', (ctx, _t, uri) => restHeaders(ctx, uri)],
  ['getutxos', (ctx, _t, uri, body) => restGetUtxos(ctx, uri, body)],
  ['deploymentinfo/', (ctx, table, uri) => restDeploymentInfo(table, ctx, uri)],
  ['deploymentinfo', (ctx, table, uri) => restDeploymentInfo(table, ctx, uri)],
  ['blockhashbyheight/', (ctx, _t, uri) => restBlockHashByHeight(ctx, uri)],
];

export class RestDispatcher {
  private ctx: NodeContext | undefined;

  constructor(private readonly table: RpcTable) {
    if (table === undefined) throw new TypeError('RestDispatcher: table is required');
  }

  /** Hands over the node's components once they are up (before warmup ends). */
  attach(ctx: NodeContext): void {
    this.ctx = ctx;
  }

  /** The HTTP handler for `REST_PREFIX`; `uriPart` is the URI after it, query included. */
  readonly handle = async (req: HttpHandlerRequest): Promise<HttpHandlerResponse> => {
    const match = ENDPOINTS.find(([prefix]) => req.uriPart.startsWith(prefix));
    if (match === undefined) return { status: HTTP_NOT_FOUND, contentType: '', body: '' };
    const [prefix, endpoint] = match;

    const warmup = this.table.warmup();
    if (warmup !== undefined || this.ctx === undefined) {
      return restError(
        HTTP_SERVICE_UNAVAILABLE,
        `Service temporarily unavailable: ${warmup ?? 'Loading…'}`,
      );
    }
    return endpoint(this.ctx, this.table, req.uriPart.slice(prefix.length), req.body);
  };
}
