/**
 * BIP324's application-layer message type encoding ("v2 Bitcoin P2P message structure"): the
 * contents of a v2 packet start with either a one-byte message type ID (1..255) or 0x00 followed
 * by the 12-byte NUL-padded command as in v1. IDs 1..32 are the BIP's table; the rest are
 * undefined, and a packet using one is dropped as Core drops it (invalid message type).
 */
import { COMMAND_SIZE } from './protocol.js';
import { parseCommand } from './v1-transport.js';

/** BIP324's table, index = short ID. Index 0 means "12 bytes follow". */
export const V2_SHORT_MESSAGE_IDS: readonly string[] = [
  '',
  'addr',
  'block',
  'blocktxn',
  'cmpctblock',
  'feefilter',
  'filteradd',
  'filterclear',
  'filterload',
  'getblocks',
  'getblocktxn',
  'getdata',
  'getheaders',
  'headers',
  'inv',
  'mempool',
  'merkleblock',
  'notfound',
  'ping',
  'pong',
  'sendcmpct',
  'tx',
  'getcfilters',
  'cfilter',
  'getcfheaders',
  'cfheaders',
  'getcfcheckpt',
  'cfcheckpt',
  'addrv2',
  'reqrecon',
  'sketch',
  'reqsketchext',
  'reconcildiff',
];

const SHORT_ID_BY_COMMAND = new Map<string, number>(
  V2_SHORT_MESSAGE_IDS.map((c, i) => [c, i] as [string, number]).filter(([, i]) => i > 0),
);

/** The contents of a v2 packet for one message: its type (1 or 13 bytes), then the payload. */
export function encodeV2Contents(command: string, payload: Uint8Array): Uint8Array {
  const id = SHORT_ID_BY_COMMAND.get(command);
  if (id !== undefined) {
    const out = new Uint8Array(1 + payload.length);
    out[0] = id;
    out.set(payload, 1);
    return out;
  }
  if (command.length > COMMAND_SIZE || !/^[\x20-\x7e]*$/.test(command)) {
    throw new RangeError(`command must be up to 12 printable ASCII characters, got "${command}"`);
  }
  // Byte 0 stays 0x00 (long form); the command is NUL-padded to 12 bytes.
  const out = new Uint8Array(1 + COMMAND_SIZE + payload.length);
  for (let i = 0; i < command.length; i++) out[1 + i] = command.charCodeAt(i);
  out.set(payload, 1 + COMMAND_SIZE);
  return out;
}

/**
 * Splits decrypted contents into command and payload; undefined when the type is not valid
 * (empty contents, an undefined short ID, or a long form that is not printable ASCII followed
 * only by NULs), which Core logs as "invalid message type" and drops, keeping the connection.
 */
export function decodeV2Contents(
  contents: Uint8Array,
): { command: string; payload: Uint8Array } | undefined {
  if (contents.length === 0) return undefined;
  const first = contents[0]!;
  if (first !== 0) {
    const command = V2_SHORT_MESSAGE_IDS[first];
    return command === undefined ? undefined : { command, payload: contents.subarray(1) };
  }
  if (contents.length < 1 + COMMAND_SIZE) return undefined;
  const command = parseCommand(contents.subarray(1, 1 + COMMAND_SIZE));
  return command === undefined
    ? undefined
    : { command, payload: contents.subarray(1 + COMMAND_SIZE) };
}
