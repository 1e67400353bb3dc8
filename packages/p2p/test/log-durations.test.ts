/**
 * Durations in log lines as Core prints them (Ticks<std::chrono::milliseconds>): whole
 * milliseconds, "Loaded 0 addresses from peers.dat  0ms", never "0.3ms". The clock's monotonic
 * time has sub-millisecond resolution (performance.now), so the lines must truncate it.
 */
import { mkdtempSync } from 'node:fs';
import { readFile, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Clock } from '@bitcoind-lite/runtime';
import { AddrMan } from '../src/addrman.js';
import { BanMan } from '../src/ban-man.js';
import type { P2PDir } from '../src/p2p-dir.js';
import { loadPeersDat, savePeersDat } from '../src/peers-dat.js';
import { parseSubNet } from '../src/subnet.js';
import { osRandom, realClock, testLogger } from './helpers/net.js';

const MAGIC = Uint8Array.of(0xfa, 0xbf, 0xb5, 0xda);

function fsDir(path: string): P2PDir {
  return {
    description: path,
    readFile: async (n) => new Uint8Array(await readFile(join(path, n))),
    writeFileAtomic: async (n, d) => {
      await writeFile(join(path, n + '.tmp'), d);
      await rename(join(path, n + '.tmp'), join(path, n));
    },
    exists: async (n) =>
      readFile(join(path, n)).then(
        () => true,
        () => false,
      ),
  };
}

/** The real clock, whose monotonic time advances by a fraction of a millisecond per reading. */
function fractionalClock(): Clock {
  let t = 1000.125;
  return {
    nowMs: () => realClock.nowMs(),
    monotonicMs: () => (t += 0.3),
    setTimeout: (cb, ms) => realClock.setTimeout(cb, ms),
    setInterval: (cb, ms) => realClock.setInterval(cb, ms),
  };
}

describe('log durations in whole milliseconds', () => {
  it('peers.dat and banlist loads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'log-ms-'));
    const { logger, sink } = testLogger();
    const clock = fractionalClock();
    await savePeersDat(fsDir(dir), new AddrMan({ random: osRandom, clock }), MAGIC);
    await loadPeersDat(fsDir(dir), MAGIC, { random: osRandom, clock, logger });
    const bans = new BanMan({ clock, logger, dir: fsDir(dir) });
    bans.ban(parseSubNet('1.2.3.4')!, 3600);
    await bans.flush();
    await new BanMan({ clock, logger, dir: fsDir(dir) }).load();
    const text = sink.lines.join('\n');
    expect(text).toMatch(/Loaded 0 addresses from peers\.dat {2}\d+ms$/m);
    expect(text).toMatch(/Loaded 1 banned node addresses\/subnets {2}\d+ms$/m);
    expect(text).not.toMatch(/\d\.\d+ms/);
  });
});
