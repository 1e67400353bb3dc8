/**
 * BIP324 between real node processes over 127.0.0.1, after Core's p2p_v2_transport.py: two
 * nodes with the default -v2transport sync over v2 and report the same session_id; a node with
 * `v2transport: 0` works with a v2 node in both directions (inbound v1 detection; outbound v2
 * attempt retried with v1); addnode's v2transport on a v1-only node is Core's -8.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TestNode } from './framework/test-node.js';

const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
const NODE_P2P_V2 = 1n << 11n;

interface PeerInfo {
  id: number;
  inbound: boolean;
  transport_protocol_type: string;
  session_id: string;
  servicesnames: string[];
}

const nodes: TestNode[] = [];
afterAll(async () => {
  for (const n of nodes) await n.stop().catch(() => n.kill());
});

async function start(args: Record<string, unknown> = {}, noP2P = false): Promise<TestNode> {
  const n = await TestNode.start({ args: { debug: ['net'], ...args }, noP2P });
  nodes.push(n);
  return n;
}

async function localServices(n: TestNode): Promise<bigint> {
  const info = await n.rpc<{ localservices: string }>('getnetworkinfo');
  return BigInt(`0x${info.localservices}`);
}

async function synced(a: TestNode, b: TestNode, what: string): Promise<void> {
  await b.waitFor(
    async () =>
      (await b.rpc<string>('getbestblockhash')) === (await a.rpc<string>('getbestblockhash')),
    what,
  );
}

describe('p2p_v2transport', () => {
  let v2a: TestNode;

  it('two nodes sync over v2 and report the same session_id', async () => {
    v2a = await start();
    const v2b = await start({}, true);
    expect((await localServices(v2a)) & NODE_P2P_V2).toBe(NODE_P2P_V2);
    await v2a.rpc('generatetoaddress', 50, ADDR);
    await v2b.rpc('addnode', `127.0.0.1:${v2a.p2pPort}`, 'onetry');
    await synced(v2a, v2b, 'sync over v2');
    const [pa] = await v2a.rpc<PeerInfo[]>('getpeerinfo');
    const [pb] = await v2b.rpc<PeerInfo[]>('getpeerinfo');
    expect(pa!.transport_protocol_type).toBe('v2');
    expect(pb!.transport_protocol_type).toBe('v2');
    expect(pa!.session_id).toMatch(/^[0-9a-f]{64}$/);
    expect(pb!.session_id).toBe(pa!.session_id);
    expect(pa!.servicesnames).toContain('P2P_V2');
    expect(v2b.output).toMatch(/start sending v2 handshake to peer=0/);
    expect(v2b.output).not.toMatch(/retrying with v1 transport protocol/);
  });

  it('a v2transport=0 node syncs from a v2 node (v1 detected on the v2 side)', async () => {
    const v1 = await start({ v2transport: 0 }, true);
    expect((await localServices(v1)) & NODE_P2P_V2).toBe(0n);
    await expect(v1.rpc('addnode', `127.0.0.1:${v2a.p2pPort}`, 'add', true)).rejects.toMatchObject({
      code: -8,
      message: 'Error: v2transport requested but not enabled (see -v2transport)',
    });
    await v1.rpc('addnode', `127.0.0.1:${v2a.p2pPort}`, 'onetry');
    await synced(v2a, v1, 'v1 node syncs from v2 node');
    const [p] = await v1.rpc<PeerInfo[]>('getpeerinfo');
    expect(p).toMatchObject({ transport_protocol_type: 'v1', session_id: '' });
    const inbound = (await v2a.rpc<PeerInfo[]>('getpeerinfo')).filter(
      (x) => x.inbound && x.transport_protocol_type === 'v1',
    );
    expect(inbound).toHaveLength(1);
    expect(v1.output).not.toMatch(/start sending v2 handshake/);
  });

  it('a v2 node dialling a v2transport=0 node retries with v1 and syncs', async () => {
    const v1 = await start({ v2transport: 0 });
    await v1.rpc('generatetoaddress', 5, ADDR);
    const v2 = await start({}, true);
    await v2.rpc('addnode', `127.0.0.1:${v1.p2pPort}`, 'onetry');
    await synced(v1, v2, 'v2 node syncs from v1 node after the v1 retry');
    expect(v2.output).toMatch(/start sending v2 handshake to peer=0/);
    expect(v2.output).toMatch(/retrying with v1 transport protocol for peer=0/);
    const peers = await v2.rpc<PeerInfo[]>('getpeerinfo');
    expect(peers).toMatchObject([{ id: 1, transport_protocol_type: 'v1', session_id: '' }]);
  });
});
