/** Parameter helpers with Core's messages (rpc/util.cpp ParseHashV, ParseHexV, verbosity). */
import { fromHex, isHex, reverseBytes } from '@bitcoind-lite/consensus';
import { RPC_INVALID_ADDRESS_OR_KEY, RPC_INVALID_PARAMETER, RpcError } from '../protocol.js';
import { JsonNumber } from '../json.js';
import { getIntFromJson } from '../registry.js';
import type { RpcBlockIndex, RpcChainstate } from './node-context.js';

/** Core's ParseHashV: 64 hex digits, display order; returns internal byte order. */
export function parseHashV(value: unknown, name: string): Uint8Array {
  const s = String(value);
  if (s.length !== 64) {
    throw new RpcError(
      RPC_INVALID_PARAMETER,
      `${name} must be of length 64 (not ${s.length}, for '${s}')`,
    );
  }
  if (!isHex(s)) {
    throw new RpcError(RPC_INVALID_PARAMETER, `${name} must be hexadecimal string (not '${s}')`);
  }
  return reverseBytes(fromHex(s));
}

/** Core's ParseHexV. */
export function parseHexV(value: unknown, name: string): Uint8Array {
  const s = String(value);
  if (!isHex(s)) {
    throw new RpcError(RPC_INVALID_PARAMETER, `${name} must be hexadecimal string (not '${s}')`);
  }
  return fromHex(s);
}

export function lookupBlockOrThrow(chainman: RpcChainstate, hash: Uint8Array): RpcBlockIndex {
  const idx = chainman.lookup(hash);
  if (idx === undefined) throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, 'Block not found');
  return idx;
}

/** Core's ParseVerbosity: a number, or a bool meaning `trueValue`/0. */
export function parseVerbosity(value: unknown, fallback: number, trueValue: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value ? trueValue : 0;
  // Core's ParseVerbosity reads a number with getInt<int>: 1.5 or 1e0 is out of range.
  if (value instanceof JsonNumber) return getIntFromJson(value);
  return Number(value);
}
