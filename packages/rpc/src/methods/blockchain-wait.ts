/**
 * waitfornewblock, waitforblock, waitforblockheight (Core's rpc/blockchain.cpp): each waits on
 * the chain's tip notifications until its condition holds or the timeout (milliseconds; 0 =
 * none) passes, then answers with the tip at that moment. Core 29/30 list them under
 * "blockchain" (Core 28 and before hid them).
 */
import { RPC_MISC_ERROR, RpcError } from '../protocol.js';
import { exampleCli, exampleRpc, type RpcParam, type RpcTable } from '../registry.js';
import type { NodeContext, RpcBlockIndex } from './node-context.js';
import { parseHashV } from './params.js';

const RESULT = `{                    (json object)
  "hash" : "hex",    (string) The blockhash
  "height" : n       (numeric) Block height
}`;

const TIMEOUT: RpcParam = {
  name: 'timeout',
  type: 'int',
  optional: true,
  default: 0,
  description: 'Time in milliseconds to wait for a response. 0 indicates no timeout.',
};

function tipJson(idx: RpcBlockIndex): { hash: string; height: number } {
  return { hash: idx.hashHex, height: idx.height };
}

/**
 * Resolves with the tip once `done(tip)` holds, checked now and at every new tip, or with the
 * tip when the timeout passes. Timers come from the global scheduler: waiting needs no clock
 * reading, so no capability is involved.
 */
function waitForTip(
  ctx: NodeContext,
  timeoutMs: number,
  done: (tip: RpcBlockIndex) => boolean,
): Promise<{ hash: string; height: number }> {
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new RpcError(RPC_MISC_ERROR, 'Negative timeout');
  }
  const chain = ctx.chainman.activeChain;
  if (done(chain.tip()) || ctx.chainman.on === undefined)
    return Promise.resolve(tipJson(chain.tip()));
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (): void => {
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
      resolve(tipJson(chain.tip()));
    };
    const unsubscribe = ctx.chainman.on!('updatedBlockTip', (tip) => {
      if (done(tip)) finish();
    });
    if (timeoutMs > 0) timer = setTimeout(finish, timeoutMs);
  });
}

export function registerWaitCommands(table: RpcTable, ctx: NodeContext): void {
  table.register({
    name: 'waitfornewblock',
    category: 'blockchain',
    params: [
      TIMEOUT,
      {
        name: 'current_tip',
        type: 'hex',
        optional: true,
        description: 'Method waits for the chain tip to differ from this.',
      },
    ],
    description:
      'Waits for any new block and returns useful info about it.\n\nReturns the current block on timeout or exit.\n\nMake sure to use no RPC timeout (bitcoin-cli -rpcclienttimeout=0)',
    result: RESULT,
    examples: exampleCli('waitfornewblock', '1000') + exampleRpc('waitfornewblock', '1000'),
    handler: (p) => {
      // current_tip is Core 30's; without it, the tip at the time of the call.
      let from = ctx.chainman.activeChain.tip().hashHex;
      if (p['current_tip'] !== undefined && p['current_tip'] !== null) {
        parseHashV(p['current_tip'], 'current_tip');
        from = String(p['current_tip']).toLowerCase();
      }
      return waitForTip(ctx, p['timeout'] as number, (tip) => tip.hashHex !== from);
    },
  });

  table.register({
    name: 'waitforblock',
    category: 'blockchain',
    params: [{ name: 'blockhash', type: 'hex', description: 'Block hash to wait for.' }, TIMEOUT],
    description:
      'Waits for a specific new block and returns useful info about it.\n\nReturns the current block on timeout or exit.\n\nMake sure to use no RPC timeout (bitcoin-cli -rpcclienttimeout=0)',
    result: RESULT,
    examples:
      exampleCli(
        'waitforblock',
        '"0000000000079f8ef3d2c688c244eb7a4570b24c9ed7b4a8c619eb02596f8862" 1000',
      ) +
      exampleRpc(
        'waitforblock',
        '"0000000000079f8ef3d2c688c244eb7a4570b24c9ed7b4a8c619eb02596f8862", 1000',
      ),
    handler: (p) => {
      parseHashV(p['blockhash'], 'blockhash');
      const want = String(p['blockhash']).toLowerCase();
      return waitForTip(ctx, p['timeout'] as number, (tip) => tip.hashHex === want);
    },
  });

  table.register({
    name: 'waitforblockheight',
    category: 'blockchain',
    params: [{ name: 'height', type: 'int', description: 'Block height to wait for.' }, TIMEOUT],
    description:
      'Waits for (at least) block height and returns the height and hash\nof the current tip.\n\nReturns the current block on timeout or exit.\n\nMake sure to use no RPC timeout (bitcoin-cli -rpcclienttimeout=0)',
    result: RESULT,
    examples:
      exampleCli('waitforblockheight', '100 1000') + exampleRpc('waitforblockheight', '100, 1000'),
    handler: (p) => {
      const height = p['height'] as number;
      return waitForTip(ctx, p['timeout'] as number, (tip) => tip.height >= height);
    },
  });
}
