/**
 * -peertimeout on a real node, as Core's InactivityCheck: a connection that has not completed
 * the version handshake is dropped once the (mockable) clock passes the timeout, and a timeout
 * that is not positive refuses start-up with Core's InitError.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { RawPeer } from './framework/raw-peer.js';
import { TestNode, runLauncher } from './framework/test-node.js';

const nodes: TestNode[] = [];
afterAll(async () => {
  for (const n of nodes) await n.stop();
});

describe('p2p_timeouts', () => {
  it('drops a silent inbound peer after -peertimeout seconds of mock time', async () => {
    const node = await TestNode.start({
      outbound: false,
      args: { peertimeout: 3, debug: ['net'] },
    });
    nodes.push(node);
    const t = Math.floor(Date.now() / 1000);
    await node.rpc('setmocktime', t);
    const silent = await RawPeer.connect(node.p2pPort);
    await node.waitFor(
      async () => ((await node.rpc('getpeerinfo')) as unknown[]).length === 1,
      'the peer',
    );
    // The default (60 s) would keep it; -peertimeout=3 lets 4 mock seconds drop it.
    await node.rpc('setmocktime', t + 4);
    await silent.closed;
    expect(node.output).toContain(
      'socket no message in first 3 seconds, never received from peer, never sent to peer, disconnecting peer=0',
    );
  }, 60_000);

  it('refuses -peertimeout=0 at start-up', async () => {
    const n = TestNode.create({ outbound: false, args: { peertimeout: 0 } });
    const { code, output } = await runLauncher(n.manifestPath);
    expect(code, output).toBe(1);
    expect(output).toContain('Error: peertimeout must be a positive integer.');
  }, 60_000);
});
