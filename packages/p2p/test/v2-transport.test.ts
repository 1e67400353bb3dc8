/**
 * BIP324 v2 transport: the V2Transport state machine over real 127.0.0.1 sockets, and
 * PeerManagers speaking v2 to each other, falling back to v1 both ways, and dropping a peer whose
 * packet does not authenticate. The "reference peer" below is written from BIP324's pseudocode
 * straight on V2Cipher (a separate garbage authentication packet, decoys), not on V2Transport.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { getChainParams } from '@bitcoind-lite/consensus';
import { ellswiftCreate } from '../src/bip324/ellswift.js';
import { V2Cipher } from '../src/bip324/v2-cipher.js';
import { encodeMessage, type NetMessage } from '../src/messages/index.js';
import { PeerManager } from '../src/net-processing.js';
import { NODE_P2P_V2 } from '../src/protocol.js';
import { serializeMessage, type DecodedFrame } from '../src/v1-transport.js';
import { decodeV2Contents, encodeV2Contents, V2_SHORT_MESSAGE_IDS } from '../src/v2-message-ids.js';
import { V2Transport } from '../src/v2-transport.js';
import { MemChain } from './helpers/mem-chain.js';
import {
  osRandom,
  realClock,
  tcpConnector,
  tcpListener,
  testLogger,
  waitFor,
  type MemorySink,
} from './helpers/net.js';

const PARAMS = getChainParams('regtest');
const MAGIC = PARAMS.messageStart;

interface Node {
  chain: MemChain;
  pm: PeerManager;
  port: number;
  sink: MemorySink;
  stop(): Promise<void>;
}

const nodes: Node[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
});

async function startNode(o: { v2: boolean; garbage?: number }): Promise<Node> {
  const chain = new MemChain(PARAMS);
  const listener = await tcpListener();
  const { logger, sink } = testLogger();
  const pm = new PeerManager({
    chain,
    magic: MAGIC,
    defaultPort: PARAMS.defaultPort,
    connector: tcpConnector,
    listener,
    clock: realClock,
    random: osRandom,
    logger,
    connect: [],
    tickMs: 100,
    v2transport: o.v2,
    v2GarbageLengthBytes: o.garbage,
  });
  pm.start();
  const n: Node = {
    chain,
    pm,
    port: listener.port,
    sink,
    async stop() {
      await pm.stop();
      await listener.close();
    },
  };
  nodes.push(n);
  return n;
}

/** A connected pair of sockets on 127.0.0.1. */
async function socketPair(): Promise<[net.Socket, net.Socket]> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  const client = net.connect(port, '127.0.0.1');
  await new Promise((r) => client.once('connect', r));
  const srv = await accepted;
  server.close();
  for (const s of [client, srv]) s.on('error', () => undefined);
  cleanups.push(() => {
    client.destroy();
    srv.destroy();
  });
  return [client, srv];
}

/** A V2Transport on a socket, collecting the messages it decodes. */
function endpoint(sock: net.Socket, initiator: boolean, garbage: number) {
  const frames: DecodedFrame[] = [];
  const errors: Error[] = [];
  const t = new V2Transport({
    magic: MAGIC,
    initiator,
    random: osRandom,
    write: (b) => sock.write(b),
    garbageLengthBytes: garbage,
  });
  sock.on('data', (chunk: Buffer) => {
    try {
      frames.push(...t.receivedBytes(new Uint8Array(chunk)));
    } catch (e) {
      errors.push(e as Error);
      sock.destroy();
    }
  });
  return { t, frames, errors };
}

