import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManifestError, parseManifest } from '@bitcoind-lite/manifest';
import { randomBytesFrom } from '@bitcoind-lite/entropy';
import { OutboundRefused } from '@bitcoind-lite/p2p';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeCapabilities, type Capabilities } from '../src/capabilities.js';

let tmp: string;
const opened: Capabilities[] = [];

beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'caps-'));
});
afterEach(async () => {
  for (const c of opened.splice(0)) await c.close();
  await rm(tmp, { recursive: true, force: true });
});

function manifest(lines: string[]) {
  return parseManifest(lines.join('\n') + '\n', 'node.yaml', tmp);
}

const BASE = [
  'network: regtest', //              1
  'datadir: !dir {path: ./data}', //  2
  'rpc: !socket', //                  3
  '  bind: 127.0.0.1:0', //           4
  'entropy: !random os', //           5
];

async function make(lines: string[]): Promise<Capabilities> {
  const caps = await makeCapabilities(manifest(lines));
  opened.push(caps);
  return caps;
}

async function failure(lines: string[]): Promise<ManifestError> {
  const e = await makeCapabilities(manifest(lines)).catch((err: unknown) => err);
  expect(e).toBeInstanceOf(ManifestError);
  return e as ManifestError;
}

async function busyPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen({ host: '127.0.0.1', port: 0 }, r));
  return { server, port: (server.address() as { port: number }).port };
}

