/**
 * P2P figures: message parse / serialize throughput (framing + codecs), and node-to-node sync
 * over 127.0.0.1 between two PeerManagers. The sync figure uses the in-memory test chain (PoW,
 * merkle and linkage checks only, no script or UTXO validation), so it measures the P2P layer,
 * not full validation; the end-to-end figure with the real chain belongs to the node bench.
 */
import { getChainParams } from '@bitcoind-lite/consensus';
import {
  MSG_WITNESS_BLOCK,
  V1Decoder,
  V2Transport,
  decodeMessage,
  encodeMessage,
  serializeMessage,
  type NetMessage,
} from '../packages/p2p/src/index.js';
import { MemChain } from '../packages/p2p/test/helpers/mem-chain.js';
import { startNode } from '../packages/p2p/test/helpers/node.js';
import { TestNode } from '../test/framework/test-node.js';
import type { Report } from './run.js';

function timeIt(minMs: number, fn: () => void): { ops: number; ms: number } {
  const start = performance.now();
  let ops = 0;
  while (performance.now() - start < minMs) {
    fn();
    ops++;
  }
  return { ops, ms: performance.now() - start };
}

export async function run(report: Report): Promise<void> {
  const params = getChainParams('regtest');
  const chain = new MemChain(params);
  const blocks = await chain.mine(2000);

  const headersMsg: NetMessage = { type: 'headers', headers: blocks.map((b) => b.header) };
  const headersPayload = encodeMessage(headersMsg);
  let r = timeIt(500, () => decodeMessage('headers', headersPayload));
  report('decode headers (2000 per message)', (r.ops * 2000 * 1000) / r.ms, 'headers/s');
  r = timeIt(500, () => encodeMessage(headersMsg));
  report('encode headers (2000 per message)', (r.ops * 2000 * 1000) / r.ms, 'headers/s');

  const invMsg: NetMessage = {
    type: 'getdata',
    items: Array.from({ length: 50_000 }, (_, i) => ({
      type: MSG_WITNESS_BLOCK,
      hash: blocks[i % 2000]!.hash(),
    })),
  };
  const invPayload = encodeMessage(invMsg);
  r = timeIt(500, () => decodeMessage('getdata', invPayload));
  report('decode getdata (50,000 entries)', (r.ops * 50_000 * 1000) / r.ms, 'entries/s');

  // Framing: many small messages (pings) through the streaming decoder, in 64 KiB chunks.
  const ping = serializeMessage(
    params.messageStart,
    'ping',
    encodeMessage({ type: 'ping', nonce: 1n }),
  );
  const stream = Buffer.concat(Array.from({ length: 20_000 }, () => ping));
  r = timeIt(500, () => {
    const d = new V1Decoder(params.messageStart);
    for (let off = 0; off < stream.length; off += 65536) d.push(stream.subarray(off, off + 65536));
  });
  report('frame decode (32-byte ping messages)', (r.ops * 20_000 * 1000) / r.ms, 'msgs/s');
  const big = serializeMessage(params.messageStart, 'block', new Uint8Array(1_000_000));
  r = timeIt(500, () => new V1Decoder(params.messageStart).push(big));
  report(
    'frame decode (1 MB payload, checksum included)',
    (r.ops * big.length) / 1e6 / (r.ms / 1000),
    'MB/s',
  );

  // Node to node: B downloads A's chain over loopback.
  const a = await startNode();
  for (const b of blocks) await a.chain.processNewBlock(b);
  const start = performance.now();
  const b = await startNode({ connect: [`127.0.0.1:${a.port}`] });
  while (b.chain.activeChain.height() < 2000) await new Promise((res) => setTimeout(res, 5));
  const ms = performance.now() - start;
  report('sync 2,000 blocks over 127.0.0.1 (in-memory chain)', (2000 * 1000) / ms, 'blocks/s');
  await b.stop();
  await a.stop();

  // BIP324: a 1 MB block through a pair of V2Transports (encrypt, decrypt, authenticate).
  const toB: Uint8Array[] = [];
  const toA: Uint8Array[] = [];
  const random = { fill: (x: Uint8Array) => x.fill(7) };
  const v2a = new V2Transport({
    magic: params.messageStart,
    initiator: true,
    random,
    write: (x) => toB.push(x),
  });
  const v2b = new V2Transport({
    magic: params.messageStart,
    initiator: false,
    random,
    write: (x) => toA.push(x),
  });
  for (const x of toB.splice(0)) v2b.receivedBytes(x);
  for (const x of toA.splice(0)) v2a.receivedBytes(x);
  for (const x of toB.splice(0)) v2b.receivedBytes(x);
  const payload = new Uint8Array(1_000_000);
  r = timeIt(500, () => {
    v2a.sendMessage('block', payload);
    for (const x of toB.splice(0)) v2b.receivedBytes(x);
  });
  report(
    'v2 packet round trip (1 MB payload)',
    (r.ops * payload.length) / 1e6 / (r.ms / 1000),
    'MB/s',
  );

  // The launcher's default is -v2transport=1, so this figure is over v2 (v1 with Core < 27).
  await realNodeSync(report, 10_000);
  await v2VersusV1Sync(report, 2000);
}

/**
 * BIP324 v2 against v1: one node process mines `blocks`; a second (default -v2transport=1)
 * syncs them over v2, then a third with `v2transport: 0` over v1 from the same node. Each is
 * timed from its start to its tip.
 */
async function v2VersusV1Sync(report: Report, blocks: number): Promise<void> {
  const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
  const a = await TestNode.start({ outbound: false });
  const nodes = [a];
  try {
    for (let done = 0; done < blocks; done += 1000) await a.rpc('generatetoaddress', 1000, ADDR);
    for (const [label, args] of [
      ['v2', {}],
      ['v1', { v2transport: 0 }],
    ] as const) {
      const start = performance.now();
      const b = await TestNode.start({
        args: { connect: [`127.0.0.1:${a.p2pPort}`], ...args },
        noP2P: true,
      });
      nodes.push(b);
      await b.waitFor(
        async () => (await b.rpc<number>('getblockcount')) === blocks,
        'sync',
        600_000,
      );
      const ms = performance.now() - start;
      const [peer] = await b.rpc<{ transport_protocol_type: string }[]>('getpeerinfo');
      report(
        `sync ${blocks.toLocaleString('en')} blocks over ${label}, two node processes`,
        (blocks * 1000) / ms,
        'blocks/s',
        `transport ${peer?.transport_protocol_type ?? '?'}`,
      );
      await b.stop();
      nodes.pop();
    }
  } finally {
    for (const n of nodes) await n.stop();
  }
}

/**
 * Node-to-node sync between two real node processes over 127.0.0.1: the first mines a regtest
 * chain, the second starts with `connect=` to it; timed from the second's start to its tip.
 */
async function realNodeSync(report: Report, blocks: number): Promise<void> {
  const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
  const a = await TestNode.start({ outbound: false });
  const nodes = [a];
  try {
    for (let done = 0; done < blocks; done += 1000) await a.rpc('generatetoaddress', 1000, ADDR);
    const start = performance.now();
    const b = await TestNode.start({ args: { connect: [`127.0.0.1:${a.p2pPort}`] }, noP2P: true });
    nodes.push(b);
    await b.waitFor(async () => (await b.rpc<number>('getblockcount')) === blocks, 'sync', 600_000);
    const ms = performance.now() - start;
    report(
      `sync ${blocks.toLocaleString('en')} regtest blocks, two node processes over 127.0.0.1`,
      (blocks * 1000) / ms,
      'blocks/s',
    );
  } finally {
    for (const n of nodes) await n.stop();
  }
}
