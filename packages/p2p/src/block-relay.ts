/**
 * Serving and receiving blocks, and announcing new ones (Core's net_processing: ProcessGetData
 * for blocks, the block message, UpdatedBlockTip and the BIP130 headers-or-inv announcement in
 * SendMessages).
 */
import { workFromBits, type Block, type BlockHeader } from '@bitcoind-lite/consensus';
import { sameBlock } from './block-download.js';
import { isBlockMutated } from './block-mutation.js';
import { stateToString, type P2PBlockIndex } from './chain-view.js';
import {
  isBlockInv,
  isTxInv,
  invToString,
  MSG_BLOCK,
  MSG_CMPCT_BLOCK,
  MSG_FILTERED_BLOCK,
  MSG_WITNESS_FLAG,
  type InvItem,
} from './messages/index.js';
import type { Misbehaviour } from './misbehaviour.js';
import type { NetContext } from './net-context.js';
import type { Peer } from './peer.js';
import { MAX_BLOCKS_TO_ANNOUNCE, MAX_INV_SZ } from './protocol.js';

export class BlockRelay {
  /** Blocks to announce (Core's m_blocks_for_headers_relay), per peer id. */
  private readonly toAnnounce = new Map<number, P2PBlockIndex[]>();

  constructor(
    private readonly ctx: NetContext,
    private readonly misbehaviour: Misbehaviour,
    /** The network's segwit height: from it on IsBlockMutated checks the witness commitment. */
    private readonly segwitHeight = 0,
  ) {}

  peerClosed(peer: Peer): void {
    this.toAnnounce.delete(peer.id);
  }

  /** Core's ProcessGetData; transaction entries go to `serveTx` (tx-relay.ts). */
  async onGetData(
    peer: Peer,
    items: InvItem[],
    serveTx: (item: InvItem) => boolean = () => false,
  ): Promise<void> {
    if (items.length > MAX_INV_SZ) {
      this.ctx.misbehaving(peer, `getdata message size = ${items.length}`);
      return;
    }
    // Core's two debug lines for every getdata (size, then the first entry).
    this.ctx.log.debug('net', `received getdata (${items.length} invsz) peer=${peer.id}`);
    if (items.length > 0) {
      this.ctx.log.debug('net', `received getdata for: ${invToString(items[0]!)} peer=${peer.id}`);
    }
    const notFound: InvItem[] = [];
    for (const item of items) {
      if (peer.disconnecting) return;
      if (isTxInv(item.type)) {
        if (!serveTx(item)) notFound.push(item);
        continue;
      }
      if (!isBlockInv(item.type)) continue;
      const idx = this.ctx.chain.lookup(item.hash);
      // Core serves blocks on the active chain (or valid, recent ones); never unvalidated data.
      if (
        idx === undefined ||
        (idx.status & 8) === 0 ||
        !this.ctx.chain.activeChain.contains(idx)
      ) {
        this.ctx.log.debug(
          'net',
          `ignoring request from peer=${peer.id} for unknown or unserved block ${idx?.hashHex ?? ''}`,
        );
        continue;
      }
      if (item.type === MSG_FILTERED_BLOCK) continue; // no BIP37 filter was ever loaded
      let payload: Uint8Array;
      if ((item.type & MSG_WITNESS_FLAG) !== 0 || item.type === MSG_CMPCT_BLOCK) {
        payload = await this.ctx.chain.readRawBlock(idx);
      } else {
        payload = (await this.ctx.chain.readBlock(idx)).serialize(false);
      }
      this.ctx.log.debug('net', `sending block (${payload.length} bytes) peer=${peer.id}`);
      peer.sendRaw('block', payload);
    }
    if (notFound.length > 0) this.ctx.send(peer, { type: 'notfound', items: notFound });
  }

  async onBlock(peer: Peer, block: Block): Promise<void> {
    const hash = block.hash();
    const requested = this.ctx.download.received(peer, hash);
    // A block from a peer ends its stall (Core clears m_stalling_since on delivery).
    if (requested) peer.stallingSinceMs = 0;
    this.ctx.log.debug('net', `received block ${block.hashHex()} peer=${peer.id}`);
    // Core checks a block whose parent it knows for mutation before validating it: the peer is
    // punished and the block never reaches validation, so the real block (same hash) is not
    // marked invalid.
    const prev = this.ctx.chain.lookup(block.header.prevBlock);
    const logMutated = (line: string) => this.ctx.log.debug('validation', line);
    if (
      prev !== undefined &&
      isBlockMutated(block, prev.height + 1 >= this.segwitHeight, logMutated)
    ) {
      this.ctx.log.debug('net', `Received mutated block from peer=${peer.id}`);
      this.ctx.misbehaving(peer, 'mutated block');
      return;
    }
    // Core's anti-DoS rule: a block's header enters the index only if the work it claims on top
    // of a known parent reaches GetAntiDoSWorkThreshold.
    const minPowChecked =
      prev !== undefined &&
      prev.chainWork + workFromBits(block.header.bits) >= this.antiDosWorkThreshold();
    const { state, isNew } = await this.ctx.withChain(() =>
      this.ctx.chain.processNewBlock(block, { forceProcessing: requested, minPowChecked }),
    );
    if (!state.valid) {
      this.misbehaviour.maybePunishNodeForBlock(peer, state, stateToString(state));
      return;
    }
    if (isNew) peer.lastBlockTimeSec = Math.floor(this.ctx.clock.nowMs() / 1000);
  }

