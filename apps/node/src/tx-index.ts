/**
 * A simple transaction index (`-txindex`), in LevelDB at `<network datadir>/indexes/txindex`
 * as Core lays it out. It maps a txid to the hash of the block that holds it; getrawtransaction
 * then reads the block. Unlike Core's it stores no disk position, and entries of disconnected
 * blocks stay (Core's index keeps them too; the RPC reports such a block as not in the active
 * chain).
 *
 * Key layout:
 *   't' + txid (32 bytes, internal order) -> block hash (32 bytes)
 *   'B'                                  -> hash of the last block indexed (Core's best block)
 */
import { concatBytes } from '@bitcoind-lite/consensus';
import type { Block } from '@bitcoind-lite/consensus';
import type { BlockIndex, ChainstateManager } from '@bitcoind-lite/chain';
import type { Logger } from '@bitcoind-lite/runtime';
import type { Dir, LevelDB } from '@bitcoind-lite/storage';
import { BaseIndex, KEY_BEST_BLOCK, openIndexDb } from './base-index.js';

const PREFIX_TX = 0x74;

function txKey(txid: Uint8Array): Uint8Array {
  return concatBytes(new Uint8Array([PREFIX_TX]), txid);
}

export class TxIndex extends BaseIndex {
  private constructor(db: LevelDB, chainman: ChainstateManager, logger: Logger) {
    super(db, chainman, logger, 'txindex', 'txindex');
  }

  /** Opens the index and starts catching up with the active chain in the background. */
  static async open(netDir: Dir, chainman: ChainstateManager, logger: Logger): Promise<TxIndex> {
    const db = await openIndexDb('TxIndex.open', { netDir, chainman, logger }, [], 'txindex');
    const index = new TxIndex(db, chainman, logger);
    index.start();
    return index;
  }

  /** The hash of the block holding `txid` (internal order), when indexed. */
  async findBlock(txid: Uint8Array): Promise<Uint8Array | undefined> {
    return this.db.get(txKey(txid));
  }

  protected async writeBlock(block: Block, idx: BlockIndex): Promise<void> {
    const batch = this.db.batch();
    for (const tx of block.txs) batch.put(txKey(tx.txid()), idx.hash);
    batch.put(KEY_BEST_BLOCK, idx.hash);
    await batch.write();
  }

  protected override onCatchUpStart(fromHeight: number, tipHeight: number): void {
    if (fromHeight <= tipHeight) this.logger.info(`txindex is enabled at height ${fromHeight}`);
  }
}
