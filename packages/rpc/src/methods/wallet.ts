/**
 * Core's wallet management and address RPCs (wallet/rpc/wallet.cpp, addresses.cpp,
 * backup.cpp): createwallet, loadwallet, unloadwallet, listwallets, listwalletdir,
 * getwalletinfo, getnewaddress, getrawchangeaddress, getaddressinfo, listdescriptors. The node
 * registers them only when the manifest grants `wallets`; without it they are "Method not
 * found", as with Core's -disablewallet.
 */
import { decodeAddress, getWitnessProgram, toHex } from '@bitcoind-lite/consensus';
import { formatKeyPath, type DescriptorType } from '@bitcoind-lite/wallet';
import { ValueFromAmount } from '../amount.js';
import {
  RPC_INVALID_ADDRESS_OR_KEY,
  RPC_INVALID_PARAMETER,
  RPC_WALLET_ERROR,
  RPC_WALLET_KEYPOOL_RAN_OUT,
  RpcError,
} from '../protocol.js';
import { exampleCli, exampleRpc, type RpcTable } from '../registry.js';
import { asRpc, walletForRequest, type WalletRpcContext } from './wallet-context.js';
import { registerWalletBalanceCommands } from './wallet-balance.js';
import { registerWalletSendCommands } from './wallet-send.js';

export type { WalletRpcContext } from './wallet-context.js';

/** Core's ParseOutputType, for the descriptor types this wallet holds. */
function outputTypeOf(value: unknown): DescriptorType {
  const s = String(value);
  if (s === 'bech32') return 'wpkh';
  if (s === 'bech32m') return 'tr';
  if (s === 'legacy' || s === 'p2sh-segwit') {
    // The wallet holds no pkh() or sh(wpkh()) descriptors (see packages/wallet/README.md).
    throw new RpcError(RPC_WALLET_KEYPOOL_RAN_OUT, 'Error: This wallet has no available keys');
  }
  throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, `Unknown address type '${s}'`);
}

