/**
 * Signature hashes and signatures against the official vectors: Core's sighash.json (legacy),
 * BIP143's examples (segwit v0), BIP341's wallet vectors (script pubkeys, control blocks and key
 * path signature messages) and BIP340's Schnorr vectors.
 */
import * as secp from '@noble/secp256k1';
import { afterAll, describe, expect, it } from 'vitest';
import { fromHex, reverseBytes, toHex } from '../src/bytes.js';
import { taggedHash } from '../src/hash.js';
import {
  computeTapleafHash,
  computeTaprootMerkleRoot,
  createNobleVerifier,
  legacySignatureHash,
  PrecomputedTransactionData,
  SigVersion,
  taprootSigMsg,
  taprootSignatureHash,
  VERIFY,
  verifyInput,
  witnessV0SigMsg,
  witnessV0SignatureHash,
} from '../src/script/index.js';
import { Transaction, type TxOut } from '../src/transaction.js';
import { readJsonVector, readVector } from './script-vector-helpers.js';

const counts: Record<string, number> = {};
const count = (file: string): void => {
  counts[file] = (counts[file] ?? 0) + 1;
};
afterAll(() => {
  for (const [file, n] of Object.entries(counts)) console.log(`${file}: ${n} rows run, 0 skipped`);
});

const noble = createNobleVerifier();

describe('sighash.json (legacy signature hash)', () => {
  const rows = readJsonVector<unknown[][]>('sighash.json');
  rows.forEach((row, index) => {
    if (row.length === 1) return; // the header row
    const [txHex, scriptHex, inputIndex, hashType, expected] = row as [
      string,
      string,
      number,
      number,
      string,
    ];
    it(`#${index} input ${inputIndex} hashType ${hashType}`, () => {
      count('sighash.json');
      const tx = Transaction.decode(fromHex(txHex));
      const h = legacySignatureHash(fromHex(scriptHex), tx, inputIndex, hashType);
      expect(toHex(reverseBytes(h))).toBe(expected);
    });
  });
});

interface Bip143Example {
  name: string;
  unsigned_tx: string;
  signed_txs: string[];
  prevouts?: { scriptPubKey: string; amount_sats: number }[];
  sighash_cases: {
    input_index: number;
    hash_type: number;
    script_code: string;
    amount_sats: number;
    preimage: string;
    sighash: string;
  }[];
}

describe('bip143_examples.json (segwit v0 signature hash)', () => {
  const { examples } = readJsonVector<{ examples: Bip143Example[] }>('bip143_examples.json');
  for (const ex of examples) {
    ex.sighash_cases.forEach((c, k) => {
      it(`${ex.name} case ${k} (hashType ${c.hash_type})`, () => {
        count('bip143_examples.json');
        const tx = Transaction.decode(fromHex(ex.unsigned_tx));
        const txdata = new PrecomputedTransactionData(tx);
        const args = [
          fromHex(c.script_code),
          tx,
          c.input_index,
          c.hash_type,
          BigInt(c.amount_sats),
          txdata,
        ] as const;
        expect(toHex(witnessV0SigMsg(...args))).toBe(c.preimage);
        expect(toHex(witnessV0SignatureHash(...args))).toBe(c.sighash);
      });
    });
    if (ex.prevouts !== undefined) {
      ex.signed_txs.forEach((hex, k) => {
        it(`${ex.name}: signed tx ${k} verifies`, () => {
          const tx = Transaction.decode(fromHex(hex));
          // Prevouts are listed in the unsigned tx's input order; a signed variant may reorder.
          const unsigned = Transaction.decode(fromHex(ex.unsigned_tx));
          const byOutpoint = new Map<string, TxOut>();
          unsigned.vin.forEach((txin, i) => {
            const p = ex.prevouts![i]!;
            byOutpoint.set(txin.prevout.key(), {
              value: BigInt(p.amount_sats),
              scriptPubKey: fromHex(p.scriptPubKey),
            });
          });
          const spent = tx.vin.map((txin) => byOutpoint.get(txin.prevout.key())!);
          for (let i = 0; i < tx.vin.length; i++) {
            expect(verifyInput(tx, i, spent, VERIFY.P2SH | VERIFY.WITNESS)).toEqual({ ok: true });
          }
        });
      });
    }
  }
});

