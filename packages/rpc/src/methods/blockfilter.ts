/**
 * getblockfilter (BIP157 content filters), as Core's rpc/blockchain.cpp: looks the block up,
 * then asks the block filter index of the requested type for its filter and filter header.
 * Registered only when the node runs with `-blockfilterindex`; without an index for the type the
 * call fails as Core's does ("Index is not enabled for filtertype basic").
 */
import { blockFilterTypeByName, reverseBytes, toHex } from '@bitcoind-lite/consensus';
import type { BlockFilterType } from '@bitcoind-lite/consensus';
import { RPC_INVALID_ADDRESS_OR_KEY, RPC_MISC_ERROR, RpcError } from '../protocol.js';
import type { RpcTable } from '../registry.js';
import type { RpcBlockIndex, RpcChainstate } from './node-context.js';
import { lookupBlockOrThrow, parseHashV } from './params.js';

/** What getblockfilter reads of a block filter index (Core's BlockFilterIndex). */
export interface RpcBlockFilterIndex {
  readonly filterType: BlockFilterType;
  /** Whether the index has caught up with the active chain (Core's BlockUntilSyncedToCurrentChain). */
  isReady(): boolean;
  /** The serialized filter and the filter header (internal byte order) of an indexed block. */
  lookupFilter(idx: RpcBlockIndex): Promise<{ filter: Uint8Array; header: Uint8Array } | undefined>;
}

export interface BlockFilterRpcContext {
  readonly chainman: Pick<RpcChainstate, 'lookup'>;
  /** The node's block filter indexes; empty or absent without `-blockfilterindex`. */
  readonly blockFilterIndexes?: readonly RpcBlockFilterIndex[];
}

const BLOCK_VALID_MASK = 7;
const BLOCK_VALID_SCRIPTS = 5;
const BLOCK_FAILED_MASK = 32 | 64;

export function registerBlockFilterCommands(table: RpcTable, ctx: BlockFilterRpcContext): void {
  table.register({
    name: 'getblockfilter',
    category: 'blockchain',
    params: [
      { name: 'blockhash', type: 'hex', description: 'The hash of the block' },
      {
        name: 'filtertype',
        type: 'string',
        optional: true,
        default: 'basic',
        description: 'The type name of the filter',
      },
    ],
    description: 'Retrieve a BIP 157 content filter for a particular block.',
    handler: async (p) => {
      const hash = parseHashV(p['blockhash'], 'blockhash');
      const typeName = String(p['filtertype'] ?? 'basic');
      const type = blockFilterTypeByName(typeName);
      if (type === undefined) throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, 'Unknown filtertype');

      const index = ctx.blockFilterIndexes?.find((i) => i.filterType === type);
      if (index === undefined) {
        throw new RpcError(RPC_MISC_ERROR, `Index is not enabled for filtertype ${typeName}`);
      }

      const idx = lookupBlockOrThrow(ctx.chainman as RpcChainstate, hash);
      const connected =
        (idx.status & BLOCK_FAILED_MASK) === 0 &&
        (idx.status & BLOCK_VALID_MASK) >= BLOCK_VALID_SCRIPTS;
      const ready = index.isReady();
      const found = await index.lookupFilter(idx);
      if (found === undefined) {
        // Core's wording, and its code: only a never-connected block is the caller's mistake.
        if (!connected) {
          throw new RpcError(
            RPC_INVALID_ADDRESS_OR_KEY,
            'Filter not found. Block was not connected to active chain.',
          );
        }
        if (!ready) {
          throw new RpcError(
            RPC_MISC_ERROR,
            'Filter not found. Block filters are still in the process of being indexed.',
          );
        }
        throw new RpcError(
          RPC_MISC_ERROR,
          'Filter not found. This error is unexpected and indicates index corruption.',
        );
      }
      return { filter: toHex(found.filter), header: toHex(reverseBytes(found.header)) };
    },
  });
}
