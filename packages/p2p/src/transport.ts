/**
 * What a Peer needs from its wire protocol (Core's Transport interface): turn received bytes
 * into messages, frame messages for sending, and say which protocol the connection speaks. Two
 * implementations: V1Transport (plain framing, v1-transport.ts) and V2Transport (BIP324,
 * v2-transport.ts, which falls back to v1 on the same socket for a v1 peer).
 *
 * A transport writes through the `write` callback it was made with, so a v2 handshake can send
 * its key, garbage and version packet when the received bytes call for them.
 */
import { V1Decoder, serializeMessage, type DecodedFrame } from './v1-transport.js';

/** getpeerinfo's transport_protocol_type: "detecting" until a v2 handshake is confirmed. */
export type TransportProtocolType = 'detecting' | 'v1' | 'v2';

/** Writes bytes to the connection (the Peer counts them). */
export type TransportWrite = (bytes: Uint8Array) => void;

export interface Transport {
  readonly protocolType: TransportProtocolType;
  /** The BIP324 session id once the v2 handshake is confirmed; undefined otherwise. */
  readonly sessionId: Uint8Array | undefined;
  /**
   * Feeds received bytes; returns the messages they completed. Throws FramingError when the
   * connection must be dropped.
   */
  receivedBytes(chunk: Uint8Array): DecodedFrame[];
  /**
   * Frames one message and writes it, or keeps it until the handshake lets it go (v2 before
   * the peer's key arrived). Returns the bytes it takes on the wire, for the per-message counts.
   */
  sendMessage(command: string, payload: Uint8Array): number;
  /** Core's ShouldReconnectV1: an outbound v2 attempt the peer dropped before answering. */
  shouldReconnectV1(): boolean;
}

/** Core's V1Transport: the 24-byte header framing of v1-transport.ts behind the interface. */
export class V1Transport implements Transport {
  readonly protocolType = 'v1' as const;
  readonly sessionId = undefined;
  private readonly decoder: V1Decoder;

  constructor(
    private readonly magic: Uint8Array,
    private readonly write: TransportWrite,
  ) {
    if (typeof write !== 'function') throw new TypeError('V1Transport: write is required');
    this.decoder = new V1Decoder(magic);
  }

  receivedBytes(chunk: Uint8Array): DecodedFrame[] {
    return this.decoder.push(chunk);
  }

  sendMessage(command: string, payload: Uint8Array): number {
    const frame = serializeMessage(this.magic, command, payload);
    this.write(frame);
    return frame.length;
  }

  shouldReconnectV1(): boolean {
    return false;
  }
}
