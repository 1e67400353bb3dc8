/**
 * The chainstate's notifications (Core's CValidationInterface callbacks), delivered
 * synchronously in the order the chain changes.
 */
import type { Block } from '@bitcoind-lite/consensus';
import type { BlockIndex } from './block-index.js';

export interface ChainEvents {
  blockConnected: (block: Block, idx: BlockIndex) => void;
  blockDisconnected: (block: Block, idx: BlockIndex) => void;
  updatedBlockTip: (
    newTip: BlockIndex,
    forkPoint: BlockIndex | undefined,
    initialDownload: boolean,
  ) => void;
}

export class ChainEventEmitter {
  private readonly listeners: { [K in keyof ChainEvents]: Set<ChainEvents[K]> } = {
    blockConnected: new Set(),
    blockDisconnected: new Set(),
    updatedBlockTip: new Set(),
  };

  /** Adds a listener; returns its unsubscribe function. */
  on<K extends keyof ChainEvents>(event: K, listener: ChainEvents[K]): () => void {
    const set = this.listeners[event] as Set<ChainEvents[K]>;
    if (set === undefined) throw new RangeError(`unknown chain event '${String(event)}'`);
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends keyof ChainEvents>(event: K, ...args: Parameters<ChainEvents[K]>): void {
    for (const l of this.listeners[event] as Set<(...a: unknown[]) => void>) l(...args);
  }
}
