/**
 * The loaded wallets (Core's WalletContext with createwallet / loadwallet / unloadwallet). Each
 * wallet is a LevelDB in its own folder `<wallets>/<name>/` of the `wallets` Dir; nothing of
 * a wallet lives in the datadir.
 */
import { checkRelativeName, type Dir } from '@bitcoind-lite/storage';
import type { ChainParams } from '@bitcoind-lite/consensus';
import type { Random } from '@bitcoind-lite/entropy';
import type { Clock, Logger } from '@bitcoind-lite/runtime';
import type { WalletNode } from './wallet-chain.js';
import { WalletDB } from './wallet-db.js';
import { Wallet } from './wallet.js';

/** A failure with the RPC error code Core gives it (RPC_WALLET_* values). */
export class WalletManagerError extends Error {
  override readonly name = 'WalletManagerError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export const RPC_WALLET_ERROR = -4;
export const RPC_WALLET_NOT_FOUND = -18;
export const RPC_WALLET_ALREADY_LOADED = -35;

export interface WalletManagerOptions {
  wallets: Dir;
  params: ChainParams;
  node: WalletNode;
  random: Random;
  clock: Clock;
  logger: Logger;
  keypoolSize?: number;
}

export class WalletManager {
  private readonly loaded = new Map<string, Wallet>();
  private readonly busy = new Set<string>();

  constructor(private readonly o: WalletManagerOptions) {
    for (const k of ['wallets', 'params', 'node', 'random', 'clock', 'logger'] as const) {
      if (o?.[k] === undefined) throw new TypeError(`WalletManager: ${k} is required`);
    }
  }

  private path(name: string): string {
    return `${this.o.wallets.description}/${name}`;
  }

  private checkName(name: string): void {
    try {
      if (name === '') throw new Error('empty');
      checkRelativeName(name, 'wallet');
    } catch {
      throw new WalletManagerError(
        RPC_WALLET_ERROR,
        `Invalid wallet name '${name}': each wallet is a folder below the wallets directory (${this.o.wallets.description})`,
      );
    }
  }

  private options(name: string, db: WalletDB) {
    return {
      name,
      db,
      params: this.o.params,
      node: this.o.node,
      random: this.o.random,
      clock: this.o.clock,
      logger: this.o.logger,
      ...(this.o.keypoolSize !== undefined && { keypoolSize: this.o.keypoolSize }),
    };
  }

  private async exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (this.busy.has(name)) {
      throw new WalletManagerError(
        RPC_WALLET_ALREADY_LOADED,
        `Wallet "${name}" is already loaded.`,
      );
    }
    this.busy.add(name);
    try {
      return await fn();
    } finally {
      this.busy.delete(name);
    }
  }

  async create(name: string): Promise<Wallet> {
    this.checkName(name);
    return this.exclusive(name, async () => {
      if (this.loaded.has(name) || (await this.o.wallets.exists(name))) {
        throw new WalletManagerError(
          RPC_WALLET_ERROR,
          `Wallet file verification failed. Failed to create database path '${this.path(name)}'. Database already exists.`,
        );
      }
      const db = new WalletDB(await this.o.wallets.openLevel(name));
      const w = await Wallet.create(this.options(name, db));
      this.loaded.set(name, w);
      this.o.logger.info(`[${name}] Wallet created (descriptors: wpkh, tr; receive and change)`);
      return w;
    });
  }

  async load(name: string): Promise<Wallet> {
    this.checkName(name);
    if (this.loaded.has(name)) {
      throw new WalletManagerError(
        RPC_WALLET_ALREADY_LOADED,
        `Wallet "${name}" is already loaded.`,
      );
    }
    return this.exclusive(name, async () => {
      if (
        !(await this.o.wallets.exists(name)) ||
        !(await this.o.wallets.exists(`${name}/CURRENT`))
      ) {
        throw new WalletManagerError(
          RPC_WALLET_NOT_FOUND,
          `Wallet file verification failed. Failed to load database path '${this.path(name)}'. Path does not exist.`,
        );
      }
      const db = new WalletDB(await this.o.wallets.openLevel(name));
      try {
        const w = await Wallet.load(this.options(name, db));
        this.loaded.set(name, w);
        this.o.logger.info(`[${name}] Wallet loaded`);
        return w;
      } catch (e) {
        await db.close().catch(() => undefined);
        throw new WalletManagerError(
          RPC_WALLET_ERROR,
          `Wallet loading failed. ${(e as Error).message}`,
        );
      }
    });
  }

  async unload(name: string): Promise<void> {
    const w = this.loaded.get(name);
    if (w === undefined) {
      throw new WalletManagerError(
        RPC_WALLET_NOT_FOUND,
        'Requested wallet does not exist or is not loaded',
      );
    }
    this.loaded.delete(name);
    await w.close();
    this.o.logger.info(`[${name}] Wallet unloaded`);
  }

  get(name: string): Wallet | undefined {
    return this.loaded.get(name);
  }

  list(): Wallet[] {
    return [...this.loaded.values()];
  }

  /** Wallet folders in the wallets Dir (Core's listwalletdir). */
  async listWalletDir(): Promise<string[]> {
    const out: string[] = [];
    for (const n of await this.o.wallets.list()) {
      if (await this.o.wallets.exists(`${n}/CURRENT`)) out.push(n);
    }
    return out.sort();
  }

  async closeAll(): Promise<void> {
    for (const name of [...this.loaded.keys()]) await this.unload(name);
  }
}