describe('BIP324 short message ids', () => {
  it('encodes the BIP table as one byte and other commands as 0x00 + 12 bytes', () => {
    expect(V2_SHORT_MESSAGE_IDS.length).toBe(33);
    expect(encodeV2Contents('addr', Uint8Array.of(9))).toEqual(Uint8Array.of(1, 9));
    expect(encodeV2Contents('addrv2', new Uint8Array(0))).toEqual(Uint8Array.of(28));
    expect(encodeV2Contents('reconcildiff', new Uint8Array(0))).toEqual(Uint8Array.of(32));
    const version = encodeV2Contents('version', Uint8Array.of(7));
    expect(version.length).toBe(14);
    expect(Buffer.from(version.subarray(0, 13)).toString('latin1')).toBe('\0version\0\0\0\0\0');
    expect(decodeV2Contents(version)).toEqual({ command: 'version', payload: Uint8Array.of(7) });
    for (let id = 1; id < V2_SHORT_MESSAGE_IDS.length; id++) {
      expect(decodeV2Contents(Uint8Array.of(id))?.command).toBe(V2_SHORT_MESSAGE_IDS[id]);
    }
    // Undefined ids, empty contents and malformed long forms are invalid message types.
    expect(decodeV2Contents(Uint8Array.of(33))).toBeUndefined();
    expect(decodeV2Contents(Uint8Array.of(255))).toBeUndefined();
    expect(decodeV2Contents(new Uint8Array(0))).toBeUndefined();
    expect(decodeV2Contents(new Uint8Array(12))).toBeUndefined();
    const bad = encodeV2Contents('verack', new Uint8Array(0));
    bad[8] = 0x41; // a byte after the NUL padding starts
    expect(decodeV2Contents(bad)).toBeUndefined();
  });
});

