/**
 * The JSON-RPC layer over one HTTP body, as Core's httprpc.cpp (HTTPReq_JSONRPC) and
 * rpc/request.cpp (JSONRPCRequest::parse, JSONRPCReplyObj), Core 28 and later:
 *
 * - 1.0 ("legacy", no `jsonrpc` key or `"jsonrpc": "1.0"`): the reply has both `result` and
 *   `error`; a failed single request gets HTTP 500, or 404 for -32601, or 400 for -32600.
 * - 2.0 (`"jsonrpc": "2.0"`): the reply has `jsonrpc`, one of `result`/`error`, HTTP 200; a
 *   request without `id` is a notification: executed, answered with 204 and no body.
 * - A batch (array) is answered with HTTP 200 and an array of replies without notifications;
 *   all notifications gives 204. An empty batch gives `[]`, as Core 28 does for compatibility
 *   with old clients (JSON-RPC 2.0 itself would call it invalid).
 */
import type { Logger } from '@bitcoind-lite/runtime';
import {
  hasOwn,
  isJsonObject,
  JsonParseError,
  parseJsonBytes,
  writeJson,
  type JsonObject,
  type JsonValue,
} from './json.js';
import {
  HTTP_BAD_REQUEST,
  HTTP_INTERNAL_SERVER_ERROR,
  HTTP_NO_CONTENT,
  HTTP_NOT_FOUND,
  HTTP_OK,
  RPC_INVALID_REQUEST,
  RPC_METHOD_NOT_FOUND,
  RPC_MISC_ERROR,
  RPC_PARSE_ERROR,
  RpcError,
} from './protocol.js';
import type { JsonRpcVersion, RpcTable } from './registry.js';

/** Who is calling, from the HTTP layer. */
export interface HttpCallInfo {
  authUser: string;
  uri: string;
  peerAddr: string;
  wallet: string | undefined;
}

export interface JsonRpcReply {
  status: number;
  /** Undefined for 204. */
  body: string | undefined;
  /** Work to run once the reply is written (`stop`). */
  afterReply: (() => void)[];
}

/** What JSONRPCRequest::parse has learned so far; `id` is known before any error. */
interface ParsedRequest {
  id: JsonValue | undefined;
  version: JsonRpcVersion;
  method: string;
  params: JsonValue[] | JsonObject;
}

/** Core's SanitizeString with SAFE_CHARS_DEFAULT, for method names in logs. */
function sanitize(s: string): string {
  return s.replace(/[^a-zA-Z0-9 .,;\-_/:?@()]/g, '');
}

/** Core's JSONRPCReplyObj. */
export function replyObject(
  result: unknown,
  error: { code: number; message: string } | null,
  id: JsonValue | undefined,
  version: JsonRpcVersion,
): Record<string, unknown> {
  const reply: Record<string, unknown> = {};
  if (version === 2) reply.jsonrpc = '2.0';
  if (error === null) {
    reply.result = result === undefined ? null : result;
    if (version === 1) reply.error = null;
  } else {
    if (version === 1) reply.result = null;
    reply.error = error;
  }
  if (id !== undefined) reply.id = id;
  return reply;
}

function toRpcError(e: unknown): RpcError {
  if (e instanceof RpcError) return e;
  // Anything else escaping the table is a bug; Core reports std::exception text as parse error
  // at this level, but the table already maps handler exceptions to RPC_MISC_ERROR.
  return new RpcError(RPC_MISC_ERROR, e instanceof Error ? e.message : String(e));
}

export class JsonRpcProcessor {
  constructor(
    private readonly table: RpcTable,
    private readonly logger: Logger,
  ) {}

  /** Core's JSONRPCRequest::parse; fills `req` as it goes so errors carry the id. */
  private parseRequest(value: JsonValue, req: ParsedRequest, info: HttpCallInfo): void {
    if (!isJsonObject(value)) throw new RpcError(RPC_INVALID_REQUEST, 'Invalid Request object');
    req.id = hasOwn(value, 'id') ? value.id : undefined;
    req.version = 1;
    if (hasOwn(value, 'jsonrpc') && value.jsonrpc !== null) {
      const v = value.jsonrpc;
      if (typeof v !== 'string') {
        throw new RpcError(RPC_INVALID_REQUEST, 'jsonrpc field must be a string');
      }
      // "1.0" appeared in old documentation, so Core accepts it as legacy.
      if (v === '2.0') req.version = 2;
      else if (v !== '1.0')
        throw new RpcError(RPC_INVALID_REQUEST, 'JSON-RPC version not supported');
    }
    const method = hasOwn(value, 'method') ? value.method : null;
    if (method === null || method === undefined) {
      throw new RpcError(RPC_INVALID_REQUEST, 'Missing method');
    }
    if (typeof method !== 'string')
      throw new RpcError(RPC_INVALID_REQUEST, 'Method must be a string');
    req.method = method;
    this.logger.debug('rpc', `ThreadRPCServer method=${sanitize(method)} user=${info.authUser}`);
    const params = hasOwn(value, 'params') ? value.params : null;
    if (Array.isArray(params) || isJsonObject(params)) req.params = params;
    else if (params === null || params === undefined) req.params = [];
    else throw new RpcError(RPC_INVALID_REQUEST, 'Params must be an array or object');
  }

