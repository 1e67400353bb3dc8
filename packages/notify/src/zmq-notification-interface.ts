/**
 * Core's ZMQ notifications (zmq/zmqnotificationinterface.cpp, zmqpublishnotifier.cpp, doc/zmq.md)
 * on listening sockets the manifest granted: each notifier publishes
 * `[topic, body, 4-byte little-endian sequence]`, the sequence counting that notifier's messages
 * from 0. Notifiers given the same Listener share one PUB socket (Core reuses the socket of an
 * address already bound), each keeping its own sequence.
 *
 * | type         | topic     | body                                   | when                      |
 * | ------------ | --------- | -------------------------------------- | ------------------------- |
 * | pubhashblock | hashblock | block hash, display order              | new tip (not in IBD)      |
 * | pubrawblock  | rawblock  | serialized block                       | new tip (not in IBD)      |
 * | pubhashtx    | hashtx    | txid, display order                    | mempool add; each tx of a |
 * | pubrawtx     | rawtx     | serialized tx with witness             | block connected or disconnected |
 * | pubsequence  | sequence  | hash + 'C'/'D' (block), or txid + 'A'/'R' + 8-byte LE mempool sequence | as the events |
 */
import { reverseBytes, type Block, type Transaction } from '@bitcoind-lite/consensus';
import type { Listener, Logger } from '@bitcoind-lite/runtime';
import { ZmtpPublisher } from './zmtp-publisher.js';

/** Core's notifier types, in the order getzmqnotifications lists them. */
export const ZMQ_NOTIFIER_TYPES = [
  'pubhashblock',
  'pubhashtx',
  'pubrawblock',
  'pubrawtx',
  'pubsequence',
] as const;
export type ZmqNotifierType = (typeof ZMQ_NOTIFIER_TYPES)[number];

/** Core's CZMQAbstractNotifier::DEFAULT_ZMQ_SNDHWM. */
export const DEFAULT_ZMQ_SNDHWM = 1000;

export interface ZmqNotifierConfig {
  type: ZmqNotifierType;
  listener: Listener;
  /** `-zmqpub<type>hwm`; Core's default 1000. */
  hwm?: number;
}

/** What getzmqnotifications prints for each notifier. */
export interface ZmqNotifierInfo {
  type: ZmqNotifierType;
  address: string;
  hwm: number;
}

/** A block index as the notifications need it. */
export interface ZmqBlockRef {
  readonly hash: Uint8Array;
}

export interface ZmqNotificationInterfaceOptions {
  notifiers: readonly ZmqNotifierConfig[];
  logger: Logger;
  /** Reads a block's bytes for rawblock when the tip is not the block just connected. */
  readRawBlock: (idx: ZmqBlockRef) => Promise<Uint8Array>;
}

const TOPIC: Record<ZmqNotifierType, Uint8Array> = {
  pubhashblock: new TextEncoder().encode('hashblock'),
  pubhashtx: new TextEncoder().encode('hashtx'),
  pubrawblock: new TextEncoder().encode('rawblock'),
  pubrawtx: new TextEncoder().encode('rawtx'),
  pubsequence: new TextEncoder().encode('sequence'),
};

class Notifier {
  private sequence = 0;

  constructor(
    readonly type: ZmqNotifierType,
    readonly publisher: ZmtpPublisher,
    readonly hwm: number,
  ) {}

  /** Core's SendZmqMessage: topic, body, then this notifier's sequence, which then advances. */
  send(body: Uint8Array): void {
    const seq = new Uint8Array(4);
    new DataView(seq.buffer).setUint32(0, this.sequence >>> 0, true);
    this.publisher.publish([TOPIC[this.type], body, seq]);
    this.sequence = (this.sequence + 1) >>> 0;
  }
}

/** Core's libzmq-style address for a listener: tcp://HOST:PORT, or the fd for an inherited one. */
export function zmqAddressOf(listener: Listener): string {
  return listener.address.startsWith('fd:') ? listener.address : `tcp://${listener.address}`;
}

export class ZmqNotificationInterface {
  private readonly notifiers: Notifier[] = [];
  private readonly publishers = new Map<Listener, ZmtpPublisher>();
  private readonly logger: Logger;
  private readonly readRawBlock: (idx: ZmqBlockRef) => Promise<Uint8Array>;
  /** The block most recently connected, so rawblock for the new tip needs no read. */
  private lastConnected: { hash: Uint8Array; raw: Uint8Array } | undefined;
  /** rawblock reads that could not be served from memory, kept in tip order. */
  private rawBlockChain: Promise<void> = Promise.resolve();

