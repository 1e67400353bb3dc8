/**
 * Building blocks for end-to-end tests against a real node: the parent comes from the node's
 * RPCs, blocks are assembled with the chain package's builders and sent with `submitblock`.
 */
import {
  type Block,
  type ChainParams,
  type Transaction,
  fromHex,
  reverseBytes,
  toHex,
} from '@bitcoind-lite/consensus';
import { type ParentRef, buildBlockOn, type BuildOptions } from '@bitcoind-lite/chain/testing';
import type { TestNode } from './test-node.js';

export async function tipRef(node: TestNode): Promise<ParentRef & { hashHex: string }> {
  const hashHex = await node.rpc<string>('getbestblockhash');
  const h = await node.rpc<{ height: number; time: number }>('getblockheader', hashHex);
  return { hash: reverseBytes(fromHex(hashHex)), height: h.height, time: h.time, hashHex };
}

export async function submit(node: TestNode, block: Block): Promise<unknown> {
  return node.rpc('submitblock', toHex(block.serialize()));
}

/**
 * Mines `n` blocks on the node's tip through submitblock and returns their coinbases by height;
 * `payTo(height)` chooses each coinbase's output script (OP_TRUE by default).
 */
export async function mineOnNode(
  node: TestNode,
  params: ChainParams,
  n: number,
  o: { payTo?: (height: number) => Uint8Array | undefined; extraNonce?: number } = {},
): Promise<Map<number, Transaction>> {
  const coinbases = new Map<number, Transaction>();
  let parent: ParentRef = await tipRef(node);
  for (let i = 0; i < n; i++) {
    const opts: BuildOptions = { extraNonce: o.extraNonce ?? 0 };
    const payTo = o.payTo?.(parent.height + 1);
    if (payTo !== undefined) opts.payTo = payTo;
    const block = buildBlockOn(parent, params, opts);
    const r = await submit(node, block);
    if (r !== null) throw new Error(`mineOnNode: block at ${parent.height + 1} rejected: ${r}`);
    coinbases.set(parent.height + 1, block.txs[0]!);
    parent = { hash: block.hash(), height: parent.height + 1, time: block.header.time };
  }
  return coinbases;
}
