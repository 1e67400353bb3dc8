/**
 * What the wallet RPCs need (Core's WalletContext as the RPC layer sees it) and Core's
 * GetWalletForJSONRPCRequest: the `/wallet/<name>` URI, or the only loaded wallet.
 */
import type { ChainParams } from '@bitcoind-lite/consensus';
import type { Random } from '@bitcoind-lite/entropy';
import { WalletManagerError, type Wallet, type WalletManager } from '@bitcoind-lite/wallet';
import { RPC_WALLET_NOT_FOUND, RPC_WALLET_NOT_SPECIFIED, RpcError } from '../protocol.js';
import type { RpcContext } from '../registry.js';

export interface WalletRpcContext {
  readonly manager: WalletManager;
  readonly params: ChainParams;
  readonly random: Random;
  /** -fallbackfee, -mintxfee (sat/kvB), -maxtxfee (sats), -txconfirmtarget, -walletrbf. */
  readonly fallbackFeeSatPerKvB: bigint;
  readonly minTxFeeSatPerKvB: bigint;
  readonly maxTxFeeSats: bigint;
  readonly txConfirmTarget: number;
  readonly walletRbf: boolean;
}

/** Core's GetWalletForJSONRPCRequest, then BlockUntilSyncedToCurrentChain. */
export async function walletForRequest(w: WalletRpcContext, ctx: RpcContext): Promise<Wallet> {
  let wallet: Wallet | undefined;
  if (ctx.wallet !== undefined) {
    wallet = w.manager.get(ctx.wallet);
    if (wallet === undefined) {
      throw new RpcError(RPC_WALLET_NOT_FOUND, 'Requested wallet does not exist or is not loaded');
    }
  } else {
    const all = w.manager.list();
    if (all.length === 0) {
      throw new RpcError(
        RPC_WALLET_NOT_FOUND,
        'No wallet is loaded. Load a wallet using loadwallet or create a new one with createwallet. (Note: A default wallet is no longer automatically created)',
      );
    }
    if (all.length > 1) {
      throw new RpcError(
        RPC_WALLET_NOT_SPECIFIED,
        'Wallet file not specified (must request wallet RPC through /wallet/<filename> uri-path).',
      );
    }
    wallet = all[0]!;
  }
  await wallet.sync();
  return wallet;
}

/** Maps the wallet package's coded errors to RpcError. */
export async function asRpc<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof WalletManagerError) throw new RpcError(e.code, e.message);
    throw e;
  }
}