type TreeNode = { id: number; script: string; leafVersion: number } | TreeNode[];

interface Bip341 {
  scriptPubKey: {
    given: { internalPubkey: string; scriptTree: TreeNode | null };
    intermediary: {
      leafHashes?: string[];
      merkleRoot: string | null;
      tweak: string;
      tweakedPubkey: string;
    };
    expected: { scriptPubKey: string; scriptPathControlBlocks?: string[] };
  }[];
  keyPathSpending: {
    given: { rawUnsignedTx: string; utxosSpent: { scriptPubKey: string; amountSats: number }[] };
    intermediary: Record<string, string>;
    inputSpending: {
      given: { txinIndex: number; hashType: number };
      intermediary: { sigMsg: string; sigHash: string };
      expected: { witness: string[] };
    }[];
    auxiliary: { fullySignedTx: string };
  }[];
}

/** Leaf hashes in id order, the root, and each leaf's merkle path (BIP341 reference code). */
function walkTree(node: TreeNode): {
  hash: Uint8Array;
  leaves: { id: number; script: Uint8Array; version: number; path: Uint8Array[] }[];
} {
  if (!Array.isArray(node)) {
    const script = fromHex(node.script);
    return {
      hash: computeTapleafHash(node.leafVersion, script),
      leaves: [{ id: node.id, script, version: node.leafVersion, path: [] }],
    };
  }
  const l = walkTree(node[0]!);
  const r = walkTree(node[1]!);
  for (const leaf of l.leaves) leaf.path.push(r.hash);
  for (const leaf of r.leaves) leaf.path.push(l.hash);
  const [a, b] = Buffer.compare(l.hash, r.hash) <= 0 ? [l.hash, r.hash] : [r.hash, l.hash];
  return { hash: taggedHash('TapBranch', a, b), leaves: [...l.leaves, ...r.leaves] };
}

