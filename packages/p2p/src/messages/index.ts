/**
 * Every message this node understands, as one tagged union, with the payload codec for each.
 * `decodeMessage` returns undefined for commands Core does not know either: they are ignored.
 */
import { DecodeError } from '@bitcoind-lite/consensus';
import { decodeAddr, encodeAddr, type AddrMessage, type GetAddrMessage } from './addr.js';
import { decodeBlock, decodeTx, type BlockMessage, type TxMessage } from './block.js';
import {
  decodeGetHeaders,
  decodeHeaders,
  encodeGetHeaders,
  encodeHeaders,
  type GetHeadersMessage,
  type HeadersMessage,
} from './headers.js';
import { decodeInv, encodeInv, type InvMessage } from './inv.js';
import {
  decodeFeeFilter,
  decodeSendCmpct,
  encodeFeeFilter,
  encodeSendCmpct,
  type FeeFilterMessage,
  type SendAddrV2Message,
  type SendCmpctMessage,
  type SendHeadersMessage,
  type WtxidRelayMessage,
} from './negotiation.js';
import { decodeNonce, encodeNonce, type PingMessage, type PongMessage } from './ping.js';
import {
  decodeVersion,
  encodeVersion,
  type VerackMessage,
  type VersionMessage,
} from './version.js';

export interface MempoolMessage {
  type: 'mempool';
}

export type NetMessage =
  | VersionMessage
  | VerackMessage
  | WtxidRelayMessage
  | SendAddrV2Message
  | SendHeadersMessage
  | SendCmpctMessage
  | FeeFilterMessage
  | PingMessage
  | PongMessage
  | GetHeadersMessage
  | HeadersMessage
  | InvMessage
  | BlockMessage
  | TxMessage
  | AddrMessage
  | GetAddrMessage
  | MempoolMessage;

export type MessageType = NetMessage['type'];

/** Core's ALL_NET_MESSAGE_TYPES that this node parses; anything else is counted as *other*. */
export const KNOWN_COMMANDS: ReadonlySet<string> = new Set<MessageType>([
  'version',
  'verack',
  'wtxidrelay',
  'sendaddrv2',
  'sendheaders',
  'sendcmpct',
  'feefilter',
  'ping',
  'pong',
  'getheaders',
  'getblocks',
  'headers',
  'inv',
  'getdata',
  'notfound',
  'block',
  'tx',
  'addr',
  'addrv2',
  'getaddr',
  'mempool',
]);

/**
 * Commands Core knows but this node does not handle (compact blocks, bloom filters, BIP157
 * filters, v2 transport): counted under their own name in bytesrecv_per_msg, then ignored.
 */
export const OTHER_CORE_COMMANDS: ReadonlySet<string> = new Set([
  'merkleblock',
  'filterload',
  'filteradd',
  'filterclear',
  'cmpctblock',
  'getblocktxn',
  'blocktxn',
  'getcfilters',
  'cfilter',
  'getcfheaders',
  'cfheaders',
  'getcfcheckpt',
  'cfcheckpt',
  'reject',
  'alert',
]);

const EMPTY = new Uint8Array(0);

/** Decodes a payload; throws DecodeError when malformed; undefined for an unknown command. */
export function decodeMessage(command: string, payload: Uint8Array): NetMessage | undefined {
  switch (command) {
    case 'version':
      return decodeVersion(payload);
    case 'verack':
    case 'wtxidrelay':
    case 'sendaddrv2':
    case 'sendheaders':
    case 'getaddr':
    case 'mempool':
      return { type: command };
    case 'sendcmpct':
      return decodeSendCmpct(payload);
    case 'feefilter':
      return decodeFeeFilter(payload);
    case 'ping':
    case 'pong':
      return { type: command, nonce: decodeNonce(payload) };
    case 'getheaders':
    case 'getblocks':
      return decodeGetHeaders(command, payload);
    case 'headers':
      return decodeHeaders(payload);
    case 'inv':
    case 'getdata':
    case 'notfound':
      return decodeInv(command, payload);
    case 'block':
      return decodeBlock(payload);
    case 'tx':
      return decodeTx(payload);
    case 'addr':
    case 'addrv2':
      return decodeAddr(command, payload);
    default:
      return undefined;
  }
}

/** The payload bytes of a message. */
export function encodeMessage(m: NetMessage): Uint8Array {
  switch (m.type) {
    case 'version':
      return encodeVersion(m);
    case 'verack':
    case 'wtxidrelay':
    case 'sendaddrv2':
    case 'sendheaders':
    case 'getaddr':
    case 'mempool':
      return EMPTY;
    case 'sendcmpct':
      return encodeSendCmpct(m);
    case 'feefilter':
      return encodeFeeFilter(m);
    case 'ping':
    case 'pong':
      return encodeNonce(m.nonce);
    case 'getheaders':
    case 'getblocks':
      return encodeGetHeaders(m);
    case 'headers':
      return encodeHeaders(m.headers);
    case 'inv':
    case 'getdata':
    case 'notfound':
      return encodeInv(m.items);
    case 'block':
      return m.block.serialize(true);
    case 'tx':
      return m.tx.serialize(true);
    case 'addr':
    case 'addrv2':
      return encodeAddr(m.type, m.addrs);
    default: {
      const never: never = m;
      throw new DecodeError(`unknown message ${(never as { type: string }).type}`);
    }
  }
}

export * from './addr.js';
export * from './block.js';
export * from './headers.js';
export * from './inv.js';
export * from './negotiation.js';
export * from './net-address.js';
export * from './ping.js';
export * from './version.js';
export * from './onion-i2p-address.js';
