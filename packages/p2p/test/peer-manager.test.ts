import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Block, BlockHeader, getChainParams } from '@bitcoind-lite/consensus';
import { PeerManager, encodeMessage, serializeMessage, type NetMessage } from '../src/index.js';
import { startNode, type TestNode } from './helpers/node.js';
import { osRandom, realClock, testLogger, waitFor } from './helpers/net.js';
import { MemChain } from './helpers/mem-chain.js';

const MAGIC = getChainParams('regtest').messageStart;
const nodes: TestNode[] = [];
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
});

async function node(opts: Parameters<typeof startNode>[0] = {}): Promise<TestNode> {
  const n = await startNode(opts);
  nodes.push(n);
  return n;
}

function frame(m: NetMessage): Uint8Array {
  return serializeMessage(MAGIC, m.type, encodeMessage(m));
}

/** A raw socket peer that completes the handshake, then lets the test write anything. */
async function rawPeer(port: number): Promise<net.Socket & { closedP: Promise<void> }> {
  const s = net.connect(port, '127.0.0.1') as net.Socket & { closedP: Promise<void> };
  sockets.push(s);
  s.closedP = new Promise((r) => s.once('close', () => r()));
  s.on('error', () => undefined);
  // Read (and drop) what the node sends, so its FIN is seen and 'close' fires.
  s.resume();
  await new Promise((r) => s.once('connect', r));
  s.write(
    frame({
      type: 'version',
      version: 70016,
      services: 0n,
      timestamp: BigInt(Math.floor(Date.now() / 1000)),
      addrRecv: {
        services: 0n,
        service: { network: 'ipv4', addr: Uint8Array.of(127, 0, 0, 1), port },
      },
      addrFrom: { services: 0n, service: { network: 'ipv6', addr: new Uint8Array(16), port: 0 } },
      nonce: 7n,
      userAgent: '/raw<script>/',
      startHeight: 0,
      relay: false,
    }),
  );
  s.write(frame({ type: 'verack' }));
  return s;
}

function closedWithin(s: { closedP: Promise<void> }, ms: number): Promise<boolean> {
  return Promise.race([
    s.closedP.then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), ms)),
  ]);
}

