/**
 * Script verification speed: ECDSA and Schnorr verifications per second for each backend,
 * then all 1,427 inputs of mainnet block 300025 (inputs/s) per backend, and again with a warm
 * signature cache (as when the block's transactions were already accepted to the mempool).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as tiny from 'tiny-secp256k1';
import {
  Block,
  cachingVerifier,
  createNobleVerifier,
  getBlockScriptFlags,
  getChainParams,
  parseSpentOutputs,
  sha256,
  SignatureCache,
  verifyBlockScripts,
  type SignatureVerifier,
} from '@bitcoind-lite/consensus';
import type { Report } from './run.js';
import { createTinySecp256k1Verifier } from '../apps/node/src/tiny-secp256k1-verifier.js';

const here = dirname(fileURLToPath(import.meta.url));
const chain = join(here, '../../shared/chain');

/** Calls `fn` in rounds for about `ms` milliseconds; returns calls per second. */
function rate(fn: () => void, perCall: number, ms = 1500): number {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    fn();
    n += perCall;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return (n * 1000) / elapsed;
}

export async function run(report: Report): Promise<void> {
  const backends: SignatureVerifier[] = [createNobleVerifier(), createTinySecp256k1Verifier()];

  // 32 fixed keys and messages (deterministic: no randomness needed for a benchmark).
  const ecdsa: [Uint8Array, Uint8Array, Uint8Array][] = [];
  const schnorr: [Uint8Array, Uint8Array, Uint8Array][] = [];
  for (let i = 1; i <= 32; i++) {
    const sk = sha256(Uint8Array.of(i));
    const msg = sha256(Uint8Array.of(i, 1));
    ecdsa.push([tiny.sign(msg, sk), msg, tiny.pointFromScalar(sk, true)!]);
    schnorr.push([
      tiny.signSchnorr(msg, sk, new Uint8Array(32)),
      msg,
      tiny.xOnlyPointFromScalar(sk),
    ]);
  }

  for (const v of backends) {
    const e = rate(() => {
      for (const [s, m, p] of ecdsa) if (!v.verifyEcdsa(s, m, p)) throw new Error('bad ecdsa');
    }, ecdsa.length);
    report(`ECDSA verify ${v.name}`, e, 'verify/s');
    const s = rate(() => {
      for (const [sig, m, p] of schnorr)
        if (!v.verifySchnorr(sig, m, p)) throw new Error('bad schnorr');
    }, schnorr.length);
    report(`Schnorr verify ${v.name}`, s, 'verify/s');
  }

  const block = Block.decode(new Uint8Array(readFileSync(join(chain, 'mainnet-300025.block.raw'))));
  const spent = parseSpentOutputs(
    new Uint8Array(readFileSync(join(chain, 'mainnet-300025.spent-outputs.bin'))),
  );
  const flags = getBlockScriptFlags(300025, block.header.hashHex(), getChainParams('main'));
  const check = (v: SignatureVerifier): number => {
    const t = performance.now();
    const results = verifyBlockScripts(block, spent, flags, v);
    const ms = performance.now() - t;
    if (results.some((r) => !r.result.ok)) throw new Error('block 300025 failed');
    return (results.length * 1000) / ms;
  };
  for (const v of backends) {
    report(`block 300025 scripts, ${v.name}`, check(v), 'inputs/s');
    // The mempool pass stores each valid signature; the block pass only reads the cache.
    const cache = new SignatureCache(sha256(Uint8Array.of(42)));
    check(cachingVerifier(v, cache, true));
    report(
      `block 300025 scripts, warm cache, ${v.name}`,
      check(cachingVerifier(v, cache, false)),
      'inputs/s',
    );
  }
}
