/**
 * Mining RPCs, as Core's rpc/mining.cpp: generatetoaddress, generatetodescriptor, generateblock,
 * submitblock, getmininginfo. Blocks are assembled from the tip (and the mempool, when there is
 * one), ground at the network's real target, and handed to the chain like any other block.
 */
import {
  Block,
  BlockHeader,
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
import { exampleCli, exampleRpc, type RpcTable } from '../registry.js';
import { registerMiningInfoCommands } from './mining-info.js';
import { recordAssembledBlock } from './mining-last-block.js';
import type { NodeContext, RpcValidationState } from './node-context.js';

/** Core's BlockStatus bits (chain.h) that submitblock reads. */
const BLOCK_VALID_SCRIPTS = 5;
const BLOCK_FAILED_MASK = 32 | 64;

/** Core's DEFAULT_MAX_TRIES for the generate calls. */
export const DEFAULT_MAX_TRIES = 1_000_000;
/** Core's MAX_BLOCK_WEIGHT minus the coinbase reservation the default template keeps free. */
const TEMPLATE_MAX_WEIGHT_WU = 4_000_000 - 8_000;

/**
 * Core's generateBlocks loops while the height is below tip + count, so a negative count mines
 * nothing and returns [] (after the address or descriptor was checked).
 */
function checkBlockCount(n: unknown): number {
  const count = n as number;
  if (!Number.isInteger(count)) throw new RpcError(RPC_INVALID_PARAMETER, 'Invalid nblocks');
  return Math.max(0, count);
}

const GENERATED_RESULT = `[           (json array) hashes of blocks generated
  "hex",    (string) blockhash
  ...
]`;

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
    recordAssembledBlock(ctx, template.block);
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
    // Core 29/30 register the generate calls under "hidden": callable, not listed by help.
    category: 'hidden',
    params: [
      { name: 'nblocks', type: 'int', description: 'How many blocks are generated.' },
      {
        name: 'address',
        type: 'string',
        description: 'The address to send the newly generated bitcoin to.',
      },
      {
        name: 'maxtries',
        type: 'int',
        optional: true,
        default: DEFAULT_MAX_TRIES,
        description: 'How many iterations to try.',
      },
    ],
    description: 'Mine to a specified address and return the block hashes.',
    result: GENERATED_RESULT,
    examples:
      '\nGenerate 11 blocks to myaddress\n' +
      exampleCli('generatetoaddress', '11 "myaddress"') +
      'If you are using the Bitcoin Core wallet, you can get a new address to send the newly generated bitcoin to with:\n' +
      exampleCli('getnewaddress', ''),
    handler: (p) => {
      const addr = decodeAddress(String(p['address']), ctx.params);
      if (!addr.ok) throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, 'Error: Invalid address');
      const count = checkBlockCount(p['nblocks']);
      return generateBlocks(ctx, addr.scriptPubKey, count, p['maxtries'] as number);
    },
  });

  table.register({
    name: 'generatetodescriptor',
    // Core 29/30 register the generate calls under "hidden": callable, not listed by help.
    category: 'hidden',
    params: [
      { name: 'num_blocks', type: 'int', description: 'How many blocks are generated.' },
      {
        name: 'descriptor',
        type: 'string',
        description: 'The descriptor to send the newly generated bitcoin to.',
      },
      {
        name: 'maxtries',
        type: 'int',
        optional: true,
        default: DEFAULT_MAX_TRIES,
        description: 'How many iterations to try.',
      },
    ],
    description: 'Mine to a specified descriptor and return the block hashes.',
    result: GENERATED_RESULT,
    examples:
      '\nGenerate 11 blocks to mydesc\n' + exampleCli('generatetodescriptor', '11 "mydesc"'),
    handler: (p) => {
      const desc = parseDescriptor(String(p['descriptor']), ctx.params);
      if (!desc.ok) throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, desc.error);
      const count = checkBlockCount(p['num_blocks']);
      return generateBlocks(ctx, desc.value.scriptPubKey, count, p['maxtries'] as number);
    },
  });

  table.register({
    name: 'generateblock',
    // Core 29/30 register the generate calls under "hidden": callable, not listed by help.
    category: 'hidden',
    params: [
      {
        name: 'output',
        type: 'string',
        description: 'The address or descriptor to send the newly generated bitcoin to.',
      },
      {
        name: 'transactions',
        type: 'array',
        description:
          'An array of hex strings which are either txids or raw transactions.\nTxids must reference transactions currently in the mempool.\nAll transactions must be valid and in valid order, otherwise the block will be rejected.',
        usage: '["rawtx/txid",...]',
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
    result: `{                    (json object)
  "hash" : "hex",    (string) hash of generated block
  "hex" : "hex"      (string, optional) hex of generated block, only present when submit=false
}`,
    examples:
      '\nGenerate a block to myaddress, with txs rawtx and mempool_txid\n' +
      exampleCli('generateblock', `"myaddress" '["rawtx", "mempool_txid"]'`),
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
      recordAssembledBlock(ctx, template.block);
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
        default: 'ignored',
        defaultHint: 'ignored',
        description: 'dummy value, for compatibility with BIP22. This value is ignored.',
      },
    ],
    description:
      'Attempts to submit new block to network.\nSee https://en.bitcoin.it/wiki/BIP_0022 for full specification.',
    result: `Result (If the block was accepted):
null    (json null)

Result (Otherwise):
"str"    (string) According to BIP22`,
    examples: exampleCli('submitblock', '"mydata"') + exampleRpc('submitblock', '"mydata"'),
    handler: async (p) => {
      const block = decodeBlockHex(String(p['hexdata']));
      if (block.txs.length === 0 || !block.txs[0]!.isCoinbase()) {
        throw new RpcError(RPC_DESERIALIZATION_ERROR, 'Block does not start with a coinbase');
      }
      // Core answers a block it already knows from its index, before validating anything.
      const known = ctx.chainman.lookup(block.hash());
      if (known !== undefined) {
        if ((known.status & BLOCK_FAILED_MASK) === 0 && (known.status & 7) >= BLOCK_VALID_SCRIPTS) {
          return 'duplicate';
        }
        if ((known.status & BLOCK_FAILED_MASK) !== 0) return 'duplicate-invalid';
      }
      const { state, isNew } = await ctx.chainman.processNewBlock(block, { forceProcessing: true });
      if (!isNew && state.valid) return 'duplicate';
      return bip22Result(state);
    },
  });

  table.register({
    name: 'submitheader',
    category: 'mining',
    params: [{ name: 'hexdata', type: 'hex', description: 'the hex-encoded block header data' }],
    description:
      'Decode the given hexdata as a header and submit it as a candidate chain tip if valid.\nThrows when the header is invalid.',
    result: 'null    (json null) None',
    examples: exampleCli('submitheader', '"aabbcc"') + exampleRpc('submitheader', '"aabbcc"'),
    handler: async (p) => {
      const hex = String(p['hexdata']);
      let header: BlockHeader;
      try {
        if (!isHex(hex) || hex.length < 160) throw new RangeError('short');
        header = BlockHeader.decode(fromHex(hex).subarray(0, 80));
      } catch {
        throw new RpcError(RPC_DESERIALIZATION_ERROR, 'Block header decode failed');
      }
      if (ctx.chainman.lookup(header.prevBlock) === undefined) {
        const prevHex = toHex(reverseBytes(header.prevBlock));
        throw new RpcError(RPC_VERIFY_ERROR, `Must submit previous header (${prevHex}) first`);
      }
      const { state } = await ctx.chainman.processNewBlockHeaders([header]);
      if (state.valid) return null;
      throw new RpcError(RPC_VERIFY_ERROR, state.rejectReason ?? '');
    },
  });

  registerMiningInfoCommands(table, ctx);
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
