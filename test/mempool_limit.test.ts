/**
 * The mempool size cap on a real node process (Core's mempool_limit.py in small): with
 * `maxmempool` at Core's minimum of 5 MB, large low-fee transactions (one P2WPKH input, a
 * ~98 kB OP_RETURN output; signed by bitcoinjs-lib from matured coinbases) fill it; the packages
 * with the lowest fee rate are evicted, `mempoolminfee` rises to the highest evicted rate plus
 * the incremental relay fee, a cheaper transaction is refused with 'mempool min fee not met',
 * and one that would itself be the cheapest in a full pool with 'mempool full'.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLauncher, TestNode } from './framework/test-node.js';
import { catchRpcError, startRpcOnlyNodeWithCoins } from './framework/rpc-only-node.js';
import { TestWallet, toSats, type SignedTx, type Utxo } from './framework/bitcoinjs-wallet.js';

const FILL = 27;
let node: TestNode;
const wallet = new TestWallet(61);
let coins: Utxo[];
let next = 0;
const coin = (): Utxo => coins[next++]!;

beforeAll(async () => {
  ({ node, coins } = await startRpcOnlyNodeWithCoins(wallet, FILL + 6, { maxmempool: 5 }));
}, 120_000);
afterAll(async () => {
  await node?.stop();
});

const rpcError = (method: string, ...params: unknown[]) => catchRpcError(node, method, ...params);

/** OP_RETURN with two PUSHDATA2 pushes of 49,000 bytes: ~98 kB, under the 100 kB carrier cap. */
const BIG_DATA_SCRIPT = (() => {
  const push = (fill: number) => {
    const b = Buffer.alloc(3 + 49_000, fill);
    b[0] = 0x4d;
    b.writeUInt16LE(49_000, 1);
    return b;
  };
  return 'script:' + Buffer.concat([Buffer.of(0x6a), push(0xaa), push(0xbb)]).toString('hex');
})();

/** A spend of `input` paying `rateSatPerKvB` (to within a satoshi), with or without the big output. */
function atRate(input: Utxo, rateSatPerKvB: number, big: boolean): SignedTx & { feeSats: bigint } {
  const build = (feeSats: bigint) =>
    wallet.spend(
      [input],
      [
        { to: wallet.address, valueSats: input.valueSats - feeSats },
        ...(big ? [{ to: BIG_DATA_SCRIPT, valueSats: 0n }] : []),
      ],
    );
  const vsize = build(100_000n).vsize;
  const feeSats = BigInt(Math.ceil((vsize * rateSatPerKvB) / 1000));
  return { ...build(feeSats), feeSats };
}

interface MempoolInfo {
  size: number;
  usage: number;
  maxmempool: number;
  mempoolminfee: number;
  minrelaytxfee: number;
  incrementalrelayfee: number;
}

describe('mempool_limit', () => {
  it('evicts by fee rate at maxmempool, raises mempoolminfee, and refuses cheaper transactions', async () => {
    const start = await node.rpc<MempoolInfo>('getmempoolinfo');
    expect(start.maxmempool).toBe(5_000_000);
    expect(start.mempoolminfee).toBe(start.minrelaytxfee);
    const incrementalSatPerKvB = Number(toSats(start.incrementalrelayfee));

    // Rates 1.0, 1.2, 1.4, ... sat/vB: spaced wider than the incremental relay fee (0.1 sat/vB).
    const fill = Array.from({ length: FILL }, (_, i) => ({
      rate: 1000 + 200 * i,
      tx: atRate(coin(), 1000 + 200 * i, true),
    }));
    for (const f of fill) {
      expect(f.tx.vsize).toBeGreaterThan(90_000);
      // Each is accepted when sent; later, richer ones push the cheapest out.
      expect(await node.rpc('sendrawtransaction', f.tx.hex)).toBe(f.tx.txid);
    }

    const inPool = new Set(await node.rpc<string[]>('getrawmempool'));
    const evicted = fill.filter((f) => !inPool.has(f.tx.txid));
    const kept = fill.filter((f) => inPool.has(f.tx.txid));
    expect(evicted.length).toBeGreaterThan(0);
    expect(kept.length).toBeGreaterThan(20);
    // Eviction follows the fee rate: every evicted one paid less than every kept one.
    expect(Math.max(...evicted.map((f) => f.rate))).toBeLessThan(
      Math.min(...kept.map((f) => f.rate)),
    );
    const info = await node.rpc<MempoolInfo>('getmempoolinfo');
    expect(info.size).toBe(kept.length);
    expect(info.usage).toBeLessThanOrEqual(5_000_000);
    // Core's TrimToSize: the rolling minimum is the last evicted package's rate plus the
    // incremental relay fee (CFeeRate(fee, vsize) truncates).
    const last = evicted[evicted.length - 1]!;
    const lastRate = Math.floor(Number(last.tx.feeSats * 1000n) / last.tx.vsize);
    expect(Number(toSats(info.mempoolminfee))).toBe(lastRate + incrementalSatPerKvB);
    expect(info.mempoolminfee).toBeGreaterThan(info.minrelaytxfee);

    // Above the relay floor, below the pool's floor: refused with Core's reason and numbers.
    const minSatPerKvB = Number(toSats(info.mempoolminfee));
    const cheap = atRate(coin(), 500, false);
    const required = Math.ceil((cheap.vsize * minSatPerKvB) / 1000);
    const refused = await rpcError('sendrawtransaction', cheap.hex);
    expect([refused.code, refused.message]).toEqual([
      -26,
      `mempool min fee not met, ${cheap.feeSats} < ${required}`,
    ]);
    const [tested] = await node.rpc<{ allowed: boolean; 'reject-reason': string }[]>(
      'testmempoolaccept',
      [cheap.hex],
    );
    expect(tested).toMatchObject({ allowed: false, 'reject-reason': 'mempool min fee not met' });

    // Paying the pool's floor but less than everything kept: accepted, then the cheapest in a
    // pool over its limit, so evicted at once (Core: 'mempool full').
    const cheapestKept = Math.min(...kept.map((f) => f.rate));
    const marginal = atRate(coin(), Math.floor((minSatPerKvB + cheapestKept) / 2), true);
    expect(marginal.feeSats * 1000n).toBeGreaterThanOrEqual(BigInt(minSatPerKvB * marginal.vsize));
    const full = await rpcError('sendrawtransaction', marginal.hex);
    expect([full.code, full.message]).toEqual([-26, 'mempool full']);
    expect(new Set(await node.rpc<string[]>('getrawmempool'))).toEqual(inPool);

    // A small transaction paying well above the floor still gets in.
    const rich = atRate(coin(), 20_000, false);
    expect(await node.rpc('sendrawtransaction', rich.hex)).toBe(rich.txid);
  });

  it("refuses a maxmempool below Core's minimum at start-up", async () => {
    const small = TestNode.create({ noP2P: true, outbound: false, args: { maxmempool: 4 } });
    const { code, output } = await runLauncher(small.manifestPath);
    expect(code).toBe(1);
    expect(output).toMatch(/Error: -maxmempool must be at least 5 MB/);
  }, 60_000);
});
