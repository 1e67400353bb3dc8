import { describe, expect, it } from 'vitest';
import {
  OutPoint,
  Transaction,
  fromHex,
  multisigScript,
  nullDataScript,
  p2pkhScript,
  p2wpkhScript,
} from '@bitcoind-lite/consensus';
import {
  FeeRate,
  getDustThreshold,
  isStandardTx,
  resolveMempoolSettings,
  formatMoney,
} from '../src/index.js';

const dust = new FeeRate(3000n);
const h20 = new Uint8Array(20).fill(7);
const opts = resolveMempoolSettings();

function tx(
  outs: { value: bigint; scriptPubKey: Uint8Array }[],
  version = 2,
  scriptSig: Uint8Array = new Uint8Array(0),
) {
  return new Transaction(
    version,
    [
      {
        prevout: new OutPoint(new Uint8Array(32).fill(1), 0),
        scriptSig,
        sequence: 0xffffffff,
        witness: [],
      },
    ],
    outs,
    0,
  );
}

describe('dust (Core GetDustThreshold at dustrelayfee 3000 sat/kvB)', () => {
  it('is 546 sats for P2PKH and 294 for P2WPKH, 0 for OP_RETURN', () => {
    expect(getDustThreshold({ value: 0n, scriptPubKey: p2pkhScript(h20) }, dust)).toBe(546n);
    expect(getDustThreshold({ value: 0n, scriptPubKey: p2wpkhScript(h20) }, dust)).toBe(294n);
    expect(getDustThreshold({ value: 0n, scriptPubKey: nullDataScript(h20) }, dust)).toBe(0n);
  });
});

describe('FeeRate', () => {
  it('rounds fees up and formats like Core', () => {
    expect(new FeeRate(100n).getFee(141)).toBe(15n);
    expect(new FeeRate(1n).getFee(10)).toBe(1n);
    expect(new FeeRate(1000n).toString()).toBe('0.00001000 BTC/kvB');
    expect(formatMoney(150_000_000n)).toBe('1.50');
    expect(formatMoney(12_345n)).toBe('0.00012345');
  });
});

describe('IsStandardTx reasons', () => {
  const good = { value: 10_000n, scriptPubKey: p2wpkhScript(h20) };
  it('accepts a plain payment', () => {
    expect(isStandardTx(tx([good]), opts)).toEqual({ ok: true });
  });
  it.each([
    ['version', tx([good], 4)],
    ['version', tx([good], 0)],
    ['tx-size', tx([{ value: 1000n, scriptPubKey: new Uint8Array(101_000) }])],
    ['scriptsig-size', tx([good], 2, fromHex('4d7206' + '00'.repeat(1650)))],
    ['scriptsig-not-pushonly', tx([good], 2, Uint8Array.of(0x61))],
    ['scriptpubkey', tx([{ value: 1000n, scriptPubKey: Uint8Array.of(0x61) }])],
    [
      'dust',
      tx([
        { ...good, value: 1n },
        { ...good, value: 2n },
      ]),
    ],
  ])('%s', (reason, t) => {
    expect(isStandardTx(t, opts)).toEqual({ ok: false, reason });
  });
  it('bare-multisig only when -permitbaremultisig=0; 4-of-4 is scriptpubkey', () => {
    const pk = fromHex('02' + '11'.repeat(32));
    const ms = { value: 10_000n, scriptPubKey: multisigScript(1, [pk]) };
    expect(isStandardTx(tx([ms]), opts).ok).toBe(true);
    expect(isStandardTx(tx([ms]), { ...opts, permitBareMultisig: false })).toEqual({
      ok: false,
      reason: 'bare-multisig',
    });
    const ms4 = { value: 10_000n, scriptPubKey: multisigScript(1, [pk, pk, pk, pk]) };
    expect(isStandardTx(tx([ms4]), opts)).toEqual({ ok: false, reason: 'scriptpubkey' });
  });
  it('datacarrier budget is across all OP_RETURN outputs (Core 30); multi-op-return as Core 29', () => {
    const d = { value: 0n, scriptPubKey: nullDataScript(new Uint8Array(60)) };
    expect(isStandardTx(tx([good, d, d]), opts).ok).toBe(true);
    expect(isStandardTx(tx([good, d, d]), { ...opts, maxDatacarrierBytes: 100 })).toEqual({
      ok: false,
      reason: 'datacarrier',
    });
    expect(isStandardTx(tx([good, d]), { ...opts, maxDatacarrierBytes: undefined })).toEqual({
      ok: false,
      reason: 'scriptpubkey',
    });
    expect(isStandardTx(tx([good, d, d]), { ...opts, permitMultipleOpReturn: false })).toEqual({
      ok: false,
      reason: 'multi-op-return',
    });
  });
});
