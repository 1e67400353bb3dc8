/**
 * ZMTP 3 wire pieces (RFC 23/ZMTP): the 64-byte greeting, frames (flags byte: bit 0 MORE,
 * bit 1 LONG, bit 2 COMMAND; then a 1-byte or 8-byte big-endian size), and commands (a 1-byte
 * name length, the name, then command data; READY's data is properties, each a 1-byte name
 * length, name, 4-byte big-endian value length, value).
 */

export const GREETING_BYTES = 64;
const FLAG_MORE = 0x01;
const FLAG_LONG = 0x02;
const FLAG_COMMAND = 0x04;
/** We speak ZMTP 3.1 (SUBSCRIBE/CANCEL as commands) and accept 3.0 peers (subscriptions as messages). */
export const ZMTP_MAJOR = 3;
export const ZMTP_MINOR = 1;

/** Our greeting: signature, version, mechanism "NULL", as-server 0, filler. */
export function greeting(): Uint8Array {
  const g = new Uint8Array(GREETING_BYTES);
  g[0] = 0xff;
  g[9] = 0x7f;
  g[10] = ZMTP_MAJOR;
  g[11] = ZMTP_MINOR;
  g.set(new TextEncoder().encode('NULL'), 12);
  return g;
}

export interface PeerGreeting {
  major: number;
  minor: number;
  mechanism: string;
}

/** Reads a peer's greeting; a string says why it is not one we accept. */
export function parseGreeting(g: Uint8Array): PeerGreeting | string {
  if (g[0] !== 0xff || ((g[9] ?? 0) & 0x01) !== 1) return 'not a ZMTP 3 greeting';
  const major = g[10]!;
  if (major < 3) return `ZMTP ${major}.x is not supported`;
  let end = 12;
  while (end < 32 && g[end] !== 0) end++;
  const mechanism = new TextDecoder().decode(g.subarray(12, end));
  if (mechanism !== 'NULL') return `mechanism ${mechanism} is not supported`;
  return { major, minor: g[11]!, mechanism };
}

/** One frame, header and body. */
export function encodeFrame(
  body: Uint8Array,
  o: { more?: boolean; command?: boolean },
): Uint8Array {
  const long = body.length > 255;
  const header = new Uint8Array(long ? 9 : 2);
  header[0] = (o.more ? FLAG_MORE : 0) | (long ? FLAG_LONG : 0) | (o.command ? FLAG_COMMAND : 0);
  if (long) new DataView(header.buffer).setBigUint64(1, BigInt(body.length), false);
  else header[1] = body.length;
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}

/** A multipart message as one buffer, so it is written (or dropped) whole. */
export function encodeMessage(parts: readonly Uint8Array[]): Uint8Array {
  const frames = parts.map((p, i) => encodeFrame(p, { more: i < parts.length - 1 }));
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}

/** A command frame: name and data. */
export function encodeCommand(name: string, data: Uint8Array = new Uint8Array()): Uint8Array {
  const n = new TextEncoder().encode(name);
  const body = new Uint8Array(1 + n.length + data.length);
  body[0] = n.length;
  body.set(n, 1);
  body.set(data, 1 + n.length);
  return encodeFrame(body, { command: true });
}

/** READY's metadata: properties in the order given. */
export function encodeProperties(props: Readonly<Record<string, string>>): Uint8Array {
  const parts: number[] = [];
  for (const [k, v] of Object.entries(props)) {
    const key = new TextEncoder().encode(k);
    const value = new TextEncoder().encode(v);
    parts.push(key.length, ...key);
    parts.push((value.length >>> 24) & 0xff, (value.length >>> 16) & 0xff);
    parts.push((value.length >>> 8) & 0xff, value.length & 0xff, ...value);
  }
  return Uint8Array.from(parts);
}

/** READY's properties by lower-cased name (names are case-insensitive); undefined if malformed. */
export function parseProperties(data: Uint8Array): Map<string, Uint8Array> | undefined {
  const out = new Map<string, Uint8Array>();
  let at = 0;
  while (at < data.length) {
    const nameLen = data[at]!;
    if (at + 1 + nameLen + 4 > data.length) return undefined;
    const name = new TextDecoder().decode(data.subarray(at + 1, at + 1 + nameLen));
    at += 1 + nameLen;
    const view = new DataView(data.buffer, data.byteOffset + at, 4);
    const valueLen = view.getUint32(0, false);
    at += 4;
    if (at + valueLen > data.length) return undefined;
    out.set(name.toLowerCase(), data.subarray(at, at + valueLen));
    at += valueLen;
  }
  return out;
}

export interface Frame {
  more: boolean;
  command: boolean;
  body: Uint8Array;
}

/**
 * Takes the next whole frame from `buf` at `offset`; undefined when more bytes are needed.
 * Throws a RangeError for a frame larger than `maxBytes` (a subscriber has no reason to send one).
 */
export function readFrame(
  buf: Uint8Array,
  offset: number,
  maxBytes: number,
): { frame: Frame; next: number } | undefined {
  if (buf.length - offset < 2) return undefined;
  const flags = buf[offset]!;
  let size: number;
  let headerBytes: number;
  if (flags & FLAG_LONG) {
    if (buf.length - offset < 9) return undefined;
    const big = new DataView(buf.buffer, buf.byteOffset + offset + 1, 8).getBigUint64(0, false);
    if (big > BigInt(maxBytes)) throw new RangeError(`frame of ${big} bytes`);
    size = Number(big);
    headerBytes = 9;
  } else {
    size = buf[offset + 1]!;
    headerBytes = 2;
  }
  if (size > maxBytes) throw new RangeError(`frame of ${size} bytes`);
  if (buf.length - offset < headerBytes + size) return undefined;
  const start = offset + headerBytes;
  return {
    frame: {
      more: (flags & FLAG_MORE) !== 0,
      command: (flags & FLAG_COMMAND) !== 0,
      body: buf.slice(start, start + size),
    },
    next: start + size,
  };
}

/** A command frame's name and data. */
export function parseCommand(body: Uint8Array): { name: string; data: Uint8Array } | undefined {
  const n = body[0];
  if (n === undefined || 1 + n > body.length) return undefined;
  return { name: new TextDecoder().decode(body.subarray(1, 1 + n)), data: body.subarray(1 + n) };
}
