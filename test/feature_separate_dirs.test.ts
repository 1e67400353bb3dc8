/**
 * Issue 7's "separate Dir grants for blocks and chainstate", on real node processes: with
 * `blocksdir` and `chainstatedir` granted, the blk/rev files land in
 * `<blocksdir>/regtest/blocks` (Core's -blocksdir layout), the block index stays in
 * `<datadir>/regtest/blocks/index` (as Core keeps it), and the UTXO LevelDB lands in
 * `<chainstatedir>/regtest/chainstate`; nothing of either is left in the datadir. A clean restart
 * keeps the tip, a `kill -9` and restart comes back consistent, and the same holds with the node
 * confined (bubblewrap shows it only the granted folders). bin/bitcoind's `-blocksdir` maps to
 * the same grant.
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, rpc } from './framework/plain-rpc.js';
import { TestNode, runLauncher } from './framework/test-node.js';

const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
const BITCOIND = resolve(import.meta.dirname, '../bin/bitcoind');

const GRANTS = [
  'blocksdir: !dir',
  '  path: ./blocks-disk',
  'chainstatedir: !dir',
  '  path: ./ssd',
].join('\n');

interface TxOutSetInfo {
  height: number;
  bestblock: string;
  hash_serialized_3: string;
  txouts: number;
}

const nodes: TestNode[] = [];
afterAll(async () => {
  for (const n of nodes) await n.stop().catch(() => n.kill());
});

/** Where each kind of file must be, and must not be, for a node whose folder is `dir`. */
function expectLayout(dir: string): void {
  const net = join(dir, 'data', 'regtest');
  const blocks = join(dir, 'blocks-disk', 'regtest', 'blocks');
  const chainstate = join(dir, 'ssd', 'regtest', 'chainstate');

  expect(existsSync(join(blocks, 'blk00000.dat'))).toBe(true);
  expect(existsSync(join(blocks, 'rev00000.dat'))).toBe(true);
  expect(existsSync(join(chainstate, 'CURRENT'))).toBe(true);
  expect(readdirSync(chainstate).some((n) => n.endsWith('.ldb') || n.endsWith('.log'))).toBe(true);
  // Core keeps the block index in the datadir under -blocksdir; only blk/rev files move.
  expect(existsSync(join(net, 'blocks', 'index', 'CURRENT'))).toBe(true);
  expect(readdirSync(join(net, 'blocks'))).toEqual(['index']);
  expect(existsSync(join(net, 'chainstate'))).toBe(false);
  expect(existsSync(join(blocks, 'index'))).toBe(false);
  // Nothing but the two network folders in the grants.
  expect(readdirSync(join(dir, 'blocks-disk'))).toEqual(['regtest']);
  expect(readdirSync(join(dir, 'ssd'))).toEqual(['regtest']);
  expect(readdirSync(join(dir, 'ssd', 'regtest'))).toEqual(['chainstate']);
}

async function consistent(node: TestNode): Promise<TxOutSetInfo> {
  const info = await node.rpc<TxOutSetInfo>('gettxoutsetinfo');
  expect(info.height).toBe(await node.rpc<number>('getblockcount'));
  expect(info.bestblock).toBe(await node.rpc<string>('getbestblockhash'));
  expect(await node.rpc<boolean>('verifychain', 4, 0)).toBe(true);
  // disk_size is LevelDB's own estimate and changes with compaction: not part of the comparison.
  const { height, bestblock, hash_serialized_3, txouts } = info;
  return { height, bestblock, hash_serialized_3, txouts };
}