export function registerWalletCommands(table: RpcTable, w: WalletRpcContext): void {
  table.register({
    name: 'createwallet',
    category: 'wallet',
    params: [
      { name: 'wallet_name', type: 'string', description: 'The name for the new wallet.' },
      {
        name: 'disable_private_keys',
        type: 'boolean',
        default: false,
        description: 'Disable the possibility of private keys.',
      },
      { name: 'blank', type: 'boolean', default: false, description: 'Create a blank wallet.' },
      {
        name: 'passphrase',
        type: 'string',
        optional: true,
        description: 'Encrypt the wallet with this passphrase.',
      },
      {
        name: 'avoid_reuse',
        type: 'boolean',
        default: false,
        description: 'Keep track of coin reuse.',
      },
      {
        name: 'descriptors',
        type: 'boolean',
        default: true,
        description: 'Create a native descriptor wallet.',
      },
      {
        name: 'load_on_startup',
        type: 'boolean',
        optional: true,
        description: 'Save wallet name to persistent settings.',
      },
      {
        name: 'external_signer',
        type: 'boolean',
        default: false,
        description: 'Use an external signer.',
      },
    ],
    description: 'Creates and loads a new wallet.',
    examples:
      exampleCli('createwallet', '"testwallet"') + exampleRpc('createwallet', '"testwallet"'),
    handler: (p) =>
      asRpc(async () => {
        if (p['descriptors'] === false) {
          throw new RpcError(
            RPC_WALLET_ERROR,
            'descriptors argument must be set to "true"; it is no longer possible to create a legacy wallet.',
          );
        }
        for (const unsupported of [
          'disable_private_keys',
          'blank',
          'avoid_reuse',
          'external_signer',
        ]) {
          if (p[unsupported] === true) {
            throw new RpcError(RPC_WALLET_ERROR, `${unsupported} is not supported by this wallet`);
          }
        }
        if (typeof p['passphrase'] === 'string' && p['passphrase'] !== '') {
          throw new RpcError(RPC_WALLET_ERROR, 'Wallet encryption is not supported by this wallet');
        }
        const wallet = await w.manager.create(String(p['wallet_name']));
        return { name: wallet.name };
      }),
  });

  table.register({
    name: 'loadwallet',
    category: 'wallet',
    params: [
      { name: 'filename', type: 'string', description: 'The wallet directory or .dat file.' },
      {
        name: 'load_on_startup',
        type: 'boolean',
        optional: true,
        description: 'Save wallet name to persistent settings.',
      },
    ],
    description: 'Loads a wallet from a wallet file or directory.',
    examples: exampleCli('loadwallet', '"test.dat"') + exampleRpc('loadwallet', '"test.dat"'),
    handler: (p) =>
      asRpc(async () => {
        const wallet = await w.manager.load(String(p['filename']));
        return { name: wallet.name };
      }),
  });

  table.register({
    name: 'unloadwallet',
    category: 'wallet',
    params: [
      {
        name: 'wallet_name',
        type: 'string',
        optional: true,
        description: 'The name of the wallet to unload.',
      },
      {
        name: 'load_on_startup',
        type: 'boolean',
        optional: true,
        description: 'Save wallet name to persistent settings.',
      },
    ],
    description:
      'Unloads the wallet referenced by the request endpoint or the wallet_name argument.',
    handler: (p, ctx) =>
      asRpc(async () => {
        const named = p['wallet_name'] as string | undefined;
        if (named !== undefined && ctx.wallet !== undefined && named !== ctx.wallet) {
          throw new RpcError(
            RPC_INVALID_PARAMETER,
            'RPC endpoint wallet and wallet_name parameter specify different wallets',
          );
        }
        const name = named ?? ctx.wallet ?? (await walletForRequest(w, ctx)).name;
        await w.manager.unload(name);
        return {};
      }),
  });

  table.register({
    name: 'listwallets',
    category: 'wallet',
    params: [],
    description: 'Returns a list of currently loaded wallets.',
    handler: () => w.manager.list().map((x) => x.name),
  });

  table.register({
    name: 'listwalletdir',
    category: 'wallet',
    params: [],
    description: 'Returns a list of wallets in the wallet directory.',
    handler: async () => ({
      wallets: (await w.manager.listWalletDir()).map((name) => ({ name, warnings: [] })),
    }),
  });

  table.register({
    name: 'getwalletinfo',
    category: 'wallet',
    params: [],
    description: 'Returns an object containing various wallet state info.',
    handler: async (_p, ctx) => {
      const wallet = await walletForRequest(w, ctx);
      const bal = wallet.getBalances();
      const best = wallet.lastProcessedBlock();
      return {
        walletname: wallet.name,
        walletversion: 169900,
        // Core says "sqlite" or "bdb"; this wallet keeps a LevelDB.
        format: 'leveldb',
        balance: ValueFromAmount(bal.trustedSats),
        unconfirmed_balance: ValueFromAmount(bal.untrustedPendingSats),
        immature_balance: ValueFromAmount(bal.immatureSats),
        txcount: wallet.txs.size,
        keypoolsize: wallet.keypoolRemaining(false),
        keypoolsize_hd_internal: wallet.keypoolRemaining(true),
        paytxfee: ValueFromAmount(0n),
        private_keys_enabled: true,
        avoid_reuse: false,
        scanning: false,
        descriptors: true,
        external_signer: false,
        blank: false,
        birthtime: wallet.birthTimeS(),
        ...(best && { lastprocessedblock: { hash: best.hash, height: best.height } }),
      };
    },
  });

  table.register({
    name: 'getnewaddress',
    category: 'wallet',
    params: [
      {
        name: 'label',
        type: 'string',
        default: '',
        description: 'The label name for the address to be linked to.',
      },
      {
        name: 'address_type',
        type: 'string',
        optional: true,
        defaultHint: 'set by -addresstype',
        description:
          'The address type to use. Options are "legacy", "p2sh-segwit", "bech32", and "bech32m".',
      },
    ],
    description: 'Returns a new Bitcoin address for receiving payments.',
    examples: exampleCli('getnewaddress', '') + exampleRpc('getnewaddress', ''),
    handler: async (p, ctx) => {
      const wallet = await walletForRequest(w, ctx);
      if (p['label'] === '*') throw new RpcError(-11, 'Invalid label name');
      const type = outputTypeOf(p['address_type'] ?? 'bech32');
      return asRpc(() => wallet.getNewDestination(type, false)).catch(noKeys);
    },
  });

  table.register({
    name: 'getrawchangeaddress',
    category: 'wallet',
    params: [
      {
        name: 'address_type',
        type: 'string',
        optional: true,
        defaultHint: 'set by -changetype',
        description: 'The address type to use.',
      },
    ],
    description:
      'Returns a new Bitcoin address, for receiving change.\nThis is for use with raw transactions, NOT normal use.',
    handler: async (p, ctx) => {
      const wallet = await walletForRequest(w, ctx);
      const type = outputTypeOf(p['address_type'] ?? 'bech32');
      return wallet.getNewDestination(type, true).catch(noKeys);
    },
  });

  table.register({
    name: 'getaddressinfo',
    category: 'wallet',
    params: [
      {
        name: 'address',
        type: 'string',
        description: 'The bitcoin address for which to get information.',
      },
    ],
    description:
      'Return information about the given bitcoin address.\nSome of the information will only be present if the address is in the active wallet.',
    handler: async (p, ctx) => {
      const wallet = await walletForRequest(w, ctx);
      const address = String(p['address']);
      const decoded = decodeAddress(address, w.params);
      if (!decoded.ok) throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, decoded.error);
      const spk = decoded.scriptPubKey;
      const info = wallet.scriptInfo(spk);
      const wp = getWitnessProgram(spk);
      const out: Record<string, unknown> = {
        address,
        scriptPubKey: toHex(spk),
        ismine: info !== undefined,
        solvable: info !== undefined,
      };
      if (info !== undefined) {
        out['desc'] = info.slot.desc.inferredString(info.key);
        out['parent_desc'] = info.slot.desc.toPublicString();
      }
      out['iswatchonly'] = false;
      out['isscript'] = wp !== undefined && wp.version === 0 && wp.program.length === 32;
      out['iswitness'] = wp !== undefined;
      if (wp !== undefined) {
        out['witness_version'] = wp.version;
        out['witness_program'] = toHex(wp.program);
      }
      if (info !== undefined) {
        if (info.slot.record.type === 'wpkh') {
          out['pubkey'] = toHex(info.key.pubkey);
          out['iscompressed'] = true;
        }
        out['ischange'] = info.slot.record.internal;
        out['timestamp'] = info.slot.record.timestampS;
        out['hdkeypath'] = `m/${formatKeyPath(info.key.path)}`;
        out['hdmasterfingerprint'] = info.slot.desc.masterFingerprintHex();
      } else {
        out['ischange'] = false;
      }
      out['labels'] = info !== undefined && !info.slot.record.internal ? [''] : [];
      return out;
    },
  });

  table.register({
    name: 'listdescriptors',
    category: 'wallet',
    params: [
      {
        name: 'private',
        type: 'boolean',
        default: false,
        description: 'Show private descriptors.',
      },
    ],
    description: 'List descriptors imported into a descriptor-enabled wallet.',
    handler: async (p, ctx) => {
      const wallet = await walletForRequest(w, ctx);
      const priv = p['private'] === true;
      const descriptors = wallet.descriptorSlots().map((s) => ({
        desc: priv ? s.desc.toPrivateString() : s.desc.toPublicString(),
        timestamp: s.record.timestampS,
        active: true,
        internal: s.record.internal,
        range: [0, s.derivedUpTo - 1],
        next: s.record.nextIndex,
        next_index: s.record.nextIndex,
      }));
      descriptors.sort((a, b) => (a.desc < b.desc ? -1 : a.desc > b.desc ? 1 : 0));
      return { wallet_name: wallet.name, descriptors };
    },
  });

  registerWalletBalanceCommands(table, w);
  registerWalletSendCommands(table, w);
}

function noKeys(e: unknown): never {
  if (e instanceof RpcError) throw e;
  throw new RpcError(RPC_WALLET_KEYPOOL_RAN_OUT, (e as Error).message);
}
