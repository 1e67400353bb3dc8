/**
 * Mainnet block 300025: every one of its 1,427 inputs verifies against the outputs it spends,
 * through the API and through `pnpm verify-block`; damaging one signature makes exactly that
 * input fail.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Block } from '../src/block.js';
import { getChainParams } from '../src/chainparams.js';
import {
  coinbaseHeight,
  getBlockScriptFlags,
  isValidSignatureEncoding,
  parseSpentOutputs,
  readScriptOp,
  VERIFY,
  verifyBlockScripts,
  type ScriptOp,
} from '../src/script/index.js';
import { Transaction } from '../src/transaction.js';
import { CHAIN, memoVerifier } from './script-vector-helpers.js';

const blockBytes = new Uint8Array(readFileSync(join(CHAIN, 'mainnet-300025.block.raw')));
const spentPath = join(CHAIN, 'mainnet-300025.spent-outputs.bin');
const spent = parseSpentOutputs(new Uint8Array(readFileSync(spentPath)));
const block = Block.decode(blockBytes);
const verifier = memoVerifier();
// The repository root, from this file's place in it (the checkout may have any name).
const repo = join(import.meta.dirname, '../../..');
const tmp = mkdtempSync(join(tmpdir(), 'verify-block-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Returns a copy of `tx` whose input `i` has one byte of its first signature's r flipped. */
function damageSignature(tx: Transaction, i: number): Transaction | undefined {
  const sig = tx.vin[i]!.scriptSig;
  const op: ScriptOp = { opcode: 0, data: undefined };
  let pc = 0;
  while (pc < sig.length) {
    pc = readScriptOp(sig, pc, op);
    if (pc < 0) return undefined;
    if (op.data !== undefined && isValidSignatureEncoding(op.data)) {
      const copy = sig.slice();
      const dataAt = pc - op.data.length;
      const lenR = op.data[3]!;
      copy[dataAt + 4 + lenR - 1]! ^= 0x01; // last byte of r: still DER, no longer valid
      const vin = tx.vin.map((x, k) => (k === i ? { ...x, scriptSig: copy } : x));
      return new Transaction(tx.version, vin, tx.vout, tx.locktime);
    }
  }
  return undefined;
}

function withTx(b: Block, txIndex: number, tx: Transaction): Block {
  return new Block(
    b.header,
    b.txs.map((t, k) => (k === txIndex ? tx : t)),
  );
}

describe('mainnet block 300025', () => {
  const height = coinbaseHeight(block)!;
  const flags = getBlockScriptFlags(height, block.header.hashHex(), getChainParams('main'));

  it('reads the BIP34 height and the flags in force', () => {
    expect(height).toBe(300025);
    // Before BIP66 (363725), BIP65, CSV and segwit: only the always-on flags.
    expect(flags).toBe(VERIFY.P2SH | VERIFY.WITNESS | VERIFY.TAPROOT);
  });

  it('verifies all 1,427 inputs through the API', () => {
    const results = verifyBlockScripts(block, spent, flags, verifier);
    expect(results).toHaveLength(1427);
    expect(results.filter((r) => !r.result.ok)).toEqual([]);
  });

  it('pnpm verify-block accepts the block and exits 0', () => {
    const r = spawnSync(
      'pnpm',
      [
        '-s',
        'verify-block',
        '--block',
        join(CHAIN, 'mainnet-300025.block.raw'),
        '--spent-outputs',
        spentPath,
      ],
      { cwd: repo, encoding: 'utf8' },
    );
    expect(r.stdout.trim()).toBe('1427 inputs, 1427 valid, 0 invalid');
    expect(r.status).toBe(0);
  });

  it('every signature-carrying input fails once its signature is damaged', () => {
    let damaged = 0;
    let k = 0;
    block.txs.forEach((tx, txIndex) => {
      if (txIndex === 0) return;
      const txSpent = spent.slice(k, k + tx.vin.length);
      k += tx.vin.length;
      for (let i = 0; i < tx.vin.length; i++) {
        const bad = damageSignature(tx, i);
        if (bad === undefined) continue;
        damaged++;
        const b = withTx(new Block(block.header, [block.txs[0]!, bad]), 1, bad);
        const r = verifyBlockScripts(b, txSpent, flags, verifier);
        expect(
          r.filter((x) => !x.result.ok).map((x) => x.inputIndex),
          `tx ${txIndex} input ${i}`,
        ).toEqual([i]);
      }
    });
    console.log(`block 300025: ${damaged} of 1427 inputs damaged one at a time, each failed alone`);
    expect(damaged).toBeGreaterThan(1400);
  });

  it('a damaged signature fails exactly that input across the whole block, API and CLI', () => {
    const txIndex = 200;
    const inputIndex = block.txs[txIndex]!.vin.length - 1;
    const bad = damageSignature(block.txs[txIndex]!, inputIndex)!;
    const b = withTx(block, txIndex, bad);
    const results = verifyBlockScripts(b, spent, flags, verifier);
    const failing = results.filter((r) => !r.result.ok);
    expect(failing.map((r) => [r.txIndex, r.inputIndex])).toEqual([[txIndex, inputIndex]]);

    const file = join(tmp, 'damaged.block');
    writeFileSync(file, b.serialize());
    const r = spawnSync(
      'pnpm',
      ['-s', 'verify-block', '--block', file, '--spent-outputs', spentPath, '--network', 'main'],
      { cwd: repo, encoding: 'utf8' },
    );
    const lines = r.stdout.trim().split('\n');
    expect(lines).toEqual([
      `${bad.txidHex()} ${inputIndex} ${failing[0]!.result.ok ? '' : failing[0]!.result.error}`,
      '1427 inputs, 1426 valid, 1 invalid',
    ]);
    expect(r.status).toBe(1);
  });
});
