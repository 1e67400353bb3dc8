/**
 * Every row of Core's script_tests.json: build the crediting and spending transactions as Core's
 * harness does, verify input 0 under the row's flags, and compare the exact error name. As in
 * Core, removing flags from a passing row or adding flags to a failing row must not change
 * whether it passes (checked on deterministic pseudo-random flag sets).
 */
import * as secp from '@noble/secp256k1';
import { afterAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../src/bytes.js';
import { taggedHash } from '../src/hash.js';
import {
  ALL_VERIFY_FLAGS,
  computeTapleafHash,
  parseScriptText,
  parseVerifyFlags,
  PrecomputedTransactionData,
  TransactionSignatureChecker,
  VERIFY,
  verifyScript,
  type ScriptResult,
} from '../src/script/index.js';
import {
  btcToSats,
  buildCreditingTransaction,
  buildSpendingTransaction,
  lcg,
  memoVerifier,
  readJsonVector,
} from './script-vector-helpers.js';

type Row = unknown[];
const rows = readJsonVector<Row[]>('script_tests.json');
const verifier = memoVerifier();
const G_X = fromHex('79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');

let run = 0;
let comments = 0;

/** Output key and control block of a one-leaf taproot tree with internal key G. */
function taprootForLeaf(script: Uint8Array): { outputKey: Uint8Array; control: Uint8Array } {
  const leaf = computeTapleafHash(0xc0, script);
  const tweak = taggedHash('TapTweak', G_X, leaf);
  let t = 0n;
  for (const b of tweak) t = (t << 8n) | BigInt(b);
  const q = secp.Point.BASE.add(secp.Point.BASE.multiply(t)).toBytes(true);
  const control = new Uint8Array(33);
  control[0] = 0xc0 | (q[0]! & 1);
  control.set(G_X, 1);
  return { outputKey: q.subarray(1), control };
}

function runRow(
  scriptSig: Uint8Array,
  scriptPubKey: Uint8Array,
  witness: Uint8Array[],
  amount: bigint,
  flags: number,
): ScriptResult {
  const credit = buildCreditingTransaction(scriptPubKey, amount);
  const spend = buildSpendingTransaction(scriptSig, witness, credit);
  const txdata = new PrecomputedTransactionData(spend, [credit.vout[0]!]);
  const checker = new TransactionSignatureChecker(spend, 0, amount, txdata, verifier);
  return verifyScript(scriptSig, scriptPubKey, witness, flags, checker, verifier);
}

function validCombination(flags: number): boolean {
  if (
    (flags & VERIFY.CLEANSTACK) !== 0 &&
    (flags & (VERIFY.P2SH | VERIFY.WITNESS)) !== (VERIFY.P2SH | VERIFY.WITNESS)
  )
    return false;
  if ((flags & VERIFY.WITNESS) !== 0 && (flags & VERIFY.P2SH) === 0) return false;
  return true;
}

describe('script_tests.json', () => {
  rows.forEach((row, index) => {
    if (row.length === 1) {
      comments++;
      return;
    }
    let k = 0;
    let witness: Uint8Array[] = [];
    let amount = 0n;
    let spkText: string;
    const first = row[0];
    const witnessItems: string[] = [];
    if (Array.isArray(first)) {
      k = 1;
      amount = btcToSats(first[first.length - 1] as number);
      for (const w of first.slice(0, -1)) witnessItems.push(w as string);
    }
    const sigText = row[k] as string;
    spkText = row[k + 1] as string;
    const flagsText = row[k + 2] as string;
    const expected = row[k + 3] as string;
    const comment =
      typeof row[k + 4] === 'string' && row[k + 4] !== '' ? (row[k + 4] as string) : '';
    const name = `#${index} ${expected}: ${comment || `${sigText} | ${spkText} | ${flagsText}`}`;
    it(name.slice(0, 200), () => {
      run++;
      let lastScript: Uint8Array | undefined;
      witness = witnessItems.map((w) => {
        if (w.startsWith('#SCRIPT# ')) {
          lastScript = parseScriptText(w.slice(9));
          return lastScript;
        }
        if (w === '#CONTROLBLOCK#') {
          const { outputKey, control } = taprootForLeaf(lastScript!);
          spkText = spkText.replace('#TAPROOTOUTPUT#', `0x${toHex(outputKey)}`);
          return control;
        }
        return fromHex(w);
      });
      const scriptSig = parseScriptText(sigText);
      const scriptPubKey = parseScriptText(spkText);
      let flags = parseVerifyFlags(flagsText);
      if ((flags & VERIFY.CLEANSTACK) !== 0) flags |= VERIFY.P2SH | VERIFY.WITNESS;
      const r = runRow(scriptSig, scriptPubKey, witness, amount, flags);
      expect(r.ok ? 'OK' : r.error).toBe(expected);

      const rand = lcg(index + 1);
      for (let round = 0; round < 16; round++) {
        const extra = rand() & ALL_VERIFY_FLAGS;
        const combined = expected === 'OK' ? flags & ~extra : flags | extra;
        if (!validCombination(combined)) continue;
        const again = runRow(scriptSig, scriptPubKey, witness, amount, combined);
        expect(again.ok, `with flags ${combined.toString(16)}`).toBe(expected === 'OK');
      }
    });
  });

  afterAll(() => {
    console.log(`script_tests.json: ${run} rows run, ${comments} comment rows, 0 skipped`);
  });
});
