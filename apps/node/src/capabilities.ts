/**
 * Manifest -> live capabilities: the one place where grants become handles. Everything the node
 * can reach afterwards is in the returned object.
 *
 * Order matters, so that a bad manifest changes nothing on disk: first what needs no host
 * resource (Random, Clock, Connector), then what only reads or binds (loadblock files, the RPC
 * and P2P sockets, checks on the datadir, wallets, blocksdir and chainstatedir paths), and only
 * then the directories are created and debug.log is opened. On any failure, what was already opened is closed and the
 * error names the manifest line of the grant that failed.
 */
import { stat } from 'node:fs/promises';
import { osRandom } from '@bitcoind-lite/entropy/host';
import { seededRandom, type Random } from '@bitcoind-lite/entropy';
import {
  ManifestError,
  networkDataDirName,
  type Confine,
  type Manifest,
  type Network,
  type SocketGrant,
  type SourceLocation,
  type ZmqGrants,
  type ZmqTopic,
} from '@bitcoind-lite/manifest';
import { directConnector, socks5Connector } from '@bitcoind-lite/p2p/host';
import { NO_OUTBOUND, type Connector } from '@bitcoind-lite/p2p';
import { bindListener, fdLogSink, listenerFromFd } from '@bitcoind-lite/runtime/host';
import { FileLogSink, MockableClock, type Listener, type LogSink } from '@bitcoind-lite/runtime';
import { openDirCapability, openReadOnlyFile } from '@bitcoind-lite/storage/host';
import { makeClock } from './make-clock.js';
import type { Dir, FileHandle } from '@bitcoind-lite/storage';

export interface Capabilities {
  readonly network: Network;
  readonly datadir: Dir;
  readonly rpc: Listener;
  /** Absent: no inbound P2P. */
  readonly p2p?: Listener;
  /** NO_OUTBOUND when the manifest grants none. */
  readonly connector: Connector;
  readonly random: Random;
  /** The system or fixed-start clock, wrapped so `setmocktime` can pin it. */
  readonly clock: MockableClock;
  /** The console fd, or debug.log in the network folder of the datadir. */
  readonly logSink: LogSink;
  /** `loadblock` files, each read-only, in manifest order. */
  readonly loadblock: FileHandle[];
  readonly wallets?: Dir;
  /** `blocksdir` grant (Core's -blocksdir root); absent: the block files stay in the datadir. */
  readonly blocksdir?: Dir;
  /** `chainstatedir` grant (not a Core option); absent: the UTXO set stays in the datadir. */
  readonly chainstatedir?: Dir;
  /** `zmq` grant: a listening socket per notification topic (topics on one address share it). */
  readonly zmq?: ZmqListeners;
  readonly args: Manifest['args'];
  readonly confine: Confine;
  /** Closes the listeners, the loadblock files and debug.log. */
  close(): Promise<void>;
}

function reasonOf(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const known: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    ENOTDIR: 'not a directory',
    EROFS: 'read-only file system',
  };
  return (code && known[code]) ?? (e instanceof Error ? e.message : String(e));
}

function fail(at: SourceLocation, problem: string, expected: string, cause: unknown): never {
  throw new ManifestError(at, problem, expected, { cause });
}

/**
 * A datadir, wallets, blocksdir or chainstatedir path must be a directory or not exist yet (then
 * it is created last).
 */
