/**
 * Transaction relay (Core's net_processing: tx invs, getdata for transactions, the tx message,
 * RelayTransaction, the trickled inv batches of SendMessages, MaybeSendFeefilter), by wtxid with
 * peers that negotiated BIP339 and by txid with the others.
 *
 * Core's behaviour kept: invs of the kind a peer did not negotiate are ignored (MSG_TX from a
 * wtxidrelay peer and MSG_WTX from another); block-relay-only peers that announce transactions
 * are disconnected; nothing is requested during initial block download; a transaction is
 * requested from one peer at a time and re-requested from another after 60 s (Core's
 * GETDATA_TX_INTERVAL); invs go out in batches at Poisson-distributed times (average 2 s to
 * outbound, 5 s to inbound peers, from the Random capability), at most 1000 each, skipping
 * transactions under the peer's feefilter; our feefilter goes to each peer about every 10
 * minutes. Every rejected transaction is logged with Core's reject reason and the peer id; none
 * is punished (Core 30 no longer disconnects for consensus-invalid transactions).
 *
 * Simplified: no orphan pool (a transaction with missing inputs is dropped and logged), no
 * per-peer announcement limit of 5000 in flight, and a transaction in the mempool is served to
 * any peer (Core serves only what it announced, or what is older than its last inv).
 */
import { hasPermission, PF_RELAY } from './net-permissions.js';
import type { Transaction } from '@bitcoind-lite/consensus';
import { randomInt } from '@bitcoind-lite/entropy';
import type { P2PMempool } from './mempool-view.js';
import {
  isTxInv,
  MSG_TX,
  MSG_WITNESS_FLAG,
  MSG_WITNESS_TX,
  MSG_WTX,
  type InvItem,
} from './messages/index.js';
import { hexOf, type NetContext } from './net-context.js';
import type { Peer } from './peer.js';
import { poissonDelayMs } from './poisson.js';
import { MAX_INV_SZ } from './protocol.js';

/** Core's INBOUND_INVENTORY_BROADCAST_INTERVAL and OUTBOUND_INVENTORY_BROADCAST_INTERVAL. */
export const INBOUND_INVENTORY_BROADCAST_INTERVAL_MS = 5_000;
export const OUTBOUND_INVENTORY_BROADCAST_INTERVAL_MS = 2_000;
/** Core's INVENTORY_BROADCAST_MAX. */
export const INVENTORY_BROADCAST_MAX = 1000;
/** Core's GETDATA_TX_INTERVAL. */
export const GETDATA_TX_INTERVAL_MS = 60_000;
/** Core's AVG_FEEFILTER_BROADCAST_INTERVAL. */
export const AVG_FEEFILTER_BROADCAST_INTERVAL_MS = 10 * 60_000;
/** Core's MAX_FEEFILTER_CHANGE_DELAY: a big fee filter change is announced within this. */
const MAX_FEEFILTER_CHANGE_DELAY_MS = 5 * 60 * 1000;

/** MAX_MONEY in sat/kvB: the feefilter Core sends during initial block download. */
const MAX_MONEY_SATS = 21_000_000n * 100_000_000n;

export interface TxRelayOptions {
  /** Scale the Poisson averages (tests); 1 is Core's. */
  inventoryIntervalScale?: number | undefined;
  /** Core's -blocksonly (ignore_incoming_txs): ask peers for no transactions, refuse theirs. */
  ignoreIncomingTxs?: boolean | undefined;
}

export class TxRelay {
  /** inv hash hex -> when it was requested, and from which peer (TxRequestTracker, simplified). */
  private readonly requested = new Map<string, { peerId: number; atMs: number }>();
  private readonly scale: number;
  private readonly ignoreIncomingTxs: boolean;

  constructor(
    private readonly ctx: NetContext,
    private readonly mempool: P2PMempool | undefined,
    o: TxRelayOptions = {},
  ) {
    this.scale = o.inventoryIntervalScale ?? 1;
    this.ignoreIncomingTxs = o.ignoreIncomingTxs ?? false;
  }

