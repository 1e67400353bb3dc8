/**
 * Core's ZMQ notifications (interface_zmq.py's checks, in small) on a real node process whose
 * manifest grants a listening socket per topic, read by an independent subscriber: the `zeromq`
 * npm package (libzmq). Checks getzmqnotifications, then for mined blocks and a transaction:
 * hashblock/rawblock bodies against getblock, hashtx/rawtx for every transaction of a connected
 * block and for a mempool acceptance, the sequence topic's C/A/R/D labels with Core's mempool
 * sequence numbers, and each topic's own 4-byte little-endian message counter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Subscriber } from 'zeromq';
import { TestNode } from './framework/test-node.js';
import { matureCoinbases, TestWallet, type Utxo } from './framework/bitcoinjs-wallet.js';

const TOPICS = ['hashblock', 'hashtx', 'rawblock', 'rawtx', 'sequence'] as const;
type Topic = (typeof TOPICS)[number];
const OTHER = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';

let node: TestNode;
const wallet = new TestWallet(21);
let coins: Utxo[];
const subs = new Map<Topic, Subscriber>();
/** The next per-topic sequence number each subscriber expects. */
const nextSeq = new Map<Topic, number>();

async function recv(topic: Topic): Promise<{ body: Buffer; seq: number }> {
  const [t, body, seq] = (await subs.get(topic)!.receive()) as Buffer[];
  expect(t!.toString()).toBe(topic);
  expect(seq!.length).toBe(4);
  return { body: body!, seq: seq!.readUInt32LE(0) };
}

/** Receives the next message of `topic` and checks its counter follows the previous one. */
async function next(topic: Topic): Promise<Buffer> {
  const m = await recv(topic);
  const want = nextSeq.get(topic);
  if (want !== undefined) expect(m.seq, `${topic} sequence`).toBe(want);
  nextSeq.set(topic, m.seq + 1);
  return m.body;
}

/** A 32-byte body as the hex Core prints (display order). */
const hashHex = (b: Buffer) => {
  expect(b.length).toBe(32);
  return b.toString('hex');
};

function sequenceMsg(b: Buffer): { hash: string; label: string; mempoolSeq?: bigint } {
  const out = { hash: b.subarray(0, 32).toString('hex'), label: String.fromCharCode(b[32]!) };
  if (b.length === 33) return out;
  expect(b.length).toBe(41);
  return { ...out, mempoolSeq: b.readBigUInt64LE(33) };
}

beforeAll(async () => {
  node = await TestNode.start({
    noP2P: true,
    outbound: false,
    extraManifest: ['zmq:', ...TOPICS.map((t) => `  ${t}: !socket {bind: 127.0.0.1:0}`)].join('\n'),
    args: { zmqpubrawtxhwm: 5000 },
  });
  // Coins first, so the subscribers do not see these 101 blocks.
  coins = await matureCoinbases(node, wallet, 2);

  const list = await node.rpc<{ type: string; address: string }[]>('getzmqnotifications');
  for (const topic of TOPICS) {
    const sock = new Subscriber({ receiveTimeout: 10_000 });
    sock.connect(list.find((n) => n.type === `pub${topic}`)!.address);
    sock.subscribe(topic);
    subs.set(topic, sock);
  }
  // As interface_zmq.py: a subscription takes effect some time after connect; mine until every
  // topic has delivered a message, then drain what those blocks produced.
  for (const [topic, sock] of subs) {
    sock.receiveTimeout = 200;
    for (let i = 0; ; i++) {
      try {
        await sock.receive();
        break;
      } catch {
        if (i > 100) throw new Error(`no ${topic} message`);
        await node.rpc('generatetoaddress', 1, OTHER);
      }
    }
  }
  for (const sock of subs.values()) {
    for (;;) {
      try {
        await sock.receive();
      } catch {
        break;
      }
    }
    sock.receiveTimeout = 10_000;
  }
}, 180_000);

afterAll(async () => {
  for (const s of subs.values()) s.close();
  await node?.stop();
});

