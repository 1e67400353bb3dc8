/**
 * The setup shared by the mempool and mining end-to-end tests: a node reachable over RPC only
 * (no P2P listener, no outbound grant), optionally with a wallet holding mature coinbases, and
 * a helper that expects an RPC call to fail and hands back Core's code and message.
 */
import { RpcCallError, TestNode } from './test-node.js';
import { matureCoinbases, type TestWallet, type Utxo } from './bitcoinjs-wallet.js';

/** Starts a node with no inbound P2P and no outbound connections; `args` go to its manifest. */
export function startRpcOnlyNode(args?: Record<string, unknown>): Promise<TestNode> {
  return TestNode.start({ noP2P: true, outbound: false, ...(args === undefined ? {} : { args }) });
}

/**
 * Starts an RPC-only node and mines `count` coinbases to `wallet`, matured by 100 more blocks
 * (see matureCoinbases). If mining fails the node is stopped before the error is rethrown.
 */
export async function startRpcOnlyNodeWithCoins(
  wallet: TestWallet,
  count: number,
  args?: Record<string, unknown>,
): Promise<{ node: TestNode; coins: Utxo[] }> {
  const node = await startRpcOnlyNode(args);
  try {
    return { node, coins: await matureCoinbases(node, wallet, count) };
  } catch (e) {
    // The caller never gets the node to stop in its afterAll, so stop it here.
    await node.stop();
    throw e;
  }
}

/** The RpcCallError of `method(...params)`; throws if the call succeeds or fails otherwise. */
export async function catchRpcError(
  node: TestNode,
  method: string,
  ...params: unknown[]
): Promise<RpcCallError> {
  try {
    await node.rpc(method, ...params);
  } catch (e) {
    if (e instanceof RpcCallError) return e;
    throw e;
  }
  throw new Error(`${method} unexpectedly succeeded`);
}
