/**
 * Options that adjust the chain parameters before anything uses them (Core's
 * chainstatemanager_args.cpp): `-minimumchainwork=<hex>` replaces the network's minimum chain
 * work, which sets when initial block download ends, which unrequested blocks are stored and the
 * anti-DoS work threshold for blocks from peers.
 */
import type { ChainParams } from '@bitcoind-lite/consensus';
import { InitError } from './init-errors.js';
import { argString, type Args } from './node-args.js';

/** Core's uint256::FromUserHex: an optional 0x, then 1 to 64 hex digits. */
function parseUserHex256(value: string): bigint | undefined {
  const digits = value.startsWith('0x') || value.startsWith('0X') ? value.slice(2) : value;
  if (digits.length === 0 || digits.length > 64 || !/^[0-9a-fA-F]+$/.test(digits)) return undefined;
  return BigInt(`0x${digits}`);
}

export function applyChainParamArgs(params: ChainParams, args: Args): ChainParams {
  const value = argString(args, 'minimumchainwork');
  if (value === undefined) return params;
  const work = parseUserHex256(value);
  if (work === undefined) {
    throw new InitError(`Invalid minimum work specified (${value}), must be up to 64 hex digits`);
  }
  return { ...params, minimumChainWork: work };
}
