/**
 * Core's tx_valid.json and tx_invalid.json, run as Core's transaction_tests do: the listed flags
 * are excluded (valid) or applied (invalid), CheckTransaction gates the BADTX rows, and the flag
 * sets are checked for minimality: for valid rows, removing more flags keeps the tx valid and
 * re-adding any one excluded flag makes it fail; for invalid rows, adding flags keeps it failing
 * and dropping any one listed flag makes it pass.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { fromHex, reverseBytes } from '../src/bytes.js';
import { checkTransaction } from '../src/check-transaction.js';
import {
  ALL_VERIFY_FLAGS,
  parseScriptText,
  parseVerifyFlags,
  PrecomputedTransactionData,
  TransactionSignatureChecker,
  VERIFY,
  verifyFlagNames,
  verifyScript,
} from '../src/script/index.js';
import { Transaction, type TxOut } from '../src/transaction.js';
import { lcg, memoVerifier, readJsonVector } from './script-vector-helpers.js';

type Row = unknown[];
const verifier = memoVerifier();
const FLAG_BITS = verifyFlagNames(ALL_VERIFY_FLAGS).map((n) => VERIFY[n]);

function trimFlags(flags: number): number {
  if ((flags & VERIFY.P2SH) === 0) flags &= ~VERIFY.WITNESS;
  if ((flags & VERIFY.WITNESS) === 0) flags &= ~VERIFY.CLEANSTACK;
  return flags;
}

function fillFlags(flags: number): number {
  if ((flags & VERIFY.CLEANSTACK) !== 0) flags |= VERIFY.WITNESS;
  if ((flags & VERIFY.WITNESS) !== 0) flags |= VERIFY.P2SH;
  return flags;
}

/** Core's ExcludeIndividualFlags: each single flag removed (then trimmed), without repeats. */
function excludeIndividualFlags(flags: number): number[] {
  const out = new Set<number>();
  for (const f of FLAG_BITS) {
    const x = trimFlags(flags & ~f);
    if (x !== flags) out.add(x);
  }
  return [...out];
}

interface Case {
  tx: Transaction;
  spent: TxOut[];
}

function loadCase(row: Row): Case {
  const prevs = row[0] as [string, number, string, number?][];
  const map = new Map<string, TxOut>();
  for (const [txid, index, spk, amount] of prevs) {
    const vout = index === -1 ? 0xffffffff : index;
    map.set(`${txid}:${vout}`, { value: BigInt(amount ?? 0), scriptPubKey: parseScriptText(spk) });
  }
  const tx = Transaction.decode(fromHex(row[1] as string));
  const spent = tx.vin.map((i) => {
    const key = `${Buffer.from(reverseBytes(i.prevout.txid)).toString('hex')}:${i.prevout.vout}`;
    const o = map.get(key);
    if (o === undefined) throw new Error(`vector lacks prevout ${key}`);
    return o;
  });
  return { tx, spent };
}

/** True when every input verifies (Core's CheckTxScripts, stopping at the first failure). */
function txScriptsValid(c: Case, flags: number): boolean {
  // As Core's harness: PrecomputedTransactionData built from the tx with its spent outputs.
  const txdata = new PrecomputedTransactionData(c.tx, c.spent);
  for (let i = 0; i < c.tx.vin.length; i++) {
    const txin = c.tx.vin[i]!;
    const spent = c.spent[i]!;
    const checker = new TransactionSignatureChecker(c.tx, i, spent.value, txdata, verifier);
    const r = verifyScript(
      txin.scriptSig,
      spent.scriptPubKey,
      txin.witness,
      flags,
      checker,
      verifier,
    );
    if (!r.ok) return false;
  }
  return true;
}

