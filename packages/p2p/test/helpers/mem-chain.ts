/**
 * A small in-memory chain with the P2PChain shape, for P2P tests until packages/chain's
 * ChainstateManager is wired in: it checks proof of work, connection to a known parent and the
 * merkle root (mutation), keeps the most-work fully-downloaded chain active, and mines regtest
 * blocks. It is not consensus validation.
 */
import {
  Block,
  BlockHeader,
  OutPoint,
  Transaction,
  checkProofOfWork,
  bytesEqual,
  getChainParams,
  reverseBytes,
  toHex,
  workFromBits,
  type ChainParams,
} from '@bitcoind-lite/consensus';
import {
  BLOCK_FAILED_VALID,
  BLOCK_HAVE_DATA,
  BLOCK_VALID_TREE,
  type P2PActiveChain,
  type P2PBlockIndex,
  type P2PChain,
  type P2PValidationState,
  type UpdatedBlockTipListener,
} from '../../src/chain-view.js';

export class MemBlockIndex implements P2PBlockIndex {
  readonly hash: Uint8Array;
  readonly hashHex: string;
  readonly height: number;
  readonly chainWork: bigint;
  status = BLOCK_VALID_TREE;

  constructor(
    readonly header: BlockHeader,
    readonly prev: MemBlockIndex | undefined,
  ) {
    this.hash = header.hash();
    this.hashHex = header.hashHex();
    this.height = prev ? prev.height + 1 : 0;
    this.chainWork = (prev?.chainWork ?? 0n) + workFromBits(header.bits);
  }

  getAncestor(height: number): MemBlockIndex | undefined {
    if (height > this.height || height < 0) return undefined;
    let idx: MemBlockIndex | undefined = this;
    while (idx && idx.height > height) idx = idx.prev;
    return idx;
  }
}

class MemActiveChain implements P2PActiveChain {
  chain: MemBlockIndex[] = [];
  tip(): MemBlockIndex {
    return this.chain[this.chain.length - 1]!;
  }
  height(): number {
    return this.chain.length - 1;
  }
  at(h: number): MemBlockIndex | undefined {
    return this.chain[h];
  }
  contains(idx: P2PBlockIndex): boolean {
    const c = this.chain[idx.height];
    return c !== undefined && bytesEqual(c.hash, idx.hash);
  }
  next(idx: P2PBlockIndex): MemBlockIndex | undefined {
    return this.contains(idx) ? this.chain[idx.height + 1] : undefined;
  }
  getLocator(from?: P2PBlockIndex): Uint8Array[] {
    let idx: P2PBlockIndex | undefined = from ?? this.tip();
    const out: Uint8Array[] = [];
    let step = 1;
    while (idx) {
      out.push(idx.hash);
      if (idx.height === 0) break;
      const h = Math.max(idx.height - step, 0);
      idx = this.contains(idx) ? this.chain[h] : idx.getAncestor(h);
      if (out.length > 10) step *= 2;
    }
    return out;
  }
  findFork(idx: P2PBlockIndex): MemBlockIndex | undefined {
    let i: P2PBlockIndex | undefined =
      idx.height > this.height() ? idx.getAncestor(this.height()) : idx;
    while (i && !this.contains(i)) i = i.prev;
    return i ? this.chain[i.height] : undefined;
  }
}

function invalid(
  result: P2PValidationState['result'],
  rejectReason: string,
  debugMessage?: string,
): P2PValidationState {
  return { valid: false, result, rejectReason, ...(debugMessage ? { debugMessage } : {}) };
}

export class MemChain implements P2PChain {
  readonly params: ChainParams;
  readonly activeChain = new MemActiveChain();
  bestHeader: MemBlockIndex;
  ibd = false;
  private readonly index = new Map<string, MemBlockIndex>();
  private readonly blocks = new Map<string, Block>();
  private readonly listeners = new Set<UpdatedBlockTipListener>();

  constructor(params: ChainParams = getChainParams('regtest')) {
    this.params = params;
    const g = new MemBlockIndex(params.genesis.header, undefined);
    g.status |= BLOCK_HAVE_DATA;
    this.index.set(toHex(g.hash), g);
    this.blocks.set(toHex(g.hash), params.genesis);
    this.activeChain.chain.push(g);
    this.bestHeader = g;
  }

  lookup(hash: Uint8Array | string): MemBlockIndex | undefined {
    const key =
      typeof hash === 'string' ? toHex(reverseBytes(Buffer.from(hash, 'hex'))) : toHex(hash);
    return this.index.get(key);
  }

  isInitialBlockDownload(): boolean {
    return this.ibd;
  }

