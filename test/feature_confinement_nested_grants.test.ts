/**
 * A confined node whose `wallets` folder lies inside its datadir (nested grants), as bin/bitcoind
 * always arranges it (<datadir>/<chain>/wallets, Core's default -walletdir). Node 20's permission
 * model denied the datadir itself when a folder inside it was granted as well, so the child died
 * at start ("Access to this API has been restricted" at mkdir). Here the node starts confined,
 * createwallet works, and a restart loads the wallet again; bin/bitcoind -confine=required does
 * the same with its own layout.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, rpc } from './framework/plain-rpc.js';
import { ensureBuilt } from '../scripts/build-dist.js';
import { outermostPaths } from '../apps/node/src/confine/sandbox-command.js';
import { TestNode } from './framework/test-node.js';

const BITCOIND = resolve(import.meta.dirname, '../bin/bitcoind');

const nodes: TestNode[] = [];
afterAll(async () => {
  for (const n of nodes) await n.stop().catch(() => n.kill());
});

describe('confined node with the wallets folder inside the datadir', () => {
  it('starts, creates a wallet, and loads it again after a restart', async () => {
    const node = TestNode.create({
      confine: 'required',
      noP2P: true,
      outbound: false,
      extraManifest: 'wallets: !dir\n  path: ./data/w',
    });
    nodes.push(node);
    await node.launch();
    expect(await node.rpc('getblockcount')).toBe(0);
    await node.rpc('createwallet', 'w1');
    const address = await node.rpc<string>('getnewaddress');
    expect(address).toMatch(/^bcrt1q/);
    await node.rpc('generatetoaddress', 101, address);
    expect(existsSync(join(node.datadir, 'w', 'w1'))).toBe(true);
    await node.stop();

    await node.launch();
    expect(await node.rpc('getblockcount')).toBe(101);
    await node.rpc('loadwallet', 'w1');
    const info = await node.rpc<{ balance: number }>('getwalletinfo');
    expect(info.balance).toBe(50);
    await node.stop();
  }, 180_000);
});

describe('outermostPaths (the permission-model grants)', () => {
  it('drops a grant inside another one and keeps siblings', () => {
    expect(outermostPaths(['/a/nd', '/a/nd/regtest/wallets', '/a/ndx', '/b/', '/b'])).toEqual([
      '/a/nd',
      '/a/ndx',
      '/b',
    ]);
  });
});

/** Starts bin/bitcoind, waits for RPC through the cookie, returns a caller and the exit. */
async function startBitcoind(root: string, args: string[], rpcPort: number) {
  const child = spawn(BITCOIND, args, { cwd: root });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let closed = false;
  const exited = new Promise<number | null>((r) =>
    child.on('close', (code) => {
      closed = true;
      r(code);
    }),
  );
  const cookiePath = join(root, 'node0', 'regtest', '.cookie');
  for (let i = 0; ; i++) {
    if (closed) throw new Error(`bitcoind exited: ${stderr}`);
    if (i > 480) throw new Error('RPC did not come up');
    if (existsSync(cookiePath)) {
      const r = await rpc(rpcPort, readFileSync(cookiePath, 'utf8'), 'getblockcount').catch(
        () => undefined,
      );
      if (r !== undefined && r.error === null) break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const cookie = readFileSync(cookiePath, 'utf8');
  const call = async (method: string, params: unknown[] = []): Promise<unknown> => {
    const r = await rpc(rpcPort, cookie, method, params);
    if (r.error !== null) throw new Error(`${method}: ${r.error.message}`);
    return r.result;
  };
  return { call, exited, stderr: () => stderr };
}

describe('bin/bitcoind -confine=required', () => {
  it('starts with its wallets folder in <datadir>/regtest/wallets and loads -wallet', async () => {
    ensureBuilt(); // the confined child runs the compiled dist/
    const root = mkdtempSync(join(tmpdir(), 'bitcoind-confined-'));
    mkdirSync(join(root, 'node0'));
    const rpcPort = await freePort();
    const base = ['-regtest', '-datadir=node0', '-confine=required', '-listen=0'];
    const args = [...base, `-rpcport=${rpcPort}`, '-printtoconsole=0'];
    const a = await startBitcoind(root, args, rpcPort);
    await a.call('createwallet', ['w']);
    expect(await a.call('listwallets')).toEqual(['w']);
    await a.call('stop');
    expect(await a.exited).toBe(0);
    expect(a.stderr()).toBe('');
    expect(existsSync(join(root, 'node0', 'regtest', 'wallets', 'w'))).toBe(true);

    const b = await startBitcoind(root, [...args, '-wallet=w'], rpcPort);
    expect(await b.call('listwallets')).toEqual(['w']);
    await b.call('stop');
    expect(await b.exited).toBe(0);
  }, 180_000);
});
