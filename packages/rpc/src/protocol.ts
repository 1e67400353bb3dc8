/**
 * Core's RPC error codes (rpc/protocol.h, RPCErrorCode) and HTTP status codes (HTTPStatusCode),
 * by Core's names so they can be grepped side by side. Handlers throw `RpcError`; any other
 * exception reaches the client as RPC_MISC_ERROR (-1) with its message, as Core's
 * ExecuteCommand does for std::exception.
 */

// Standard JSON-RPC 2.0 errors.
export const RPC_INVALID_REQUEST = -32600;
export const RPC_METHOD_NOT_FOUND = -32601;
export const RPC_INVALID_PARAMS = -32602;
export const RPC_INTERNAL_ERROR = -32603;
export const RPC_PARSE_ERROR = -32700;

// General application defined errors.
export const RPC_MISC_ERROR = -1;
export const RPC_TYPE_ERROR = -3;
export const RPC_INVALID_ADDRESS_OR_KEY = -5;
export const RPC_OUT_OF_MEMORY = -7;
export const RPC_INVALID_PARAMETER = -8;
export const RPC_DATABASE_ERROR = -20;
export const RPC_DESERIALIZATION_ERROR = -22;
export const RPC_VERIFY_ERROR = -25;
export const RPC_VERIFY_REJECTED = -26;
export const RPC_VERIFY_ALREADY_IN_UTXO_SET = -27;
/** Older name of -27, kept because clients and Core's own tests still use it. */
export const RPC_VERIFY_ALREADY_IN_CHAIN = RPC_VERIFY_ALREADY_IN_UTXO_SET;
export const RPC_IN_WARMUP = -28;
export const RPC_METHOD_DEPRECATED = -32;

// P2P client errors.
export const RPC_CLIENT_NOT_CONNECTED = -9;
export const RPC_CLIENT_IN_INITIAL_DOWNLOAD = -10;
export const RPC_CLIENT_NODE_ALREADY_ADDED = -23;
export const RPC_CLIENT_NODE_NOT_ADDED = -24;
export const RPC_CLIENT_NODE_NOT_CONNECTED = -29;
export const RPC_CLIENT_INVALID_IP_OR_SUBNET = -30;
export const RPC_CLIENT_P2P_DISABLED = -31;
export const RPC_CLIENT_MEMPOOL_DISABLED = -33;
export const RPC_CLIENT_NODE_CAPACITY_REACHED = -34;

// Chain errors.
export const RPC_CLIENT_PARAMETER_INVALID = RPC_INVALID_PARAMETER;

// Wallet errors.
export const RPC_WALLET_ERROR = -4;
export const RPC_WALLET_INSUFFICIENT_FUNDS = -6;
export const RPC_WALLET_INVALID_LABEL_NAME = -11;
export const RPC_WALLET_KEYPOOL_RAN_OUT = -12;
export const RPC_WALLET_UNLOCK_NEEDED = -13;
export const RPC_WALLET_PASSPHRASE_INCORRECT = -14;
export const RPC_WALLET_WRONG_ENC_STATE = -15;
export const RPC_WALLET_ENCRYPTION_FAILED = -16;
export const RPC_WALLET_ALREADY_UNLOCKED = -17;
export const RPC_WALLET_NOT_FOUND = -18;
export const RPC_WALLET_NOT_SPECIFIED = -19;
export const RPC_WALLET_ALREADY_LOADED = -35;
export const RPC_WALLET_ALREADY_EXISTS = -36;

// Unused reserved codes, kept for compatibility.
export const RPC_FORBIDDEN_BY_SAFE_MODE = -2;

/** An error a handler throws to answer with Core's code and message. */
export class RpcError extends Error {
  override readonly name = 'RpcError';

  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }

  /** The JSON-RPC error object, as Core's JSONRPCError builds it. */
  toObject(): { code: number; message: string } {
    return { code: this.code, message: this.message };
  }
}

// HTTP status codes Core's HTTP server uses (httpserver.h / rpc/protocol.h HTTPStatusCode).
export const HTTP_OK = 200;
export const HTTP_NO_CONTENT = 204;
export const HTTP_BAD_REQUEST = 400;
export const HTTP_UNAUTHORIZED = 401;
export const HTTP_FORBIDDEN = 403;
export const HTTP_NOT_FOUND = 404;
export const HTTP_BAD_METHOD = 405;
export const HTTP_PAYLOAD_TOO_LARGE = 413;
export const HTTP_INTERNAL_SERVER_ERROR = 500;
export const HTTP_SERVICE_UNAVAILABLE = 503;