  /**
   * Core's RejectIncomingTxs: a block-relay-only connection, or -blocksonly (ignore incoming
   * transactions) unless the peer has the relay permission. Such a peer that sends or announces
   * a transaction breaks the protocol and is disconnected.
   */
  rejectIncomingTxs(peer: Peer): boolean {
    if (peer.connectionType === 'block-relay-only') return true;
    return this.ignoreIncomingTxs && !hasPermission(peer.permissions, PF_RELAY);
  }

  peerClosed(peer: Peer): void {
    for (const [h, r] of this.requested) if (r.peerId === peer.id) this.requested.delete(h);
  }

  /** Transaction entries of an inv (block entries are headers-sync's). */
  onInv(peer: Peer, items: InvItem[]): void {
    const txItems = items.filter((i) => isTxInv(i.type));
    if (txItems.length === 0) return;
    if (this.rejectIncomingTxs(peer)) {
      this.ctx.log.debug(
        'net',
        `transaction (${hexOf(txItems[0]!.hash)}) inv sent in violation of protocol, disconnecting peer=${peer.id}`,
      );
      peer.disconnect('tx inv in violation of protocol');
      return;
    }
    if (this.mempool === undefined || this.ctx.chain.isInitialBlockDownload()) return;
    const want: InvItem[] = [];
    const now = this.ctx.clock.nowMs();
    for (const item of txItems) {
      const byWtxid = item.type === MSG_WTX;
      // BIP339: after wtxidrelay only MSG_WTX counts; before it only MSG_TX.
      if (byWtxid !== peer.wtxidRelay) continue;
      const h = hexOf(item.hash);
      peer.txKnown.add(h);
      if (this.mempool.lookupTx(h, byWtxid) !== undefined) continue;
      const r = this.requested.get(h);
      if (r !== undefined && now - r.atMs < GETDATA_TX_INTERVAL_MS) continue;
      this.requested.set(h, { peerId: peer.id, atMs: now });
      peer.txRequested.set(h, now);
      want.push({ type: byWtxid ? MSG_WTX : MSG_WITNESS_TX, hash: item.hash });
    }
    if (want.length > 0) this.ctx.send(peer, { type: 'getdata', items: want });
  }

  /** Answers the transaction entries of a getdata; returns those not found. */
  serve(peer: Peer, item: InvItem): boolean {
    if (this.mempool === undefined) return false;
    const byWtxid = item.type === MSG_WTX;
    const found = this.mempool.lookupTx(hexOf(item.hash), byWtxid);
    if (found === undefined) return false;
    const withWitness = byWtxid || (item.type & MSG_WITNESS_FLAG) !== 0;
    const payload = found.tx.serialize(withWitness);
    this.ctx.log.debug('net', `sending tx (${payload.length} bytes) peer=${peer.id}`);
    peer.sendRaw('tx', payload);
    return true;
  }

  async onTx(peer: Peer, tx: Transaction): Promise<void> {
    if (this.rejectIncomingTxs(peer)) {
      this.ctx.log.debug(
        'net',
        `transaction sent in violation of protocol, disconnecting peer=${peer.id}`,
      );
      peer.disconnect('tx in violation of protocol');
      return;
    }
    const txid = tx.txidHex();
    const wtxid = tx.wtxidHex();
    peer.txKnown.add(wtxid);
    peer.txKnown.add(txid);
    for (const h of [txid, wtxid]) {
      peer.txRequested.delete(h);
      this.requested.delete(h);
    }
    if (this.mempool === undefined) return;
    if (this.mempool.lookupTx(wtxid, true) !== undefined) return;
    const r = await this.ctx.withChain(() => this.mempool!.acceptToMemoryPool(tx));
    if (r.valid) {
      this.ctx.log.debug(
        'mempool',
        `AcceptToMemoryPool: peer=${peer.id}: accepted ${txid} (wtxid=${wtxid}) (poolsz ${this.mempool.size()} txn)`,
      );
      peer.lastTxTimeSec = Math.floor(this.ctx.clock.nowMs() / 1000);
      this.relayTransaction(tx);
      return;
    }
    const reason = r.debugMessage ? `${r.rejectReason}, ${r.debugMessage}` : (r.rejectReason ?? '');
    this.ctx.log.debug(
      'mempoolrej',
      `${txid} (wtxid=${wtxid}) from peer=${peer.id} was not accepted: ${reason}`,
    );
    // No punishment, not even for consensus-invalid transactions: Core 30 dropped
    // MaybePunishNodeForTx (bitcoin/bitcoin#33050), as relaying an invalid transaction costs
    // the peer nothing to fake and disconnecting for it only helps partition attacks.
  }

