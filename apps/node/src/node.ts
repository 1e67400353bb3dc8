/**
 * The composition root: turns the capabilities the launcher made into a running node, in the
 * order of Core's AppInitMain — RPC first (answering "warming up"), then the chainstate, block
 * import, P2P, and finally RPC ready. Nothing here opens a file, a socket or a clock of its own:
 * everything comes from `Capabilities`.
 */
import { getChainParams, type ChainParams } from '@bitcoind-lite/consensus';
import {
  ChainstateManager,
  createInterpreterScriptVerifier,
  loadExternalBlockFile,
} from '@bitcoind-lite/chain';
import { randomBytesFrom } from '@bitcoind-lite/entropy';
import {
  DEFAULT_PEER_CONNECT_TIMEOUT_MS,
  dnsSeedsFor,
  PeerManager,
  PROTOCOL_VERSION,
  USER_AGENT,
} from '@bitcoind-lite/p2p';
import { RpcServer } from '@bitcoind-lite/rpc';
import { REST_PREFIX, RestDispatcher } from '@bitcoind-lite/rpc/rest';
import {
  registerBlockTemplateCommands,
  registerBlockFilterCommands,
  registerMempoolCommands,
  registerRawTransactionCommands,
  registerBlockchainCommands,
  registerChainstateCommands,
  registerMiningCommands,
  registerMockTimeCommands,
  registerNetworkCommands,
  registerUtilCommands,
  type NodeContext,
} from '@bitcoind-lite/rpc/methods';
import { Logger } from '@bitcoind-lite/runtime';
import type { Dir } from '@bitcoind-lite/storage';
import type { Capabilities } from './capabilities.js';
import { consensusNetwork, networkDirName } from './network-dir.js';
import { peersRpcView } from './peers-rpc-view.js';
import { createTinySecp256k1Verifier } from './tiny-secp256k1-verifier.js';
import { argBool, argList, argNumber, argString } from './node-args.js';
import { p2pMempoolView, startMempool } from './mempool-setup.js';
import { testBlockValidity } from './test-block-validity.js';
import { TxIndex } from './tx-index.js';
import { checkInitArgs, verifyChainAtStart } from './startup-checks.js';
import { InitError } from './init-errors.js';
import { applyChainParamArgs } from './chain-params-args.js';
import { whitelistFromArgs } from './p2p-permission-args.js';
import { refuseTipFromTheFuture } from './future-tip-check.js';
import { BlockFilterIndex } from './block-filter-index.js';
import { chainstateGrantDirs } from './chainstate-grants.js';
import type { Mempool } from '@bitcoind-lite/mempool';
import type { WalletManager } from '@bitcoind-lite/wallet';
import { startWallets } from './wallet-setup.js';
import { startZmq, type ZmqSetup } from './zmq-setup.js';

export const CLIENT_VERSION = 'v0.1.0';

export class Node {
  private stopping: Promise<void> | undefined;
  private resolveStopped!: () => void;
  /** Resolves once the node has fully stopped (after `stop` RPC or a signal). */
  readonly stopped: Promise<void>;
  /** ZMQ notifications, when the manifest grants `zmq` sockets. */
  private zmq: ZmqSetup | undefined;