describe('interface_zmq', () => {
  it('getzmqnotifications lists each notifier with its address and hwm', async () => {
    const list =
      await node.rpc<{ type: string; address: string; hwm: number }[]>('getzmqnotifications');
    expect(list.map((n) => n.type)).toEqual(TOPICS.map((t) => `pub${t}`));
    for (const n of list) {
      expect(n.address).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
      expect(n.hwm).toBe(n.type === 'pubrawtx' ? 5000 : 1000);
    }
    expect(new Set(list.map((n) => n.address)).size).toBe(5);
  });

  it('blocks: hashblock, rawblock, the coinbase on hashtx/rawtx, sequence C, counters +1', async () => {
    const hashes = await node.rpc<string[]>('generatetoaddress', 3, OTHER);
    for (const hash of hashes) {
      expect(hashHex(await next('hashblock'))).toBe(hash);
      expect((await next('rawblock')).toString('hex')).toBe(
        await node.rpc<string>('getblock', hash, 0),
      );
      const block = await node.rpc<{ tx: { txid: string; hex: string }[] }>('getblock', hash, 2);
      expect(hashHex(await next('hashtx'))).toBe(block.tx[0]!.txid);
      expect((await next('rawtx')).toString('hex')).toBe(block.tx[0]!.hex);
      expect(sequenceMsg(await next('sequence'))).toEqual({ hash, label: 'C' });
    }
  });

  it('a transaction: A with the mempool sequence, then mined with its block; no R for inclusion', async () => {
    const before = await node.rpc<{ mempool_sequence: number }>('getrawmempool', false, true);
    const tx = wallet.payToSelf(coins[0]!, 1000n);
    await node.rpc('sendrawtransaction', tx.hex);
    expect(hashHex(await next('hashtx'))).toBe(tx.txid);
    expect((await next('rawtx')).toString('hex')).toBe(tx.hex);
    expect(sequenceMsg(await next('sequence'))).toEqual({
      hash: tx.txid,
      label: 'A',
      mempoolSeq: BigInt(before.mempool_sequence),
    });

    const [hash] = await node.rpc<string[]>('generatetoaddress', 1, OTHER);
    const block = await node.rpc<{ tx: { txid: string; hex: string }[] }>('getblock', hash, 2);
    expect(block.tx.map((t) => t.txid)).toContain(tx.txid);
    for (const t of block.tx) {
      expect(hashHex(await next('hashtx'))).toBe(t.txid);
      expect((await next('rawtx')).toString('hex')).toBe(t.hex);
    }
    // The block's inclusion sends no R: the next sequence message is the block's C.
    expect(sequenceMsg(await next('sequence'))).toEqual({ hash, label: 'C' });
    expect(hashHex(await next('hashblock'))).toBe(hash);
    await next('rawblock');
  });

  it('replacement: R for the replaced transaction and A for its replacement', async () => {
    const first = wallet.payToSelf(coins[1]!, 1000n);
    await node.rpc('sendrawtransaction', first.hex);
    const a1 = sequenceMsg(await next('sequence'));
    expect([a1.hash, a1.label]).toEqual([first.txid, 'A']);
    const replacement = wallet.payToSelf(coins[1]!, 5000n);
    await node.rpc('sendrawtransaction', replacement.hex);
    const r = sequenceMsg(await next('sequence'));
    const a2 = sequenceMsg(await next('sequence'));
    // Core removes the replaced transaction before adding its replacement.
    expect([r.hash, r.label, a2.hash, a2.label]).toEqual([first.txid, 'R', replacement.txid, 'A']);
    expect(r.mempoolSeq! + 1n).toBe(a2.mempoolSeq);
    expect(r.mempoolSeq).toBe(a1.mempoolSeq! + 1n);
    for (const want of [first, replacement]) {
      expect(hashHex(await next('hashtx'))).toBe(want.txid);
      await next('rawtx');
    }
  });

  it('disconnect: D with the block transactions on hashtx, and no hashblock for going back', async () => {
    const [hash] = await node.rpc<string[]>('generatetoaddress', 1, OTHER);
    const block = await node.rpc<{ tx: { txid: string }[] }>('getblock', hash, 1);
    for (let i = 0; i < block.tx.length; i++) await next('hashtx');
    expect(sequenceMsg(await next('sequence')).label).toBe('C');
    expect(hashHex(await next('hashblock'))).toBe(hash);

    await node.rpc('invalidateblock', hash);
    for (const txid of block.tx as unknown as string[]) {
      expect(hashHex(await next('hashtx'))).toBe(txid);
    }
    expect(sequenceMsg(await next('sequence'))).toEqual({ hash, label: 'D' });
    // Mining again gives the new block's hashblock right after the previous one (no message for
    // the disconnection itself), counters unbroken.
    await node.rpc('reconsiderblock', hash);
    expect(hashHex(await next('hashblock'))).toBe(hash);
  });
});
