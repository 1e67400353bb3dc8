/**
 * The parsed manifest: what the launcher may turn into live capabilities, and nothing else.
 * Every grant keeps the `at` of its key in the source, so that a failure to make the capability
 * later (a port in use, an unreadable file) is reported at the right line.
 */
import type { ArgValue } from './bitcoind-args.js';
import type { HostPort } from './host-port.js';
import type { SourceLocation } from './manifest-error.js';

export const NETWORKS = ['regtest', 'testnet', 'signet', 'main'] as const;
export type Network = (typeof NETWORKS)[number];

/** The folder Core uses for each chain inside the data directory ('' = the root, for main). */
export function networkDataDirName(network: Network): string {
  switch (network) {
    case 'regtest':
      return 'regtest';
    case 'testnet':
      return 'testnet3';
    case 'signet':
      return 'signet';
    case 'main':
      return '';
  }
}

interface Grant {
  /** Where the grant's key is in the manifest. */
  readonly at: SourceLocation;
}

/** `!dir {path}` (or CloudABI's `!file {path}` for a directory); `path` is absolute. */
export interface DirGrant extends Grant {
  readonly path: string;
}

/** `!file {path}`: one file, opened read-only; `path` is absolute. */
export interface FileGrant extends Grant {
  readonly path: string;
}

export interface ConsoleGrant extends Grant {
  readonly fd: 'stdout' | 'stderr';
}

/** `!socket {bind: HOST:PORT}` (the launcher binds) or `{fd: N}` (inherited, already listening). */
export type SocketGrant =
  | (Grant & { readonly kind: 'bind'; readonly bind: HostPort })
  | (Grant & { readonly kind: 'fd'; readonly fd: number });

export type OutboundGrant =
  /** Plain TCP; when `allow` is present, only those destinations. */
  | (Grant & { readonly kind: 'direct'; readonly allow?: readonly HostPort[] })
  /**
   * Every connection through this SOCKS5 proxy, names resolved by the proxy; with
   * `unroutable: direct`, numeric loopback/private destinations connect directly instead, as
   * Core's -proxy does (it sets no proxy for its NET_UNROUTABLE class).
   */
  | (Grant & {
      readonly kind: 'socks5';
      readonly proxy: HostPort;
      readonly unroutableDirect?: boolean;
    });

export type EntropyGrant =
  | (Grant & { readonly kind: 'os' })
  | (Grant & { readonly kind: 'seed'; readonly seed: Uint8Array });

/** `!mock {time}`: the clock starts at `timeSeconds` and runs forward from there. */
export interface ClockGrant extends Grant {
  readonly kind: 'mock';
  readonly timeSeconds: number;
}

export type Confine = 'required' | 'best-effort' | 'off';

/** The `zmq:` map's keys: Core's -zmqpub<topic> options without the prefix. */
export const ZMQ_TOPICS = ['hashblock', 'hashtx', 'rawblock', 'rawtx', 'sequence'] as const;
export type ZmqTopic = (typeof ZMQ_TOPICS)[number];

/** `zmq: {hashblock: !socket {...}, ...}`: a listening socket per notification topic. */
export type ZmqGrants = Readonly<Partial<Record<ZmqTopic, SocketGrant>>>;

export interface Manifest {
  /** The manifest file name as given to the parser, for messages. */
  readonly fileName: string;
  readonly network: Network;
  readonly datadir: DirGrant;
  /** Absent: logs go to debug.log in the network folder of the datadir. */
  readonly console?: ConsoleGrant;
  readonly rpc: SocketGrant;
  /** Absent: no inbound P2P connections. */
  readonly p2p?: SocketGrant;
  /** Absent: no outbound connections at all. */
  readonly outbound?: OutboundGrant;
  readonly entropy: EntropyGrant;
  /** Absent: the system clock. */
  readonly clock?: ClockGrant;
  /** Block files to import at start (`-loadblock`), in order. */
  readonly loadblock: readonly FileGrant[];
  readonly wallets?: DirGrant;
  /**
   * Core's -blocksdir: the blk/rev files go to `<blocksdir>/<chain dir>/blocks` instead of the
   * datadir's; the block index stays in `<datadir>/<chain dir>/blocks/index`, as in Core.
   */
  readonly blocksdir?: DirGrant;
  /**
   * Not a Core option: the UTXO LevelDB goes to `<chainstatedir>/<chain dir>/chainstate` instead
   * of the datadir's (e.g. the chainstate on an SSD, the block files on a large disk).
   */
  readonly chainstatedir?: DirGrant;
  /**
   * Core's -zmqpub<topic>=tcp://ADDR as grants: each topic publishes on the socket given (the
   * same bind address for several topics is bound once and shared, as Core reuses the socket).
   */
  readonly zmq?: ZmqGrants;
  readonly args: Readonly<Record<string, ArgValue>>;
  /** Where each `args` entry is, for later messages about its value. */
  readonly argsAt: Readonly<Record<string, SourceLocation>>;
  readonly confine: Confine;
  readonly confineAt?: SourceLocation;
}