describe('bip341_wallet_vectors.json', () => {
  const v = readJsonVector<Bip341>('bip341_wallet_vectors.json');
  v.scriptPubKey.forEach((c, index) => {
    it(`scriptPubKey #${index}`, () => {
      count('bip341_wallet_vectors.json');
      const internal = fromHex(c.given.internalPubkey);
      const tree = c.given.scriptTree === null ? undefined : walkTree(c.given.scriptTree);
      const root = tree?.hash;
      expect(root === undefined ? null : toHex(root)).toBe(c.intermediary.merkleRoot);
      const leaves = tree ? [...tree.leaves].sort((a, b) => a.id - b.id) : [];
      if (c.intermediary.leafHashes) {
        expect(leaves.map((l) => toHex(computeTapleafHash(l.version, l.script)))).toEqual(
          c.intermediary.leafHashes,
        );
      }
      const tweak = root
        ? taggedHash('TapTweak', internal, root)
        : taggedHash('TapTweak', internal);
      expect(toHex(tweak)).toBe(c.intermediary.tweak);
      let t = 0n;
      for (const b of tweak) t = (t << 8n) | BigInt(b);
      const q = secp.Point.fromBytes(Uint8Array.of(2, ...internal))
        .add(secp.Point.BASE.multiply(t))
        .toBytes(true);
      expect(toHex(q.subarray(1))).toBe(c.intermediary.tweakedPubkey);
      expect(`5120${toHex(q.subarray(1))}`).toBe(c.expected.scriptPubKey);
      // Every control block must commit, through the consensus code path, to the output key.
      (c.expected.scriptPathControlBlocks ?? []).forEach((cbHex, i) => {
        const cb = fromHex(cbHex);
        const leaf = leaves[i]!;
        expect(toHex(cb)).toBe(
          toHex(
            Uint8Array.from([
              leaf.version | (q[0]! & 1),
              ...internal,
              ...leaf.path.flatMap((p) => [...p]),
            ]),
          ),
        );
        const rootFromCb = computeTaprootMerkleRoot(
          cb,
          computeTapleafHash(cb[0]! & 0xfe, leaf.script),
        );
        expect(toHex(rootFromCb)).toBe(c.intermediary.merkleRoot);
        expect(noble.checkTapTweak(internal, q.subarray(1), cb[0]! & 1, tweak)).toBe(true);
        expect(noble.checkTapTweak(internal, q.subarray(1), (cb[0]! & 1) ^ 1, tweak)).toBe(false);
      });
    });
  });

  const kp = v.keyPathSpending[0]!;
  const tx = Transaction.decode(fromHex(kp.given.rawUnsignedTx));
  const spent: TxOut[] = kp.given.utxosSpent.map((u) => ({
    value: BigInt(u.amountSats),
    scriptPubKey: fromHex(u.scriptPubKey),
  }));
  const txdata = new PrecomputedTransactionData(tx, spent);
  it('keyPathSpending: precomputed hashes', () => {
    count('bip341_wallet_vectors.json');
    expect(toHex(txdata.prevoutsSingleHash())).toBe(kp.intermediary.hashPrevouts);
    expect(toHex(txdata.spentAmountsSingleHash())).toBe(kp.intermediary.hashAmounts);
    expect(toHex(txdata.spentScriptsSingleHash())).toBe(kp.intermediary.hashScriptPubkeys);
    expect(toHex(txdata.sequencesSingleHash())).toBe(kp.intermediary.hashSequences);
    expect(toHex(txdata.outputsSingleHash())).toBe(kp.intermediary.hashOutputs);
  });
  const signed = Transaction.decode(fromHex(kp.auxiliary.fullySignedTx));
  kp.inputSpending.forEach((s, index) => {
    it(`keyPathSpending input #${index} (txin ${s.given.txinIndex}, hashType ${s.given.hashType})`, () => {
      count('bip341_wallet_vectors.json');
      const exec = { annexHash: undefined };
      const msg = taprootSigMsg(
        tx,
        s.given.txinIndex,
        s.given.hashType,
        SigVersion.TAPROOT,
        txdata,
        exec,
      );
      expect(`00${toHex(msg!)}`).toBe(s.intermediary.sigMsg);
      const h = taprootSignatureHash(
        tx,
        s.given.txinIndex,
        s.given.hashType,
        SigVersion.TAPROOT,
        txdata,
        exec,
      );
      expect(toHex(h!)).toBe(s.intermediary.sigHash);
      expect(signed.vin[s.given.txinIndex]!.witness.map(toHex)).toEqual(s.expected.witness);
      const flags = VERIFY.P2SH | VERIFY.WITNESS | VERIFY.TAPROOT;
      expect(verifyInput(signed, s.given.txinIndex, spent, flags)).toEqual({ ok: true });
    });
  });
});

describe('bip340_test_vectors.csv (Schnorr)', () => {
  const lines = readVector('bip340_test_vectors.csv')
    .toString('utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1);
  for (const line of lines) {
    const [index, sk, pk, aux, msg, sig, result, comment] = line.split(',');
    it(`#${index} ${result} ${comment ?? ''}`, () => {
      count('bip340_test_vectors.csv');
      const ok = noble.verifySchnorr(fromHex(sig!), fromHex(msg!), fromHex(pk!));
      expect(ok).toBe(result === 'TRUE');
      if (sk) {
        expect(toHex(secp.schnorr.getPublicKey(fromHex(sk)))).toBe(pk!.toLowerCase());
        expect(toHex(secp.schnorr.sign(fromHex(msg!), fromHex(sk), fromHex(aux!)))).toBe(
          sig!.toLowerCase(),
        );
      }
    });
  }
});
