/**
 * AddrMan (Core's new/tried tables), peers.dat round trip and corruption, BanMan with
 * banlist.json in Core's format, subnets, and eviction selection.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { readFile, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getChainParams } from '@bitcoind-lite/consensus';
import { AddrMan } from '../src/addrman.js';
import { BanMan } from '../src/ban-man.js';
import type { NetAddress } from '../src/messages/net-address.js';
import type { P2PDir } from '../src/p2p-dir.js';
import { loadPeersDat, savePeersDat } from '../src/peers-dat.js';
import { formatSubNet, parseSubNet, subNetContains } from '../src/subnet.js';
import { osRandom, realClock, testLogger } from './helpers/net.js';

const MAGIC = getChainParams('regtest').messageStart;

function fsDir(path: string): P2PDir {
  return {
    description: path,
    readFile: async (n) => new Uint8Array(await readFile(join(path, n))),
    writeFileAtomic: async (n, d) => {
      await writeFile(join(path, n + '.new'), d);
      await rename(join(path, n + '.new'), join(path, n));
    },
    exists: async (n) => existsSync(join(path, n)),
  };
}

function addr(a: number, b: number, c: number, d: number, port = 8333): NetAddress {
  return {
    network: 'ipv4',
    addr: Uint8Array.of(a, b, c, d),
    port,
    services: 1n | 8n,
    time: Math.floor(Date.now() / 1000) - 60,
  };
}

describe('AddrMan', () => {
  it('buckets addresses into new, moves them to tried on Good, and selects them', () => {
    const am = new AddrMan({ random: osRandom, clock: realClock });
    const src = addr(9, 9, 9, 9);
    const list = Array.from({ length: 200 }, (_, i) => addr(1 + (i % 50), i, 1, 1));
    const added = am.add(list, src, 0);
    expect(added).toBeGreaterThan(0);
    expect(am.size().new).toBe(added);
    // Adding again adds nothing new.
    expect(am.add(list, src, 0)).toBe(0);
    const first = am.all()[0]!.addr;
    am.good(first);
    expect(am.size().tried).toBe(1);
    expect(am.find(first)!.inTried).toBe(true);
    expect(am.select()).toBeDefined();
    expect(am.getAddr(10, 0)).toHaveLength(10);
    // 23% of the table at most, as Core's getaddr answer.
    expect(am.getAddr(1000, 23).length).toBe(Math.floor((am.size().total * 23) / 100));
  });

  it('the bucket key comes from Random: two addrmen place a source group differently', () => {
    const a = new AddrMan({ random: osRandom, clock: realClock });
    const b = new AddrMan({ random: osRandom, clock: realClock });
    expect(Buffer.from(a.key).equals(Buffer.from(b.key))).toBe(false);
    // One source group fills at most 64 buckets of 64 slots: flooding from one source is capped.
    const flood = Array.from({ length: 6000 }, (_, i) => addr(10 + (i % 200), i >> 8, i & 255, 7));
    a.add(flood, addr(5, 5, 5, 5), 0);
    expect(a.size().new).toBeLessThanOrEqual(64 * 64);
  });

  it('peers.dat round-trips and a corrupt file refuses start-up as Core', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'addrman-'));
    const { logger, sink } = testLogger();
    const am = new AddrMan({ random: osRandom, clock: realClock });
    am.add([addr(1, 2, 3, 4), addr(5, 6, 7, 8, 18444)], addr(9, 9, 9, 9), 0);
    am.good(addr(1, 2, 3, 4));
    await savePeersDat(fsDir(dir), am, MAGIC);
    const back = await loadPeersDat(fsDir(dir), MAGIC, {
      random: osRandom,
      clock: realClock,
      logger,
    });
    expect(back.size()).toEqual({ new: 1, tried: 1, total: 2 });
    expect(Buffer.from(back.key).equals(Buffer.from(am.key))).toBe(true);

    const bytes = readFileSync(join(dir, 'peers.dat'));
    bytes[bytes.length - 40] = bytes[bytes.length - 40]! ^ 1;
    writeFileSync(join(dir, 'peers.dat'), bytes);
    // Core's LoadAddrman refuses to start on it, naming the file and the way out.
    const opts = { random: osRandom, clock: realClock, logger };
    await expect(loadPeersDat(fsDir(dir), MAGIC, opts)).rejects.toThrow(
      `Invalid or corrupt peers.dat (checksum mismatch). If you believe this is a bug, please report it to the bitcoind-lite issue tracker. As a workaround, you can move the file ("${fsDir(dir).description}/peers.dat") out of the way (rename, move, or delete) to have a new one created on the next start.`,
    );

    // Another network's magic is refused too.
    await savePeersDat(fsDir(dir), am, Uint8Array.of(1, 2, 3, 4));
    await expect(loadPeersDat(fsDir(dir), MAGIC, opts)).rejects.toThrow(
      /Invalid or corrupt peers\.dat \(.*invalid network magic number/,
    );
  });
});

describe('BanMan', () => {
  it('parses subnets as Core prints them', () => {
    expect(formatSubNet(parseSubNet('1.2.3.4')!)).toBe('1.2.3.4/32');
    expect(formatSubNet(parseSubNet('1.2.3.4/24')!)).toBe('1.2.3.0/24');
    expect(formatSubNet(parseSubNet('10.0.0.0/255.255.0.0')!)).toBe('10.0.0.0/16');
    expect(formatSubNet(parseSubNet('::1')!)).toBe('::1/128');
    expect(parseSubNet('example.com')).toBeUndefined();
    expect(parseSubNet('1.2.3.4/33')).toBeUndefined();
    expect(subNetContains(parseSubNet('1.2.3.0/24')!, addr(1, 2, 3, 200))).toBe(true);
    expect(subNetContains(parseSubNet('1.2.3.0/24')!, addr(1, 2, 4, 1))).toBe(false);
  });

  it('keeps bans in banlist.json in Core format, expires them, and ignores a corrupt file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'banman-'));
    const { logger, sink } = testLogger();
    const bm = new BanMan({ clock: realClock, logger, dir: fsDir(dir) });
    expect(bm.ban(parseSubNet('1.2.3.0/24')!, 3600)).toBe(true);
    expect(bm.isBanned(addr(1, 2, 3, 9))).toBe(true);
    bm.ban(parseSubNet('5.6.7.8')!, Math.floor(Date.now() / 1000) - 10, true); // already expired
    await bm.flush();
    const json = JSON.parse(readFileSync(join(dir, 'banlist.json'), 'utf8')) as {
      banned_nets: {
        version: number;
        address: string;
        banned_until: number;
        ban_created: number;
      }[];
    };
    expect(json.banned_nets.map((e) => e.address)).toContain('1.2.3.0/24');
    expect(json.banned_nets[0]!.version).toBe(1);
    expect(json.banned_nets[0]!.banned_until - json.banned_nets[0]!.ban_created).toBe(3600);

    const again = new BanMan({ clock: realClock, logger, dir: fsDir(dir) });
    await again.load();
    expect(again.getBanned().map((b) => formatSubNet(b.subnet))).toEqual(['1.2.3.0/24']);
    expect(again.unban(parseSubNet('1.2.3.0/24')!)).toBe(true);
    expect(again.unban(parseSubNet('1.2.3.0/24')!)).toBe(false);

    writeFileSync(join(dir, 'banlist.json'), '{not json');
    const corrupt = new BanMan({ clock: realClock, logger, dir: fsDir(dir) });
    await corrupt.load();
    expect(corrupt.getBanned()).toEqual([]);
    expect(sink.lines.join('\n')).toMatch(/Cannot load banlist .*banlist\.json: /);
    // Core's LoadBanlist: a corrupt or missing file is recreated (empty) at once.
    expect(sink.lines.join('\n')).toContain('Recreating the banlist database');
    await corrupt.flush();
    expect(JSON.parse(readFileSync(join(dir, 'banlist.json'), 'utf8'))).toEqual({
      banned_nets: [],
    });
    rmSync(join(dir, 'banlist.json'));
    const missing = new BanMan({ clock: realClock, logger, dir: fsDir(dir) });
    await missing.load();
    await missing.flush();
    expect(existsSync(join(dir, 'banlist.json'))).toBe(true);

    bm.discourage(addr(8, 8, 8, 8, 1));
    expect(bm.isDiscouraged(addr(8, 8, 8, 8, 2))).toBe(true);
    expect(bm.isBanned(addr(8, 8, 8, 8, 2))).toBe(false);
  });
});