  constructor(o: ZmqNotificationInterfaceOptions) {
    if (o === undefined) throw new TypeError('ZmqNotificationInterface: options are required');
    if (o.logger === undefined) throw new TypeError('ZmqNotificationInterface: logger is required');
    if (typeof o.readRawBlock !== 'function') {
      throw new TypeError('ZmqNotificationInterface: readRawBlock is required');
    }
    this.logger = o.logger;
    this.readRawBlock = o.readRawBlock;
    for (const n of o.notifiers ?? []) {
      if (!ZMQ_NOTIFIER_TYPES.includes(n.type)) {
        throw new RangeError(`ZmqNotificationInterface: unknown notifier type ${n.type}`);
      }
      const hwm = n.hwm ?? DEFAULT_ZMQ_SNDHWM;
      let publisher = this.publishers.get(n.listener);
      const address = zmqAddressOf(n.listener);
      if (publisher === undefined) {
        publisher = new ZmtpPublisher({ listener: n.listener, logger: this.logger, hwm });
        this.publishers.set(n.listener, publisher);
      } else {
        this.logger.debug('zmq', `Reusing socket for address ${address}`);
      }
      this.logger.debug(
        'zmq',
        `Outbound message high water mark for ${n.type} at ${address} is ${hwm}`,
      );
      this.notifiers.push(new Notifier(n.type, publisher, hwm));
    }
    // Core's factory map is ordered by type name; getzmqnotifications lists in that order.
    this.notifiers.sort(
      (a, b) => ZMQ_NOTIFIER_TYPES.indexOf(a.type) - ZMQ_NOTIFIER_TYPES.indexOf(b.type),
    );
  }

  /** Starts accepting subscribers on every granted socket. */
  start(): void {
    for (const p of this.publishers.values()) p.start();
    for (const n of this.notifiers) {
      this.logger.debug(
        'zmq',
        `Notifier ${n.type} ready (address = ${zmqAddressOf(n.publisher.listener)})`,
      );
    }
  }

  activeNotifiers(): ZmqNotifierInfo[] {
    return this.notifiers.map((n) => ({
      type: n.type,
      address: zmqAddressOf(n.publisher.listener),
      hwm: n.hwm,
    }));
  }

  /** Core's UpdatedBlockTip: hashblock and rawblock for the new tip, unless in IBD or no new block. */
  updatedBlockTip(newTip: ZmqBlockRef, forkPoint: ZmqBlockRef | undefined, ibd: boolean): void {
    if (ibd || (forkPoint !== undefined && sameHash(newTip, forkPoint))) return;
    const display = reverseBytes(newTip.hash);
    for (const n of this.notifiers) if (n.type === 'pubhashblock') n.send(display);
    const raw = this.notifiers.filter((n) => n.type === 'pubrawblock');
    if (raw.length === 0) return;
    const cached = this.lastConnected;
    if (cached !== undefined && equalBytes(cached.hash, newTip.hash)) {
      for (const n of raw) n.send(cached.raw);
      return;
    }
    this.rawBlockChain = this.rawBlockChain.then(async () => {
      try {
        const bytes = await this.readRawBlock(newTip);
        for (const n of raw) n.send(bytes);
      } catch (e) {
        // Core drops a notifier whose send fails; a read failure here only skips this block.
        this.logger.debug('zmq', `rawblock: cannot read block: ${(e as Error).message}`);
      }
    });
  }

  /** Core's TransactionAddedToMempool: hashtx, rawtx and sequence 'A'. */
  transactionAddedToMempool(tx: Transaction, mempoolSequence: number | bigint): void {
    this.notifyTransaction(tx);
    this.notifySequence(tx.txid(), 'A', mempoolSequence);
  }

  /** Core's TransactionRemovedFromMempool (every reason but block inclusion): sequence 'R'. */
  transactionRemovedFromMempool(tx: Transaction, mempoolSequence: number | bigint): void {
    this.notifySequence(tx.txid(), 'R', mempoolSequence);
  }

  /** Core's BlockConnected: hashtx/rawtx for each transaction, then sequence 'C'. */
  blockConnected(block: Block, idx: ZmqBlockRef): void {
    if (this.notifiers.some((n) => n.type === 'pubrawblock')) {
      this.lastConnected = { hash: idx.hash, raw: block.serialize() };
    }
    for (const tx of block.txs) this.notifyTransaction(tx);
    this.notifySequence(idx.hash, 'C');
  }

  /** Core's BlockDisconnected: hashtx/rawtx for each transaction, then sequence 'D'. */
  blockDisconnected(block: Block, idx: ZmqBlockRef): void {
    for (const tx of block.txs) this.notifyTransaction(tx);
    this.notifySequence(idx.hash, 'D');
  }

  async close(): Promise<void> {
    await this.rawBlockChain;
    for (const p of this.publishers.values()) await p.close();
  }

  private notifyTransaction(tx: Transaction): void {
    let raw: Uint8Array | undefined;
    for (const n of this.notifiers) {
      if (n.type === 'pubhashtx') n.send(reverseBytes(tx.txid()));
      else if (n.type === 'pubrawtx') n.send((raw ??= tx.serialize()));
    }
  }

  /** 32-byte hash (display order), the label, and for A/R the mempool sequence (uint64 LE). */
  private notifySequence(
    hash: Uint8Array,
    label: 'C' | 'D' | 'A' | 'R',
    seq?: number | bigint,
  ): void {
    const seqNotifiers = this.notifiers.filter((n) => n.type === 'pubsequence');
    if (seqNotifiers.length === 0) return;
    const body = new Uint8Array(seq === undefined ? 33 : 41);
    body.set(reverseBytes(hash));
    body[32] = label.charCodeAt(0);
    if (seq !== undefined) new DataView(body.buffer).setBigUint64(33, BigInt(seq), true);
    for (const n of seqNotifiers) n.send(body);
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameHash(a: ZmqBlockRef, b: ZmqBlockRef): boolean {
  return equalBytes(a.hash, b.hash);
}
