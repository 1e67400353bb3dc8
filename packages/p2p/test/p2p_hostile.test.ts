/**
 * Issue 5 item 4: hostile peers. Each test attacks node B while B syncs from an honest node A,
 * and asserts that B still reaches A's tip and how B treated the attacker (Core's behaviour).
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Block } from '@bitcoind-lite/consensus';
import { MSG_BLOCK, serializeMessage as frameRaw } from '../src/index.js';
import { startNode, type TestNode } from './helpers/node.js';
import { waitFor } from './helpers/net.js';
import { MemChain } from './helpers/mem-chain.js';
import {
  MAGIC,
  closedWithin,
  frame,
  handshakeRaw,
  openRaw,
  type RawPeer,
} from './helpers/raw-peer.js';

const nodes: TestNode[] = [];
const raws: RawPeer[] = [];
afterEach(async () => {
  for (const r of raws.splice(0)) r.destroy();
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
});

async function honestAndVictim(blocks: number): Promise<{ a: TestNode; b: TestNode }> {
  const a = await startNode();
  nodes.push(a);
  await a.chain.mine(blocks);
  const b = await startNode();
  nodes.push(b);
  return { a, b };
}

async function syncFromHonest(a: TestNode, b: TestNode): Promise<void> {
  b.pm.connman.addNode(`127.0.0.1:${a.port}`, 'add');
  await waitFor(
    () => b.chain.activeChain.tip().hashHex === a.chain.activeChain.tip().hashHex,
    'victim syncs from the honest peer',
    60_000,
  );
}

async function raw(port: number, services?: bigint): Promise<RawPeer> {
  const r = services === undefined ? await openRaw(port) : await handshakeRaw(port, services);
  raws.push(r);
  return r;
}

describe('hostile peers while syncing from an honest one', () => {
  it('garbage bytes: dropped (wrong magic)', async () => {
    const { a, b } = await honestAndVictim(200);
    const h = await raw(b.port);
    h.write(randomBytes(4096));
    await syncFromHonest(a, b);
    expect(await closedWithin(h, 5000)).toBe(true);
    expect(b.sink.has(/Header error: Wrong MessageStart [0-9a-f]{8} received, peer=0/)).toBe(true);
  });

  it('wrong magic: dropped', async () => {
    const { a, b } = await honestAndVictim(200);
    const h = await raw(b.port);
    h.write(frameRaw(Uint8Array.of(0xf9, 0xbe, 0xb4, 0xd9), 'version', new Uint8Array(100)));
    await syncFromHonest(a, b);
    expect(await closedWithin(h, 5000)).toBe(true);
    expect(b.sink.has('Header error: Wrong MessageStart f9beb4d9 received, peer=0')).toBe(true);
  });

  it('bad checksums: each message dropped, the peer kept (Core), sync unaffected', async () => {
    const { a, b } = await honestAndVictim(200);
    const h = await raw(b.port, 0n);
    const bad = frame({ type: 'ping', nonce: 5n });
    bad[20] = bad[20]! ^ 0xff;
    for (let i = 0; i < 100; i++) h.write(bad);
    await syncFromHonest(a, b);
    await waitFor(
      () => b.pm.getPeerInfo().find((p) => p.id === 0)?.bytesrecv_per_msg['*other*'] === 3200,
      '100 rejected frames',
    );
    expect(await closedWithin(h, 200)).toBe(false);
  });

  it('a 4,000,001-byte payload: dropped from the header alone', async () => {
    const { a, b } = await honestAndVictim(200);
    const h = await raw(b.port, 0n);
    const header = new Uint8Array(24);
    header.set(MAGIC, 0);
    header.set(Buffer.from('block'), 4);
    new DataView(header.buffer).setUint32(16, 4_000_001, true);
    h.write(header);
    h.write(randomBytes(65536));
    await syncFromHonest(a, b);
    expect(await closedWithin(h, 5000)).toBe(true);
    expect(b.sink.has('Header error: Size too large (block, 4000001 bytes), peer=0')).toBe(true);
  });

  it('a header chain with bad proof of work: misbehaving, disconnected, nothing stored', async () => {
    const { a, b } = await honestAndVictim(200);
    const other = new MemChain();
    const good = other.createBlock(other.activeChain.tip(), 7);
    let bad = good.header;
    for (let n = 1; bad.hash()[31]! < 0x80; n++) bad = good.header.withNonce(n);
    const h = await raw(b.port, 9n);
    h.write(frame({ type: 'headers', headers: [bad] }));
    await syncFromHonest(a, b);
    expect(await closedWithin(h, 5000)).toBe(true);
    // Core's CheckHeadersPoW runs before the headers reach validation.
    expect(b.sink.has('Misbehaving: peer=0: header with invalid proof of work')).toBe(true);
    expect(b.chain.lookup(bad.hash())).toBeUndefined();
  });

  it('a block with a mutated merkle tree: misbehaving, disconnected, the honest block still accepted', async () => {
    const { a, b } = await honestAndVictim(200);
    const honest1 = await a.chain.readBlock(a.chain.activeChain.at(1)!);
    // CVE-2012-2459: the same header with its transaction list duplicated.
    const mutated = new Block(honest1.header, [honest1.txs[0]!, honest1.txs[0]!]);
    const h = await raw(b.port, 9n);
    h.write(frame({ type: 'block', block: mutated }));
    await syncFromHonest(a, b);
    expect(await closedWithin(h, 5000)).toBe(true);
    // Core's IsBlockMutated runs first for a block whose parent is known.
    expect(b.sink.has('Received mutated block from peer=0')).toBe(true);
    expect(b.sink.has('Misbehaving: peer=0: mutated block')).toBe(true);
    expect(b.chain.activeChain.at(1)!.hashHex).toBe(honest1.hashHex());
  });

  it('10,000 unsolicited inv messages: processed without harm', async () => {
    const { a, b } = await honestAndVictim(200);
    const h = await raw(b.port, 0n);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < 10_000; i++) {
      chunks.push(frame({ type: 'inv', items: [{ type: MSG_BLOCK, hash: randomBytes(32) }] }));
    }
    h.write(Buffer.concat(chunks));
    await syncFromHonest(a, b);
    await waitFor(
      () =>
        (b.pm.getPeerInfo().find((p) => p.id === 0)?.bytesrecv_per_msg.inv ?? 0) === 10_000 * 61,
      'all invs read',
      60_000,
    );
    // One getheaders in answer, not 10,000 (Core's HEADERS_RESPONSE_TIME limit).
    expect(
      b.sink.lines.filter((l) => /sending getheaders .* peer=0/.test(l)).length,
    ).toBeLessThanOrEqual(2);
  });

  it('a peer that never answers getdata: detected as stalling and replaced', async () => {
    const { a, b } = await honestAndVictim(1100);
    const staller = await raw(b.port, 9n); // claims NODE_NETWORK | NODE_WITNESS
    const headers = [];
    for (let i = 1; i <= 1100; i++) headers.push(a.chain.activeChain.at(i)!.header);
    staller.write(frame({ type: 'headers', headers }));
    await waitFor(
      () => b.pm.getPeerInfo().find((p) => p.id === 0)?.inflight.length === 16,
      'staller holds 16 blocks',
    );
    await syncFromHonest(a, b);
    expect(await closedWithin(staller, 5000)).toBe(true);
    expect(b.sink.has('Stall started peer=0')).toBe(true);
    expect(b.sink.has('Peer=0 is stalling block download, disconnecting')).toBe(true);
  });
});