export async function checkDirPath(key: string, path: string, at: SourceLocation): Promise<void> {
  try {
    if (!(await stat(path)).isDirectory()) {
      fail(
        at,
        `${key}: ${path} is not a directory`,
        'a directory, or a path to create one',
        undefined,
      );
    }
  } catch (e) {
    if (e instanceof ManifestError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    fail(at, `${key}: cannot use ${path}: ${reasonOf(e)}`, 'a directory the node may use', e);
  }
}

async function makeListener(key: string, grant: SocketGrant): Promise<Listener> {
  try {
    return grant.kind === 'bind'
      ? await bindListener(key, grant.bind.host, grant.bind.port)
      : await listenerFromFd(key, grant.fd);
  } catch (e) {
    const expected =
      grant.kind === 'bind'
        ? 'a free port on an address of this host, or an inherited socket (fd: N)'
        : 'an inherited, bound TCP socket at that descriptor';
    return fail(grant.at, e instanceof Error ? e.message : String(e), expected, e);
  }
}

export type ZmqListeners = Readonly<Partial<Record<ZmqTopic, Listener>>>;

/**
 * The key two `zmq` topics share a socket under: the same bind address, or the same fd. Port 0
 * asks for a fresh ephemeral port each time, so it is never shared.
 */
export function zmqSocketKey(grant: SocketGrant, topic: string): string {
  if (grant.kind === 'fd') return `fd:${grant.fd}`;
  const { host, port } = grant.bind;
  return port === 0 ? `${host}:0/${topic}` : `${host}:${port}`;
}

/**
 * One Listener per distinct `zmq` socket grant, in manifest order; topics naming the same
 * address get the same Listener (Core binds an address once and reuses it for other topics).
 */
export async function makeZmqListeners<L>(
  grants: ZmqGrants,
  make: (key: string, grant: SocketGrant) => Promise<L>,
  onMade: (listener: L) => void,
): Promise<Partial<Record<ZmqTopic, L>>> {
  const byKey = new Map<string, L>();
  const out: Partial<Record<ZmqTopic, L>> = {};
  for (const [topic, grant] of Object.entries(grants) as [ZmqTopic, SocketGrant][]) {
    const key = zmqSocketKey(grant, topic);
    let listener = byKey.get(key);
    if (listener === undefined) {
      listener = await make(`zmq.${topic}`, grant);
      byKey.set(key, listener);
      onMade(listener);
    }
    out[topic] = listener;
  }
  return out;
}

function makeConnector(manifest: Manifest): Connector {
  const grant = manifest.outbound;
  const timeout = manifest.args['timeout'];
  const connectTimeoutMs = typeof timeout === 'number' && timeout > 0 ? timeout : undefined;
  if (grant === undefined) return NO_OUTBOUND;
  if (grant.kind === 'socks5') {
    return socks5Connector({
      proxy: grant.proxy,
      ...(connectTimeoutMs && { connectTimeoutMs }),
      ...(grant.unroutableDirect && {
        unroutable: directConnector({ ...(connectTimeoutMs && { connectTimeoutMs }) }),
      }),
    });
  }
  return directConnector({
    ...(grant.allow && { allow: grant.allow }),
    ...(connectTimeoutMs && { connectTimeoutMs }),
  });
}

/** What the launcher (or the confined child) made, before the manifest's plain fields join it. */
export type MadeCapabilities = Omit<
  Capabilities,
  'network' | 'args' | 'confine' | 'p2p' | 'wallets' | 'blocksdir' | 'chainstatedir' | 'zmq'
> & {
  [K in 'p2p' | 'wallets' | 'blocksdir' | 'chainstatedir' | 'zmq']: Capabilities[K] | undefined;
};

/**
 * The one place a Capabilities value is put together, for the unconfined launcher and the
 * confined child alike, so a new grant cannot reach one and be forgotten by the other.
 */
export function assembleCapabilities(manifest: Manifest, made: MadeCapabilities): Capabilities {
  const { p2p, wallets, blocksdir, chainstatedir, zmq, ...always } = made;
  return {
    ...always,
    network: manifest.network,
    args: manifest.args,
    confine: manifest.confine,
    ...(p2p && { p2p }),
    ...(wallets && { wallets }),
    ...(blocksdir && { blocksdir }),
    ...(chainstatedir && { chainstatedir }),
    ...(zmq && { zmq }),
  };
}

export async function makeCapabilities(manifest: Manifest): Promise<Capabilities> {
  if (manifest === undefined) throw new TypeError('makeCapabilities: manifest is required');
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  };

  try {
    const random =
      manifest.entropy.kind === 'os' ? osRandom() : seededRandom(manifest.entropy.seed);
    const clock = makeClock(manifest);
    const connector = makeConnector(manifest);

    const loadblock: FileHandle[] = [];
    for (const grant of manifest.loadblock) {
      try {
        const file = await openReadOnlyFile(grant.path);
        closers.push(() => file.close());
        loadblock.push(file);
      } catch (e) {
        fail(
          grant.at,
          `loadblock: cannot read ${grant.path}: ${reasonOf(e)}`,
          'a readable block file',
          e,
        );
      }
    }

    await checkDirPath('datadir', manifest.datadir.path, manifest.datadir.at);
    if (manifest.wallets) await checkDirPath('wallets', manifest.wallets.path, manifest.wallets.at);
    for (const key of ['blocksdir', 'chainstatedir'] as const) {
      const grant = manifest[key];
      if (grant) await checkDirPath(key, grant.path, grant.at);
    }

    const rpc = await makeListener('rpc', manifest.rpc);
    closers.push(() => rpc.close());
    let p2p: Listener | undefined;
    if (manifest.p2p !== undefined) {
      const listener = await makeListener('p2p', manifest.p2p);
      closers.push(() => listener.close());
      p2p = listener;
    }
    const zmq = manifest.zmq
      ? await makeZmqListeners(manifest.zmq, makeListener, (l) => closers.push(() => l.close()))
      : undefined;

    // Every check passed: only now is anything created on disk.
    const openDir = async (key: string, grant: { path: string; at: SourceLocation }) => {
      try {
        return await openDirCapability(grant.path, { create: true });
      } catch (e) {
        return fail(
          grant.at,
          `${key}: cannot open ${grant.path}: ${reasonOf(e)}`,
          'a writable directory',
          e,
        );
      }
    };
    const datadir = await openDir('datadir', manifest.datadir);
    const wallets = manifest.wallets ? await openDir('wallets', manifest.wallets) : undefined;
    const blocksdir = manifest.blocksdir
      ? await openDir('blocksdir', manifest.blocksdir)
      : undefined;
    const chainstatedir = manifest.chainstatedir
      ? await openDir('chainstatedir', manifest.chainstatedir)
      : undefined;

    let logSink: LogSink;
    if (manifest.console !== undefined) {
      logSink = fdLogSink(manifest.console.fd);
    } else {
      const folder = networkDataDirName(manifest.network);
      try {
        const logDir = folder === '' ? datadir : await datadir.subdir(folder, { create: true });
        const sink = new FileLogSink(await logDir.open('debug.log', { create: true }));
        closers.push(() => sink.close());
        logSink = sink;
      } catch (e) {
        fail(
          manifest.datadir.at,
          `datadir: cannot open debug.log: ${reasonOf(e)}`,
          'a writable datadir',
          e,
        );
      }
    }

    const capabilities = assembleCapabilities(manifest, {
      datadir,
      rpc,
      connector,
      random,
      clock,
      logSink,
      loadblock,
      close: closeAll,
      p2p,
      wallets,
      blocksdir,
      chainstatedir,
      zmq,
    });
    return capabilities;
  } catch (e) {
    await closeAll();
    throw e;
  }
}
