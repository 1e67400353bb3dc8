/**
 * What the RPC handlers read of the node. Each is a narrow structural view of the real component
 * (ChainstateManager, the P2P PeerManager, the mempool), so the handlers depend on shapes, and
 * the node passes its own objects.
 */
import type { Block, BlockHeader, ChainParams, Transaction, TxOut } from '@bitcoind-lite/consensus';
import type { Mempool } from '@bitcoind-lite/mempool';
import type { Clock, Logger } from '@bitcoind-lite/runtime';

export interface RpcBlockIndex {
  readonly hash: Uint8Array;
  readonly hashHex: string;
  readonly height: number;
  readonly header: BlockHeader;
  /** The header's nBits and nTime, for the difficulty rules. */
  readonly bits: number;
  readonly time: number;
  readonly prev: RpcBlockIndex | undefined;
  readonly chainWork: bigint;
  readonly status: number;
  readonly nTx: number;
  /** Transactions up to and including this block; 0 while an ancestor lacks data. */
  readonly chainTx: number;
  getAncestor(height: number): RpcBlockIndex | undefined;
  medianTimePast(): number;
}

export interface RpcActiveChain {
  tip(): RpcBlockIndex;
  height(): number;
  at(height: number): RpcBlockIndex | undefined;
  contains(idx: RpcBlockIndex): boolean;
  next(idx: RpcBlockIndex): RpcBlockIndex | undefined;
}

export interface RpcValidationState {
  valid: boolean;
  result?: string;
  rejectReason?: string;
  debugMessage?: string;
}

/** A spent output as block undo data records it. */
export interface RpcSpentCoin extends TxOut {
  height: number;
  isCoinbase: boolean;
}

/** An unspent output in the chainstate (Core's Coin). */
export interface RpcCoin {
  readonly out: TxOut;
  readonly height: number;
  readonly isCoinbase: boolean;
}

/** gettxoutsetinfo's hash types (Core's CoinStatsHashType, by RPC name). */
export type RpcCoinStatsHashType = 'hash_serialized_3' | 'muhash' | 'none';

/** What gettxoutsetinfo reports, computed over the flushed coins database at the tip. */
export interface RpcCoinsStats {
  height: number;
  bestblock: string;
  txouts: number;
  transactions: number;
  bogosize: number;
  /** Display hex; empty unless hash_serialized_3 was asked for. */
  hashSerialized3: string;
  muhash?: string;
  totalAmountSats: bigint;
  diskSizeBytes: number;
}

export interface RpcChainstate {
  readonly activeChain: RpcActiveChain;
  readonly bestHeader: RpcBlockIndex;
  lookup(hash: Uint8Array | string): RpcBlockIndex | undefined;
  processNewBlock(
    block: Block,
    opts?: { forceProcessing?: boolean },
  ): Promise<{ state: RpcValidationState; isNew: boolean; index?: RpcBlockIndex }>;
  processNewBlockHeaders(
    headers: BlockHeader[],
  ): Promise<{ state: RpcValidationState; last?: RpcBlockIndex }>;
  readBlock(idx: RpcBlockIndex): Promise<Block>;
  readRawBlock(idx: RpcBlockIndex): Promise<Uint8Array>;
  /** The outputs each non-coinbase transaction of the block spent, from its undo data. */
  readBlockSpentOutputs?(idx: RpcBlockIndex): Promise<RpcSpentCoin[][] | undefined>;
  isInitialBlockDownload(): boolean;
  /** Every entry of the block tree (for getchaintips). */
  allBlockIndexes(): Iterable<RpcBlockIndex>;
  /** Bytes used by block and undo files (getblockchaininfo size_on_disk). */
  sizeOnDisk?(): number;
  // The UTXO set and operator controls (blockchain-chainstate.ts); optional so narrower
  // chainstates still satisfy the view.
  /** The unspent coin at an outpoint in the chainstate (no mempool). */
  getTxOut?(txid: Uint8Array, vout: number): Promise<RpcCoin | undefined>;
  getTxOutSetInfo?(hashType: RpcCoinStatsHashType): Promise<RpcCoinsStats>;
  invalidateBlock?(idx: RpcBlockIndex): Promise<RpcValidationState>;
  reconsiderBlock?(idx: RpcBlockIndex): Promise<RpcValidationState>;
  preciousBlock?(idx: RpcBlockIndex): Promise<RpcValidationState>;
  verifyChain?(checkLevel: number, depth: number): Promise<boolean>;
  /** Chain notifications (waitfornewblock & co. subscribe to the new tip). */
  on?(
    event: 'updatedBlockTip',
    listener: (newTip: RpcBlockIndex, forkPoint: RpcBlockIndex | undefined, ibd: boolean) => void,
  ): () => void;
  /** scantxoutset: every unspent coin in key order until `visit` returns false. */
  scanCoins?(
    visit: (txid: Uint8Array, vout: number, coin: RpcCoin) => boolean,
  ): Promise<{ tip: RpcBlockIndex; completed: boolean }>;
}