  /** Core's RelayTransaction: queue for every tx-relaying peer that does not know it. */
  relayTransaction(tx: Transaction): void {
    const wtxid = tx.wtxidHex();
    const txid = tx.txidHex();
    for (const p of this.ctx.connman.allPeers()) {
      if (!p.successfullyConnected || p.disconnecting || !this.relaysTo(p)) continue;
      if (p.txKnown.has(p.wtxidRelay ? wtxid : txid)) continue;
      p.txToSend.add(wtxid);
    }
  }

  private relaysTo(p: Peer): boolean {
    return p.relayTxes && p.connectionType !== 'block-relay-only';
  }

  /** The trickled inv batch and the feefilter, from the send loop. */
  sendMessages(peer: Peer): void {
    if (this.mempool === undefined || !this.relaysTo(peer)) return;
    const now = this.ctx.clock.nowMs();
    this.maybeSendFeefilter(peer, now);
    if (peer.txToSend.size === 0) return;
    if (now < peer.nextInvSendMs) return;
    const avg = peer.inbound
      ? INBOUND_INVENTORY_BROADCAST_INTERVAL_MS
      : OUTBOUND_INVENTORY_BROADCAST_INTERVAL_MS;
    peer.nextInvSendMs = now + poissonDelayMs(this.ctx.random, avg * this.scale);
    const items: InvItem[] = [];
    for (const wtxid of peer.txToSend) {
      if (items.length >= Math.min(INVENTORY_BROADCAST_MAX, MAX_INV_SZ)) break;
      peer.txToSend.delete(wtxid);
      const found = this.mempool.lookupTx(wtxid, true);
      if (found === undefined) continue; // mined or evicted meanwhile
      if (found.feeRateSatPerKvB < peer.feeFilterSatPerKvB) continue;
      const hashHex = peer.wtxidRelay ? wtxid : found.tx.txidHex();
      if (peer.txKnown.has(hashHex)) continue;
      peer.txKnown.add(hashHex);
      const hash = peer.wtxidRelay ? found.tx.wtxid() : found.tx.txid();
      items.push({ type: peer.wtxidRelay ? MSG_WTX : MSG_TX, hash });
    }
    if (items.length > 0) this.ctx.send(peer, { type: 'inv', items });
  }

  /**
   * Core's MaybeSendFeefilter (BIP133): MAX_MONEY while in initial block download, so peers send
   * no transactions yet; on leaving it, the real filter goes out at once (else a peer would wait
   * ~10 minutes to start relaying); a large change is sent within 5 minutes.
   */
  private maybeSendFeefilter(peer: Peer, now: number): void {
    if (peer.version < 70013) return;
    const ibd = this.ctx.chain.isInitialBlockDownload();
    const current = ibd ? MAX_MONEY_SATS : this.mempool!.minFeeRateSatPerKvB();
    if (!ibd && peer.feeFilterSentSatPerKvB === MAX_MONEY_SATS) peer.nextFeeFilterSendMs = 0;
    if (now >= peer.nextFeeFilterSendMs) {
      if (current !== peer.feeFilterSentSatPerKvB) {
        peer.feeFilterSentSatPerKvB = current;
        this.ctx.send(peer, { type: 'feefilter', feeRateSatPerKvB: current });
      }
      peer.nextFeeFilterSendMs =
        now + poissonDelayMs(this.ctx.random, AVG_FEEFILTER_BROADCAST_INTERVAL_MS);
      return;
    }
    const sent = peer.feeFilterSentSatPerKvB;
    const changedALot = current * 4n < sent * 3n || current * 3n > sent * 4n;
    if (now + MAX_FEEFILTER_CHANGE_DELAY_MS < peer.nextFeeFilterSendMs && changedALot) {
      peer.nextFeeFilterSendMs = now + randomInt(this.ctx.random, MAX_FEEFILTER_CHANGE_DELAY_MS);
    }
  }
}
