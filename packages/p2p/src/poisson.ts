/**
 * Core's rand_exp_duration: the delay to the next event of a Poisson process with the given
 * average, drawn from the Random capability. Used to trickle inv and addr messages so that a
 * spy cannot time when a transaction or address reached us (Core's m_next_inv_send_time).
 */
import { randomU64, type Random } from '@bitcoind-lite/entropy';

export function poissonDelayMs(random: Random, averageMs: number): number {
  // A uniform value in (0, 1] from 53 random bits, then the exponential distribution's inverse.
  const u = (Number(randomU64(random) >> 11n) + 1) / 2 ** 53;
  return -Math.log(u) * averageMs;
}
