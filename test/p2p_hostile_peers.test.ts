/**
 * Issue 5, "Done when" item 4, end to end: real node processes on 127.0.0.1. An honest node H
 * holds a 300-block chain; for each case a fresh victim V starts with `connect` to H (and an
 * inbound P2P listener), and while V syncs a raw attacker connects to V's port and misbehaves.
 * Each case asserts that V still reaches H's tip, and that V treated the attacker as Bitcoin
 * Core does (net.cpp V1Transport, net_processing.cpp), by the socket, getpeerinfo, listbanned
 * and Core's debug=net log lines.
 *
 * Core facts relied on (Core 31 source): framing errors (wrong magic, size > 4,000,000) make
 * ReceiveMsgBytes fail and the peer is dropped, with no discouragement; a bad checksum only drops
 * the message (counted under `*other*`); Misbehaving() disconnects, but a peer on a local address
 * is not discouraged ("Warning: disconnecting but not discouraging local peer N!"), so listbanned
 * stays empty for every attacker here; CheckHeadersPoW runs before anything else in
 * ProcessHeadersMessage; a block whose parent is known is checked with IsBlockMutated first, and
 * a mutated block never marks the real block invalid; a block in flight is not re-requested from
 * another peer until the block download timeout (one target spacing, 10 minutes on regtest).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  Block,
  BlockHeader,
  type Transaction,
  getChainParams,
  reverseBytes,
} from '@bitcoind-lite/consensus';
import { buildBlockOn, mineFailing, spendTx } from '@bitcoind-lite/chain/testing';
import { MSG_BLOCK, MSG_WITNESS_BLOCK, serializeMessage } from '@bitcoind-lite/p2p';
import { mineOnNode, submit, tipRef } from './framework/chain-builder.js';
import { TestNode } from './framework/test-node.js';
import { RawPeer, REGTEST_MAGIC, frame } from './framework/raw-peer.js';

const params = getChainParams('regtest');
const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
const NODE_NETWORK_WITNESS = 9n;
const SYNC_TIMEOUT_MS = 30_000;

let honest: TestNode;
/** OP_TRUE coinbases on H by height; two are spent by each "real next block". */
let coinbases: Map<number, Transaction>;
let nextCoinHeight = 1;
const victims: TestNode[] = [];
const raws: RawPeer[] = [];

beforeAll(async () => {
  honest = await TestNode.start({ outbound: false, args: { debug: ['net'] } });
  coinbases = await mineOnNode(honest, params, 10);
  await honest.rpc('generatetoaddress', 290, ADDR);
}, 60_000);

afterEach(async () => {
  for (const r of raws.splice(0)) r.destroy();
  // The victim's console stays next to its datadir for a post-mortem.
  for (const v of victims) writeFileSync(join(v.dir, 'console.txt'), v.output);
  await Promise.all(victims.splice(0).map((v) => v.stop()));
});

afterAll(async () => {
  await honest?.stop();
});

interface PeerInfo {
  id: number;
  addr: string;
  inbound: boolean;
  bytesrecv_per_msg: Record<string, number>;
}

/** A fresh victim syncing from H, with an inbound listener the attacker can reach. */
async function startVictim(): Promise<TestNode> {
  const v = await TestNode.start({
    // v1 framing is what these attacks probe; Core's functional tests also run -v2transport=0
    // unless asked for v2 (with v2, raw bytes first are read as a BIP324 key and garbage).
    args: { connect: [`127.0.0.1:${honest.p2pPort}`], debug: ['net'], v2transport: 0 },
  });
  victims.push(v);
  return v;
}

/** Connects the attacker and returns it with the peer id V gave it. */
async function attach(v: TestNode): Promise<{ raw: RawPeer; id: number }> {
  const raw = await RawPeer.connect(v.p2pPort);
  raws.push(raw);
  let id = -1;
  await v.waitFor(
    async () => {
      const p = (await v.rpc<PeerInfo[]>('getpeerinfo')).find((x) => x.addr === raw.addr);
      if (p) id = p.id;
      return p !== undefined;
    },
    'the attacker listed in getpeerinfo',
    10_000,
  );
  expect(await v.rpc<number>('getblockcount')).toBeLessThanOrEqual(
    await honest.rpc<number>('getblockcount'),
  );
  return { raw, id };
}

