/**
 * Outbound handshakes on a real node, driven by the regtest-only `addconnection` RPC (Core's
 * CConnman::AddConnection) towards a raw peer listening on 127.0.0.1: an automatic-type
 * connection to a peer without the services we need is dropped with Core's line, a feeler is
 * dropped once its version arrived, and a block-relay-only connection asks for no transactions
 * and is listed with relaytxes false. The RPC's own errors are Core's.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NODE_NETWORK, NODE_WITNESS } from '@bitcoind-lite/p2p';
import { RawPeer } from './framework/raw-peer.js';
import { RpcCallError, TestNode } from './framework/test-node.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function node(args: Record<string, unknown> = {}): Promise<TestNode> {
  const n = await TestNode.start({ args: { debug: ['net'], ...args } });
  cleanup.push(() => n.stop());
  return n;
}

/** A listener on 127.0.0.1:0 and the raw peer behind the node's next connection to it. */
async function dialedPeer(n: TestNode, type: string): Promise<RawPeer> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as net.AddressInfo).port;
  const accepted = RawPeer.accept(server);
  const reply = await n.rpc('addconnection', `127.0.0.1:${port}`, type, false);
  expect(reply).toEqual({ address: `127.0.0.1:${port}`, connection_type: type });
  const p = await accepted;
  cleanup.push(() => p.destroy());
  return p;
}

describe('p2p_handshake', () => {
  it('drops an outbound-full-relay peer that lacks NODE_NETWORK|NODE_WITNESS', async () => {
    const n = await node();
    const p = await dialedPeer(n, 'outbound-full-relay');
    await p.send({
      type: 'version',
      version: 70016,
      services: NODE_WITNESS,
      timestamp: BigInt(Math.floor(Date.now() / 1000)),
      addrRecv: {
        services: 0n,
        service: { network: 'ipv4', addr: Uint8Array.of(127, 0, 0, 1), port: 0 },
      },
      addrFrom: { services: 0n, service: { network: 'ipv6', addr: new Uint8Array(16), port: 0 } },
      nonce: 1234n,
      userAgent: '/t/',
      startHeight: 0,
      relay: true,
    });
    await p.closed;
    expect(n.output).toContain(
      'peer does not offer the expected services (00000008 offered, 00000009 expected), disconnecting peer=0',
    );
  }, 60_000);

  it('a feeler is dropped as soon as the handshake shows the address answers', async () => {
    const n = await node();
    const p = await dialedPeer(n, 'feeler');
    await p.handshake({ services: 0n }).catch(() => undefined);
    await p.closed;
    expect(n.output).toContain('feeler connection completed, disconnecting peer=0');
  }, 60_000);

  it('a block-relay-only connection asks for no transactions and shows relaytxes false', async () => {
    const n = await node();
    const p = await dialedPeer(n, 'block-relay-only');
    await p.handshake({ services: NODE_NETWORK | NODE_WITNESS });
    expect((await p.waitFor('version')).relay).toBe(false);
    await p.roundTrip(8n);
    const [info] = await n.rpc<{ connection_type: string; relaytxes: boolean }[]>('getpeerinfo');
    expect(info).toMatchObject({ connection_type: 'block-relay-only', relaytxes: false });
  }, 60_000);

  it("answers Core's errors for a bad connection type and v2 without -v2transport", async () => {
    const n = await node({ v2transport: false });
    const bad = await n.rpc('addconnection', '127.0.0.1:1', 'manual', false).catch((e) => e);
    expect(bad).toBeInstanceOf(RpcCallError);
    expect((bad as RpcCallError).code).toBe(-8);
    const v2 = await n.rpc('addconnection', '127.0.0.1:1', 'feeler', true).catch((e) => e);
    expect((v2 as RpcCallError).code).toBe(-8);
    expect((v2 as RpcCallError).message).toContain(
      'Error: Adding v2transport connections requires -v2transport init flag to be set.',
    );
  }, 60_000);
});
