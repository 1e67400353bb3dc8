import { describe, expect, it } from 'vitest';
import { pay, setup } from './harness.js';

describe('smoke', () => {
  it('accepts a bitcoinjs-signed spend of a matured coinbase', async () => {
    const { key, chain, mempool } = setup();
    const [cb] = chain.matureCoinbases(key.p2wpkh);
    const tx = pay({ ...cb!, key }, key.p2wpkh, 1000n);
    const r = await mempool.acceptToMemoryPool(tx);
    expect(r).toMatchObject({ valid: true, feeSats: 1000n, vsize: tx.vsize() });
  });
});
