/**
 * systemd-style socket activation: the test binds two listening sockets (as systemd does for
 * `ListenStream=`) and starts bin/bitcoind-lite with them as fds 3 and 4; the manifest grants
 * `rpc: !socket {fd: 3}` and `p2p: !socket {fd: 4}`. RPC answers on the first, P2P on the second,
 * and the node binds nothing itself.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './framework/test-node.js';

async function listening(): Promise<{ server: Server; port: number; fd: number }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const fd = (server as unknown as { _handle: { fd: number } })._handle.fd;
  return { server, port, fd };
}

describe('feature_socket_activation', () => {
  it('serves RPC and P2P on inherited fds 3 and 4', async () => {
    const rpc = await listening();
    const p2p = await listening();
    const dir = mkdtempSync(join(tmpdir(), 'socket-activation-'));
    writeFileSync(
      join(dir, 'node.yaml'),
      [
        'network: regtest',
        'datadir: !dir {path: ./data}',
        'console: !fd stdout',
        'rpc: !socket {fd: 3}',
        'p2p: !socket {fd: 4}',
        'entropy: !random os',
        'args: {rpcuser: u, rpcpassword: p}',
      ].join('\n') + '\n',
    );
    const child = spawn(
      join(REPO_ROOT, 'bin/bitcoind-lite'),
      ['--manifest', join(dir, 'node.yaml')],
      {
        stdio: ['ignore', 'pipe', 'pipe', rpc.fd, p2p.fd],
      },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    // Our copies are closed: from here only the node holds the sockets.
    rpc.server.close();
    p2p.server.close();
    try {
      const deadline = Date.now() + 60_000;
      while (!out.includes('init message: Done loading')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(out);
        await new Promise((r) => setTimeout(r, 50));
      }
      const res = await fetch(`http://127.0.0.1:${rpc.port}/`, {
        method: 'POST',
        headers: { authorization: 'Basic ' + Buffer.from('u:p').toString('base64') },
        body: JSON.stringify({ id: 1, method: 'getblockcount', params: [] }),
      });
      expect(((await res.json()) as { result: number }).result).toBe(0);
      // The P2P socket is the node's: it accepts a connection (no one else holds it now).
      const peer = connect(p2p.port, '127.0.0.1');
      await new Promise<void>((r, j) => peer.once('connect', () => r()).once('error', j));
      await new Promise((r) => setTimeout(r, 200));
      peer.destroy();
      expect(out).toMatch(/fd:3|fd 3/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    expect(out).toContain('Shutdown: done');
  });
});
