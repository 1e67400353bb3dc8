/** The tiny-secp256k1 (WASM) backend gives the same answers as the default one. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTinySecp256k1Verifier } from '../../../apps/node/src/tiny-secp256k1-verifier.js';
import { Block } from '../src/block.js';
import { fromHex } from '../src/bytes.js';
import { getChainParams } from '../src/chainparams.js';
import { getBlockScriptFlags, parseSpentOutputs, verifyBlockScripts } from '../src/script/index.js';
import { CHAIN, readVector } from './script-vector-helpers.js';

const tiny = createTinySecp256k1Verifier();

describe('tiny-secp256k1 backend', () => {
  it('agrees with the BIP340 vectors (32-byte messages)', () => {
    const lines = readVector('bip340_test_vectors.csv')
      .toString('utf8')
      .trim()
      .split(/\r?\n/)
      .slice(1);
    let n = 0;
    for (const line of lines) {
      const [, , pk, , msg, sig, result] = line.split(',');
      if (msg!.length !== 64) continue; // tiny-secp256k1 takes 32-byte messages only
      n++;
      expect(tiny.verifySchnorr(fromHex(sig!), fromHex(msg!), fromHex(pk!)), line).toBe(
        result === 'TRUE',
      );
    }
    expect(n).toBe(15);
  });

  it('verifies every input of block 300025', () => {
    const block = Block.decode(
      new Uint8Array(readFileSync(join(CHAIN, 'mainnet-300025.block.raw'))),
    );
    const spent = parseSpentOutputs(
      new Uint8Array(readFileSync(join(CHAIN, 'mainnet-300025.spent-outputs.bin'))),
    );
    const flags = getBlockScriptFlags(300025, block.header.hashHex(), getChainParams('main'));
    const results = verifyBlockScripts(block, spent, flags, tiny);
    expect(results.filter((r) => !r.result.ok)).toEqual([]);
    expect(results).toHaveLength(1427);
  });
});