describe('V2Transport over a 127.0.0.1 socket', () => {
  it.each([
    [0, 0],
    [4095, 4095],
    [0, 4095],
    [4095, 17],
  ])(
    'initiator garbage %i, responder garbage %i: same session, messages both ways',
    async (gi, gr) => {
      const [c, s] = await socketPair();
      const a = endpoint(c, true, gi);
      const b = endpoint(s, false, gr);
      // Sent before the handshake: queued until the peer's key arrives.
      a.t.sendMessage('ping', Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
      a.t.sendMessage('version', new Uint8Array(100).fill(5));
      expect(a.t.protocolType).toBe('detecting');
      await waitFor(() => b.frames.length === 2, 'responder gets both messages');
      expect(b.frames[0]).toMatchObject({ kind: 'message', command: 'ping', rawSize: 1 + 8 + 20 });
      expect(b.frames[1]).toMatchObject({ kind: 'message', command: 'version', rawSize: 113 + 20 });
      b.t.sendMessage('pong', Uint8Array.of(8, 7, 6, 5, 4, 3, 2, 1));
      b.t.sendMessage('block', new Uint8Array(300_000).fill(0xab));
      await waitFor(() => a.frames.length === 2, 'initiator gets both messages');
      const big = a.frames[1]!;
      expect(big.kind === 'message' && big.payload.length === 300_000 && big.payload[299_999]).toBe(
        0xab,
      );
      expect(a.t.protocolType).toBe('v2');
      expect(b.t.protocolType).toBe('v2');
      expect(Buffer.from(a.t.sessionId!).toString('hex')).toBe(
        Buffer.from(b.t.sessionId!).toString('hex'),
      );
      expect(a.errors.concat(b.errors)).toEqual([]);
    },
  );

  it('handles the stream one byte at a time (key, garbage, terminator, packets split anywhere)', () => {
    const toB: Uint8Array[] = [];
    const toA: Uint8Array[] = [];
    const a = new V2Transport({
      magic: MAGIC,
      initiator: true,
      random: osRandom,
      write: (x) => toB.push(x),
    });
    const b = new V2Transport({
      magic: MAGIC,
      initiator: false,
      random: osRandom,
      write: (x) => toA.push(x),
    });
    a.sendMessage('headers', Uint8Array.of(1, 2, 3));
    const got: DecodedFrame[] = [];
    for (let round = 0; round < 4; round++) {
      for (const chunk of toB.splice(0))
        for (const byte of chunk) got.push(...b.receivedBytes(Uint8Array.of(byte)));
      for (const chunk of toA.splice(0))
        for (const byte of chunk) a.receivedBytes(Uint8Array.of(byte));
    }
    expect(got).toEqual([
      { kind: 'message', command: 'headers', payload: Uint8Array.of(1, 2, 3), rawSize: 24 },
    ]);
    expect([a.protocolType, b.protocolType]).toEqual(['v2', 'v2']);
  });

  it('a responder falls back to v1 on magic + "version" and serves v1 on the same socket', () => {
    const out: Uint8Array[] = [];
    const b = new V2Transport({
      magic: MAGIC,
      initiator: false,
      random: osRandom,
      write: (x) => out.push(x),
    });
    const frame = serializeMessage(MAGIC, 'version', new Uint8Array(10));
    expect(b.receivedBytes(frame.subarray(0, 15))).toEqual([]);
    expect(b.protocolType).toBe('detecting');
    expect(out).toEqual([]); // nothing sent while it could still be v1
    const frames = b.receivedBytes(frame.subarray(15));
    expect(b.protocolType).toBe('v1');
    expect(frames).toMatchObject([{ kind: 'message', command: 'version' }]);
    b.sendMessage('verack', new Uint8Array(0));
    expect(out).toEqual([serializeMessage(MAGIC, 'verack', new Uint8Array(0))]);
    expect(b.shouldReconnectV1()).toBe(false);
  });

  it('a responder refuses a v1 version header with another network magic', () => {
    const b = new V2Transport({
      magic: MAGIC,
      initiator: false,
      random: osRandom,
      write: () => undefined,
    });
    const mainnet = getChainParams('main').messageStart;
    expect(() => b.receivedBytes(serializeMessage(mainnet, 'version', new Uint8Array(10)))).toThrow(
      `V2 transport error: V1 peer with wrong MessageStart ${Buffer.from(mainnet).toString('hex')}`,
    );
  });

  it('gives up after 4095 garbage bytes plus 16 without the terminator', () => {
    const a = new V2Transport({
      magic: MAGIC,
      initiator: true,
      random: osRandom,
      write: () => undefined,
    });
    const peerKey = ellswiftCreate(new Uint8Array(32).fill(3), new Uint8Array(32));
    a.receivedBytes(peerKey);
    expect(a.receivedBytes(new Uint8Array(4095 + 15))).toEqual([]);
    expect(() => a.receivedBytes(new Uint8Array(1))).toThrow(
      'V2 transport error: missing garbage terminator',
    );
  });

  it('an initiator that heard nothing asks to retry with v1; one that heard a byte does not', () => {
    const a = new V2Transport({
      magic: MAGIC,
      initiator: true,
      random: osRandom,
      write: () => undefined,
    });
    expect(a.shouldReconnectV1()).toBe(true);
    a.receivedBytes(Uint8Array.of(1));
    expect(a.shouldReconnectV1()).toBe(false);
  });
});

/**
 * A v2 initiator written from BIP324's pseudocode on V2Cipher: key + garbage, then terminator,
 * an empty garbage authentication packet sent as a decoy (so it carries the AAD), a decoy, the
 * version packet, and application packets.
 */
async function referencePeer(port: number) {
  const sock = net.connect(port, '127.0.0.1');
  sock.on('error', () => undefined);
  cleanups.push(() => sock.destroy());
  await new Promise((r) => sock.once('connect', r));
  const closed = new Promise<void>((r) => sock.once('close', () => r()));
  const privateKey = new Uint8Array(32).fill(0x42);
  const ours = ellswiftCreate(privateKey, new Uint8Array(32).fill(1));
  const garbage = new Uint8Array(77).fill(0x99);
  sock.write(Buffer.concat([ours, garbage]));
  let received = Buffer.alloc(0);
  sock.on('data', (d: Buffer) => (received = Buffer.concat([received, d])));
  await waitFor(() => received.length >= 64, 'responder key');
  const cipher = new V2Cipher({
    privateKey,
    ourEllswift: ours,
    theirEllswift: new Uint8Array(received.subarray(0, 64)),
    initiator: true,
    magic: MAGIC,
  });
  const send = (command: string, m: NetMessage | Uint8Array): Uint8Array =>
    cipher.encrypt(encodeV2Contents(command, m instanceof Uint8Array ? m : encodeMessage(m)));
  sock.write(
    Buffer.concat([
      cipher.sendGarbageTerminator,
      cipher.encrypt(new Uint8Array(0), garbage, true),
      cipher.encrypt(new Uint8Array(5), new Uint8Array(0), true),
      cipher.encrypt(new Uint8Array(0)),
    ]),
  );
  return { sock, cipher, send, closed, sessionId: Buffer.from(cipher.sessionId).toString('hex') };
}

const VERSION: NetMessage = {
  type: 'version',
  version: 70016,
  services: NODE_P2P_V2,
  timestamp: 1_700_000_000n,
  addrRecv: {
    services: 0n,
    service: { network: 'ipv4', addr: Uint8Array.of(127, 0, 0, 1), port: 1 },
  },
  addrFrom: { services: 0n, service: { network: 'ipv6', addr: new Uint8Array(16), port: 0 } },
  nonce: 99n,
  userAgent: '/bip324-reference/',
  startHeight: 0,
  relay: false,
};

describe('PeerManagers over v2', () => {
  it('handshake v2, sync 300 blocks, matching session ids, NODE_P2P_V2 advertised', async () => {
    const a = await startNode({ v2: true, garbage: 4095 });
    const b = await startNode({ v2: true, garbage: 0 });
    await a.chain.mine(300);
    await b.pm.connman.openOutbound(`127.0.0.1:${a.port}`);
    await waitFor(() => b.chain.activeChain.height() === 300, 'sync over v2', 60_000);
    const [ia] = a.pm.getPeerInfo();
    const [ib] = b.pm.getPeerInfo();
    expect(ia!.transport_protocol_type).toBe('v2');
    expect(ib!.transport_protocol_type).toBe('v2');
    expect(ia!.session_id).toMatch(/^[0-9a-f]{64}$/);
    expect(ia!.session_id).toBe(ib!.session_id);
    expect(ia!.servicesnames).toContain('P2P_V2');
    expect(b.pm.connman.localServices & NODE_P2P_V2).toBe(NODE_P2P_V2);
    expect(b.sink.has(/start sending v2 handshake to peer=0/)).toBe(true);
    expect(b.sink.has(/New outbound-full-relay v2 peer connected/)).toBe(true);
    expect(b.sink.has('retrying with v1')).toBe(false);
    // A block message is counted as contents + 20 bytes: short id, payload, expansion.
    expect(ib!.bytesrecv_per_msg['block']).toBeGreaterThan(0);
  });

  it('a v1-only node connects to a v2 node and syncs (inbound v1 detected)', async () => {
    const v2 = await startNode({ v2: true });
    const v1 = await startNode({ v2: false });
    await v2.chain.mine(20);
    await v1.pm.connman.openOutbound(`127.0.0.1:${v2.port}`);
    await waitFor(() => v1.chain.activeChain.height() === 20, 'v1 syncs from v2');
    expect(v2.pm.getPeerInfo()[0]).toMatchObject({ transport_protocol_type: 'v1', session_id: '' });
    expect(v1.pm.getPeerInfo()[0]).toMatchObject({ transport_protocol_type: 'v1', session_id: '' });
    expect(v1.pm.getPeerInfo()[0]!.servicesnames).toContain('P2P_V2');
    expect(v2.pm.getPeerInfo()[0]!.servicesnames).not.toContain('P2P_V2');
  });

  it('a v2 node dialling a v1-only node retries with v1 and syncs', async () => {
    const v1 = await startNode({ v2: false });
    const v2 = await startNode({ v2: true });
    await v1.chain.mine(20);
    v2.pm.connman.addNode(`127.0.0.1:${v1.port}`, 'onetry');
    await waitFor(() => v2.chain.activeChain.height() === 20, 'v2 syncs from v1 after retry');
    expect(v2.sink.has(/retrying with v1 transport protocol for peer=0/)).toBe(true);
    expect(v2.sink.has(/trying v2 connection/)).toBe(true);
    expect(v1.sink.has(/Header error: Wrong MessageStart/)).toBe(true);
    expect(v2.pm.getPeerInfo()).toMatchObject([
      { id: 1, transport_protocol_type: 'v1', connection_type: 'manual' },
    ]);
  });

  it("addnode v2transport=true on a v1-only node is Core's -8 error", async () => {
    const v1 = await startNode({ v2: false });
    expect(() => v1.pm.connman.addNode('127.0.0.1:1', 'add', true)).toThrow(
      'Error: v2transport requested but not enabled (see -v2transport)',
    );
    expect(() => v1.pm.connman.addNode('127.0.0.1:1', 'add', false)).not.toThrow();
  });

  it('reports "detecting" until 16 bytes decide, then v1', async () => {
    const n = await startNode({ v2: true });
    const s = net.connect(n.port, '127.0.0.1');
    s.on('error', () => undefined);
    cleanups.push(() => s.destroy());
    await new Promise((r) => s.once('connect', r));
    const frame = serializeMessage(MAGIC, 'version', encodeMessage(VERSION));
    s.write(frame.subarray(0, 15));
    await waitFor(
      () => n.pm.getPeerInfo().length === 1 && n.pm.connman.allPeers()[0]!.bytesRecv === 15,
      '15 bytes',
    );
    expect(n.pm.getPeerInfo()[0]!.transport_protocol_type).toBe('detecting');
    s.write(frame.subarray(15));
    await waitFor(() => n.pm.getPeerInfo()[0]?.transport_protocol_type === 'v1', 'v1');
  });

  it('talks to a BIP324 reference initiator (garbage auth packet as a decoy, decoys, short ids)', async () => {
    const n = await startNode({ v2: true });
    const r = await referencePeer(n.port);
    r.sock.write(r.send('version', VERSION));
    r.sock.write(r.send('verack', { type: 'verack' }));
    r.sock.write(r.cipher.encrypt(new Uint8Array(40), new Uint8Array(0), true)); // a decoy
    await waitFor(() => n.pm.getPeerInfo()[0]?.transport_protocol_type === 'v2', 'v2');
    await waitFor(() => n.pm.connman.allPeers()[0]!.successfullyConnected, 'handshake');
    expect(n.pm.getPeerInfo()[0]!.session_id).toBe(r.sessionId);
    expect(n.pm.getPeerInfo()[0]!.subver).toBe('/bip324-reference/');
  });

  it('an undefined short id is dropped and counted, the peer kept; a tampered packet disconnects', async () => {
    const n = await startNode({ v2: true });
    const r = await referencePeer(n.port);
    r.sock.write(r.send('version', VERSION));
    r.sock.write(r.send('verack', { type: 'verack' }));
    await waitFor(() => n.pm.connman.allPeers()[0]?.successfullyConnected === true, 'handshake');
    r.sock.write(r.cipher.encrypt(Uint8Array.of(200, 1, 2)));
    await waitFor(() => n.sink.has(/invalid message type \(3 bytes contents\), peer=0/), 'dropped');
    expect(n.pm.getPeerInfo()[0]!.bytesrecv_per_msg['*other*']).toBe(23);
    const ping = r.send('ping', { type: 'ping', nonce: 5n });
    ping[ping.length - 1] = ping[ping.length - 1]! ^ 1; // flip a tag bit
    r.sock.write(ping);
    await r.closed;
    expect(n.sink.has(/V2 transport error: packet decryption failure \(9 bytes\), peer=0/)).toBe(
      true,
    );
    await waitFor(() => n.pm.getPeerInfo().length === 0, 'peer gone');
  });

  it('drops a peer whose garbage has no terminator within 4095 + 16 bytes', async () => {
    const n = await startNode({ v2: true });
    const s = net.connect(n.port, '127.0.0.1');
    s.on('error', () => undefined);
    cleanups.push(() => s.destroy());
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    await new Promise((r) => s.once('connect', r));
    s.resume();
    s.write(new Uint8Array(64 + 4095 + 16));
    await closed;
    expect(n.sink.has(/V2 transport error: missing garbage terminator, peer=0/)).toBe(true);
  });
});
