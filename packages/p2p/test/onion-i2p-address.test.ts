/**
 * Tor v3 and I2P names (Core's CNetAddr text forms) and their use as ban "subnets": a valid
 * .onion (the address Core's own tests ban) round-trips, a wrong checksum or version is refused,
 * I2P round-trips as .b32.i2p, and the ban list sorts as Core's banmap (IPv4, IPv6, Tor, I2P;
 * then address; then the shorter mask first).
 */
import { describe, expect, it } from 'vitest';
import { BanMan, formatSubNet, parseSubNet, parseTorV3, formatTorV3 } from '../src/index.js';
import { realClock, testLogger } from './helpers/net.js';

const ONION = 'pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion';
const I2P = 'c4gfnttsuwqomiygupdqqqyy5y5emnk5c73hrfvatri67prd7vyq.b32.i2p';

describe('Tor v3 and I2P names', () => {
  it('round-trips a valid .onion and refuses a corrupted one', () => {
    const key = parseTorV3(ONION)!;
    expect(key).toHaveLength(32);
    expect(formatTorV3(key)).toBe(ONION);
    // One character changed: the checksum no longer matches.
    expect(parseTorV3(ONION.replace('pg6m', 'pg6n'))).toBeUndefined();
    expect(parseTorV3('abc.onion')).toBeUndefined();
  });

  it('parses .onion and .b32.i2p as single-address subnets printed bare', () => {
    expect(formatSubNet(parseSubNet(ONION)!)).toBe(ONION);
    expect(formatSubNet(parseSubNet(I2P)!)).toBe(I2P);
    expect(parseSubNet(ONION)!.prefixBits).toBe(256);
  });

  it('lists bans in Core order', () => {
    const { logger } = testLogger();
    const bm = new BanMan({ clock: realClock, logger });
    for (const s of [
      ONION,
      '192.168.0.1',
      '2001:4d48:ac57:400:cacf:e9ff:fe1d:9c63/19',
      '127.0.0.0/32',
      I2P,
      '127.0.0.0/24',
    ]) {
      bm.ban(parseSubNet(s)!, 1000);
    }
    expect(bm.getBanned().map((b) => formatSubNet(b.subnet))).toEqual([
      '127.0.0.0/24',
      '127.0.0.0/32',
      '192.168.0.1/32',
      '2001:4000::/19',
      ONION,
      I2P,
    ]);
  });
});