  on(_event: 'updatedBlockTip', listener: UpdatedBlockTipListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private acceptHeader(h: BlockHeader): { state: P2PValidationState; idx?: MemBlockIndex } {
    const known = this.lookup(h.hash());
    if (known) {
      if (known.status & BLOCK_FAILED_VALID)
        return { state: invalid('cached-invalid', 'duplicate') };
      return { state: { valid: true }, idx: known };
    }
    const prev = this.lookup(h.prevBlock);
    if (!prev) return { state: invalid('missing-prev', 'prev-blk-not-found') };
    if (prev.status & BLOCK_FAILED_VALID) return { state: invalid('invalid-prev', 'bad-prevblk') };
    if (!checkProofOfWork(h.hash(), h.bits, this.params.powLimit)) {
      return { state: invalid('invalid-header', 'high-hash', 'proof of work failed') };
    }
    const idx = new MemBlockIndex(h, prev);
    this.index.set(toHex(idx.hash), idx);
    if (idx.chainWork > this.bestHeader.chainWork) this.bestHeader = idx;
    return { state: { valid: true }, idx };
  }

  async processNewBlockHeaders(
    headers: BlockHeader[],
  ): Promise<{ state: P2PValidationState; last?: P2PBlockIndex }> {
    let last: MemBlockIndex | undefined;
    for (const h of headers) {
      const r = this.acceptHeader(h);
      if (!r.state.valid) return last ? { state: r.state, last } : { state: r.state };
      last = r.idx;
    }
    return last ? { state: { valid: true }, last } : { state: { valid: true } };
  }

  async processNewBlock(
    block: Block,
  ): Promise<{ state: P2PValidationState; isNew: boolean; index?: P2PBlockIndex }> {
    const merkle = block.computeMerkleRoot();
    if (merkle.mutated || !bytesEqual(merkle.root, block.header.merkleRoot)) {
      // Core's CheckMerkleRoot: BLOCK_MUTATED, never cached as invalid (the header may be fine).
      return {
        state: invalid(
          'mutated',
          merkle.mutated ? 'bad-txns-duplicate' : 'bad-txnmrklroot',
          merkle.mutated ? 'duplicate transaction' : 'hashMerkleRoot mismatch',
        ),
        isNew: false,
      };
    }
    const r = this.acceptHeader(block.header);
    if (!r.state.valid || !r.idx) return { state: r.state, isNew: false };
    const idx = r.idx;
    const isNew = (idx.status & BLOCK_HAVE_DATA) === 0;
    idx.status |= BLOCK_HAVE_DATA;
    this.blocks.set(toHex(idx.hash), block);
    this.activateBestChain();
    return { state: { valid: true }, isNew, index: idx };
  }

  private activateBestChain(): void {
    const tip = this.activeChain.tip();
    let best: MemBlockIndex | undefined;
    for (const idx of this.index.values()) {
      if (idx.chainWork <= (best ?? tip).chainWork) continue;
      let ok = true;
      for (let i: MemBlockIndex | undefined = idx; i && !this.activeChain.contains(i); i = i.prev) {
        if ((i.status & BLOCK_HAVE_DATA) === 0) {
          ok = false;
          break;
        }
      }
      if (ok) best = idx;
    }
    if (!best) return;
    const fork = this.activeChain.findFork(best)!;
    const path: MemBlockIndex[] = [];
    for (let i: MemBlockIndex | undefined = best; i && i.height > fork.height; i = i.prev)
      path.push(i);
    this.activeChain.chain.length = fork.height + 1;
    this.activeChain.chain.push(...path.reverse());
    for (const l of this.listeners) l(best, fork, this.ibd);
  }

  async readBlock(idx: P2PBlockIndex): Promise<Block> {
    const b = this.blocks.get(toHex(idx.hash));
    if (!b) throw new Error(`block ${idx.hashHex} not stored`);
    return b;
  }

  async readRawBlock(idx: P2PBlockIndex): Promise<Uint8Array> {
    return (await this.readBlock(idx)).serialize(true);
  }

  /** Builds (but does not submit) a valid regtest block on `prev`. */
  createBlock(prev: P2PBlockIndex, tag = 0): Block {
    const height = prev.height + 1;
    const heightPush =
      height < 17 ? Uint8Array.of(height === 0 ? 0 : 0x50 + height) : encodeHeightPush(height);
    const coinbase = new Transaction(
      2,
      [
        {
          prevout: OutPoint.null(),
          scriptSig: Uint8Array.from([...heightPush, 0x01, tag & 0xff]),
          sequence: 0xffffffff,
          witness: [],
        },
      ],
      [{ value: 50n * 100_000_000n, scriptPubKey: Uint8Array.of(0x51) }],
      0,
    );
    // Recent times, as regtest mining gives: Core starts headers sync with every peer then.
    const time = Math.max(prev.header.time + 1, Math.floor(Date.now() / 1000) - 3600);
    let header = new BlockHeader(0x20000000, prev.hash, coinbase.txid(), time, 0x207fffff, 0);
    for (
      let nonce = 0;
      !checkProofOfWork(header.hash(), header.bits, this.params.powLimit);
      nonce++
    ) {
      header = header.withNonce(nonce + 1);
    }
    return new Block(header, [coinbase]);
  }

  async mine(n: number, tag = 0): Promise<Block[]> {
    const out: Block[] = [];
    for (let i = 0; i < n; i++) {
      const b = this.createBlock(this.activeChain.tip(), tag);
      const r = await this.processNewBlock(b);
      if (!r.state.valid) throw new Error(`mined block rejected: ${r.state.rejectReason}`);
      out.push(b);
    }
    return out;
  }
}

function encodeHeightPush(height: number): Uint8Array {
  const bytes: number[] = [];
  let h = height;
  while (h > 0) {
    bytes.push(h & 0xff);
    h >>= 8;
  }
  if (bytes[bytes.length - 1]! & 0x80) bytes.push(0);
  return Uint8Array.from([bytes.length, ...bytes]);
}
