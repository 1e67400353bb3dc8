import { describe, expect, it } from 'vitest';
import { Block, BufferWriter, getChainParams } from '@bitcoind-lite/consensus';
import {
  LOCAL_SERVICES,
  MSG_WITNESS_BLOCK,
  MSG_WTX,
  decodeMessage,
  encodeMessage,
  formatService,
  ipv4Service,
  parseIpLiteral,
  serviceNames,
  type NetMessage,
} from '../src/index.js';

const genesis = getChainParams('regtest').genesis;
const h = (n: number): Uint8Array => new Uint8Array(32).fill(n);

const samples: NetMessage[] = [
  {
    type: 'version',
    version: 70016,
    services: LOCAL_SERVICES,
    timestamp: 1700000000n,
    addrRecv: { services: 0n, service: ipv4Service(127, 0, 0, 1, 18444) },
    addrFrom: { services: LOCAL_SERVICES, service: parseIpLiteral('::', 0)! },
    nonce: 0x1234567890abcdefn,
    userAgent: '/bitcoind-lite:0.1.0/',
    startHeight: 101,
    relay: false,
  },
  { type: 'verack' },
  { type: 'wtxidrelay' },
  { type: 'sendaddrv2' },
  { type: 'sendheaders' },
  { type: 'sendcmpct', announce: true, version: 2n },
  { type: 'feefilter', feeRateSatPerKvB: 1000n },
  { type: 'ping', nonce: 42n },
  { type: 'pong', nonce: 42n },
  { type: 'getheaders', version: 70016, locator: [h(1), h(2)], hashStop: new Uint8Array(32) },
  { type: 'getblocks', version: 70016, locator: [h(3)], hashStop: h(4) },
  { type: 'headers', headers: [genesis.header] },
  { type: 'inv', items: [{ type: MSG_WTX, hash: h(5) }] },
  { type: 'getdata', items: [{ type: MSG_WITNESS_BLOCK, hash: h(6) }] },
  { type: 'notfound', items: [{ type: 1, hash: h(7) }] },
  { type: 'block', block: genesis },
  { type: 'tx', tx: genesis.txs[0]! },
  {
    type: 'addr',
    addrs: [{ ...ipv4Service(1, 2, 3, 4, 8333), services: 9n, time: 1700000000 }],
    count: 1,
  },
  {
    type: 'addrv2',
    addrs: [{ network: 'onion', addr: h(8), port: 9050, services: 1n, time: 5 }],
    count: 1,
  },
  { type: 'getaddr' },
  { type: 'mempool' },
];

describe('messages', () => {
  for (const m of samples) {
    it(`${m.type} round-trips`, () => {
      const payload = encodeMessage(m);
      const back = decodeMessage(m.type, payload)!;
      expect(Buffer.from(encodeMessage(back)).toString('hex')).toBe(
        Buffer.from(payload).toString('hex'),
      );
      if (m.type === 'block')
        expect((back as { block: Block }).block.hashHex()).toBe(genesis.hashHex());
    });
  }

  it('ignores unknown commands', () => {
    expect(decodeMessage('sendtxrcncl', new Uint8Array(12))).toBeUndefined();
  });

  it('reads a version without the relay flag as relay=true (BIP37)', () => {
    const v = encodeMessage(samples[0]!);
    const m = decodeMessage('version', v.subarray(0, v.length - 1));
    expect(m).toMatchObject({ type: 'version', relay: true, startHeight: 101 });
  });

  it('refuses a user agent over 256 bytes', () => {
    const w = new BufferWriter();
    w.i32(70016).u64(0n).i64(0n).bytes(new Uint8Array(26)).bytes(new Uint8Array(26)).u64(1n);
    w.varBytes(new Uint8Array(257).fill(0x41)).i32(0);
    expect(() => decodeMessage('version', w.toBytes())).toThrow(/String length limit/);
  });

  it('refuses counts the payload cannot hold before allocating', () => {
    const huge = new BufferWriter().compactSize(2000).toBytes();
    expect(() => decodeMessage('headers', huge)).toThrow();
    expect(() => decodeMessage('inv', huge)).toThrow();
  });

  it('refuses a BIP155 address of the wrong length and skips unknown networks', () => {
    const w = new BufferWriter();
    w.compactSize(1);
    w.u32(0).compactSize(1).u8(1).varBytes(new Uint8Array(5)).u16be(1); // IPv4 with 5 bytes
    expect(() => decodeMessage('addrv2', w.toBytes())).toThrow(/BIP155 ipv4 address with length 5/);
    const ok = new BufferWriter();
    ok.compactSize(1).u32(0).compactSize(1).u8(99).varBytes(new Uint8Array(3)).u16be(1);
    expect(decodeMessage('addrv2', ok.toBytes())).toMatchObject({ addrs: [], count: 1 });
  });

  it('names services and formats addresses as Core', () => {
    expect(serviceNames(LOCAL_SERVICES)).toEqual(['NETWORK', 'WITNESS', 'NETWORK_LIMITED']);
    expect(serviceNames(1n << 20n)).toEqual(['UNKNOWN[2^20]']);
    expect(formatService(ipv4Service(127, 0, 0, 1, 18444))).toBe('127.0.0.1:18444');
    expect(formatService(parseIpLiteral('::1', 8333)!)).toBe('[::1]:8333');
    expect(formatService(parseIpLiteral('2001:db8::5', 1)!)).toBe('[2001:db8::5]:1');
    expect(parseIpLiteral('example.com', 1)).toBeUndefined();
  });
});
