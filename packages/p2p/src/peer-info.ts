/** getpeerinfo's object for one peer, with Bitcoin Core's field names and units. */
import { networkClass } from './messages/net-address.js';
import { permissionNames } from './net-permissions.js';
import type { Peer } from './peer.js';
import { serviceNames, servicesHex } from './protocol.js';

export interface PeerInfo {
  id: number;
  addr: string;
  addrbind?: string;
  /** Our address as the peer saw it, when its version message carried one. */
  addrlocal?: string;
  network: string;
  services: string;
  servicesnames: string[];
  relaytxes: boolean;
  last_inv_sequence: number;
  /** Transactions queued for the next inv to this peer. */
  inv_to_send: number;
  lastsend: number;
  lastrecv: number;
  last_transaction: number;
  last_block: number;
  bytessent: number;
  bytesrecv: number;
  conntime: number;
  timeoffset: number;
  /** Seconds, present once a pong came back. */
  pingtime?: number;
  minping?: number;
  /** Seconds the outstanding ping has waited. */
  pingwait?: number;
  version: number;
  subver: string;
  inbound: boolean;
  bip152_hb_to: boolean;
  bip152_hb_from: boolean;
  startingheight: number;
  presynced_headers: number;
  synced_headers: number;
  synced_blocks: number;
  inflight: number[];
  addr_relay_enabled: boolean;
  addr_processed: number;
  addr_rate_limited: number;
  permissions: string[];
  /** BTC per kvB, as Core prints it. */
  minfeefilter: number;
  bytessent_per_msg: Record<string, number>;
  bytesrecv_per_msg: Record<string, number>;
  connection_type: string;
  /** Core's TransportTypeAsString: "detecting" until a v2 handshake is confirmed. */
  transport_protocol_type: 'detecting' | 'v1' | 'v2';
  /** The BIP324 session id in hex; '' unless v2. */
  session_id: string;
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

function sortedRecord(m: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...m.keys()].sort()) if (m.get(k)! > 0) out[k] = m.get(k)!;
  return out;
}

/** Core 29's getpeerinfo, key for key in its order (optional keys where Core puts them). */
export function buildPeerInfo(p: Peer, inflight: number[], nowMs?: number): PeerInfo {
  const info = { id: p.id, addr: p.endpoints.addr } as PeerInfo;
  if (p.endpoints.addrBind) info.addrbind = p.endpoints.addrBind;
  if (p.addrLocal !== undefined) info.addrlocal = p.addrLocal;
  Object.assign(info, {
    network: p.endpoints.service ? networkClass(p.endpoints.service) : 'onion',
    services: servicesHex(p.services),
    servicesnames: serviceNames(p.services),
    // Core keeps no tx-relay state for a block-relay-only connection: false whatever it asked.
    relaytxes: p.relayTxes && p.connectionType !== 'block-relay-only',
    last_inv_sequence: p.lastInvSequence,
    inv_to_send: p.txToSend.size,
    lastsend: seconds(p.lastSendMs),
    lastrecv: seconds(p.lastRecvMs),
    last_transaction: p.lastTxTimeSec,
    last_block: p.lastBlockTimeSec,
    bytessent: p.bytesSent,
    bytesrecv: p.bytesRecv,
    conntime: seconds(p.connTimeMs),
    timeoffset: p.timeOffsetSec,
  });
  if (p.lastPingTimeMs !== undefined) info.pingtime = p.lastPingTimeMs / 1000;
  if (p.minPingTimeMs !== undefined) info.minping = p.minPingTimeMs / 1000;
  if (p.pingNonceSent !== 0n && nowMs !== undefined) info.pingwait = (nowMs - p.pingStartMs) / 1000;
  Object.assign(info, {
    version: p.version,
    subver: p.subver,
    inbound: p.inbound,
    bip152_hb_to: false,
    bip152_hb_from: false,
    startingheight: p.startingHeight,
    presynced_headers: -1,
    synced_headers: p.bestKnownBlock ? p.bestKnownBlock.height : -1,
    synced_blocks: p.lastCommonBlock ? p.lastCommonBlock.height : -1,
    inflight,
    addr_relay_enabled: p.connectionType !== 'block-relay-only',
    addr_processed: p.addrProcessed,
    addr_rate_limited: p.addrRateLimited,
    permissions: permissionNames(p.permissions),
    minfeefilter: Number(p.feeFilterSatPerKvB) / 1e8,
    bytessent_per_msg: sortedRecord(p.bytesSentPerMsg),
    bytesrecv_per_msg: sortedRecord(p.bytesRecvPerMsg),
    connection_type: p.connectionType,
    transport_protocol_type: p.transportType,
    session_id: p.sessionIdHex,
  });
  return info;
}