async function reachesHonestTip(v: TestNode): Promise<void> {
  const want = await honest.rpc<string>('getbestblockhash');
  await v.waitFor(
    async () => (await v.rpc<string>('getbestblockhash')) === want,
    "V reaches H's tip",
    SYNC_TIMEOUT_MS,
  );
}

async function peerInfo(v: TestNode, id: number): Promise<PeerInfo | undefined> {
  return (await v.rpc<PeerInfo[]>('getpeerinfo')).find((p) => p.id === id);
}

async function logShows(v: TestNode, re: RegExp, timeoutMs = 10_000): Promise<void> {
  await v.waitFor(async () => re.test(v.output), `log line ${re}`, timeoutMs);
}

/** Dropped as Core drops it: socket closed, gone from getpeerinfo, nothing banned. */
async function expectDropped(v: TestNode, raw: RawPeer, id: number): Promise<void> {
  expect(await raw.closedWithin(10_000)).toBe(true);
  await v.waitFor(async () => (await peerInfo(v, id)) === undefined, 'attacker gone', 10_000);
  expect(await v.rpc('listbanned')).toEqual([]);
}

/** Waits until V has H's best header, so a block built on H's tip connects for V. */
async function victimKnowsHonestTipHeader(v: TestNode): Promise<void> {
  const tip = await honest.rpc<string>('getbestblockhash');
  await v.waitFor(
    () =>
      v.rpc('getblockheader', tip).then(
        () => true,
        () => false,
      ),
    "V has H's best header",
    SYNC_TIMEOUT_MS,
  );
}

/** The real next block on H's tip (not yet submitted): coinbase and two spends, so 3 txs. */
async function realNextBlock(): Promise<Block> {
  const coin = (h: number) => ({
    txid: coinbases.get(h)!.txid(),
    vout: 0,
    value: coinbases.get(h)!.vout[0]!.value,
  });
  const a = spendTx([coin(nextCoinHeight)], 1000n);
  const b = spendTx([coin(nextCoinHeight + 1)], 1000n);
  nextCoinHeight += 2;
  return buildBlockOn(await tipRef(honest), params, { txs: [a, b], feesSats: 2000n });
}

const hashHex = (h: Uint8Array) => Buffer.from(reverseBytes(h)).toString('hex');

