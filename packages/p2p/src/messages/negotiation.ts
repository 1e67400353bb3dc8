/**
 * Feature negotiation messages: `wtxidrelay` (BIP339) and `sendaddrv2` (BIP155), sent between
 * version and verack; `sendheaders` (BIP130), `sendcmpct` (BIP152) and `feefilter` (BIP133).
 */
import { BufferReader, BufferWriter } from '@bitcoind-lite/consensus';

export interface WtxidRelayMessage {
  type: 'wtxidrelay';
}
export interface SendAddrV2Message {
  type: 'sendaddrv2';
}
export interface SendHeadersMessage {
  type: 'sendheaders';
}

/** BIP152: announce (high-bandwidth) flag and compact block version. */
export interface SendCmpctMessage {
  type: 'sendcmpct';
  announce: boolean;
  version: bigint;
}

/** BIP133: the peer's minimum fee rate for relayed transactions, in sat/kvB. */
export interface FeeFilterMessage {
  type: 'feefilter';
  feeRateSatPerKvB: bigint;
}

export function encodeSendCmpct(m: SendCmpctMessage): Uint8Array {
  return new BufferWriter(9)
    .u8(m.announce ? 1 : 0)
    .u64(m.version)
    .toBytes();
}

export function decodeSendCmpct(payload: Uint8Array): SendCmpctMessage {
  const r = new BufferReader(payload);
  const announce = r.u8() !== 0;
  return { type: 'sendcmpct', announce, version: r.u64() };
}

export function encodeFeeFilter(m: FeeFilterMessage): Uint8Array {
  return new BufferWriter(8).i64(m.feeRateSatPerKvB).toBytes();
}

export function decodeFeeFilter(payload: Uint8Array): FeeFilterMessage {
  return { type: 'feefilter', feeRateSatPerKvB: new BufferReader(payload).i64() };
}