/** An optional index (txindex, the basic block filter index) as getindexinfo reports it. */
export interface RpcIndexSummary {
  /** Core's index name: "txindex", "basic block filter index". */
  readonly name: string;
  isReady(): boolean;
  bestHeight(): number;
}

export interface RpcPeerInfoSource {
  getPeerInfo(): Record<string, unknown>[];
  connectionCount(): { inbound: number; outbound: number };
  /** `v2transport` absent: the node's -v2transport setting (Core's default for the argument). */
  addNode(
    target: string,
    command: 'add' | 'remove' | 'onetry',
    v2transport?: boolean,
  ): Promise<void> | void;
  getAddedNodeInfo?(node?: string): Record<string, unknown>[];
  /** The regtest `addconnection` RPC (Core's CConnman::AddConnection): false at capacity. */
  addConnection?(
    target: string,
    connectionType: string,
    v2transport: boolean,
  ): Promise<boolean> | boolean;
  localServices(): bigint;
  networkActive(): boolean;
  setNetworkActive?(active: boolean): void;
  disconnectNode?(address: string | undefined, nodeId: number | undefined): boolean;
  totals?(): { bytesRecv: number; bytesSent: number };
  /** The SOCKS5 proxy outbound connections use, "host:port", or "" when none. */
  proxy?(): string;
  isLimited?(network: string): boolean;
  isReachable?(network: string): boolean;
  /** setban: 'invalid' (not an IP/subnet), 'already' (add of a banned one), 'missing' (remove). */
  setBan?(
    subnet: string,
    command: 'add' | 'remove',
    bantimeSec: number,
    absolute: boolean,
  ): 'ok' | 'invalid' | 'already' | 'missing';
  listBanned?(): { address: string; banCreatedSec: number; bannedUntilSec: number }[];
  clearBanned?(): void;
  /** getnodeaddresses; `network` already checked against Core's names. */
  getNodeAddresses?(
    count: number,
    network: string | undefined,
  ): { time: number; services: bigint; address: string; port: number; network: string }[];
  /** The `ping` RPC: queue a ping to every peer. */
  pingAll?(): void;
}

/** The mempool as the mining RPCs see it (empty until the mempool issue lands). */
export interface RpcMempoolView {
  selectForBlock(maxWeightWu: number): { tx: Transaction; feeSats: bigint }[];
  /** A mempool transaction by txid (internal byte order), with its fee. */
  lookup?(txid: Uint8Array): { tx: Transaction; feeSats: bigint } | undefined;
  /** The fee a transaction pays, when its inputs are known. */
  feeFor?(tx: Transaction): bigint | undefined;
  size?(): number;
  /** Whether a mempool transaction spends the outpoint (Core's CTxMemPool::isSpent). */
  isSpent?(txid: Uint8Array, vout: number): boolean;
}

/** The transaction index (`-txindex`) as getrawtransaction reads it. */
export interface RpcTxIndex {
  /** Whether it has caught up with the chain (Core's f_txindex_ready). */
  isReady(): boolean;
  /** The hash of the block holding the txid (both internal byte order), when indexed. */
  findBlock(txid: Uint8Array): Promise<Uint8Array | undefined>;
}

/** The ZMQ notifications (getzmqnotifications), when the manifest grants `zmq` sockets. */
export interface RpcZmqNotifications {
  activeNotifiers(): readonly { type: string; address: string; hwm: number }[];
}

export interface NodeContext {
  readonly params: ChainParams;
  readonly chainman: RpcChainstate;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly peers: RpcPeerInfoSource | undefined;
  readonly mempool: RpcMempoolView | undefined;
  readonly userAgent: string;
  readonly protocolVersion: number;
  /** getnetworkinfo `localrelay`: false under -blocksonly. Absent: true. */
  readonly localRelay?: boolean;
  /** Policy fee rates for getnetworkinfo (sat per 1000 vbytes). */
  readonly relayFeeSatPerKvB?: bigint;
  readonly incrementalRelayFeeSatPerKvB?: bigint;
  /** The node's Mempool, for the mempool and raw-transaction RPCs (mempool.ts, rawtransaction.ts). */
  readonly txMempool?: Mempool;
  /** Present with `-txindex`. */
  readonly txIndex?: RpcTxIndex;
  /** Announces a transaction to peers (Core's RelayTransaction, for sendrawtransaction). */
  readonly relayTransaction?: (tx: Transaction) => void;
  /** Core's TestBlockValidity on the tip, for getblocktemplate proposals (BIP23). */
  readonly testBlockValidity?: (block: Block) => Promise<RpcValidationState>;
  /** The optional indexes running (getindexinfo). */
  readonly indexes?: readonly RpcIndexSummary[];
  /** Core's active ZMQ notifiers (getzmqnotifications). */
  readonly zmq?: RpcZmqNotifications;
}