describe('p2p_hostile_peers: V keeps syncing from H while an attacker misbehaves', () => {
  it('garbage bytes: dropped on the wrong message start, not discouraged', async () => {
    const v = await startVictim();
    const { raw, id } = await attach(v);
    let junk = randomBytes(4096);
    while (junk.subarray(0, 4).equals(Buffer.from(REGTEST_MAGIC))) junk = randomBytes(4096);
    await raw.write(junk);
    await expectDropped(v, raw, id);
    await logShows(
      v,
      new RegExp(
        `Header error: Wrong MessageStart ${junk.subarray(0, 4).toString('hex')} received, peer=${id}\\b`,
      ),
    );
    await reachesHonestTip(v);
  }, 60_000);

  it('wrong magic (a mainnet version message): dropped', async () => {
    const v = await startVictim();
    const { raw, id } = await attach(v);
    const mainnetMagic = getChainParams('main').messageStart;
    await raw.write(serializeMessage(mainnetMagic, 'version', new Uint8Array(100)));
    await expectDropped(v, raw, id);
    await logShows(
      v,
      new RegExp(`Header error: Wrong MessageStart f9beb4d9 received, peer=${id}\\b`),
    );
    await reachesHonestTip(v);
  }, 60_000);

  it('bad checksums: each message dropped, the connection kept (Core), bytes under *other*', async () => {
    const v = await startVictim();
    const { raw, id } = await attach(v);
    await raw.handshake();
    const bad = frame({ type: 'ping', nonce: 5n });
    const shown = Buffer.from(bad.subarray(20, 24)).toString('hex');
    bad[20] = bad[20]! ^ 0xff;
    const was = Buffer.from(bad.subarray(20, 24)).toString('hex');
    for (let i = 0; i < 100; i++) await raw.write(bad);
    // The decoder stays in step after the rejected frames: a good ping is still answered.
    await raw.roundTrip(77n);
    expect(raw.count('pong')).toBe(1);
    await reachesHonestTip(v);
    await logShows(
      v,
      new RegExp(
        `Header error: Wrong checksum \\(ping, 8 bytes\\), expected ${shown} was ${was}, peer=${id}\\b`,
      ),
    );
    const p = await peerInfo(v, id);
    expect(p?.bytesrecv_per_msg['*other*']).toBe(100 * 32);
    expect(raw.open).toBe(true);
    expect(v.output).not.toMatch(new RegExp(`Misbehaving: peer=${id}\\b`));
  }, 60_000);

  it('a 4,000,001-byte payload: dropped from the header alone', async () => {
    const v = await startVictim();
    const { raw, id } = await attach(v);
    await raw.handshake();
    const header = new Uint8Array(24);
    header.set(REGTEST_MAGIC, 0);
    header.set(Buffer.from('block'), 4);
    new DataView(header.buffer).setUint32(16, 4_000_001, true);
    await raw.write(header);
    // The payload follows; the node has hung up long before it is all written.
    void raw.write(randomBytes(4_000_001));
    await expectDropped(v, raw, id);
    await logShows(
      v,
      new RegExp(`Header error: Size too large \\(block, 4000001 bytes\\), peer=${id}\\b`),
    );
    await reachesHonestTip(v);
  }, 60_000);

  it('a header chain with bad proof of work: Misbehaving, disconnected, not discouraged (local), nothing stored', async () => {
    const v = await startVictim();
    const { raw, id } = await attach(v);
    await raw.handshake({ services: NODE_NETWORK_WITNESS, startHeight: 300 });
    // Five headers on H's tip, each hashing above its own target.
    const tip = await tipRef(honest);
    const headers: BlockHeader[] = [];
    let prev = tip.hash;
    for (let i = 0; i < 5; i++) {
      const h = mineFailing(
        new BlockHeader(0x20000000, prev, randomBytes(32), tip.time + 600 * (i + 1), 0x207fffff, 0),
        params.powLimit,
      );
      headers.push(h);
      prev = h.hash();
    }
    await raw.send({ type: 'headers', headers });
    await expectDropped(v, raw, id);
    await logShows(v, new RegExp(`Misbehaving: peer=${id}: header with invalid proof of work`));
    await logShows(v, new RegExp(`Warning: disconnecting but not discouraging local peer ${id}!`));
    await reachesHonestTip(v);
    for (const h of headers) {
      await expect(v.rpc('getblockheader', hashHex(h.hash()))).rejects.toMatchObject({ code: -5 });
    }
  }, 60_000);

  it('a mutated block (CVE-2012-2459 duplicate tx) for the real next block: dropped; the real block is accepted after', async () => {
    const real = await realNextBlock();
    expect(real.txs).toHaveLength(3);
    // [cb, a, b] and [cb, a, b, b] have the same merkle root: same header, same hash.
    const mutated = new Block(real.header, [...real.txs, real.txs[2]!]);
    expect(mutated.hashHex()).toBe(real.hashHex());
    const v = await startVictim();
    const { raw, id } = await attach(v);
    await raw.handshake({ services: NODE_NETWORK_WITNESS, startHeight: 300 });
    await victimKnowsHonestTipHeader(v); // the parent is known: Core's IsBlockMutated path
    await raw.send({ type: 'block', block: mutated });
    await expectDropped(v, raw, id);
    await logShows(v, new RegExp(`Received mutated block from peer=${id}\\b`));
    await logShows(v, new RegExp(`Misbehaving: peer=${id}: mutated block`));
    await logShows(v, new RegExp(`Warning: disconnecting but not discouraging local peer ${id}!`));
    await reachesHonestTip(v);
    // H now mines the real block; V must accept it (the mutated copy marked nothing invalid).
    expect(await submit(honest, real)).toBeNull();
    await reachesHonestTip(v);
    expect(await v.rpc('getbestblockhash')).toBe(real.hashHex());
    const tips = await v.rpc<{ status: string }[]>('getchaintips');
    expect(tips.filter((t) => t.status === 'invalid')).toEqual([]);
  }, 60_000);

  it('10,000 unsolicited block invs in one burst: read, no disconnect, at most a couple of getheaders', async () => {
    const v = await startVictim();
    const { raw, id } = await attach(v);
    await raw.handshake({ services: NODE_NETWORK_WITNESS });
    const burst: Uint8Array[] = [];
    for (let i = 0; i < 10_000; i++) {
      burst.push(frame({ type: 'inv', items: [{ type: MSG_BLOCK, hash: randomBytes(32) }] }));
    }
    await raw.write(Buffer.concat(burst));
    await reachesHonestTip(v);
    await v.waitFor(
      async () => (await peerInfo(v, id))?.bytesrecv_per_msg['inv'] === 10_000 * 61,
      'all 10,000 invs read',
      SYNC_TIMEOUT_MS,
    );
    await raw.roundTrip(78n); // still connected and in step
    // Core throttles getheaders per peer (HEADERS_RESPONSE_TIME): not one per inv.
    expect(raw.count('getheaders')).toBeLessThanOrEqual(2);
    expect(raw.open).toBe(true);
    expect(v.output).not.toMatch(new RegExp(`Misbehaving: peer=${id}\\b`));
    expect(await v.rpc('listbanned')).toEqual([]);
  }, 60_000);

  it('announces the real next block and never answers getdata: dropped at the block download timeout, V completes from H', async () => {
    const real = await realNextBlock();
    const parentHeight = await honest.rpc<number>('getblockcount');
    const v = await startVictim();
    const { raw, id } = await attach(v);
    await raw.handshake({ services: NODE_NETWORK_WITNESS, startHeight: parentHeight + 1 });
    await victimKnowsHonestTipHeader(v);
    // The attacker claims a chain one block past H's; V (mid-sync) gives it blocks to fetch,
    // up to Core's 16 in flight, from the sync or the new block itself.
    await raw.send({ type: 'headers', headers: [real.header] });
    const getdata = await raw.waitFor('getdata', () => true, SYNC_TIMEOUT_MS);
    expect(getdata.items.length).toBeGreaterThan(0);
    expect(getdata.items.length).toBeLessThanOrEqual(16);
    expect(getdata.items.every((i) => i.type === MSG_WITNESS_BLOCK)).toBe(true);
    const heldBack = getdata.items.map((i) => hashHex(i.hash));
    // H mines the same block. V still cannot reach H's tip: Core does not ask another peer for
    // a block in flight until the block download timeout.
    expect(await submit(honest, real)).toBeNull();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await v.rpc('getbestblockhash')).not.toBe(real.hashHex());
    expect(raw.open).toBe(true);
    // Core's timeout is one target spacing (10 min on regtest) plus half of one per other peer
    // downloading: move V's clock 16 minutes on, as Core's functional tests do, rather than
    // wait (still under the 20-minute ping and inactivity timeouts).
    await v.rpc('setmocktime', Math.floor(Date.now() / 1000) + 16 * 60);
    expect(await raw.closedWithin(15_000)).toBe(true);
    await logShows(
      v,
      new RegExp(`Timeout downloading block (${heldBack.join('|')}), disconnecting peer=${id}\\b`),
    );
    await reachesHonestTip(v);
    expect(await v.rpc('getbestblockhash')).toBe(real.hashHex());
    expect(await v.rpc('listbanned')).toEqual([]);
  }, 60_000);
});