describe('makeCapabilities', () => {
  it('makes every capability the manifest grants, and nothing else', async () => {
    await writeFile(join(tmp, 'bootstrap.dat'), 'blocks');
    const caps = await make([
      ...BASE,
      'p2p: !socket {bind: 127.0.0.1:0}',
      'wallets: !dir {path: ./wallets}',
      'loadblock: !file {path: ./bootstrap.dat}',
      'args: {rpcuser: u, debug: [net]}',
    ]);
    expect(caps.network).toBe('regtest');
    expect(caps.rpc.port).toBeGreaterThan(0);
    expect(caps.p2p?.port).toBeGreaterThan(0);
    expect(caps.connector.kind).toBe('none');
    await expect(caps.connector.connect('127.0.0.1', caps.rpc.port)).rejects.toBeInstanceOf(
      OutboundRefused,
    );
    expect(caps.loadblock).toHaveLength(1);
    expect(new TextDecoder().decode(await caps.loadblock[0]!.read(0, 6))).toBe('blocks');
    await expect(caps.loadblock[0]!.write(0, Uint8Array.of(1))).rejects.toThrow(/read-only/);
    expect(caps.args).toEqual({ rpcuser: 'u', debug: ['net'] });
    expect(caps.confine).toBe('off');

    await caps.datadir.writeFileAtomic('x', Uint8Array.of(1));
    expect(existsSync(join(tmp, 'data', 'x'))).toBe(true);
    await caps.wallets!.writeFileAtomic('w', Uint8Array.of(1));
    expect(existsSync(join(tmp, 'wallets', 'w'))).toBe(true);

    // No console grant: the log goes to debug.log in the network folder, as Core writes it.
    caps.logSink.write('hello log\n');
    await caps.close();
    opened.length = 0;
    expect(await readFile(join(tmp, 'data', 'regtest', 'debug.log'), 'utf8')).toBe('hello log\n');
    await expect(
      new Promise<void>((resolve, reject) =>
        connect(caps.rpc.port, '127.0.0.1', () => resolve()).on('error', reject),
      ),
    ).rejects.toThrow(/ECONNREFUSED/);
  });

  it('a seeded Random reproduces, the OS one does not', async () => {
    const seeded = [...BASE.slice(0, 4), 'entropy: !random {seed: 0badc0de}'];
    const a = randomBytesFrom((await make(seeded)).random, 32);
    const b = randomBytesFrom((await make(seeded)).random, 32);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const c = randomBytesFrom((await make(BASE)).random, 32);
    const d = randomBytesFrom((await make(BASE)).random, 32);
    expect(Buffer.from(c).equals(Buffer.from(d))).toBe(false);
  });

  it('clock: !mock freezes the wall clock at the given time (Core -mocktime)', async () => {
    const caps = await make([...BASE, 'clock: !mock {time: 1700000000}']);
    expect(caps.clock.nowMs()).toBe(1_700_000_000_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(caps.clock.nowMs()).toBe(1_700_000_000_000);
    caps.clock.setMockTime(1_600_000_000);
    expect(caps.clock.nowMs()).toBe(1_600_000_000_000);
  });

  it('outbound grants become connectors', async () => {
    const direct = await make([...BASE, 'outbound: !direct {allow: [127.0.0.1:18445]}']);
    expect(direct.connector.kind).toBe('direct');
    await expect(direct.connector.connect('127.0.0.1', 18446)).rejects.toThrow(
      'outbound connection to 127.0.0.1:18446 refused: not granted by outbound: !direct {allow: [127.0.0.1:18445]}',
    );
    const socks = await make([...BASE, 'outbound: !socks5 {proxy: 127.0.0.1:9050}']);
    expect(socks.connector).toMatchObject({ kind: 'socks5', proxy: '127.0.0.1:9050' });
  });
});

describe('a grant that cannot be made stops start-up, writing nothing', () => {
  it('port already in use', async () => {
    const { server, port } = await busyPort();
    try {
      const e = await failure([...BASE.slice(0, 3), `  bind: 127.0.0.1:${port}`, BASE[4]!]);
      expect(e.message).toBe(
        `node.yaml:3:1: rpc: cannot bind 127.0.0.1:${port}: address already in use; ` +
          'expected a free port on an address of this host, or an inherited socket (fd: N)',
      );
      expect(existsSync(join(tmp, 'data'))).toBe(false);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('the P2P port in use closes the RPC listener already bound', async () => {
    const { server, port } = await busyPort();
    const free = await busyPort();
    await new Promise<void>((r) => free.server.close(() => r()));
    try {
      const e = await failure([
        ...BASE.slice(0, 3),
        `  bind: 127.0.0.1:${free.port}`,
        BASE[4]!,
        `p2p: !socket {bind: 127.0.0.1:${port}}`,
      ]);
      expect(e.message).toMatch(
        /^node\.yaml:6:1: p2p: cannot bind 127\.0\.0\.1:\d+: address already in use;/,
      );
      // The RPC port was bound and released again: binding it now succeeds.
      const again = createServer();
      await new Promise<void>((r, j) =>
        again.once('error', j).listen({ host: '127.0.0.1', port: free.port }, r),
      );
      await new Promise<void>((r) => again.close(() => r()));
      expect(existsSync(join(tmp, 'data'))).toBe(false);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('unreadable loadblock file', async () => {
    const e = await failure([...BASE, 'loadblock:', '  - !file {path: ./missing.dat}']);
    expect(e.message).toBe(
      `node.yaml:7:11: loadblock: cannot read ${tmp}/missing.dat: no such file or directory; ` +
        'expected a readable block file',
    );
    await mkdir(join(tmp, 'adir'));
    const d = await failure([...BASE, 'loadblock: !file {path: adir}']);
    expect(d.message).toMatch(/^node\.yaml:6:1: loadblock: cannot read .*adir: is a directory;/);
    expect(existsSync(join(tmp, 'data'))).toBe(false);
  });

  it('a datadir path that is a file', async () => {
    await writeFile(join(tmp, 'data'), 'not a dir');
    const e = await failure(BASE);
    expect(e.message).toBe(
      `node.yaml:2:1: datadir: ${tmp}/data is not a directory; expected a directory, or a path to create one`,
    );
  });

  it('an inherited fd that is not a socket', async () => {
    const e = await failure([...BASE.slice(0, 2), 'rpc: !socket {fd: 999}', BASE[4]!]);
    expect(e.message).toMatch(/^node\.yaml:3:1: rpc: cannot listen on inherited fd 999: /);
    expect(await readdir(tmp)).toEqual([]);
  });
});