describe('PeerManager over 127.0.0.1 sockets', () => {
  it('refuses construction without a capability, naming it', () => {
    const { logger } = testLogger();
    expect(
      () =>
        new PeerManager({
          chain: new MemChain(),
          magic: MAGIC,
          defaultPort: 18444,
          connector: undefined as never,
          clock: realClock,
          random: osRandom,
          logger,
        }),
    ).toThrow(/connector is required/);
  });

  it('handshakes as Core and fills getpeerinfo', async () => {
    const a = await node();
    const b = await node({ connect: [`127.0.0.1:${a.port}`] });
    await waitFor(
      () => a.pm.getPeerInfo().length === 1 && b.pm.getPeerInfo()[0]?.pingtime !== undefined,
      'handshake and pong',
    );

    const out = b.pm.getPeerInfo()[0]!;
    expect(out).toMatchObject({
      id: 0,
      addr: `127.0.0.1:${a.port}`,
      network: 'not_publicly_routable',
      services: '0000000000000409',
      servicesnames: ['NETWORK', 'WITNESS', 'NETWORK_LIMITED'],
      relaytxes: true,
      version: 70016,
      subver: '/bitcoind-lite:0.1.0/',
      inbound: false,
      connection_type: 'manual',
      transport_protocol_type: 'v1',
      session_id: '',
      startingheight: 0,
    });
    expect(out.addrbind).toMatch(/^127\.0\.0\.1:\d+$/);
    for (const m of [
      'version',
      'verack',
      'wtxidrelay',
      'sendaddrv2',
      'sendheaders',
      'ping',
      'pong',
    ]) {
      expect(out.bytesrecv_per_msg[m], m).toBeGreaterThan(0);
    }
    // 24-byte header + 86 fixed bytes + the user agent.
    expect(out.bytesrecv_per_msg.version).toBe(24 + 86 + '/bitcoind-lite:0.1.0/'.length);
    expect(a.pm.getPeerInfo()[0]).toMatchObject({ inbound: true, connection_type: 'inbound' });

    // Core's order: wtxidrelay and sendaddrv2 before verack, sendheaders after it.
    const sent = b.sink.lines.filter((l) =>
      /sending (version|wtxidrelay|sendaddrv2|verack|sendheaders) /.test(l),
    );
    expect(sent.map((l) => /sending (\w+)/.exec(l)![1])).toEqual([
      'version',
      'wtxidrelay',
      'sendaddrv2',
      'verack',
      'sendheaders',
    ]);
    expect(a.sink.has(/\[net\] received: version \(\d+ bytes\) peer=0/)).toBe(true);
    expect(b.sink.has('New manual v1 peer connected: version: 70016, blocks=0, peer=0')).toBe(true);
  });

  it('syncs 2,100 blocks headers-first, then follows new blocks announced by headers', async () => {
    const a = await node();
    await a.chain.mine(2100);
    const b = await node({ connect: [`127.0.0.1:${a.port}`] });
    await waitFor(() => b.chain.activeChain.height() === 2100, 'sync to 2100', 60_000);
    expect(b.chain.activeChain.tip().hashHex).toBe(a.chain.activeChain.tip().hashHex);
    expect(b.sink.has(/more getheaders \(2000\) to end to peer=0/)).toBe(true);
    expect(b.sink.has(/Requesting block [0-9a-f]{64} \(1\) peer=0/)).toBe(true);

    await a.chain.mine(3);
    await waitFor(() => b.chain.activeChain.height() === 2103, 'follow 3 new blocks');
    // b sent sendheaders, so a announces with headers, never inv.
    expect(a.sink.has(/SendMessages: \d headers, range/)).toBe(true);
    expect(a.sink.has(/sending inv .*peer=0/)).toBe(false);
    await waitFor(() => b.pm.getPeerInfo()[0]?.synced_blocks === 2103, 'synced_blocks');
    expect(b.pm.getPeerInfo()[0]).toMatchObject({ synced_headers: 2103, inflight: [] });
  });

  it('downloads from two peers and serves a third (a line of nodes)', async () => {
    const a = await node();
    await a.chain.mine(300);
    const b = await node({ connect: [`127.0.0.1:${a.port}`] });
    const c = await node({ addnode: [`127.0.0.1:${b.port}`] });
    await waitFor(() => c.chain.activeChain.height() === 300, 'c syncs through b', 60_000);
    await a.chain.mine(5);
    await waitFor(() => c.chain.activeChain.height() === 305, 'c follows a through b');
    expect(c.chain.activeChain.tip().hashHex).toBe(a.chain.activeChain.tip().hashHex);
  });

  it('reaches the other end after a reorg', async () => {
    const a = await node();
    await a.chain.mine(10);
    const b = await node({ connect: [`127.0.0.1:${a.port}`] });
    await waitFor(() => b.chain.activeChain.height() === 10, 'sync');
    // A competing branch from height 8 with more work, built on a and then activated.
    let prev = a.chain.activeChain.at(8)!;
    for (let i = 0; i < 4; i++) {
      const blk = a.chain.createBlock(prev, 99);
      await a.chain.processNewBlock(blk);
      prev = a.chain.lookup(blk.hash())!;
    }
    expect(a.chain.activeChain.height()).toBe(12);
    await waitFor(
      () => b.chain.activeChain.tip().hashHex === a.chain.activeChain.tip().hashHex,
      'reorg reaches b',
    );
  });

  it('answers ping with pong and a peer that sends garbage after the handshake is dropped', async () => {
    const a = await node();
    const s = await rawPeer(a.port);
    const got: Buffer[] = [];
    s.on('data', (d) => got.push(d));
    s.write(frame({ type: 'ping', nonce: 0xabcdefn }));
    const pong = Buffer.from(frame({ type: 'pong', nonce: 0xabcdefn })).toString('hex');
    await waitFor(() => Buffer.concat(got).toString('hex').includes(pong), 'pong');
    expect(a.pm.getPeerInfo()[0]!.subver).toBe('/rawscript/');
    s.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(await closedWithin(s, 5000)).toBe(true);
    expect(a.sink.has(/Wrong MessageStart 47455420 received, peer=0/)).toBe(true);
  });

  it('drops a bad-checksum message but keeps the peer, counting it under *other*', async () => {
    const a = await node();
    const s = await rawPeer(a.port);
    await waitFor(() => a.pm.getPeerInfo()[0]?.version === 70016, 'handshake');
    const bad = frame({ type: 'ping', nonce: 1n });
    bad[20] = bad[20]! ^ 0xff;
    s.write(bad);
    await waitFor(
      () => a.pm.getPeerInfo()[0]?.bytesrecv_per_msg['*other*'] === 32,
      '*other* bytes',
    );
    expect(
      a.sink.has(
        /Header error: Wrong checksum \(ping, 8 bytes\), expected [0-9a-f]{8} was [0-9a-f]{8}, peer=0/,
      ),
    ).toBe(true);
    expect(await closedWithin(s, 300)).toBe(false);
  });

  it('disconnects on a declared payload of 4,000,001 bytes', async () => {
    const a = await node();
    const s = await rawPeer(a.port);
    const header = new Uint8Array(24);
    header.set(MAGIC, 0);
    header.set(Buffer.from('block'), 4);
    new DataView(header.buffer).setUint32(16, 4_000_001, true);
    s.write(header);
    expect(await closedWithin(s, 5000)).toBe(true);
    expect(a.sink.has('Header error: Size too large (block, 4000001 bytes), peer=0')).toBe(true);
  });

  it('treats more than 2,000 headers as misbehaviour and disconnects', async () => {
    const a = await node();
    const s = await rawPeer(a.port);
    const headers: BlockHeader[] = Array.from(
      { length: 2001 },
      () => getChainParams('regtest').genesis.header,
    );
    s.write(frame({ type: 'headers', headers }));
    expect(await closedWithin(s, 5000)).toBe(true);
    expect(a.sink.has('Misbehaving: peer=0: headers message size = 2001')).toBe(true);
    expect(a.sink.has('Warning: disconnecting but not discouraging local peer 0!')).toBe(true);
  });

  it('punishes a header with bad proof of work and a block with a mutated merkle root', async () => {
    const a = await node();
    const other = new MemChain();
    const good = other.createBlock(other.activeChain.tip());
    const h = good.header;
    // Find a nonce whose hash misses the regtest target.
    let bad = h;
    for (let n = 1; ; n++) {
      bad = h.withNonce(n);
      if (bad.hash()[31]! >= 0x80) break;
    }
    const s1 = await rawPeer(a.port);
    s1.write(frame({ type: 'headers', headers: [bad] }));
    expect(await closedWithin(s1, 5000)).toBe(true);
    expect(a.sink.has('Misbehaving: peer=0: header with invalid proof of work')).toBe(true);

    // CVE-2012-2459: the coinbase twice gives the same merkle root, flagged as mutated.
    const mutated = new Block(good.header, [good.txs[0]!, good.txs[0]!]);
    const s2 = await rawPeer(a.port);
    s2.write(frame({ type: 'block', block: mutated }));
    expect(await closedWithin(s2, 5000)).toBe(true);
    expect(a.sink.has('Misbehaving: peer=1: mutated block')).toBe(true);
    expect(a.chain.activeChain.height()).toBe(0);
  });

  it('ignores messages before version and unknown commands, and disconnects on mempool', async () => {
    const a = await node();
    const s = net.connect(a.port, '127.0.0.1');
    sockets.push(s);
    s.on('error', () => undefined);
    await new Promise((r) => s.once('connect', r));
    s.write(frame({ type: 'ping', nonce: 1n }));
    await waitFor(
      () => a.sink.has('non-version message before version handshake. Message "ping" from peer=0'),
      'pre-version log',
    );
    const s2 = await rawPeer(a.port);
    await waitFor(
      () => a.pm.getPeerInfo().some((p) => p.id === 1 && p.version === 70016),
      'handshake',
    );
    s2.write(serializeMessage(MAGIC, 'sendtxrcncl', new Uint8Array(12)));
    await waitFor(
      () => a.sink.has('Unknown message type "sendtxrcncl" from peer=1'),
      'unknown log',
    );
    s2.write(frame({ type: 'mempool' }));
    await waitFor(() => a.pm.getPeerInfo().every((p) => p.id !== 1), 'mempool disconnect');
  });

  it('addnode add / remove / onetry with Core errors', async () => {
    const a = await node();
    const b = await node();
    const target = `127.0.0.1:${a.port}`;
    b.pm.connman.addNode(target, 'add');
    expect(() => b.pm.connman.addNode(target, 'add')).toThrow('Error: Node already added');
    await waitFor(() => b.pm.getPeerInfo().length === 1, 'added node connects');
    b.pm.connman.addNode(target, 'remove');
    expect(() => b.pm.connman.addNode(target, 'remove')).toThrow(/has not been added previously/);
    const c = await node();
    c.pm.connman.addNode(target, 'onetry');
    await waitFor(() => c.pm.getPeerInfo().length === 1, 'onetry connects');
    expect(c.pm.connman.addedNodes()).toEqual([]);
  });
});