  /**
   * Core's GetAntiDoSWorkThreshold: the tip's work less 144 blocks' worth (forks near the tip
   * are fine), but never below the minimum chain work.
   */
  private antiDosWorkThreshold(): bigint {
    const tip = this.ctx.chain.activeChain.tip();
    const buffer = 144n * workFromBits(tip.header.bits);
    const nearTip = tip.chainWork - (buffer < tip.chainWork ? buffer : tip.chainWork);
    const minimum = this.ctx.chain.params?.minimumChainWork ?? 0n;
    return nearTip > minimum ? nearTip : minimum;
  }

  updatedBlockTip(tip: P2PBlockIndex, fork: P2PBlockIndex | undefined, ibd: boolean): void {
    if (ibd) return;
    const blocks: P2PBlockIndex[] = [];
    for (
      let idx: P2PBlockIndex | undefined = tip;
      idx && !(fork && sameBlock(idx, fork));
      idx = idx.prev
    ) {
      blocks.push(idx);
      if (blocks.length === MAX_BLOCKS_TO_ANNOUNCE) break;
    }
    blocks.reverse();
    for (const peer of this.ctx.connman.allPeers()) {
      if (peer.version === 0) continue;
      const q = this.toAnnounce.get(peer.id) ?? [];
      q.push(...blocks);
      this.toAnnounce.set(peer.id, q);
      this.ctx.sendMessages(peer);
    }
  }

  announceBlocks(peer: Peer): void {
    const queue = this.toAnnounce.get(peer.id);
    if (!queue || queue.length === 0) return;
    this.toAnnounce.delete(peer.id);
    this.ctx.download.processBlockAvailability(peer);
    const chain = this.ctx.chain.activeChain;
    let revertToInv = !peer.preferHeaders || queue.length > MAX_BLOCKS_TO_ANNOUNCE;
    const headers: BlockHeader[] = [];
    let bestIndex: P2PBlockIndex | undefined;
    if (!revertToInv) {
      let foundStart = false;
      for (const idx of queue) {
        const onChain = chain.at(idx.height);
        if (!onChain || !sameBlock(onChain, idx)) {
          revertToInv = true; // reorganized away since it was queued
          break;
        }
        if (bestIndex && !(idx.prev && sameBlock(idx.prev, bestIndex))) {
          revertToInv = true; // the queued blocks do not connect
          break;
        }
        bestIndex = idx;
        if (foundStart) headers.push(idx.header);
        else if (this.peerHasHeader(peer, idx)) continue;
        else if (idx.prev === undefined || this.peerHasHeader(peer, idx.prev)) {
          foundStart = true;
          headers.push(idx.header);
        } else {
          revertToInv = true; // nothing we could send would connect for this peer
          break;
        }
      }
    }
    if (!revertToInv && headers.length > 0) {
      this.ctx.log.debug(
        'net',
        `SendMessages: ${headers.length} headers, range (${headers[0]!.hashHex()}, ${headers[headers.length - 1]!.hashHex()}), to peer=${peer.id}`,
      );
      this.ctx.send(peer, { type: 'headers', headers });
      peer.bestHeaderSent = bestIndex;
      return;
    }
    if (revertToInv) {
      const last = queue[queue.length - 1]!;
      if (!this.peerHasHeader(peer, last)) {
        this.ctx.log.debug('net', `SendMessages: sending inv peer=${peer.id} hash=${last.hashHex}`);
        this.ctx.send(peer, { type: 'inv', items: [{ type: MSG_BLOCK, hash: last.hash }] });
      }
    }
  }

  peerHasHeader(peer: Peer, idx: P2PBlockIndex): boolean {
    for (const known of [peer.bestKnownBlock, peer.bestHeaderSent]) {
      if (known === undefined || known.height < idx.height) continue;
      const anc = known.getAncestor(idx.height);
      if (anc !== undefined && sameBlock(anc, idx)) return true;
    }
    return false;
  }
}
