/**
 * Core's CZMQNotificationInterface::Create and its registration as a validation interface: the
 * `zmq` grant's listeners become notifiers (high-water marks from `-zmqpub<type>hwm`), fed by the
 * chainstate's block events and the mempool's add/remove events. The sockets were bound by the
 * launcher (or inherited); nothing here binds.
 */
import type { ChainstateManager } from '@bitcoind-lite/chain';
import type { ZmqTopic } from '@bitcoind-lite/manifest';
import type { Mempool } from '@bitcoind-lite/mempool';
import {
  DEFAULT_ZMQ_SNDHWM,
  ZmqNotificationInterface,
  type ZmqNotifierConfig,
} from '@bitcoind-lite/notify';
import type { Logger } from '@bitcoind-lite/runtime';
import type { Capabilities } from './capabilities.js';
import { argNumber } from './node-args.js';

export interface ZmqSetup {
  zmq: ZmqNotificationInterface;
  /** Unsubscribes from the chain and mempool, then closes the sockets. */
  stop(): Promise<void>;
}

/** Undefined when the manifest grants no `zmq` sockets. */
export function startZmq(o: {
  caps: Capabilities;
  chainman: ChainstateManager;
  mempool: Mempool;
  logger: Logger;
}): ZmqSetup | undefined {
  const grants = o.caps.zmq;
  if (grants === undefined) return undefined;
  const notifiers: ZmqNotifierConfig[] = [];
  for (const [topic, listener] of Object.entries(grants) as [
    ZmqTopic,
    ZmqNotifierConfig['listener'],
  ][]) {
    const type = `pub${topic}` as const;
    notifiers.push({
      type,
      listener,
      hwm: argNumber(o.caps.args, `zmq${type}hwm`, DEFAULT_ZMQ_SNDHWM),
    });
  }
  const zmq = new ZmqNotificationInterface({
    notifiers,
    logger: o.logger,
    readRawBlock: async (ref) => {
      const idx = o.chainman.lookup(ref.hash);
      if (idx === undefined) throw new Error('block not in the index');
      return o.chainman.readRawBlock(idx);
    },
  });
  zmq.start();

  const { chainman, mempool } = o;
  const unsubscribe = [
    chainman.on('blockConnected', (block, idx) => zmq.blockConnected(block, idx)),
    chainman.on('blockDisconnected', (block, idx) => zmq.blockDisconnected(block, idx)),
    chainman.on('updatedBlockTip', (tip, fork, ibd) => zmq.updatedBlockTip(tip, fork, ibd)),
    mempool.subscribe({
      added: (entry) => zmq.transactionAddedToMempool(entry.tx, entry.sequence),
      // Core sends no removal for block inclusion (the block's own notifications cover it). The
      // pool's sequence was advanced just before this call; the removal took the value before.
      removed: (entry, reason) => {
        if (reason !== 'block') zmq.transactionRemovedFromMempool(entry.tx, mempool.sequence() - 1);
      },
    }),
  ];
  return {
    zmq,
    stop: async () => {
      for (const u of unsubscribe) u();
      await zmq.close();
    },
  };
}
