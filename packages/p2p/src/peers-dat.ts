/**
 * peers.dat: the address manager on disk. Not Core's byte format (its CAddress disk encoding
 * and bucket table are tied to Core's serializer versions); this node's own versioned format,
 * with the same framing idea as Core's: network magic first, a double-SHA256 checksum last.
 *
 *   magic (4) | format version (1) = 1 | key (32) | count (CompactSize) |
 *   count x { BIP155 address (time, services, network id, address, port) |
 *             source: network id (1) + address (CompactSize-prefixed) |
 *             lastTry u32 | lastSuccess u32 | attempts u32 | inTried u8 } |
 *   sha256d of everything before (32)
 *
 * Bucket positions are not stored: they are recomputed from the key on load, as Core does
 * when its bucket count changes. A file that fails any check is reported and ignored (the node
 * starts with an empty addrman, as Core does for a corrupt peers.dat).
 */
import { BufferReader, BufferWriter, sha256d } from '@bitcoind-lite/consensus';
import type { Random } from '@bitcoind-lite/entropy';
import type { Clock, Logger } from '@bitcoind-lite/runtime';
import { AddrMan, type AddrInfo } from './addrman.js';
import {
  readAddressV2,
  writeAddressV2,
  type NetService,
  type NetworkName,
} from './messages/net-address.js';
import type { P2PDir } from './p2p-dir.js';

export const PEERS_DAT_FILENAME = 'peers.dat';
const FORMAT_VERSION = 1;
const NET_IDS: Record<NetworkName, number> = { ipv4: 1, ipv6: 2, onion: 4, i2p: 5, cjdns: 6 };
const NET_BY_ID: Record<number, NetworkName> = {
  1: 'ipv4',
  2: 'ipv6',
  4: 'onion',
  5: 'i2p',
  6: 'cjdns',
};

export function serializePeersDat(addrman: AddrMan, magic: Uint8Array): Uint8Array {
  const w = new BufferWriter();
  w.bytes(magic).u8(FORMAT_VERSION).bytes(addrman.key);
  const all = addrman.all();
  w.compactSize(all.length);
  for (const i of all) {
    writeAddressV2(w, i.addr);
    w.u8(NET_IDS[i.source.network]).varBytes(i.source.addr);
    w.u32(i.lastTrySec)
      .u32(i.lastSuccessSec)
      .u32(i.attempts)
      .u8(i.inTried ? 1 : 0);
  }
  const body = w.toBytes();
  const out = new Uint8Array(body.length + 32);
  out.set(body);
  out.set(sha256d(body), body.length);
  return out;
}

export function deserializePeersDat(
  data: Uint8Array,
  magic: Uint8Array,
  o: { random: Random; clock: Clock },
): AddrMan {
  if (data.length < 4 + 1 + 32 + 1 + 32) throw new Error('file too short');
  const body = data.subarray(0, data.length - 32);
  const sum = sha256d(body);
  if (!sum.every((b, i) => b === data[body.length + i])) throw new Error('checksum mismatch');
  const r = new BufferReader(body);
  const m = r.bytesN(4);
  if (!m.every((b, i) => b === magic[i])) throw new Error('invalid network magic number');
  const version = r.u8();
  if (version !== FORMAT_VERSION) throw new Error(`unsupported format version ${version}`);
  const addrman = new AddrMan({ ...o, key: r.bytesN(32).slice() });
  const count = r.compactSize();
  for (let n = 0; n < count; n++) {
    const addr = readAddressV2(r);
    const net = NET_BY_ID[r.u8()];
    const srcAddr = r.varBytes().slice();
    const info: Omit<AddrInfo, 'addr' | 'source'> = {
      lastTrySec: r.u32(),
      lastCountAttemptSec: 0,
      lastSuccessSec: r.u32(),
      attempts: r.u32(),
      inTried: r.u8() === 1,
    };
    if (addr === undefined || net === undefined) continue;
    const source: NetService = { network: net, addr: srcAddr, port: 0 };
    addrman.restore({ ...info, addr, source });
  }
  if (r.remaining !== 0) throw new Error('trailing data');
  return addrman;
}

/**
 * A peers.dat that cannot be read. Core's LoadAddrman refuses to start on it (rather than
 * silently dropping the addresses) and tells the operator to move the file out of the way.
 */
export class InvalidPeersDatError extends Error {
  override readonly name = 'InvalidPeersDatError';
  constructor(reason: string, path: string, options?: { cause?: unknown }) {
    super(
      `Invalid or corrupt peers.dat (${reason}). If you believe this is a bug, please report it ` +
        `to the bitcoind-lite issue tracker. As a workaround, you can move the file ("${path}") ` +
        'out of the way (rename, move, or delete) to have a new one created on the next start.',
      options,
    );
  }
}

/** Loads peers.dat, or a new addrman when it is missing; a corrupt one is InvalidPeersDatError. */
export async function loadPeersDat(
  dir: P2PDir | undefined,
  magic: Uint8Array,
  o: { random: Random; clock: Clock; logger: Logger },
): Promise<AddrMan> {
  if (dir === undefined || !(await dir.exists(PEERS_DAT_FILENAME))) {
    o.logger.info('Creating peers.dat because the file was not found');
    return new AddrMan(o);
  }
  try {
    const started = o.clock.monotonicMs();
    const addrman = deserializePeersDat(await dir.readFile(PEERS_DAT_FILENAME), magic, o);
    const s = addrman.size();
    o.logger.info(
      `Loaded ${s.total} addresses from peers.dat  ${Math.floor(o.clock.monotonicMs() - started)}ms`,
    );
    return addrman;
  } catch (e) {
    throw new InvalidPeersDatError(
      (e as Error).message,
      `${dir.description}/${PEERS_DAT_FILENAME}`,
      {
        cause: e,
      },
    );
  }
}

export async function savePeersDat(
  dir: P2PDir,
  addrman: AddrMan,
  magic: Uint8Array,
): Promise<void> {
  await dir.writeFileAtomic(PEERS_DAT_FILENAME, serializePeersDat(addrman, magic));
}