function describeRows(file: string, valid: boolean): void {
  const rows = readJsonVector<Row[]>(file);
  let run = 0;
  let comments = 0;
  let lastComment = '';
  describe(file, () => {
    rows.forEach((row, index) => {
      if (row.length === 1 || !Array.isArray(row[0])) {
        comments++;
        lastComment = String(row[0]).slice(0, 120);
        return;
      }
      const flagsText = row[2] as string;
      it(`#${index} [${flagsText}] ${lastComment}`, () => {
        run++;
        const c = loadCase(row);
        const state = checkTransaction(c.tx);
        if (!valid && flagsText === 'BADTX') {
          expect(state.ok).toBe(false);
          return;
        }
        expect(state).toEqual({ ok: true });
        const listed = parseVerifyFlags(flagsText);
        const rand = lcg(index * 7919 + 1);
        if (valid) {
          const excluded = listed;
          expect(fillFlags(ALL_VERIFY_FLAGS & ~excluded)).toBe(ALL_VERIFY_FLAGS & ~excluded);
          expect(txScriptsValid(c, ALL_VERIFY_FLAGS & ~excluded)).toBe(true);
          for (const f of FLAG_BITS) {
            expect(txScriptsValid(c, trimFlags(ALL_VERIFY_FLAGS & ~(excluded | f)))).toBe(true);
            const r = rand() & ALL_VERIFY_FLAGS;
            expect(txScriptsValid(c, trimFlags(ALL_VERIFY_FLAGS & ~(excluded | r)))).toBe(true);
          }
          for (const fewer of excludeIndividualFlags(excluded)) {
            expect(txScriptsValid(c, ALL_VERIFY_FLAGS & ~fewer), `re-adding to ${fewer}`).toBe(
              false,
            );
          }
        } else {
          expect(fillFlags(listed)).toBe(listed);
          expect(txScriptsValid(c, listed)).toBe(false);
          for (const f of FLAG_BITS) {
            expect(txScriptsValid(c, fillFlags(listed | f))).toBe(false);
            expect(txScriptsValid(c, fillFlags(listed | (rand() & ALL_VERIFY_FLAGS)))).toBe(false);
          }
          for (const fewer of excludeIndividualFlags(listed)) {
            expect(txScriptsValid(c, fewer), `dropping to ${fewer}`).toBe(true);
          }
        }
      });
    });
    afterAll(() => {
      console.log(`${file}: ${run} rows run, ${comments} comment rows, 0 skipped`);
    });
  });
}

describeRows('tx_valid.json', true);
describeRows('tx_invalid.json', false);

describe('CheckTransaction reject reasons', () => {
  const base = (): Transaction =>
    Transaction.decode(
      fromHex(
        '0100000001' +
          '11'.repeat(32) +
          '00000000' +
          '00' +
          'ffffffff' +
          '01' +
          '0100000000000000' +
          '00' +
          '00000000',
      ),
    );
  it('accepts a well-formed transaction', () => {
    expect(checkTransaction(base())).toEqual({ ok: true });
  });
  it('names each failure as Core does', () => {
    const t = base();
    const cases: [Transaction, string][] = [
      [new Transaction(1, [], t.vout, 0), 'bad-txns-vin-empty'],
      [new Transaction(1, t.vin, [], 0), 'bad-txns-vout-empty'],
      [
        new Transaction(1, t.vin, [{ value: -1n, scriptPubKey: new Uint8Array(0) }], 0),
        'bad-txns-vout-negative',
      ],
      [
        new Transaction(
          1,
          t.vin,
          [{ value: 2_100_000_000_000_001n, scriptPubKey: new Uint8Array(0) }],
          0,
        ),
        'bad-txns-vout-toolarge',
      ],
      [
        new Transaction(
          1,
          t.vin,
          [
            { value: 2_000_000_000_000_000n, scriptPubKey: new Uint8Array(0) },
            { value: 200_000_000_000_000n, scriptPubKey: new Uint8Array(0) },
          ],
          0,
        ),
        'bad-txns-txouttotal-toolarge',
      ],
      [new Transaction(1, [t.vin[0]!, t.vin[0]!], t.vout, 0), 'bad-txns-inputs-duplicate'],
      [
        new Transaction(1, t.vin, [{ value: 0n, scriptPubKey: new Uint8Array(1_000_001) }], 0),
        'bad-txns-oversize',
      ],
    ];
    for (const [tx, reason] of cases) expect(checkTransaction(tx)).toEqual({ ok: false, reason });
  });
});
