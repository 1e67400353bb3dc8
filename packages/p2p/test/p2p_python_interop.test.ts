/**
 * An independent implementation (python-bitcoinlib's `bitcoin.messages`, Debian's package for
 * /usr/bin/python3) handshakes with a PeerManager over 127.0.0.1, downloads headers and a block,
 * gives the node a block it mined (announced by headers, fetched by getdata), and receives the
 * node's announcement of a block the node mines.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { MSG_WITNESS_BLOCK } from '../src/index.js';
import { startNode, type TestNode } from './helpers/node.js';
import { waitFor } from './helpers/net.js';

const here = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const nodes: TestNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
});

describe('p2p interop with python-bitcoinlib', () => {
  it.skipIf(!existsSync(PYTHON))('handshakes, syncs headers and blocks both ways', async () => {
    const a = await startNode();
    nodes.push(a);
    const mined = await a.chain.mine(20);

    const child = spawn(PYTHON, [join(here, 'python', 'p2p_peer.py'), String(a.port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number>((r) => child.on('close', (code) => r(code ?? -1)));

    // Once the python block is accepted, the node mines one more and must announce it.
    await waitFor(
      () => a.chain.activeChain.height() === 21,
      `python block accepted; ${stderr}`,
      30_000,
    ).catch((e) => {
      console.log(stdout, stderr);
      throw e;
    });
    const ours = await a.chain.mine(1);
    const code = await exited;
    expect(code, stderr).toBe(0);
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    const r = JSON.parse(line!.slice(7));

    expect(r).toMatchObject({
      version: 70016,
      subver: '/bitcoind-lite:0.1.0/',
      services: 0x409,
      startheight: 20,
      headers: 20,
      tip: mined[19]!.hashHex(),
      block1: mined[0]!.hashHex(),
      block1_txs: 1,
      getdata_type: MSG_WITNESS_BLOCK,
    });
    expect(a.chain.activeChain.at(21)!.hashHex).toBe(r.mined);
    expect(r.announced).toEqual(['inv', ours[0]!.hashHex()]);
    expect(r.received.slice(0, 2)).toEqual(['version', 'verack']);
  });
});
