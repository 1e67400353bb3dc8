/**
 * Block subsidy, as Core's GetBlockSubsidy (validation.cpp): 50 BTC halved every
 * `subsidyHalvingInterval` blocks. A right shift by 64 or more is undefined in C++, so Core
 * returns zero once the halvings reach 64; before that the shift itself reaches zero after 33.
 */
import type { ChainParams } from './chainparams.js';

export const COIN_SATS = 100_000_000n;

export function getBlockSubsidy(
  height: number,
  params: Pick<ChainParams, 'subsidyHalvingInterval'>,
): bigint {
  if (!Number.isInteger(height) || height < 0) {
    throw new RangeError(`getBlockSubsidy: height must be a non-negative integer, got ${height}`);
  }
  const halvings = Math.floor(height / params.subsidyHalvingInterval);
  if (halvings >= 64) return 0n;
  return (50n * COIN_SATS) >> BigInt(halvings);
}
