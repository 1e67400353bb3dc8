/**
 * Mining RPCs, as Core's rpc/mining.cpp: generatetoaddress, generatetodescriptor, generateblock,
 * submitblock, getmininginfo. Blocks are assembled from the tip (and the mempool, when there is
 * one), ground at the network's real target, and handed to the chain like any other block.
 */
import {
  Block,
  DecodeError,
  decodeAddress,
  fromHex,
  isHex,
  parseDescriptor,
  reverseBytes,
  toHex,
  Transaction,
} from '@bitcoind-lite/consensus';
import { nowSeconds } from '@bitcoind-lite/runtime';
import { createBlockTemplate, mineBlock, type SelectedTx } from '@bitcoind-lite/mempool';
import {
  RPC_DESERIALIZATION_ERROR,
  RPC_INTERNAL_ERROR,
  RPC_INVALID_ADDRESS_OR_KEY,
  RPC_INVALID_PARAMETER,
  RPC_MISC_ERROR,
  RPC_VERIFY_ERROR,
  RpcError,
} from '../protocol.js';
import type { RpcTable } from '../registry.js';
import { bitsHex, getDifficulty, targetHex } from './block-json.js';
import type { NodeContext, RpcValidationState } from './node-context.js';

/** Core's DEFAULT_MAX_TRIES for the generate calls. */
export const DEFAULT_MAX_TRIES = 1_000_000;
/** Core's MAX_BLOCK_WEIGHT minus the coinbase reservation the default template keeps free. */
const TEMPLATE_MAX_WEIGHT_WU = 4_000_000 - 8_000;

function checkBlockCount(n: unknown): number {
  const count = n as number;
  if (!Number.isInteger(count) || count < 0) {
    throw new RpcError(RPC_INVALID_PARAMETER, 'Invalid nblocks');
  }
  return count;
}

async function generateBlocks(
  ctx: NodeContext,
  payoutScript: Uint8Array,
  count: number,
  maxTries: number,
  txs?: SelectedTx[],
): Promise<string[]> {
  const hashes: string[] = [];
  let triesLeft = maxTries;
  for (let i = 0; i < count && triesLeft > 0; i++) {
    const parent = ctx.chainman.activeChain.tip();
    const template = createBlockTemplate({
      parent,
      params: ctx.params,
      nowSeconds: nowSeconds(ctx.clock),
      payoutScript,
      txs: txs ?? ctx.mempool?.selectForBlock(TEMPLATE_MAX_WEIGHT_WU) ?? [],
    });
    const mined = mineBlock(template.block, ctx.params, triesLeft);
    triesLeft -= mined.triesUsed;
    if (mined.block === undefined) break;
    const { state } = await ctx.chainman.processNewBlock(mined.block, { forceProcessing: true });
    if (!state.valid) {
      throw new RpcError(RPC_INTERNAL_ERROR, 'ProcessNewBlock, block not accepted');
    }
    hashes.push(mined.block.hashHex());
  }
  return hashes;
}

/** Core's generateblock output argument: an address, or a descriptor for one script. */
function outputScriptFor(ctx: NodeContext, output: string): Uint8Array {
  const addr = decodeAddress(output, ctx.params);
  if (addr.ok) return addr.scriptPubKey;
  const desc = parseDescriptor(output, ctx.params);
  if (desc.ok) return desc.value.scriptPubKey;
  throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, 'Error: Invalid address or descriptor');
}

/** Core's BIP22ValidationResult. */
function bip22Result(state: RpcValidationState): string | null {
  if (state.valid) return null;
  if (state.result === 'error') throw new RpcError(RPC_VERIFY_ERROR, state.rejectReason ?? '');
  return state.rejectReason === undefined || state.rejectReason === ''
    ? 'rejected'
    : state.rejectReason;
}

