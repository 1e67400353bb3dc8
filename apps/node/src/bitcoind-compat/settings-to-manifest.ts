/**
 * Merged bitcoind settings -> the text of an equivalent manifest. Each grant is derived the way
 * Core derives the matching behaviour from its options (init.cpp), so the node can reach what
 * `bitcoind` with the same options would reach, and nothing else:
 *
 * - `-datadir` -> `datadir: !dir`; `-walletdir` (default `<datadir>/<chain>/wallets`, which Core
 *   always creates) -> `wallets: !dir`; `-blocksdir` (resolved against the working directory, as
 *   Core's fs::absolute) -> `blocksdir: !dir`, which moves only the blk/rev files, as Core.
 * - `-rpcbind`/`-rpcport` -> `rpc: !socket`. As in Core, `-rpcbind` counts only together with
 *   `-rpcallowip`; otherwise the RPC server binds 127.0.0.1 at `-rpcport`.
 * - `-bind`/`-port`/`-listen` -> `p2p: !socket`, absent when not listening. Core's parameter
 *   interaction: `-bind` implies `-listen`; `-connect` (even `-connect=0`) or `-proxy` turn the
 *   default of `-listen` off. A `-bind=...=onion` (Tor inbound) is skipped: no Tor here. Only the
 *   first remaining `-bind` is used: the manifest has one P2P socket.
 * - `-proxy` -> `outbound: !socks5`; `-connect=HOST...` -> `outbound: !direct` limited to the
 *   `-connect`/`-addnode`/`-seednode` targets; otherwise `!direct` unlimited, which is Core's
 *   default (and what the `addnode` RPC needs).
 * - `-mocktime` -> `clock: !mock`; `-loadblock` -> `loadblock: !file`; `-nodebuglogfile` ->
 *   `console: !fd stdout`.
 * - Everything the manifest's `args:` accepts is passed through; the manifest parser checks it.
 */
import { resolve } from 'node:path';
import { BITCOIND_ARGS, type Network } from '@bitcoind-lite/manifest';
import { FRONT_END_OPTIONS, IGNORED_OPTIONS } from './core-options.js';
import { InitError, interpretBool, type Settings } from './settings.js';

export interface ChainInfo {
  readonly network: Network;
  /** bitcoin.conf section name, as Core's ChainTypeToString. */
  readonly section: 'main' | 'test' | 'signet' | 'regtest';
  /** Folder inside the datadir ('' for main). */
  readonly dirName: string;
  readonly rpcPort: number;
  readonly p2pPort: number;
}

const CHAINS: Record<string, ChainInfo> = {
  main: { network: 'main', section: 'main', dirName: '', rpcPort: 8332, p2pPort: 8333 },
  test: {
    network: 'testnet',
    section: 'test',
    dirName: 'testnet3',
    rpcPort: 18332,
    p2pPort: 18333,
  },
  signet: {
    network: 'signet',
    section: 'signet',
    dirName: 'signet',
    rpcPort: 38332,
    p2pPort: 38333,
  },
  regtest: {
    network: 'regtest',
    section: 'regtest',
    dirName: 'regtest',
    rpcPort: 18443,
    p2pPort: 18444,
  },
};

/** Core's GetChainArg: at most one of -regtest/-testnet/-testnet4/-signet/-chain. */
export function selectChain(settings: Settings): ChainInfo {
  const flags = ['regtest', 'testnet', 'testnet4', 'signet'].filter((f) =>
    settings.getBool(f, false),
  );
  const chainArg = settings.get('chain');
  if (flags.length + (chainArg !== undefined ? 1 : 0) > 1) {
    throw new InitError(
      'Invalid combination of -regtest, -signet, -testnet, -testnet4 and -chain. Can use at most one.',
    );
  }
  const name = chainArg ?? ({ testnet: 'test' } as Record<string, string>)[flags[0]!] ?? flags[0];
  if (name === undefined) return CHAINS['main']!;
  if (name === 'testnet4') throw new InitError('-testnet4 is not supported by bitcoind-lite.');
  const chain = CHAINS[name];
  if (chain === undefined) {
    throw new InitError(`Unknown chain ${name}. Valid chains are main, test, signet, regtest.`);
  }
  return chain;
}

interface HostPortText {
  host: string;
  port: number | undefined;
}

/** `addr`, `addr:port`, `[v6]`, `[v6]:port` as Core's SplitHostPort. */
function splitHostPort(text: string): HostPortText {
  const m = /^\[([^\]]*)\](?::(\d+))?$/.exec(text) ?? /^([^:]*)(?::(\d+))?$/.exec(text);
  if (m === null) return { host: text, port: undefined };
  return { host: m[1]!, port: m[2] !== undefined ? Number(m[2]) : undefined };
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function portOf(settings: Settings, name: string, fallback: number): number {
  const v = settings.get(name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 65535) {
    throw new InitError(`Invalid port specified in -${name}: '${v}'`);
  }
  return Number(v);
}

const q = (s: string): string => JSON.stringify(s);

export interface CompatManifest {
  /** The manifest text, for parseManifest (and the confined child). */
  readonly text: string;
  /** Core's -printtoconsole: log lines go to stdout as well. */
  readonly printToConsole: boolean;
}

