/**
 * Bitcoin's v1 wire framing (Core's V1Transport): a 24-byte header of magic (4), command (12,
 * NUL-padded ASCII), payload length (u32 LE) and checksum (first 4 bytes of sha256d(payload)),
 * then the payload. The decoder is sans-I/O: feed it chunks, it returns what they completed.
 *
 * Core's rules, followed here:
 * - wrong magic, or a declared length above MAX_PROTOCOL_MESSAGE_LENGTH: the header is refused
 *   and the connection dropped (ReceiveMsgBytes fails);
 * - wrong checksum, or a command that is not printable ASCII followed only by NULs: the message
 *   is dropped, the connection kept, and its bytes are counted under `*other*`.
 */
import { bytesEqual, sha256d } from '@bitcoind-lite/consensus';
import {
  CHECKSUM_SIZE,
  COMMAND_SIZE,
  MAX_PROTOCOL_MESSAGE_LENGTH,
  MESSAGE_HEADER_SIZE,
} from './protocol.js';

export function checksum(payload: Uint8Array): Uint8Array {
  return sha256d(payload).subarray(0, CHECKSUM_SIZE);
}

/** Frames one message: header then payload, as a single buffer ready to write. */
export function serializeMessage(
  magic: Uint8Array,
  command: string,
  payload: Uint8Array,
): Uint8Array {
  if (magic.length !== 4) throw new RangeError(`magic must be 4 bytes, got ${magic.length}`);
  if (command.length > COMMAND_SIZE || !/^[\x20-\x7e]*$/.test(command)) {
    throw new RangeError(`command must be up to 12 printable ASCII characters, got "${command}"`);
  }
  const out = new Uint8Array(MESSAGE_HEADER_SIZE + payload.length);
  out.set(magic, 0);
  for (let i = 0; i < command.length; i++) out[4 + i] = command.charCodeAt(i);
  new DataView(out.buffer).setUint32(16, payload.length, true);
  out.set(checksum(payload), 20);
  out.set(payload, MESSAGE_HEADER_SIZE);
  return out;
}

/** Parses the command field; undefined when it is not Core-valid (IsMessageTypeValid). */
export function parseCommand(field: Uint8Array): string | undefined {
  let s = '';
  let i = 0;
  for (; i < field.length && field[i] !== 0; i++) {
    const c = field[i]!;
    if (c < 0x20 || c > 0x7e) return undefined;
    s += String.fromCharCode(c);
  }
  for (; i < field.length; i++) if (field[i] !== 0) return undefined;
  return s;
}

export type DecodedFrame =
  | { kind: 'message'; command: string; payload: Uint8Array; rawSize: number }
  /** A complete frame Core drops without disconnecting (bad checksum or command). */
  | { kind: 'rejected'; reason: string; rawSize: number };

/** Raised for framing errors after which Core drops the connection. */
export class FramingError extends Error {
  override readonly name = 'FramingError';
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/**
 * A streaming decoder. `push` never copies a payload more than once: chunks are queued until a
 * whole frame is present. After a FramingError the decoder is unusable (the peer is dropped).
 */
export class V1Decoder {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private header: { command: Uint8Array; length: number; checksum: Uint8Array } | undefined;
  private failed = false;

  constructor(private readonly magic: Uint8Array) {
    if (magic === undefined || magic.length !== 4)
      throw new TypeError('V1Decoder: magic (4 bytes) is required');
  }

  /** Bytes received but not yet part of a complete frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  push(chunk: Uint8Array): DecodedFrame[] {
    if (this.failed) throw new FramingError('decoder already failed');
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const out: DecodedFrame[] = [];
    for (;;) {
      if (this.header === undefined) {
        if (this.buffered < MESSAGE_HEADER_SIZE) break;
        const h = this.take(MESSAGE_HEADER_SIZE);
        if (!bytesEqual(h.subarray(0, 4), this.magic)) {
          this.failed = true;
          throw new FramingError(
            `Header error: Wrong MessageStart ${hex(h.subarray(0, 4))} received`,
          );
        }
        const length = new DataView(h.buffer, h.byteOffset, h.byteLength).getUint32(16, true);
        const commandField = h.subarray(4, 16);
        if (length > MAX_PROTOCOL_MESSAGE_LENGTH) {
          this.failed = true;
          const shown = parseCommand(commandField) ?? hex(commandField);
          throw new FramingError(`Header error: Size too large (${shown}, ${length} bytes)`);
        }
        this.header = { command: commandField, length, checksum: h.subarray(20, 24) };
      }
      if (this.buffered < this.header.length) break;
      const payload = this.take(this.header.length);
      const { command: commandField, checksum: expected } = this.header;
      this.header = undefined;
      const rawSize = MESSAGE_HEADER_SIZE + payload.length;
      const command = parseCommand(commandField);
      if (command === undefined) {
        out.push({
          kind: 'rejected',
          reason: 'Header error: Unable to decode message type',
          rawSize,
        });
        continue;
      }
      const actual = checksum(payload);
      if (!bytesEqual(actual, expected)) {
        out.push({
          kind: 'rejected',
          reason: `Header error: Wrong checksum (${command}, ${payload.length} bytes), expected ${hex(actual)} was ${hex(expected)}`,
          rawSize,
        });
        continue;
      }
      out.push({ kind: 'message', command, payload, rawSize });
    }
    return out;
  }

  /** Removes n bytes from the front of the queue (n <= buffered), copying only if split. */
  private take(n: number): Uint8Array {
    this.buffered -= n;
    if (n === 0) return new Uint8Array(0);
    const first = this.chunks[0]!;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return out;
    }
    const out = new Uint8Array(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[0]!;
      const need = n - off;
      if (c.length <= need) {
        out.set(c, off);
        off += c.length;
        this.chunks.shift();
      } else {
        out.set(c.subarray(0, need), off);
        this.chunks[0] = c.subarray(need);
        off = n;
      }
    }
    return out;
  }
}
