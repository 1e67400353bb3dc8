/**
 * Per-transaction hashes shared by every input's signature hash (Core's
 * PrecomputedTransactionData): the BIP143 double hashes and the BIP341 single hashes, computed
 * once on first use. BIP341 needs every spent output, so `spentOutputs` must be given for
 * taproot spends.
 */
import { sha256 } from '../hash.js';
import { BufferWriter } from '../serialize.js';
import type { Transaction, TxOut } from '../transaction.js';

export class PrecomputedTransactionData {
  private prevouts: Uint8Array | undefined;
  private sequences: Uint8Array | undefined;
  private outputs: Uint8Array | undefined;
  private amounts: Uint8Array | undefined;
  private scripts: Uint8Array | undefined;

  constructor(
    readonly tx: Transaction,
    /** The outputs the inputs spend, in input order; undefined when not known (no taproot). */
    readonly spentOutputs?: readonly TxOut[],
  ) {
    if (spentOutputs !== undefined && spentOutputs.length !== tx.vin.length) {
      throw new RangeError(
        `spentOutputs: expected ${tx.vin.length} outputs (one per input), got ${spentOutputs.length}`,
      );
    }
  }

  /** SHA256 of all prevouts (BIP341 sha_prevouts). */
  prevoutsSingleHash(): Uint8Array {
    if (this.prevouts === undefined) {
      const w = new BufferWriter(36 * this.tx.vin.length);
      for (const i of this.tx.vin) i.prevout.serialize(w);
      this.prevouts = sha256(w.toBytes());
    }
    return this.prevouts;
  }

  sequencesSingleHash(): Uint8Array {
    if (this.sequences === undefined) {
      const w = new BufferWriter(4 * this.tx.vin.length);
      for (const i of this.tx.vin) w.u32(i.sequence);
      this.sequences = sha256(w.toBytes());
    }
    return this.sequences;
  }

  outputsSingleHash(): Uint8Array {
    if (this.outputs === undefined) {
      const w = new BufferWriter();
      for (const o of this.tx.vout) w.i64(o.value).varBytes(o.scriptPubKey);
      this.outputs = sha256(w.toBytes());
    }
    return this.outputs;
  }

  spentAmountsSingleHash(): Uint8Array {
    if (this.amounts === undefined) {
      const w = new BufferWriter();
      for (const o of this.requireSpentOutputs()) w.i64(o.value);
      this.amounts = sha256(w.toBytes());
    }
    return this.amounts;
  }

  spentScriptsSingleHash(): Uint8Array {
    if (this.scripts === undefined) {
      const w = new BufferWriter();
      for (const o of this.requireSpentOutputs()) w.varBytes(o.scriptPubKey);
      this.scripts = sha256(w.toBytes());
    }
    return this.scripts;
  }

  /** BIP143 hashPrevouts / hashSequence / hashOutputs are the double hashes. */
  hashPrevouts(): Uint8Array {
    return sha256(this.prevoutsSingleHash());
  }

  hashSequence(): Uint8Array {
    return sha256(this.sequencesSingleHash());
  }

  hashOutputs(): Uint8Array {
    return sha256(this.outputsSingleHash());
  }

  requireSpentOutputs(): readonly TxOut[] {
    if (this.spentOutputs === undefined) {
      throw new TypeError('PrecomputedTransactionData: spentOutputs are required for taproot');
    }
    return this.spentOutputs;
  }
}
