/**
 * Block file obfuscation on a real node (Core 28+, -blocksxor): a fresh datadir gets a random
 * 8-byte key in blocks/xor.dat and its blk files are stored XORed with it; a datadir written
 * plain (block files but no xor.dat) keeps a zero key and stays readable; -reindex reads the
 * obfuscated files back; -blocksxor=0 makes plain files and refuses a stored non-zero key.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getChainParams } from '@bitcoind-lite/consensus';
import { TestNode, runLauncher } from './framework/test-node.js';

const MAGIC = Buffer.from(getChainParams('regtest').messageStart);
const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
const running: TestNode[] = [];
afterEach(async () => {
  for (const n of running.splice(0)) await n.stop();
});

async function start(args: Record<string, unknown> = {}, dir?: string): Promise<TestNode> {
  const n = await TestNode.start({ noP2P: true, outbound: false, args, ...(dir ? { dir } : {}) });
  running.push(n);
  return n;
}

async function stop(n: TestNode): Promise<void> {
  await n.stop();
  running.splice(running.indexOf(n), 1);
}

/** Adds one `args:` line to a node's manifest (creating the map when the node had none). */
function addArg(n: TestNode, line: string): void {
  const m = readFileSync(n.manifestPath, 'utf8');
  writeFileSync(
    n.manifestPath,
    /^args:$/m.test(m) ? m.replace(/^args:\n/m, `args:\n  ${line}\n`) : `${m}args:\n  ${line}\n`,
  );
}

function blocksFile(n: TestNode, name: string): Buffer {
  return readFileSync(join(n.netDir, 'blocks', name));
}

describe('feature_blocksxor', () => {
  it('a fresh datadir: random key in xor.dat, blk files obfuscated, restart and reindex read them', async () => {
    const n = await start();
    const hashes = await n.rpc<string[]>('generatetoaddress', 5, ADDR);
    const key = blocksFile(n, 'xor.dat');
    expect(key.length).toBe(8);
    expect(key.equals(Buffer.alloc(8))).toBe(false);
    const blk = blocksFile(n, 'blk00000.dat');
    expect(blk.subarray(0, 4).equals(MAGIC)).toBe(false);
    const plainStart = Buffer.from(blk.subarray(0, 4).map((b, i) => b ^ key[i]!));
    expect(plainStart.equals(MAGIC)).toBe(true);
    expect(n.output).toContain(`Using obfuscation key for blocksdir *.dat files (`);

    await n.stop();
    await n.launch();
    expect((await n.rpc<{ height: number }>('getblock', hashes[4], 1)).height).toBe(5);
    expect(blocksFile(n, 'xor.dat').equals(key)).toBe(true);

    await n.stop();
    addArg(n, 'reindex: true');
    await n.launch();
    expect(n.output).toContain('Reindexing');
    await n.waitFor(async () => (await n.rpc<number>('getblockcount')) === 5, 'reindex to 5');
    expect(await n.rpc<string>('getbestblockhash')).toBe(hashes[4]);
  }, 120_000);

  it('a datadir written plain keeps a zero key and its blocks; -blocksxor=0 refuses a stored key', async () => {
    const plain = await start({ blocksxor: false });
    const hashes = await plain.rpc<string[]>('generatetoaddress', 3, ADDR);
    expect(blocksFile(plain, 'xor.dat').equals(Buffer.alloc(8))).toBe(true);
    expect(blocksFile(plain, 'blk00000.dat').subarray(0, 4).equals(MAGIC)).toBe(true);
    await stop(plain);

    // As a datadir from before obfuscation: block files, no xor.dat; started with the default.
    rmSync(join(plain.netDir, 'blocks', 'xor.dat'));
    const manifest = readFileSync(plain.manifestPath, 'utf8');
    writeFileSync(plain.manifestPath, manifest.replace(/\n\s*blocksxor: false/, ''));
    const again = await start({}, plain.dir);
    expect(await again.rpc<string>('getbestblockhash')).toBe(hashes[2]);
    expect((await again.rpc<{ height: number }>('getblock', hashes[0], 1)).height).toBe(1);
    expect(blocksFile(again, 'xor.dat').equals(Buffer.alloc(8))).toBe(true);
    await stop(again);

    const keyed = await start();
    await stop(keyed);
    addArg(keyed, 'blocksxor: false');
    const { code, output } = await runLauncher(keyed.manifestPath);
    expect(code).not.toBe(0);
    expect(output).toContain(
      'The blocksdir XOR-key can not be disabled when a random key was already stored!',
    );
    expect(existsSync(join(keyed.netDir, 'blocks', 'xor.dat'))).toBe(true);
  }, 120_000);
});
