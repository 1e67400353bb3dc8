import { describe, expect, it } from 'vitest';
import {
  NETWORKS,
  getChainParams,
  networkForMessageStart,
  toHex,
  reverseBytes,
  checkProofOfWork,
  encodeCompact,
  type Network,
} from '../src/index.js';

const CORE_GENESIS: Record<Network, string> = {
  main: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
  test: '000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943',
  testnet4: '00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043',
  signet: '00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6',
  regtest: '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
};
const TIMES_MERKLE = '4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b';
const TESTNET4_MERKLE = '7aa0a7ae1e223414cb807e40cd57e667b718e42aaf9306db9102fe28912b7b4e';

describe('chain parameters (Core kernel/chainparams.cpp)', () => {
  for (const n of NETWORKS) {
    it(`${n}: the constructed genesis hashes to Core's and meets its own PoW`, () => {
      const p = getChainParams(n);
      expect(p.network).toBe(n);
      expect(p.genesis.hashHex()).toBe(CORE_GENESIS[n]);
      expect(p.genesisHash).toBe(CORE_GENESIS[n]);
      const merkle = toHex(reverseBytes(p.genesis.computeMerkleRoot().root));
      expect(merkle).toBe(n === 'testnet4' ? TESTNET4_MERKLE : TIMES_MERKLE);
      expect(toHex(reverseBytes(p.genesis.header.merkleRoot))).toBe(merkle);
      expect(checkProofOfWork(p.genesis.hash(), p.genesis.header.bits, p.powLimit)).toBe(true);
      expect(networkForMessageStart(p.messageStart)).toBe(n);
      expect(p.isTestChain).toBe(n !== 'main');
      expect(p.coinbaseMaturity).toBe(100);
    });
  }

  it('main genesis coinbase is byte-for-byte the Times coinbase', () => {
    const cb = getChainParams('main').genesis.txs[0]!;
    expect(toHex(cb.vin[0]!.scriptSig)).toBe(
      '04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73',
    );
    expect(cb.vout[0]!.value).toBe(5_000_000_000n);
  });

  it('message starts, ports, prefixes and heights as Core', () => {
    const m = getChainParams('main');
    const s = getChainParams('signet');
    const r = getChainParams('regtest');
    const t4 = getChainParams('testnet4');
    expect(toHex(m.messageStart)).toBe('f9beb4d9');
    expect(toHex(getChainParams('test').messageStart)).toBe('0b110907');
    expect(toHex(t4.messageStart)).toBe('1c163f28');
    // BIP325: derived from the default challenge; Core's default signet magic is 0a03cf40.
    expect(toHex(s.messageStart)).toBe('0a03cf40');
    expect(toHex(r.messageStart)).toBe('fabfb5da');
    expect([m.defaultPort, m.rpcPort, r.defaultPort, r.rpcPort]).toEqual([
      8333, 8332, 18444, 18443,
    ]);
    expect([s.defaultPort, s.rpcPort, t4.defaultPort, t4.rpcPort]).toEqual([
      38333, 38332, 48333, 48332,
    ]);
    expect(r.subsidyHalvingInterval).toBe(150);
    expect(r.powNoRetargeting).toBe(true);
    expect(t4.enforceBIP94).toBe(true);
    expect(m.taprootActivationHeight).toBe(709632);
    expect(r.taprootActivationHeight).toBe(0);
    expect(m.bip30Exceptions.map((e) => e.height)).toEqual([91842, 91880]);
    expect([m.bech32Hrp, s.bech32Hrp, r.bech32Hrp]).toEqual(['bc', 'tb', 'bcrt']);
    expect(m.base58Prefixes).toEqual({ pubkey: 0, script: 5, secret: 128 });
    expect(r.base58Prefixes).toEqual({ pubkey: 111, script: 196, secret: 239 });
    expect(encodeCompact(m.powLimit)).toBe(0x1d00ffff);
    expect(encodeCompact(r.powLimit)).toBe(0x207fffff);
    expect(encodeCompact(s.powLimit)).toBe(0x1e0377ae);
    expect(m.segwitHeight).toBe(481824);
    expect(r.segwitHeight).toBe(0);
  });

  it('an unknown network name is a RangeError naming it', () => {
    expect(() => getChainParams('testnet' as Network)).toThrow(/unknown network 'testnet'/);
  });
});
