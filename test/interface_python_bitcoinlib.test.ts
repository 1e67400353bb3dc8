/**
 * An independent implementation drives the node: Debian's python3-bitcoinlib, over JSON-RPC
 * and P2P (see interop/bitcoinlib_client.py for what it checks). The library's own
 * deserialization is the oracle for blocks and headers.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestNode } from './framework/test-node.js';

const PYTHON = '/usr/bin/python3';
let node: TestNode;
beforeAll(async () => {
  node = await TestNode.start({ outbound: false });
});
afterAll(async () => {
  await node.stop();
});

describe('interface_python_bitcoinlib', () => {
  it('python-bitcoinlib is installed (scripts/setup.sh installs it)', () => {
    const r = spawnSync(PYTHON, ['-c', 'import bitcoin; print(bitcoin.__version__)']);
    expect(r.status, r.stderr.toString()).toBe(0);
  });

  it('calls RPCs, mines to its own address, and syncs headers and a block over P2P', async () => {
    const script = join(import.meta.dirname, 'interop/bitcoinlib_client.py');
    const r = spawnSync(
      PYTHON,
      [script, String(node.rpcPort), node.cookie(), String(node.p2pPort)],
      {
        timeout: 60_000,
      },
    );
    const out = r.stdout.toString();
    expect(r.status, out + r.stderr.toString()).toBe(0);
    const result = JSON.parse(out.trim().split('\n').pop()!) as {
      ok: boolean;
      rpc: { address: string; height: number; first: string };
      p2p: { subver: string; headers: number; block: string; block_txs: number };
    };
    expect(result.ok).toBe(true);
    expect(result.rpc.address.startsWith('bcrt1q')).toBe(true);
    expect(result.rpc.height).toBe(101);
    expect(result.p2p.subver).toBe('/bitcoind-lite:0.1.0/');
    expect(result.p2p.headers).toBe(101);
    expect(result.p2p.block).toBe(result.rpc.first);
    expect(result.p2p.block_txs).toBe(1);
    // The node saw the foreign peer and logged the handshake.
    expect(await node.rpc<number>('getblockcount')).toBe(101);
  });
});