export function registerMiningCommands(table: RpcTable, ctx: NodeContext): void {
  table.register({
    name: 'generatetoaddress',
    category: 'generating',
    params: [
      { name: 'nblocks', type: 'number', description: 'How many blocks are generated.' },
      {
        name: 'address',
        type: 'string',
        description: 'The address to send the newly generated bitcoin to.',
      },
      {
        name: 'maxtries',
        type: 'number',
        optional: true,
        default: DEFAULT_MAX_TRIES,
        description: 'How many iterations to try.',
      },
    ],
    description: 'Mine to a specified address and return the block hashes.',
    handler: (p) => {
      const count = checkBlockCount(p['nblocks']);
      const addr = decodeAddress(String(p['address']), ctx.params);
      if (!addr.ok) throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, 'Error: Invalid address');
      return generateBlocks(ctx, addr.scriptPubKey, count, p['maxtries'] as number);
    },
  });

  table.register({
    name: 'generatetodescriptor',
    category: 'generating',
    params: [
      { name: 'num_blocks', type: 'number', description: 'How many blocks are generated.' },
      {
        name: 'descriptor',
        type: 'string',
        description: 'The descriptor to send the newly generated bitcoin to.',
      },
      {
        name: 'maxtries',
        type: 'number',
        optional: true,
        default: DEFAULT_MAX_TRIES,
        description: 'How many iterations to try.',
      },
    ],
    description: 'Mine to a specified descriptor and return the block hashes.',
    handler: (p) => {
      const count = checkBlockCount(p['num_blocks']);
      const desc = parseDescriptor(String(p['descriptor']), ctx.params);
      if (!desc.ok) throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, desc.error);
      return generateBlocks(ctx, desc.value.scriptPubKey, count, p['maxtries'] as number);
    },
  });

  table.register({
    name: 'generateblock',
    category: 'generating',
    params: [
      {
        name: 'output',
        type: 'string',
        description: 'The address or descriptor to send the newly generated bitcoin to.',
      },
      {
        name: 'transactions',
        type: 'array',
        description: 'An array of hex strings which are either txids or raw transactions.',
      },
      {
        name: 'submit',
        type: 'boolean',
        optional: true,
        default: true,
        description:
          'Whether to submit the block before the RPC call returns or to return it as hex.',
      },
    ],
    description:
      'Mine a set of ordered transactions to a specified address or descriptor and return the block hash.',
    handler: async (p) => {
      const payout = outputScriptFor(ctx, String(p['output']));
      const txs: SelectedTx[] = [];
      for (const item of p['transactions'] as unknown[]) {
        const s = String(item);
        if (s.length === 64 && isHex(s)) {
          const found = ctx.mempool?.lookup?.(reverseBytes(fromHex(s)));
          if (found === undefined) {
            throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, `Transaction ${s} not in mempool.`);
          }
          txs.push(found);
          continue;
        }
        let tx: Transaction;
        try {
          tx = Transaction.decode(fromHex(s));
        } catch {
          throw new RpcError(
            RPC_DESERIALIZATION_ERROR,
            `Transaction decode failed for ${s}. Make sure the tx has at least one input.`,
          );
        }
        txs.push({ tx, feeSats: ctx.mempool?.feeFor?.(tx) ?? 0n });
      }
      const parent = ctx.chainman.activeChain.tip();
      const template = createBlockTemplate({
        parent,
        params: ctx.params,
        nowSeconds: nowSeconds(ctx.clock),
        payoutScript: payout,
        txs,
      });
      const mined = mineBlock(template.block, ctx.params, DEFAULT_MAX_TRIES);
      if (mined.block === undefined) throw new RpcError(RPC_MISC_ERROR, 'Failed to make block.');
      const block = mined.block;
      if (p['submit'] === false) {
        return { hash: block.hashHex(), hex: toHex(block.serialize()) };
      }
      const { state } = await ctx.chainman.processNewBlock(block, { forceProcessing: true });
      if (!state.valid) {
        throw new RpcError(
          RPC_VERIFY_ERROR,
          `TestBlockValidity failed: ${state.rejectReason ?? ''}`,
        );
      }
      return { hash: block.hashHex() };
    },
  });

  table.register({
    name: 'submitblock',
    category: 'mining',
    params: [
      { name: 'hexdata', type: 'hex', description: 'the hex-encoded block data to submit' },
      {
        name: 'dummy',
        type: 'string',
        optional: true,
        description: 'dummy value, for compatibility with BIP22. This value is ignored.',
      },
    ],
    description:
      'Attempts to submit new block to network.\nSee https://en.bitcoin.it/wiki/BIP_0022 for full specification.',
    handler: async (p) => {
      const block = decodeBlockHex(String(p['hexdata']));
      if (block.txs.length === 0 || !block.txs[0]!.isCoinbase()) {
        throw new RpcError(RPC_DESERIALIZATION_ERROR, 'Block does not start with a coinbase');
      }
      const { state, isNew } = await ctx.chainman.processNewBlock(block, { forceProcessing: true });
      if (!isNew && state.valid) return 'duplicate';
      return bip22Result(state);
    },
  });

  table.register({
    name: 'getmininginfo',
    category: 'mining',
    params: [],
    description: 'Returns a json object containing mining-related information.',
    handler: () => {
      const tip = ctx.chainman.activeChain.tip();
      return {
        blocks: tip.height,
        bits: bitsHex(tip.header.bits),
        difficulty: getDifficulty(tip.header.bits),
        target: targetHex(tip.header.bits),
        networkhashps: 0,
        pooledtx: ctx.mempool?.size?.() ?? 0,
        chain: ctx.params.network,
        warnings: [],
      };
    },
  });
}

/** Core's DecodeHexBlk: hex, then a block with nothing left over. */
export function decodeBlockHex(hex: string): Block {
  if (!isHex(hex)) throw new RpcError(RPC_DESERIALIZATION_ERROR, 'Block decode failed');
  try {
    return Block.decode(fromHex(hex));
  } catch (err) {
    if (err instanceof DecodeError || err instanceof RangeError) {
      throw new RpcError(RPC_DESERIALIZATION_ERROR, 'Block decode failed');
    }
    throw err;
  }
}