  private isNotification(req: ParsedRequest): boolean {
    return req.id === undefined && req.version === 2;
  }

  /** A request before parsing: Core's JSONRPCRequest defaults (id null, legacy). */
  private static fresh(): ParsedRequest {
    return { id: null, version: 1, method: '', params: [] };
  }

  private async execute(
    req: ParsedRequest,
    info: HttpCallInfo,
    afterReply: (() => void)[],
  ): Promise<unknown> {
    return this.table.execute({
      method: req.method,
      params: req.params,
      ...info,
      afterReply: (fn) => afterReply.push(fn),
    });
  }

  async handle(body: Uint8Array, info: HttpCallInfo): Promise<JsonRpcReply> {
    const afterReply: (() => void)[] = [];
    let value: JsonValue;
    try {
      value = parseJsonBytes(body);
    } catch (e) {
      if (!(e instanceof JsonParseError)) throw e;
      this.logger.debug('rpc', `parse error: ${e.message}`);
      return legacyError(new RpcError(RPC_PARSE_ERROR, 'Parse error'), null, 1);
    }

    if (isJsonObject(value)) {
      const req = JsonRpcProcessor.fresh();
      try {
        // Core parses outside JSONRPCExec: a malformed request is an HTTP error in any version.
        this.parseRequest(value, req, info);
      } catch (e) {
        return legacyError(toRpcError(e), req.id, req.version);
      }
      let reply: Record<string, unknown>;
      try {
        reply = replyObject(await this.execute(req, info, afterReply), null, req.id, req.version);
      } catch (e) {
        // Legacy clients expect failures as HTTP errors; 2.0 answers 200 with the error inside.
        if (req.version === 1) return { ...legacyError(toRpcError(e), req.id, 1), afterReply };
        reply = replyObject(null, toRpcError(e).toObject(), req.id, req.version);
      }
      if (this.isNotification(req)) return { status: HTTP_NO_CONTENT, body: undefined, afterReply };
      return { status: HTTP_OK, body: `${writeJson(reply)}\n`, afterReply };
    }

    if (Array.isArray(value)) {
      // Core reuses one JSONRPCRequest for the whole batch, so an element that fails before its
      // id is read (a non-object) is answered with the previous element's id and version.
      const req = JsonRpcProcessor.fresh();
      const replies: unknown[] = [];
      for (const element of value) {
        let reply: Record<string, unknown>;
        try {
          this.parseRequest(element, req, info);
          reply = replyObject(await this.execute(req, info, afterReply), null, req.id, req.version);
        } catch (e) {
          reply = replyObject(null, toRpcError(e).toObject(), req.id, req.version);
        }
        if (!this.isNotification(req)) replies.push(reply);
      }
      if (replies.length === 0 && value.length > 0) {
        return { status: HTTP_NO_CONTENT, body: undefined, afterReply };
      }
      return { status: HTTP_OK, body: `${writeJson(replies)}\n`, afterReply };
    }

    return legacyError(new RpcError(RPC_PARSE_ERROR, 'Top-level object parse error'), null, 1);
  }
}

/**
 * Core's JSONErrorReply: the HTTP status follows the error code. `id` is null before a request
 * object was read (Core's default), absent when the request had none; a 2.0 request that fails
 * to parse keeps the 2.0 shape, as in Core.
 */
function legacyError(
  err: RpcError,
  id: JsonValue | undefined,
  version: JsonRpcVersion,
): JsonRpcReply {
  let status = HTTP_INTERNAL_SERVER_ERROR;
  if (err.code === RPC_INVALID_REQUEST) status = HTTP_BAD_REQUEST;
  else if (err.code === RPC_METHOD_NOT_FOUND) status = HTTP_NOT_FOUND;
  const body = `${writeJson(replyObject(null, err.toObject(), id, version))}\n`;
  return { status, body, afterReply: [] };
}