export function settingsToManifest(
  settings: Settings,
  chain: ChainInfo,
  datadir: string,
  cwd: string,
): CompatManifest {
  const lines: string[] = [`network: ${chain.network}`];
  lines.push(`datadir: !dir {path: ${q(datadir)}}`);
  const netDir = chain.dirName === '' ? datadir : resolve(datadir, chain.dirName);
  const walletdir = settings.get('walletdir');
  lines.push(
    `wallets: !dir {path: ${q(walletdir ? resolve(cwd, walletdir) : resolve(netDir, 'wallets'))}}`,
  );
  const blocksdir = settings.get('blocksdir');
  if (blocksdir !== undefined) lines.push(`blocksdir: !dir {path: ${q(resolve(cwd, blocksdir))}}`);
  lines.push('entropy: !random os');

  // RPC socket.
  const rpcPort = portOf(settings, 'rpcport', chain.rpcPort);
  const rpcbind = settings.getList('rpcbind');
  let rpcAddr = hostPort('127.0.0.1', rpcPort);
  if (rpcbind.length > 0 && settings.getList('rpcallowip').length > 0) {
    const hp = splitHostPort(rpcbind[0]!);
    rpcAddr = hostPort(hp.host, hp.port ?? rpcPort);
  }
  lines.push(`rpc: !socket {bind: ${q(rpcAddr)}}`);

  // P2P socket, with Core's -listen parameter interaction (InitParameterInteraction).
  const binds = settings.getList('bind');
  const connect = settings.getList('connect');
  const proxy = settings.isNegated('proxy') ? undefined : settings.get('proxy');
  let listenDefault = true;
  if (binds.length > 0) listenDefault = true;
  else if (connect.length > 0 || settings.isNegated('connect')) listenDefault = false;
  else if (Number(settings.get('maxconnections') ?? '1') <= 0) listenDefault = false;
  if (proxy !== undefined && proxy !== '' && binds.length === 0) listenDefault = false;
  const listen = settings.getBool('listen', listenDefault);
  if (listen) {
    const p2pPort = portOf(settings, 'port', chain.p2pPort);
    const bind = binds.find((b) => !b.endsWith('=onion'));
    if (bind !== undefined || binds.length === 0) {
      const hp = splitHostPort(bind ?? '0.0.0.0');
      lines.push(`p2p: !socket {bind: ${q(hostPort(hp.host, hp.port ?? p2pPort))}}`);
    }
  }

  // Outbound connections.
  const targets = connect.filter((c) => c !== '0' && c !== '');
  if (proxy !== undefined && proxy !== '' && proxy !== '0') {
    const hp = splitHostPort(proxy);
    // Core's -proxy leaves loopback and private addresses to direct connections.
    lines.push(
      `outbound: !socks5 {proxy: ${q(hostPort(hp.host, hp.port ?? 9050))}, unroutable: direct}`,
    );
  } else if (targets.length > 0) {
    const allow = [...targets, ...settings.getList('addnode'), ...settings.getList('seednode')]
      .map(splitHostPort)
      .map((hp) => q(hostPort(hp.host, hp.port ?? chain.p2pPort)));
    lines.push(`outbound: !direct {allow: [${[...new Set(allow)].join(', ')}]}`);
  } else {
    lines.push('outbound: !direct');
  }

  const mocktime = settings.get('mocktime');
  if (mocktime !== undefined && Number(mocktime) > 0)
    lines.push(`clock: !mock {time: ${mocktime}}`);

  const loadblock = settings.getList('loadblock');
  if (loadblock.length > 0) {
    lines.push('loadblock:');
    for (const p of loadblock) lines.push(`  - !file {path: ${q(resolve(cwd, p))}}`);
  }

  const debuglogfile = settings.get('debuglogfile');
  if (settings.isNegated('debuglogfile')) lines.push('console: !fd stdout');
  else if (debuglogfile !== undefined && debuglogfile !== 'debug.log') {
    throw new InitError('-debuglogfile other than debug.log is not supported by bitcoind-lite.');
  }

  const confine = settings.get('confine');
  if (confine !== undefined) lines.push(`confine: ${q(confine)}`);

  // args: everything the manifest accepts, by its kind.
  const args: string[] = [];
  for (const name of settings.names().sort()) {
    if (FRONT_END_OPTIONS.has(name) || name in IGNORED_OPTIONS || name === 'listen') continue;
    const kind = BITCOIND_ARGS[name];
    if (kind === undefined) continue;
    if (kind === 'list') {
      let values = settings.getList(name);
      // A bare `-debug` means every category, as Core.
      if (name === 'debug') values = values.map((v) => (v === '' ? '1' : v));
      if (name === 'connect' && settings.isNegated('connect')) values = ['0'];
      if (values.length === 0 && !settings.isNegated(name)) continue;
      args.push(`  ${name}: [${values.map(q).join(', ')}]`);
    } else if (kind === 'flag') {
      args.push(`  ${name}: ${interpretBool(settings.get(name)!) ? 'true' : 'false'}`);
    } else {
      const value = settings.get(name)!;
      // Core's ParseMoney failure (common::AmountErrMsg), before the manifest's own wording.
      if (kind === 'amount' && !/^[0-9]+(\.[0-9]{1,8})?$/.test(value))
        throw new InitError(`Invalid amount for -${name}=<amount>: '${value}'`);
      args.push(`  ${name}: ${q(value)}`);
    }
  }
  args.push(`  listen: ${listen ? 'true' : 'false'}`);
  lines.push('args:', ...args);

  // Core prints to the console unless it runs as a daemon (-daemon is refused here).
  const printToConsole = settings.getBool('printtoconsole', true);
  return { text: `${lines.join('\n')}\n`, printToConsole };
}