describe.each([
  ['unconfined', 'off'],
  ['confined', 'required'],
] as const)('feature_separate_dirs, %s', (_label, confine) => {
  it('mines 150 blocks into the granted folders, restarts, survives kill -9', async () => {
    const node = await TestNode.start({
      confine,
      noP2P: true,
      outbound: false,
      extraManifest: GRANTS,
    });
    nodes.push(node);
    expect(node.output).toContain(`Using blocks directory ${join(node.dir, 'blocks-disk')}`);

    const hashes = await node.rpc<string[]>('generatetoaddress', 150, ADDR);
    expect(hashes).toHaveLength(150);
    const before = await consistent(node);
    expect(before.height).toBe(150);
    await node.stop();
    expectLayout(node.dir);

    // A clean restart finds the tip and the UTXO set where the grants put them.
    await node.launch();
    expect(await node.rpc<string>('getbestblockhash')).toBe(hashes[149]);
    expect(await consistent(node)).toEqual(before);

    // kill -9 right after more blocks were acknowledged: the restart has them, consistently.
    const more = await node.rpc<string[]>('generatetoaddress', 10, ADDR);
    await node.kill();
    await node.launch();
    expect(await node.rpc<string>('getbestblockhash')).toBe(more[9]);
    const after = await consistent(node);
    expect(after.height).toBe(160);
    await node.stop();
    expectLayout(node.dir);
  }, 240_000);
});

describe.each([
  ['unconfined', 'off'],
  ['confined', 'required'],
] as const)('a bad chainstatedir, %s', (_label, confine) => {
  it('stops the launcher at its manifest line and creates no folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'separate-dirs-bad-'));
    writeFileSync(join(dir, 'ssd'), 'a file, not a folder\n');
    TestNode.create({ dir, confine, noP2P: true, outbound: false, extraManifest: GRANTS });
    const manifestPath = join(dir, 'node.yaml');
    const line = readFileSync(manifestPath, 'utf8').split('\n').indexOf('chainstatedir: !dir') + 1;
    const r = await runLauncher(manifestPath);
    expect(r.code).toBe(1);
    expect(r.output).toContain(
      `node.yaml:${line}:1: chainstatedir: ${join(dir, 'ssd')} is not a directory; expected a ` +
        'directory, or a path to create one',
    );
    expect(readdirSync(dir).sort()).toEqual(['node.yaml', 'ssd']);
  }, 60_000);
});

describe('bin/bitcoind -blocksdir', () => {
  it('puts the block files in <blocksdir>/regtest/blocks and the index in the datadir', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bitcoind-blocksdir-'));
    const datadir = join(root, 'node0');
    mkdirSync(datadir);
    mkdirSync(join(root, 'blocks-disk'));
    const port = await freePort();
    const child = spawn(
      BITCOIND,
      [
        '-regtest',
        `-datadir=${datadir}`,
        '-blocksdir=blocks-disk', // relative: against the working directory, as Core
        `-rpcport=${port}`,
        '-listen=0',
        '-connect=0',
        '-disablewallet',
        '-printtoconsole=0',
      ],
      { cwd: root },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', r));

    const cookiePath = join(datadir, 'regtest', '.cookie');
    let cookie = '';
    for (let i = 0; i < 240 && cookie === ''; i++) {
      if (existsSync(cookiePath)) {
        const c = readFileSync(cookiePath, 'utf8');
        const r = await rpc(port, c, 'getblockcount').catch(() => undefined);
        if (r !== undefined && r.error === null) cookie = c;
      }
      if (cookie === '') await new Promise((r) => setTimeout(r, 250));
    }
    expect(cookie, stderr).not.toBe('');
    expect((await rpc(port, cookie, 'generatetoaddress', [5, ADDR])).result).toHaveLength(5);
    await rpc(port, cookie, 'stop');
    expect(await exited).toBe(0);

    expect(existsSync(join(root, 'blocks-disk', 'regtest', 'blocks', 'blk00000.dat'))).toBe(true);
    expect(existsSync(join(datadir, 'regtest', 'blocks', 'index', 'CURRENT'))).toBe(true);
    expect(existsSync(join(datadir, 'regtest', 'blocks', 'blk00000.dat'))).toBe(false);
    // The chainstate is not moved by -blocksdir (Core has no option for it).
    expect(existsSync(join(datadir, 'regtest', 'chainstate', 'CURRENT'))).toBe(true);
  }, 120_000);

  it('refuses a blocksdir that does not exist, with Core message', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bitcoind-blocksdir-'));
    mkdirSync(join(root, 'node0'));
    const child = spawn(BITCOIND, ['-regtest', '-datadir=node0', '-blocksdir=nowhere'], {
      cwd: root,
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(1);
    expect(stderr).toBe('Error: Specified blocks directory "nowhere" does not exist.\n');
    expect(existsSync(join(root, 'nowhere'))).toBe(false);
  }, 60_000);
});
