/**
 * Protocol constants, as Bitcoin Core defines them (protocol.h, net.h, net_processing.cpp).
 */

/** The version we speak: 70016 adds wtxidrelay (BIP339). */
export const PROTOCOL_VERSION = 70016;
/** Peers older than this are disconnected (Core's MIN_PEER_PROTO_VERSION). */
export const MIN_PEER_PROTO_VERSION = 31800;
/** From this version the peer understands sendheaders (BIP130). */
export const SENDHEADERS_VERSION = 70012;
/** From this version the peer understands feefilter (BIP133). */
export const FEEFILTER_VERSION = 70013;
/** From this version wtxidrelay may be negotiated (BIP339). */
export const WTXID_RELAY_VERSION = 70016;

export const USER_AGENT = '/bitcoind-lite:0.1.0/';
/** Core's MAX_SUBVERSION_LENGTH: a longer user agent fails to deserialize. */
export const MAX_SUBVERSION_LENGTH = 256;

/** Core's MAX_PROTOCOL_MESSAGE_LENGTH: a larger declared payload disconnects the peer. */
export const MAX_PROTOCOL_MESSAGE_LENGTH = 4_000_000;
export const MESSAGE_HEADER_SIZE = 24;
export const COMMAND_SIZE = 12;
export const CHECKSUM_SIZE = 4;

/** Core's MAX_HEADERS_RESULTS: more in one headers message is misbehaviour. */
export const MAX_HEADERS_RESULTS = 2000;
/** Core's MAX_INV_SZ: the most entries in one inv / getdata / notfound. */
export const MAX_INV_SZ = 50_000;
/** Core's MAX_LOCATOR_SZ: a longer getheaders / getblocks locator disconnects. */
export const MAX_LOCATOR_SZ = 101;
/** Core's MAX_ADDR_TO_SEND: the most addresses in one addr / addrv2. */
export const MAX_ADDR_TO_SEND = 1000;
/** Core answers getblocks with at most this many block invs. */
export const MAX_GETBLOCKS_RESULTS = 500;
/** Core's MAX_BLOCKS_IN_TRANSIT_PER_PEER. */
export const MAX_BLOCKS_IN_TRANSIT_PER_PEER = 16;
/** Core's BLOCK_DOWNLOAD_WINDOW: how far past our tip blocks are fetched. */
export const BLOCK_DOWNLOAD_WINDOW = 1024;
/** Core's MAX_BLOCKS_TO_ANNOUNCE: a longer run of new blocks is announced by inv. */
export const MAX_BLOCKS_TO_ANNOUNCE = 8;

/** Core's PING_INTERVAL (2 minutes) and TIMEOUT_INTERVAL (20 minutes). */
export const PING_INTERVAL_MS = 2 * 60 * 1000;
export const TIMEOUT_INTERVAL_MS = 20 * 60 * 1000;
/** Core's DEFAULT_PEER_CONNECT_TIMEOUT (-peertimeout): the version handshake must finish. */
export const DEFAULT_PEER_CONNECT_TIMEOUT_MS = 60 * 1000;
/** Core's HEADERS_RESPONSE_TIME: an unanswered getheaders may be repeated after this. */
export const HEADERS_RESPONSE_TIME_MS = 2 * 60 * 1000;
/** Core's -maxreceivebuffer default (5000 * 1000 bytes): reading pauses above it. */
export const DEFAULT_MAX_RECEIVE_BUFFER_BYTES = 5_000_000;

/** Service bits (protocol.h ServiceFlags). */
export const NODE_NONE = 0n;
export const NODE_NETWORK = 1n << 0n;
export const NODE_BLOOM = 1n << 2n;
export const NODE_WITNESS = 1n << 3n;
export const NODE_COMPACT_FILTERS = 1n << 6n;
export const NODE_NETWORK_LIMITED = 1n << 10n;
export const NODE_P2P_V2 = 1n << 11n;

/** What this node offers: a full, unpruned, segwit node without bloom filters or v2 transport. */
export const LOCAL_SERVICES = NODE_NETWORK | NODE_WITNESS | NODE_NETWORK_LIMITED;

const SERVICE_NAMES: [bigint, string][] = [
  [NODE_NETWORK, 'NETWORK'],
  [1n << 1n, 'GETUTXO'],
  [NODE_BLOOM, 'BLOOM'],
  [NODE_WITNESS, 'WITNESS'],
  [NODE_COMPACT_FILTERS, 'COMPACT_FILTERS'],
  [NODE_NETWORK_LIMITED, 'NETWORK_LIMITED'],
  [NODE_P2P_V2, 'P2P_V2'],
];

/** Core's GetServicesNames: known names, and `UNKNOWN[2^n]` for the rest. */
export function serviceNames(services: bigint): string[] {
  const out: string[] = [];
  for (let bit = 0n; bit < 64n; bit++) {
    const flag = 1n << bit;
    if ((services & flag) === 0n) continue;
    const known = SERVICE_NAMES.find(([f]) => f === flag);
    out.push(known ? known[1] : `UNKNOWN[2^${bit}]`);
  }
  return out;
}

/** Core's services as a 16-digit hex string, as getpeerinfo prints them. */
export function servicesHex(services: bigint): string {
  return services.toString(16).padStart(16, '0');
}
