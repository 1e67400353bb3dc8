/**
 * examples/regtest-deterministic.yaml promises that two runs from an empty datadir mine the same
 * blocks: a seeded Random and `clock: !mock`, which freezes the wall clock as Core's -mocktime
 * does. Two fresh runs of the example (ports set to 0) mine 10 blocks to one address and must
 * reach the same tip hash, with block times at the frozen time.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, TestNode } from './framework/test-node.js';

const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
const EXAMPLE = join(REPO_ROOT, 'examples/regtest-deterministic.yaml');

async function mineTen(): Promise<{ tip: string; times: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'deterministic-'));
  const text = readFileSync(EXAMPLE, 'utf8').replace(/(bind: 127\.0\.0\.1:)\d+/g, '$10');
  writeFileSync(join(dir, 'node.yaml'), text);
  const node = TestNode.create({ dir });
  await node.launch();
  const call = async <T>(method: string, ...params: unknown[]): Promise<T> => {
    const r = await node.rawCall(JSON.stringify({ id: 1, method, params }), 'test:test');
    const body = JSON.parse(r.body) as { result: T; error: unknown };
    expect(body.error).toBeNull();
    return body.result;
  };
  try {
    const hashes = await call<string[]>('generatetoaddress', 10, ADDR);
    // Wall-clock time passes between blocks; the frozen clock must not let it show.
    await new Promise((r) => setTimeout(r, 1100));
    const times: number[] = [];
    for (const h of hashes) times.push((await call<{ time: number }>('getblockheader', h)).time);
    return { tip: await call<string>('getbestblockhash'), times };
  } finally {
    await node.rawCall(JSON.stringify({ id: 1, method: 'stop', params: [] }), 'test:test');
    await node.waitForExit();
  }
}

describe('regtest-deterministic.yaml', () => {
  it('two fresh runs mining 10 blocks reach the same tip', async () => {
    const a = await mineTen();
    await new Promise((r) => setTimeout(r, 1100));
    const b = await mineTen();
    expect(b.tip).toBe(a.tip);
    expect(b.times).toEqual(a.times);
    // Core's block time is max(median time past + 1, now): with now frozen at 1700000000.
    expect(a.times[0]).toBe(1700000000);
  }, 120_000);
});
