/**
 * What the parts of net_processing share: the chain, the capabilities, the connection manager,
 * the block download state, and the few PeerManager operations every part may call. The parts
 * (handshake.ts, headers-sync.ts, block-relay.ts, misbehaviour.ts, tx-relay.ts, addr-relay.ts)
 * each own one concept of Core's net_processing.cpp and receive this context.
 */
import type { Random } from '@bitcoind-lite/entropy';
import type { Clock, Logger } from '@bitcoind-lite/runtime';
import type { BlockDownload } from './block-download.js';
import type { P2PChain } from './chain-view.js';
import type { ConnectionManager } from './connman.js';
import type { NetMessage } from './messages/index.js';
import type { Peer } from './peer.js';

export interface NetContext {
  readonly chain: P2PChain;
  readonly clock: Clock;
  readonly random: Random;
  readonly log: Logger;
  readonly connman: ConnectionManager;
  readonly download: BlockDownload;
  /** Encodes, logs ("sending ...") and writes one message. */
  send(peer: Peer, msg: NetMessage): void;
  /** Serializes chain mutations, as cs_main does in Core. */
  withChain<T>(fn: () => Promise<T>): Promise<T>;
  /** Core's SendMessages for one peer (punish, ping, sync, announce, request). */
  sendMessages(peer: Peer): void;
  /** Core's Misbehaving. */
  misbehaving(peer: Peer, message: string): void;
}

export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function isZero(h: Uint8Array): boolean {
  return h.every((b) => b === 0);
}

/** A hash in display (reversed) hex. */
export function hexOf(hash: Uint8Array): string {
  return Buffer.from(hash).reverse().toString('hex');
}