  private constructor(
    readonly caps: Capabilities,
    readonly params: ChainParams,
    readonly logger: Logger,
    readonly netDir: Dir,
    readonly rpc: RpcServer,
    private chainman: ChainstateManager | undefined,
    private peers: PeerManager | undefined,
    private mempool?: { mempool: Mempool; unsubscribe: () => void },
    private txIndex?: TxIndex,
    private blockFilterIndex?: BlockFilterIndex,
    private wallets?: WalletManager,
  ) {
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  static async start(caps: Capabilities): Promise<Node> {
    if (caps === undefined) throw new TypeError('Node.start: capabilities are required');
    const params = applyChainParamArgs(getChainParams(consensusNetwork(caps.network)), caps.args);
    const args = caps.args;
    checkInitArgs(args);
    const logger = new Logger(caps.logSink, caps.clock, argList(args, 'debug'));
    for (const c of argList(args, 'debugexclude')) logger.disable(c);

    const dirName = networkDirName(params.network);
    const netDir =
      dirName === '' ? caps.datadir : await caps.datadir.subdir(dirName, { create: true });
    logger.info(`bitcoind-lite version ${CLIENT_VERSION}`);
    logger.info(`Using data directory ${caps.datadir.description}${dirName ? '/' + dirName : ''}`);

    const rpcUser = argString(args, 'rpcuser');
    const rpcPassword = argString(args, 'rpcpassword');
    let node: Node | undefined;
    const rpc = new RpcServer({
      listener: caps.rpc,
      logger,
      clock: caps.clock,
      random: caps.random,
      datadir: netDir,
      auth: {
        ...(rpcUser !== undefined && { rpcuser: rpcUser }),
        ...(rpcPassword !== undefined && { rpcpassword: rpcPassword }),
        rpcauth: argList(args, 'rpcauth'),
      },
      onStop: () => void node?.stop(),
      warmup: 'Loading block index…',
      logPath: `${netDir.description}/debug.log`,
    });
    // Core's -rest: the unauthenticated REST interface on the RPC listener, answering 503 while
    // warming up; it gets the node's components below.
    const rest = argBool(args, 'rest', false) ? new RestDispatcher(rpc.table) : undefined;
    if (rest !== undefined) rpc.registerHttpHandler(REST_PREFIX, rest.handle);
    await rpc.start();
    logger.info(`Bound to ${caps.rpc.address} (rpc)`);

    // Script checks: the consensus interpreter over libsecp256k1 (WASM), with a signature cache
    // salted from the Random capability so peers cannot aim collisions at it.
    const scriptVerifier = createInterpreterScriptVerifier({
      sigCacheSalt: randomBytesFrom(caps.random, 32),
      backend: createTinySecp256k1Verifier(),
    });
    // The mempool checks through the same signature cache and stores what it verified, so a
    // block's checks of transactions already in the mempool are cache hits (Core's one cache).
    const mempoolScriptVerifier = createInterpreterScriptVerifier({
      sigCacheSalt: new Uint8Array(32),
      cache: scriptVerifier.cache,
      backend: createTinySecp256k1Verifier(),
      storeInCache: true,
    });
    // Core's ThreadImport ('initload') does -reindex and -loadblock; here both run in
    // ChainstateManager.open and below, and the line marks where that work begins.
    logger.info('initload thread start');
    const chainman = await ChainstateManager.open({
      scriptVerifier,
      datadir: netDir,
      ...(await chainstateGrantDirs(caps, dirName, logger)),
      params,
      clock: caps.clock,
      logger,
      random: caps.random,
      dbcacheMiB: argNumber(args, 'dbcache', 450),
      reindex: argBool(args, 'reindex', false),
      reindexChainstate: argBool(args, 'reindex-chainstate', false),
      blocksXor: argBool(args, 'blocksxor', true),
    });
    node = new Node(caps, params, logger, netDir, rpc, chainman, undefined);
    rpc.table.setWarmup('Verifying blocks…');
    try {
      refuseTipFromTheFuture(chainman, caps.clock);
      await verifyChainAtStart(chainman, args, logger);
    } catch (e) {
      await chainman.close().catch(() => undefined);
      await rpc.stop().catch(() => undefined);
      throw e;
    }
    node.txIndex = argBool(args, 'txindex', false)
      ? await TxIndex.open(netDir, chainman, logger)
      : undefined;
    // -blockfilterindex=1 or =basic: BIP158 basic filters (the only type Core defines); a bare
    // -blockfilterindex (empty value) enables every type, as Core's init.cpp.
    const filterIndexArg = argString(args, 'blockfilterindex');
    node.blockFilterIndex =
      filterIndexArg === '' ||
      filterIndexArg === '1' ||
      filterIndexArg === 'basic' ||
      filterIndexArg === 'true'
        ? await BlockFilterIndex.open(netDir, chainman, logger)
        : undefined;

    rpc.table.setWarmup('Verifying blocks…');
    if (caps.loadblock.length > 0) {
      rpc.table.setWarmup('Importing blocks…');
      for (const file of caps.loadblock) {
        await loadExternalBlockFile(chainman, file, { clock: caps.clock, logger });
      }
    }

    rpc.table.setWarmup('Loading mempool…');
    node.mempool = await startMempool({
      chainman,
      params,
      args,
      scriptVerifier: mempoolScriptVerifier,
      clock: caps.clock,
      logger,
      random: caps.random,
      dir: netDir,
    });
    const mempool = node.mempool.mempool;
    // Core's -zmqpub* as grants: notifications on the manifest's `zmq` sockets, before P2P.
    node.zmq = startZmq({ caps, chainman, mempool, logger });

    const listen = argBool(args, 'listen', true) && caps.p2p !== undefined;
    const connect = argList(args, 'connect').filter((c) => c !== '0');
    // Core's FormatSubVersion (BIP14): -uacomment values in parentheses, joined by "; ".
    // Core's test framework tells its nodes apart by these comments (testnode0, testnode1...).
    const uaComments = argList(args, 'uacomment');
    const userAgent =
      uaComments.length === 0
        ? USER_AGENT
        : `${USER_AGENT.slice(0, -1)}(${uaComments.join('; ')})/`;
    // Core's -peertimeout (seconds, debug-only): how long a new connection may stay silent or
    // unhandshaken before the inactivity check drops it.
    const peerTimeoutSec = argNumber(args, 'peertimeout', DEFAULT_PEER_CONNECT_TIMEOUT_MS / 1000);
    if (!(peerTimeoutSec > 0)) throw new InitError('peertimeout must be a positive integer.');
    const peers = new PeerManager({
      userAgent,
      peerConnectTimeoutMs: peerTimeoutSec * 1000,
      chain: chainman,
      magic: params.messageStart,
      defaultPort: params.defaultPort,
      connector: caps.connector,
      listener: listen ? caps.p2p : undefined,
      clock: caps.clock,
      random: caps.random,
      logger,
      connect,
      addnode: argList(args, 'addnode'),
      mempool: p2pMempoolView(mempool),
      // peers.dat and banlist.json live in the network folder, as Core keeps them.
      datadir: netDir,
      maxConnections: argNumber(args, 'maxconnections', 125),
      whitelist: whitelistFromArgs(args),
      blocksOnly: argBool(args, 'blocksonly', false),
      seednodes: argList(args, 'seednode'),
      onlynet: argList(args, 'onlynet'),
      // Core: -connect turns off automatic outbound and DNS seeding; -dnsseed=0 only the latter.
      dnsSeeds: argBool(args, 'dnsseed', connect.length === 0) ? dnsSeedsFor(params.network) : [],
      // Core 27+: BIP324 v2 transport on unless -v2transport=0.
      v2transport: argBool(args, 'v2transport', true),
    });
    node.peers = peers;
    await peers.load();
    peers.start();
    if (listen) logger.info(`Bound to ${caps.p2p!.address} (p2p)`);

    const ctx: NodeContext = {
      params,
      chainman,
      clock: caps.clock,
      logger,
      peers: peersRpcView(peers, caps.connector),
      mempool,
      txMempool: mempool,
      relayTransaction: (tx) => peers.relayTransaction(tx),
      ...(node.txIndex !== undefined && { txIndex: node.txIndex }),
      testBlockValidity: (block) =>
        testBlockValidity(block, { chainman, params, clock: caps.clock, scriptVerifier }),
      // getindexinfo, under Core's index names.
      indexes: [
        ...(node.txIndex ? [{ name: 'txindex', index: node.txIndex }] : []),
        ...(node.blockFilterIndex
          ? [{ name: 'basic block filter index', index: node.blockFilterIndex }]
          : []),
      ].map(({ name, index }) => ({
        name,
        isReady: () => index.isReady(),
        bestHeight: () => index.bestHeight(),
      })),
      userAgent,
      protocolVersion: PROTOCOL_VERSION,
      localRelay: !argBool(args, 'blocksonly', false),
      ...(node.zmq !== undefined && { zmq: node.zmq.zmq }),
    };
    rest?.attach(ctx);
    registerBlockchainCommands(rpc.table, ctx);
    registerChainstateCommands(rpc.table, ctx);
    registerMiningCommands(rpc.table, ctx);
    registerNetworkCommands(rpc.table, ctx);
    registerMempoolCommands(rpc.table, ctx, { mempoolPath: `${netDir.description}/mempool.dat` });
    registerRawTransactionCommands(rpc.table, ctx);
    // Wallet RPCs exist only with a `wallets` grant and without -disablewallet; otherwise they
    // are "Method not found", as with Core's -disablewallet (the folder is still granted, as
    // Core still creates <datadir>/<chain>/wallets).
    if (caps.wallets !== undefined && !argBool(args, 'disablewallet', false)) {
      rpc.table.setWarmup('Loading wallet…');
      node.wallets = await startWallets({
        wallets: caps.wallets,
        chainman,
        mempool,
        params,
        random: caps.random,
        clock: caps.clock,
        logger,
        args,
        relayTransaction: (tx) => peers.relayTransaction(tx),
        table: rpc.table,
      });
    }
    registerBlockTemplateCommands(rpc.table, ctx);
    registerUtilCommands(rpc.table, ctx);
    registerMockTimeCommands(rpc.table, { network: params.network, clock: caps.clock });
    registerBlockFilterCommands(rpc.table, {
      chainman,
      blockFilterIndexes: node.blockFilterIndex ? [node.blockFilterIndex] : [],
    });

    const tip = chainman.activeChain.tip();
    logger.info(`init message: Done loading (height=${tip.height} best=${tip.hashHex})`);
    rpc.table.setWarmup(undefined);
    return node;
  }

  /** Core's Shutdown order: stop taking requests, stop peers, flush the chainstate, close. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info('Shutdown: In progress...');
      try {
        await this.peers?.stop();
        await this.rpc.stop();
        await this.zmq?.stop();
        // Core's Shutdown: DumpMempool (with -persistmempool) before the chainstate closes.
        if (this.mempool !== undefined) {
          this.mempool.unsubscribe();
          await this.mempool.mempool.stop().catch((e: unknown) => {
            this.logger.error(`Failed to dump mempool: ${(e as Error).message}`, 'mempool');
          });
        }
        await this.wallets?.closeAll();
        await this.txIndex?.close();
        await this.blockFilterIndex?.close();
        await this.chainman?.close();
        this.logger.info('Shutdown: done');
      } finally {
        await this.caps.close();
        this.resolveStopped();
      }
    })();
    return this.stopping;
  }
}
